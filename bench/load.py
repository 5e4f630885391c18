"""Open-loop load test of ``corridor serve``: a fixed request rate, whatever the answers.

The request mix (``--mix unique``, the default) does not repeat: 95 % sea routes between two
ports drawn at random from every port of the compiled network (the World Port Index and the
other port sources, read from the network folder: about 3,900 ports, 15 million pairs) and
5 % multimodal routes between points drawn within 0.25 degrees of inland cities
(:data:`LAND_PAIRS`, located once through ``/places``), all with ``random.Random(7)``; so the
server's answer cache, whose hit rate the table reports (from ``/health`` before and after),
cannot flatter it. ``--mix repeat`` is the earlier mix (20 major ports and the city pairs by
name, 386 distinct requests) that the answer cache serves after a few hundred answers.

Requests are sent at ``--rate`` per second for ``--duration`` seconds without waiting for
answers (open loop, so a slow server meets the same load, as real clients do), over a pool
of ``--connections`` kept-alive HTTP/1.1 connections written by hand on asyncio streams
(no client library, a few tens of microseconds of client CPU per request); a request's
latency runs from the instant it was due, so time spent waiting for a free connection counts
(no coordinated omission). The client shares the machine's CPUs with the server: the CPU
seconds it used are reported beside the figures. Meanwhile ``/health`` is asked every 100 ms
from a separate process. After the load, a sea route is asked every 250 ms until one is
answered 200 within 200 ms ("recovered"). Then a burst: ``--burst`` requests of the same mix
at one instant, each on its own new connection.

It starts ``corridor serve`` itself on 127.0.0.1 (a free port; never another address) with
the given worker count and limits and this environment (so ``PYTHONPATH=/other/src`` runs
another checkout's server), warms it up, and stops it at the end. Everything is bounded: at
most ``--rate`` × ``--duration`` + ``--burst`` requests, each with a 60 s client timeout.

Run (from the repository root, with the network in the cache):
    python bench/load.py --rate 200 --duration 20 --burst 300
Prints a Markdown table (and writes bench/results/load.json): latencies as this client saw
them, and as the server held them (``server_*``, from its ``Server-Timing`` header), and the
seconds each compute worker was busy (``/health``). With ``--trace`` the server records every
request (``CORRIDOR_SERVER_TRACE``, bench/results/trace.jsonl) and the report counts what the
refused requests, those that waited more than 20 ms for a slot and those held more than 50 ms
were behind: a multimodal request, one held 20 ms or more, and the work (ms) of the longest of
each kind ahead (counts, which a busy machine changes less than timings).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import re
import resource
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import numpy as np

SEA_PORTS = ("NLRTM", "BEANR", "DEHAM", "CNSHA", "SGSIN", "CNNGB", "KRPUS", "USLAX", "USNYC", "AEJEA",
             "ESALG", "GRPIR", "EGPSD", "INNSA", "LKCMB", "BRSSZ", "ZADUR", "JPTYO", "AUMEL", "PECHY")
LAND_PAIRS = (("Almaty", "Istanbul"), ("Tashkent", "Hamburg"), ("Yerevan", "Baku"), ("Berlin", "Warsaw"),
              ("Almaty", "Rotterdam"), ("Tbilisi", "Constanta"))
JITTER_DEG = 0.25  # multimodal ends: within this many degrees of a city, so that no two requests repeat
HEALTH_EVERY_S = 0.1
TRACE_SLOW_MS = 20.0  # --trace counts the answers that waited longer than this for a slot
TRACE_LATE_MS = 50.0  # and those the server held longer than this (issue #17's p99)
CLIENT_TIMEOUT_S = 60.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _mix(rng: random.Random, multimodal_share: float) -> dict:
    """The repeating mix: 20 major ports and the city pairs by name (386 distinct requests)."""
    if rng.random() < multimodal_share:
        a, b = rng.choice(LAND_PAIRS)
        return {"from": a, "to": b}
    a, b = rng.sample(SEA_PORTS, 2)
    return {"from": a, "to": b}


class UniqueMix:
    """Requests that do not repeat: random pairs of the network's ports, and multimodal pairs of
    points jittered around :data:`LAND_PAIRS`' cities (located with the server's ``/places``).

    Parameters
    ----------
    base : str
        The server's base URL.
    """

    def __init__(self, base: str):
        from corridor.network import network_dir

        # the network folder's port codes only: the network itself is not loaded in the client

        self.ports = [str(c) for c in np.load(network_dir() / "port_code.npy", allow_pickle=True)]
        self.cities = {}
        for name in {c for pair in LAND_PAIRS for c in pair}:
            place = httpx.get(f"{base}/places", params={"q": name, "limit": 1}, timeout=30).json()[0]
            self.cities[name] = (place["lat"], place["lon"])

    def _near(self, rng: random.Random, city: str) -> str:
        lat, lon = self.cities[city]
        return f"{lat + rng.uniform(-JITTER_DEG, JITTER_DEG):.4f},{lon + rng.uniform(-JITTER_DEG, JITTER_DEG):.4f}"

    def __call__(self, rng: random.Random, multimodal_share: float) -> dict:
        if rng.random() < multimodal_share:
            a, b = rng.choice(LAND_PAIRS)
            return {"from": self._near(rng, a), "to": self._near(rng, b)}
        a, b = rng.sample(self.ports, 2)
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
    counts["4xx"] = sum(1 for s, _, _ in results if isinstance(s, int) and 400 <= s < 500 and s != 429)
    counts["errors"] = len(results) - sum(counts.values())
    ms = lambda v: None if v is None else round(1000 * v, 1)
    return {"test": name, "sent": len(results), "answered_per_s": round(len(ok) / elapsed_s, 1),
            **counts, "p50_ms": ms(_percentile(ok, 50)), "p95_ms": ms(_percentile(ok, 95)),
            "p99_ms": ms(_percentile(ok, 99)), "refused_p99_ms": ms(_percentile(refused, 99)),
            "server_p50_ms": ms(_percentile(ok_server, 50)), "server_p99_ms": ms(_percentile(ok_server, 99)),
            "server_refused_p99_ms": ms(_percentile(refused_server, 99))}


def _server_time(response: httpx.Response) -> float | None:
    """Seconds the server says it held the request (``Server-Timing: app;dur=MS``), or None."""
    return _held(response.headers.get("server-timing", ""))


def _held(server_timing: str) -> float | None:
    """The ``app`` metric of a ``Server-Timing`` header (seconds), or None."""
    return _timings(server_timing).get("app")


def _timings(server_timing: str) -> dict[str, float]:
    """Every ``name;dur=MS`` metric of a ``Server-Timing`` header, in seconds by name."""
    out = {}
    for metric in server_timing.split(","):
        name, *params = (p.strip() for p in metric.split(";"))
        for p in params:
            if p.startswith("dur="):
                out[name] = float(p[4:]) / 1000
    return out


class KeepAlivePool:
    """At most ``size`` kept-alive HTTP/1.1 connections to ``base``, opened as needed; a GET waits
    for a free one. Hand-written on asyncio streams: the server answers with ``Content-Length``.

    Parameters
    ----------
    base : str
        ``http://host:port``.
    size : int
        Most connections open at once.
    """

    def __init__(self, base: str, size: int):
        url = urlsplit(base)
        self.host, self.port = url.hostname, url.port
        self.size, self.opened = size, 0
        self._idle: asyncio.Queue = asyncio.Queue()

    async def _connection(self):
        if self._idle.empty() and self.opened < self.size:
            self.opened += 1
            try:
                return await asyncio.open_connection(self.host, self.port)
            except BaseException:
                self.opened -= 1
                raise
        return await self._idle.get()

    async def get(self, path: str, params: dict) -> tuple[int, float | None]:
        """The status and the server's ``Server-Timing`` seconds of ``GET path?params``."""
        reader, writer = await self._connection()
        try:
            writer.write(f"GET {path}?{urlencode(params)} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode())
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), CLIENT_TIMEOUT_S)
            lines = head.decode("latin-1").split("\r\n")
            headers = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
            headers = {k.strip().lower(): v.strip() for k, v in headers.items()}
            await reader.readexactly(int(headers.get("content-length", 0)))
        except BaseException:
            writer.close()
            self.opened -= 1
            raise
        if headers.get("connection", "").lower() == "close":
            writer.close()
            self.opened -= 1
        else:
            self._idle.put_nowait((reader, writer))
        return int(lines[0].split()[1]), _held(headers.get("server-timing", ""))

    async def close(self) -> None:
        while not self._idle.empty():
            _, writer = self._idle.get_nowait()
            writer.close()


