"""HTTP service speed: start-up, /route, /table (100 × 100 sea points) and a refused oversized table.

What it measures, against a real ``uvicorn`` server on 127.0.0.1 (a subprocess, one worker
unless ``--workers``), with the compiled network already in ``$CORRIDOR_CACHE_DIR``:

* start-up s: from launching the server process to the first ``/health`` answer (network load
  and the kernels' warm-up included).
* /route ms: ``/route?from=PECHY&to=CNSHA``, median and p90 of 20 calls.
* /table 100×100 s: ``POST /table`` with 100 origins and 100 destinations, the coordinates of
  200 sea ports drawn with ``default_rng(8)`` (Caspian ports left out), median of 3 calls.
* /table 10×10 ms: the first 10 × 10 of the same points, median of 10 calls.
* oversized ms: a 101 × 100 table, answered 413 naming ``max_table_cells``; median of 5.
* 8 clients /route s: 8 concurrent clients, 5 routes each (``--workers`` matters here).

Run (from the repository root):
    CORRIDOR_CACHE_DIR=/tmp/cc1 python bench/server.py [--workers 2]
Writes bench/results/server.json with the same numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _timed(fn, n: int) -> list[float]:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def _sea_points() -> list[list[float]]:
    from corridor.network import load_network

    net = load_network(progress=False)
    joined = np.flatnonzero(np.diff(net.port_conn_indptr) > 0)
    sea = [int(i) for i in joined if net.port_country[i] not in ("AZ", "KZ", "TM", "IR")]
    pick = np.random.default_rng(8).choice(sea, 200, replace=False)
    return [[float(net.port_lat[i]), float(net.port_lon[i])] for i in pick]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    points = _sea_points()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "corridor", "serve", "--port", str(port),
                             "--workers", str(args.workers)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ))
    try:
        with httpx.Client(base_url=base, timeout=120) as http:
            while True:
                try:
                    if http.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    if proc.poll() is not None:
                        sys.exit(f"server exited with {proc.returncode}")
                    time.sleep(0.05)
            startup = time.perf_counter() - started

            def ok(r: httpx.Response, status: int = 200) -> None:
                assert r.status_code == status, r.text

            route = _timed(lambda: ok(http.get("/route", params={"from": "PECHY", "to": "CNSHA"})), 20)
            big = {"origins": points[:100], "destinations": points[100:]}
            table = _timed(lambda: ok(http.post("/table", json=big)), 3)
            small = {"origins": points[:10], "destinations": points[100:110]}
            table10 = _timed(lambda: ok(http.post("/table", json=small)), 10)
            over = {"origins": points[:101], "destinations": points[100:]}
            refused = _timed(lambda: ok(http.post("/table", json=over), 413), 5)

        def client(_):
            with httpx.Client(base_url=base, timeout=120) as c:
                for _ in range(5):
                    ok(c.get("/route", params={"from": "NLRTM", "to": "SGSIN"}))

        t = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(client, range(8)))
        concurrent = time.perf_counter() - t
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    ms = lambda xs: 1000 * statistics.median(xs)  # noqa: E731
    rows = [
        ("start-up (load + warm-up)", f"{startup:.2f} s"),
        ("/route PECHY-CNSHA median", f"{ms(route):.0f} ms"),
        ("/route PECHY-CNSHA p90", f"{1000 * np.percentile(route, 90):.0f} ms"),
        ("/table 100x100 median", f"{statistics.median(table):.2f} s"),
        ("/table 10x10 median", f"{ms(table10):.0f} ms"),
        ("/table 101x100 refused (413)", f"{ms(refused):.0f} ms"),
        (f"8 clients x 5 /route, {args.workers} worker(s)", f"{concurrent:.2f} s"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"corridor serve, {os.cpu_count()} CPUs, {args.workers} worker(s)")
    for name, value in rows:
        print(f"  {name:<{width}}  {value:>10}")
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "server.json").write_text(json.dumps({
        "workers": args.workers, "cpus": os.cpu_count(), "startup_s": startup, "route_s": route,
        "table_100x100_s": table, "table_10x10_s": table10, "oversized_s": refused,
        "concurrent_8x5_route_s": concurrent}, indent=2))


if __name__ == "__main__":
    main()
