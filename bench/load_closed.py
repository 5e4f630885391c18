"""Closed-loop load test of ``corridor serve``: ``--threads`` clients, each sending its next
request as soon as the last is answered, for ``--duration`` seconds.

The mix and warm-up are :mod:`load`'s (95 % sea routes, 5 % multimodal): by default requests
that do not repeat (random port pairs, jittered multimodal ends), ``--mix repeat`` the earlier
386 distinct requests between major ports and cities.
Unlike the open loop of ``bench/load.py``, whose single client opens a connection per
pending request and on a busy machine measures itself, this needs only ``--threads`` kept-alive
connections, so it still measures the server when the CPUs are shared. It starts
``corridor serve`` on 127.0.0.1 with this environment (``PYTHONPATH``, ``CORRIDOR_*``) and
stops it at the end.

Run (from the repository root, with the network in the cache):
    python bench/load_closed.py --threads 8 --duration 30
Prints one line: answers per second, refusals, latency percentiles (ms) as the clients saw
them and as the server held them (``Server-Timing``), and the server's answer cache.
"""

from __future__ import annotations

import argparse
import random
import threading
import time

import httpx
from load import (
    LAND_PAIRS,
    SEA_PORTS,
    UniqueMix,
    _mix,
    _percentile,
    _server_time,
    served,
)


def _clients(base: str, threads: int, seconds: float, share: float, mix) -> list:
    out, end = [], time.monotonic() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=base, timeout=60) as http:
            while time.monotonic() < end:
                t = time.perf_counter()
                r = http.get("/route", params=mix(rng, share))
                out.append((r.status_code, time.perf_counter() - t, _server_time(r)))

    workers = [threading.Thread(target=client, args=(seed,)) for seed in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=8, help="concurrent clients (default 8, at most 64)")
    ap.add_argument("--duration", type=float, default=30, help="seconds (default 30, at most 120)")
    ap.add_argument("--multimodal", type=float, default=0.05, help="share of multimodal requests (default 0.05)")
    ap.add_argument("--mix", choices=("unique", "repeat"), default="unique",
                    help="unique: requests that do not repeat (default); repeat: 386 distinct requests")
    args = ap.parse_args()
    if not (0 < args.duration <= 120 and 0 < args.threads <= 64):
        ap.error("--duration must be in (0, 120], --threads in (0, 64]")
    with served() as base:
        with httpx.Client(base_url=base, timeout=60) as http:  # the warm-up of bench/load.py
            for a, b in [*LAND_PAIRS, *zip(SEA_PORTS, SEA_PORTS[1:] + SEA_PORTS[:1])]:
                http.get("/route", params={"from": a, "to": b})
        mix = UniqueMix(base) if args.mix == "unique" else _mix
        results = _clients(base, args.threads, args.duration, args.multimodal, mix)
        cache = httpx.get(f"{base}/health", timeout=10).json().get("answer_cache")
    ok = [t for s, t, _ in results if s == 200]
    held = [t for s, _, t in results if s == 200 and t is not None]
    ms = lambda v, q: round(1000 * _percentile(v, q), 1) if v else None
    print(f"{len(results)} sent, {len(ok)} answered ({len(ok) / args.duration:.1f}/s), "
          f"{sum(s == 503 for s, _, _ in results)} refused 503; client p50 {ms(ok, 50)} p99 {ms(ok, 99)} ms; "
          f"server p50 {ms(held, 50)} p99 {ms(held, 99)} ms; answer cache {cache}")


if __name__ == "__main__":
    main()