async def _send(pool: KeepAlivePool, params: dict, out: list, due: float) -> None:
    try:
        status, held = await pool.get("/route", params)
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError) as e:
        status, held = type(e).__name__, None
    out.append((status, time.perf_counter() - due, held))


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


async def _open_loop(pool, mix, rng, rate: float, duration_s: float, share: float) -> tuple[list, float]:
    out, tasks = [], []
    start = time.perf_counter()
    for i in range(int(rate * duration_s)):
        due = start + i / rate
        if due > time.perf_counter():
            await asyncio.sleep(due - time.perf_counter())
        tasks.append(asyncio.create_task(_send(pool, mix(rng, share), out, due)))
    sent_s = time.perf_counter() - start
    await asyncio.gather(*tasks)
    return out, sent_s


async def _recovery(pool) -> float | None:
    """Seconds after the load until a sea route is answered 200 within 200 ms (None: not in 30 s)."""
    start = time.perf_counter()
    while time.perf_counter() - start < 30:
        t = time.perf_counter()
        status, _ = await pool.get("/route", {"from": "NLRTM", "to": "SGSIN"})
        if status == 200 and time.perf_counter() - t < 0.2:
            return round(time.perf_counter() - start, 2)
        await asyncio.sleep(0.25)
    return None


async def _floor(base: str, n: int) -> dict:
    """What a request costs apart from planning: ``n`` ``/health`` and ``n`` answer-cache hits, one
    after the other on one kept-alive connection; answers per second and p50 (ms) as the client
    saw them and as the server held them (``Server-Timing``, the cache hits only), and the CPU
    milliseconds the server process used per request (what a busy machine does not change)."""
    pool, floor = KeepAlivePool(base, 1), {}
    for name, path, params in (("health", "/health", {}), ("cache_hit", "/route", {"from": "NLRTM", "to": "SGSIN"})):
        await pool.get(path, params)  # the answer is kept from here on
        seen, held = [], []
        start, cpu = time.perf_counter(), server_cpu_s(base.pid)[0]
        for _ in range(n):
            t = time.perf_counter()
            _, server_s = await pool.get(path, params)
            seen.append(time.perf_counter() - t)
            held.append(server_s)
        floor[name] = {"per_s": round(n / (time.perf_counter() - start)), "p50_ms": round(1000 * _percentile(seen, 50), 2),
                       "server_p50_ms": None if None in held else round(1000 * _percentile(held, 50), 2),
                       "server_cpu_ms": round(1000 * (server_cpu_s(base.pid)[0] - cpu) / n, 2)}
    await pool.close()
    return floor


