"""Many-to-many sea tables: corridor's matrix against scgraph's distance_matrix, same ports.

* 50 x 50 major ports: ``corridor.matrix`` and scgraph 3.6 ``GeoGraph.distance_matrix``
  (on a graph built from the same marnet data, see bench/speed.py), median of 5 runs each;
* 1,000 x 1,000 ports: corridor only (single process, both CPUs), one run, with peak memory.

Run: ``python bench/matrix.py`` (writes bench/results/matrix.json). Takes a few minutes.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from speed import marnet_geograph  # noqa: E402  (same scgraph graph as the speed benchmark)


def ports(net, n: int, seed: int) -> list[tuple[float, float]]:
    joined = np.flatnonzero((np.diff(net.port_conn_indptr) > 0) & np.asarray(net.port_major, bool))
    caspian = (net.port_lon[joined] > 46) & (net.port_lon[joined] < 55) & (net.port_lat[joined] > 36) & \
              (net.port_lat[joined] < 48)
    pool = joined[~caspian]
    rng = np.random.default_rng(seed)
    pick = rng.choice(pool, n, replace=n > len(pool))
    return [(float(net.port_lat[i]), float(net.port_lon[i])) for i in pick]


def timed(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> None:
    from corridor.engine.table import matrix
    from corridor.network import load_network

    net = load_network(progress=False)
    p50 = ports(net, 50, 2026)
    matrix(p50[:2], p50[:2])  # compile and warm up
    c50, m = timed(lambda: matrix(p50, p50), 5)

    # scgraph caches shortest-path trees inside a graph: a fresh graph for every run keeps it honest.
    nodes = [{"latitude": lat, "longitude": lon} for lat, lon in p50]
    runs = []
    for _ in range(5):
        graph = marnet_geograph()
        t = time.perf_counter()
        s = graph.distance_matrix(nodes, output_units="km")
        runs.append(time.perf_counter() - t)
    s50 = statistics.median(runs)
    s = np.array([[np.nan if x is None else x for x in row] for row in s], dtype=float)
    ok = np.isfinite(m.distance_km) & np.isfinite(s) & (s > 0)
    agree = float(np.median(np.abs(m.distance_km[ok] / s[ok] - 1)) * 100)

    p1000 = ports(net, 1000, 7)
    t = time.perf_counter()
    big = matrix(p1000, p1000)
    c1000 = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    rows = [("corridor matrix 50 x 50", f"{c50:.3f} s"), ("scgraph distance_matrix 50 x 50", f"{s50:.3f} s"),
            ("median |corridor / scgraph - 1|, 50 x 50", f"{agree:.1f} %"),
            ("corridor matrix 1,000 x 1,000", f"{c1000:.1f} s"),
            ("  cells with a route", f"{int(np.isfinite(big.distance_km).sum()):,}"),
            ("  peak memory of this process", f"{peak:,.0f} MiB")]
    print(f"sea tables; machine: {os.cpu_count()} CPUs; corridor network {net.manifest['fingerprint']}")
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name:{width}} | {value:>10}")
    out = Path(__file__).with_name("results")
    out.mkdir(exist_ok=True)
    out.joinpath("matrix.json").write_text(json.dumps(
        {"corridor_50_s": c50, "scgraph_50_s": s50, "agreement_pct": agree, "corridor_1000_s": c1000,
         "peak_mib": peak}, indent=1))


if __name__ == "__main__":
    main()
