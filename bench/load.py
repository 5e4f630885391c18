"""Open-loop load test of ``corridor serve``: a fixed request rate, whatever the answers.

The request mix: 95 % sea routes between major container ports (``/route?from=..&to=..``
over :data:`SEA_PORTS`), 5 % multimodal routes between inland cities (:data:`LAND_PAIRS`),
drawn with ``random.Random(7)``. Requests are sent at ``--rate`` per second for
``--duration`` seconds without waiting for answers (open loop, so a slow server meets the
same load, as real clients do). Meanwhile ``/health`` is asked every 100 ms from a separate
process (so that its timings are the server's, not those of this busy load generator). After the load,
a sea route is asked every 250 ms until one is answered 200 within 200 ms ("recovered").
Then a burst: ``--burst`` requests of the same mix at one instant.

It starts ``corridor serve`` itself on 127.0.0.1 (a free port; never another address) with
the given worker count and limits, warms it up, and stops it at the end. Everything is
bounded: at most ``--rate`` × ``--duration`` + ``--burst`` requests, each with a 60 s
client timeout.

Run (from the repository root, with the network in the cache):
    python bench/load.py --rate 200 --duration 20 --burst 300
Prints a Markdown table (and writes bench/results/load.json): latencies as this client saw
them, and as the server held them (``server_*``, from its ``Server-Timing`` header): on a
shared machine the load generator itself waits for the CPU, and only the latter is the server's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

SEA_PORTS = ("NLRTM", "BEANR", "DEHAM", "CNSHA", "SGSIN", "CNNGB", "KRPUS", "USLAX", "USNYC", "AEJEA",
             "ESALG", "GRPIR", "EGPSD", "INNSA", "LKCMB", "BRSSZ", "ZADUR", "JPTYO", "AUMEL", "PECHY")
LAND_PAIRS = (("Almaty", "Istanbul"), ("Tashkent", "Hamburg"), ("Yerevan", "Baku"), ("Berlin", "Warsaw"),
              ("Almaty", "Rotterdam"), ("Tbilisi", "Constanta"))
HEALTH_EVERY_S = 0.1
CLIENT_TIMEOUT_S = 60.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _mix(rng: random.Random, multimodal_share: float) -> dict:
    if rng.random() < multimodal_share:
        a, b = rng.choice(LAND_PAIRS)
        return {"from": a, "to": b}
    a, b = rng.sample(SEA_PORTS, 2)
    return {"from": a, "to": b}


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(q / 100 * len(values)))]


def _summary(name: str, results: list[tuple[int | str, float, float | None]], elapsed_s: float) -> dict:
    """Counts by status, achieved answer rate and latency percentiles (ms) of the 200 answers, as
    this client saw them and as the server held them (its ``Server-Timing``, when it sends one)."""
    ok = [t for s, t, _ in results if s == 200]
    ok_server = [t for s, _, t in results if s == 200 and t is not None]
    refused = [t for s, t, _ in results if s in (429, 503)]
    refused_server = [t for s, _, t in results if s in (429, 503) and t is not None]
    counts = {str(k): sum(1 for s, _, _ in results if s == k) for k in (200, 429, 503, 504)}
    counts["errors"] = len(results) - sum(counts.values())
    ms = lambda v: None if v is None else round(1000 * v, 1)  # noqa: E731
    return {"test": name, "sent": len(results), "answered_per_s": round(len(ok) / elapsed_s, 1),
            **counts, "p50_ms": ms(_percentile(ok, 50)), "p95_ms": ms(_percentile(ok, 95)),
            "p99_ms": ms(_percentile(ok, 99)), "refused_p99_ms": ms(_percentile(refused, 99)),
            "server_p50_ms": ms(_percentile(ok_server, 50)), "server_p99_ms": ms(_percentile(ok_server, 99)),
            "server_refused_p99_ms": ms(_percentile(refused_server, 99))}


def _server_time(response: httpx.Response) -> float | None:
    """Seconds the server says it held the request (``Server-Timing: app;dur=MS``), or None."""
    for part in response.headers.get("server-timing", "").split(";"):
        if part.strip().startswith("dur="):
            return float(part.strip()[4:]) / 1000
    return None


async def _send(http: httpx.AsyncClient, params: dict, out: list) -> None:
    t = time.perf_counter()
    try:
        r = await http.get("/route", params=params)
        status, held = r.status_code, _server_time(r)
    except httpx.HTTPError as e:
        status, held = type(e).__name__, None
    out.append((status, time.perf_counter() - t, held))


def _health_probe(base: str, stop, out) -> None:
    """Ask ``/health`` every HEALTH_EVERY_S until ``stop`` is set; send the (status, seconds) list to ``out``."""
    results = []
    with httpx.Client(base_url=base, timeout=CLIENT_TIMEOUT_S) as http:
        while not stop.is_set():
            t = time.perf_counter()
            try:
                status = http.get("/health").status_code
            except httpx.HTTPError as e:
                status = type(e).__name__
            results.append((status, time.perf_counter() - t))
            time.sleep(HEALTH_EVERY_S)
    out.send(results)


async def _open_loop(http, rng, rate: float, duration_s: float, share: float) -> tuple[list, float]:
    out, tasks = [], []
    start = time.perf_counter()
    for i in range(int(rate * duration_s)):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(_send(http, _mix(rng, share), out)))
    sent_s = time.perf_counter() - start
    await asyncio.gather(*tasks)
    return out, sent_s


async def _recovery(http) -> float | None:
    """Seconds after the load until a sea route is answered 200 within 200 ms (None: not in 30 s)."""
    start = time.perf_counter()
    while time.perf_counter() - start < 30:
        t = time.perf_counter()
        r = await http.get("/route", params={"from": "NLRTM", "to": "SGSIN"})
        if r.status_code == 200 and time.perf_counter() - t < 0.2:
            return round(time.perf_counter() - start, 2)
        await asyncio.sleep(0.25)
    return None


async def _run(base: str, args) -> dict:
    rng = random.Random(7)
    limits = httpx.Limits(max_connections=2000, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=base, timeout=CLIENT_TIMEOUT_S, limits=limits) as http:
        for a, b in LAND_PAIRS:  # warm-up: hierarchies and kernels loaded before the clock starts
            await http.get("/route", params={"from": a, "to": b})
        for a, b in zip(SEA_PORTS, SEA_PORTS[1:] + SEA_PORTS[:1]):
            await http.get("/route", params={"from": a, "to": b})
        stop, (results_in, results_out) = multiprocessing.Event(), multiprocessing.Pipe(duplex=False)
        probe = multiprocessing.Process(target=_health_probe, args=(base, stop, results_out))
        probe.start()
        load_start = time.perf_counter()
        results, sent_s = await _open_loop(http, rng, args.rate, args.duration, args.multimodal)
        load_s = time.perf_counter() - load_start
        # Answers still in flight after the last send count in the load; recovery starts after them.
        recovered = await _recovery(http)
        burst: list = []
        t = time.perf_counter()
        await asyncio.gather(*[_send(http, _mix(rng, args.multimodal), burst) for _ in range(args.burst)])
        burst_s = time.perf_counter() - t
        stop.set()
        health = results_in.recv()
        probe.join()
    hp = [t for s, t in health if s == 200]
    return {"rate": args.rate, "duration_s": args.duration, "send_s": round(sent_s, 2),
            "load": _summary(f"open loop {args.rate:g}/s", results, load_s),
            "burst": _summary(f"burst of {args.burst}", burst, burst_s),
            "health": {"asked": len(health), "ok": len(hp), "p50_ms": round(1000 * statistics.median(hp), 1) if hp else None,
                       "max_ms": round(1000 * max(hp), 1) if hp else None},
            "recovered_after_s": recovered}


def _table(report: dict) -> str:
    cols = ("test", "sent", "answered_per_s", "200", "429", "503", "504", "errors", "p50_ms", "p95_ms", "p99_ms",
            "refused_p99_ms", "server_p50_ms", "server_p99_ms", "server_refused_p99_ms")
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in (report["load"], report["burst"]):
        lines.append("| " + " | ".join(str(row[c]) for c in cols) + " |")
    h = report["health"]
    lines.append(f"\n/health during the run: {h['ok']}/{h['asked']} answered, p50 {h['p50_ms']} ms, max {h['max_ms']} ms; "
                 f"back to normal {report['recovered_after_s']} s after the load.")
    return "\n".join(lines)


@contextmanager
def served(*serve_args: str):
    """``corridor serve`` on a free port of 127.0.0.1 with ``serve_args``: its base URL once it
    answers ``/health``; stopped on leaving."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "corridor", "serve", "--host", "127.0.0.1", "--port", str(port),
                             *serve_args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ))
    try:
        wait_ready(proc, base)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_ready(proc: subprocess.Popen, base: str) -> None:
    """Return once the server started as ``proc`` answers ``/health`` (exit if it died or took 300 s)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"corridor serve exited with {proc.returncode}")
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    sys.exit("corridor serve did not answer /health in 300 s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=float, default=200, help="requests per second (default 200)")
    ap.add_argument("--duration", type=float, default=20, help="seconds of load (default 20, at most 120)")
    ap.add_argument("--multimodal", type=float, default=0.05, help="share of multimodal requests (default 0.05)")
    ap.add_argument("--burst", type=int, default=300, help="requests sent at one instant after the load")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--serve-args", default="", help="extra flags for corridor serve, e.g. '--timeout 10'")
    args = ap.parse_args()
    if not (0 < args.duration <= 120 and 0 < args.rate <= 2000 and 0 <= args.burst <= 5000):
        ap.error("--duration must be in (0, 120], --rate in (0, 2000], --burst in [0, 5000]")
    with served("--workers", str(args.workers), *args.serve_args.split()) as base:
        report = asyncio.run(_run(base, args))
    report["command"] = "python bench/load.py " + " ".join(sys.argv[1:])
    out = Path(__file__).parent / "results" / "load.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    print(_table(report))


if __name__ == "__main__":
    main()