def _cache_hit_rate(before: dict, after: dict) -> float | None:
    """Share of answer-cache lookups that hit between two ``/health`` ``answer_cache`` readings."""
    hits, misses = after["hits"] - before["hits"], after["misses"] - before["misses"]
    return round(hits / (hits + misses), 3) if hits + misses else None


def _kind(query: str) -> str:
    """``sea`` for a route between two port codes, else ``multimodal`` (points or city names)."""
    params = parse_qs(urlsplit(query).query)
    ends = [params.get(k, [""])[0] for k in ("from", "to")]
    return "sea" if all(re.fullmatch(r"[A-Z0-9]{5}", e) for e in ends) else "multimodal"


def trace_counts(lines: list[dict], slow_ms: float = TRACE_SLOW_MS, late_ms: float = TRACE_LATE_MS) -> dict:
    """What the server's trace (:mod:`corridor.server.trace`) says the refused requests, the
    answers that waited more than ``slow_ms`` for a slot and those held more than ``late_ms``
    were behind: counts, by the kind of the requests held when they arrived and whether one of
    those had been held ``slow_ms`` or more, and the median of the longest work (ms) of the
    requests of each kind ahead (each request's own trace line: the mix does not repeat)."""
    work_of = {r["q"]: r["work_ms"] for r in lines if r["work_ms"] is not None}

    def behind(rows: list[dict]) -> dict:
        out = {"count": len(rows), "behind_multimodal": 0, "behind_one_held_long": 0,
               "behind_multimodal_held_long": 0, "held_ahead_p50": None}
        longest = {"sea": [], "multimodal": []}
        for r in rows:
            kinds = [(_kind(q), age, work_of.get(q)) for q, age in r["ahead"]]
            out["behind_multimodal"] += any(k == "multimodal" for k, _, _ in kinds)
            out["behind_one_held_long"] += any(age >= slow_ms for _, age, _ in kinds)
            out["behind_multimodal_held_long"] += any(k == "multimodal" and age >= slow_ms for k, age, _ in kinds)
            for kind, works in longest.items():
                ahead = [w for k, _, w in kinds if k == kind and w is not None]
                if ahead:
                    works.append(max(ahead))
        if rows:
            out["held_ahead_p50"] = statistics.median(len(r["ahead"]) for r in rows)
        out["longest_work_ahead_ms_p50"] = {k: _percentile(w, 50) for k, w in longest.items()}
        return out

    work = {kind: sorted(r["work_ms"] for r in lines if r["work_ms"] is not None and _kind(r["q"]) == kind)
            for kind in ("sea", "multimodal")}
    return {"slow_ms": slow_ms, "late_ms": late_ms, "refused": behind([r for r in lines if r["status"] == 503]),
            "waited_long": behind([r for r in lines if r["status"] == 200 and (r["wait_ms"] or 0) > slow_ms]),
            "held_late": behind([r for r in lines if r["status"] == 200 and r["held_ms"] > late_ms]),
            "work_ms": {kind: {"n": len(w), "p50": _percentile(w, 50), "p99": _percentile(w, 99),
                               "max": w[-1] if w else None} for kind, w in work.items()}}


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _run(base: str, args) -> dict:
    rng = random.Random(7)
    floor = await _floor(base, args.floor) if args.floor else None
    mix = UniqueMix(base) if args.mix == "unique" else _mix
    pool = KeepAlivePool(base, args.connections)
    for a, b in LAND_PAIRS:  # warm-up: hierarchies and kernels loaded before the clock starts
        await pool.get("/route", {"from": a, "to": b})
    for a, b in zip(SEA_PORTS, SEA_PORTS[1:] + SEA_PORTS[:1]):
        await pool.get("/route", {"from": a, "to": b})
    cache = lambda: httpx.get(f"{base}/health", timeout=30).json()["answer_cache"]
    cache_before = cache()
    stop, (results_in, results_out) = multiprocessing.Event(), multiprocessing.Pipe(duplex=False)
    probe = multiprocessing.Process(target=_health_probe, args=(base, stop, results_out))
    probe.start()
    load_start, cpu_start, server_start = time.perf_counter(), _cpu_s(), server_cpu_s(base.pid)
    results, sent_s = await _open_loop(pool, mix, rng, args.rate, args.duration, args.multimodal)
    load_s, client_cpu_s = time.perf_counter() - load_start, _cpu_s() - cpu_start
    server_end = server_cpu_s(base.pid)
    cache_after = cache()
    # Answers still in flight after the last send count in the load; recovery starts after them.
    recovered = await _recovery(pool)
    burst: list = []
    burst_pool = KeepAlivePool(base, max(1, args.burst))  # one new connection per request
    t = time.perf_counter()
    await asyncio.gather(*[_send(burst_pool, mix(rng, args.multimodal), burst, t) for _ in range(args.burst)])
    burst_s = time.perf_counter() - t
    await burst_pool.close()
    await pool.close()
    stop.set()
    health = results_in.recv()
    probe.join()
    hp = [t for s, t in health if s == 200]
    return {"rate": args.rate, "duration_s": args.duration, "mix": args.mix, "send_s": round(sent_s, 2),
            "load": {**_summary(f"open loop {args.rate:g}/s", results, load_s),
                     "cache_hit_rate": _cache_hit_rate(cache_before, cache_after),
                     "client_cpu_s": round(client_cpu_s, 1),
                     "server_loop_cpu_s": round(server_end[0] - server_start[0], 1),
                     "server_workers_cpu_s": round(server_end[1] - server_start[1], 1)},
            "burst": _summary(f"burst of {args.burst}", burst, burst_s),
            "health": {"asked": len(health), "ok": len(hp), "p50_ms": round(1000 * statistics.median(hp), 1) if hp else None,
                       "max_ms": round(1000 * max(hp), 1) if hp else None},
            "recovered_after_s": recovered, "floor": floor}


def _table(report: dict) -> str:
    cols = ("test", "sent", "answered_per_s", "200", "4xx", "429", "503", "504", "errors", "p50_ms", "p95_ms",
            "p99_ms", "refused_p99_ms", "server_p50_ms", "server_p99_ms", "server_refused_p99_ms")
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in (report["load"], report["burst"]):
        lines.append("| " + " | ".join(str(row[c]) for c in cols) + " |")
    h, load = report["health"], report["load"]
    lines.append(f"\nanswer cache hit rate during the load {load['cache_hit_rate']}; the client used "
                 f"{load['client_cpu_s']} CPU s in {report['duration_s']:g} s, the server's event loop "
                 f"{load['server_loop_cpu_s']} and its compute workers {load['server_workers_cpu_s']}. /health during the run: "
                 f"{h['ok']}/{h['asked']} answered, p50 {h['p50_ms']} ms, max {h['max_ms']} ms; "
                 f"back to normal {report['recovered_after_s']} s after the load.")
    if report["floor"]:
        lines.append("floor, one request at a time on one connection: " + "; ".join(
            f"{name} {f['per_s']}/s, p50 {f['p50_ms']} ms (server {f['server_p50_ms']} ms, "
            f"{f['server_cpu_ms']} CPU ms per request)"
            for name, f in report["floor"].items()))
    return "\n".join(lines)


class Served(str):
    """The base URL of a server :func:`served` started, with its process id (``pid``)."""

    pid: int


def server_cpu_s(pid: int) -> tuple[float, float]:
    """CPU seconds used so far by the server process ``pid`` (its event loop: uvicorn with one
    worker runs in it) and by its child processes alive now (the compute workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")

    def stat(p) -> list[str]:
        return Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()

    own = stat(pid)
    children = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = stat(entry.name)
            except OSError:
                continue
            if int(fields[1]) == pid:
                children += (int(fields[11]) + int(fields[12])) / tick
    return (int(own[11]) + int(own[12])) / tick, children


@contextmanager
def served(*serve_args: str):
    """``corridor serve`` on a free port of 127.0.0.1 with ``serve_args``: its base URL (a
    :class:`Served`, which knows the server's pid) once it answers ``/health``; stopped on leaving."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "corridor", "serve", "--host", "127.0.0.1", "--port", str(port),
                             *serve_args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ))
    try:
        wait_ready(proc, base)
        base = Served(base)
        base.pid = proc.pid
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
    ap.add_argument("--mix", choices=("unique", "repeat"), default="unique",
                    help="unique: requests that do not repeat (default); repeat: 386 distinct requests")
    ap.add_argument("--connections", type=int, default=64, help="kept-alive connections of the load (default 64)")
    ap.add_argument("--floor", type=int, default=500,
                    help="/health and answer-cache hits timed one at a time before the load (default 500; 0: none)")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--trace", action="store_true",
                    help="have the server trace every request (CORRIDOR_SERVER_TRACE) and count what the refused "
                         "and the long-waiting requests were behind (into load.json)")
    ap.add_argument("--serve-args", default="", help="extra flags for corridor serve, e.g. '--timeout 10'")
    args = ap.parse_args()
    if not (0 < args.duration <= 120 and 0 < args.rate <= 2000 and 0 <= args.burst <= 5000
            and 0 < args.connections <= 1000 and 0 <= args.floor <= 10_000):
        ap.error("--duration must be in (0, 120], --rate in (0, 2000], --burst in [0, 5000], "
                 "--connections in (0, 1000], --floor in [0, 10000]")
    trace = Path(__file__).parent / "results" / "trace.jsonl"
    if args.trace:
        trace.parent.mkdir(exist_ok=True)
        trace.unlink(missing_ok=True)
        os.environ["CORRIDOR_SERVER_TRACE"] = str(trace)
    with served("--workers", str(args.workers), *args.serve_args.split()) as base:
        report = asyncio.run(_run(base, args))
        health = httpx.get(f"{base}/health", timeout=30).json()["load"]
    report["workers_busy_s"] = health.get("busy_s")
    if args.trace:
        report["trace"] = trace_counts([json.loads(line) for line in trace.read_text().splitlines()])
    report["command"] = "python bench/load.py " + " ".join(sys.argv[1:])
    out = Path(__file__).parent / "results" / "load.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    print(_table(report))
    if args.trace:
        print("trace:", json.dumps(report["trace"]))
    print("workers busy s:", report["workers_busy_s"])


if __name__ == "__main__":
    main()
