"""Many-to-many sea tables: corridor's matrix against scgraph's distance_matrix, same ports.

* 50 x 50 major ports: ``corridor.matrix`` and scgraph 3.6 ``GeoGraph.distance_matrix``
  (on a graph built from the same marnet data, see bench/speed.py), median of 5 runs each;
* 1,000 x 1,000 ports: corridor only (single process, both CPUs), one run, with peak memory.

Run: ``python bench/matrix.py`` (writes bench/results/matrix.json). Takes a few minutes.

``python bench/matrix.py --multimodal``: multimodal tables (sea, rail, road, ferry) of the
most populous inland cities of Europe and Asia, 20 x 20 and 100 x 100, and a sample of cells
checked against ``corridor.route`` (writes bench/results/matrix_multimodal.json).
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
    print_and_save(rows, "matrix.json", {"corridor_50_s": c50, "scgraph_50_s": s50, "agreement_pct": agree,
                                         "corridor_1000_s": c1000, "peak_mib": peak})


def print_and_save(rows: list[tuple[str, str]], file: str, doc: dict) -> None:
    """Print ``rows`` (name, value) as a two-column table and write ``doc`` to bench/results/``file``."""
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name:{width}} | {value:>10}")
    out = Path(__file__).with_name("results")
    out.mkdir(exist_ok=True)
    out.joinpath(file).write_text(json.dumps(doc, indent=1))


SURFACE = "sea,rail,road,ferry"
INLAND_KM = 200.0  # an inland city: this far from every port


def inland_cities(net, n: int) -> list[tuple[str, tuple[float, float]]]:
    """The ``n`` most populous cities of Europe and Asia (longitude -10 to 135, latitude 20 to
    65) at least INLAND_KM from every port of the network: (name, (lat, lon))."""
    from corridor.data.cities import read_cities
    from corridor.geo import haversine_km

    c = read_cities()
    box = (c.lon > -10) & (c.lon < 135) & (c.lat > 20) & (c.lat < 65)
    out = []
    for i in np.flatnonzero(box)[np.argsort(-c.population[box], kind="stable")]:
        if haversine_km(c.lon[i], c.lat[i], net.port_lon, net.port_lat).min() >= INLAND_KM:
            out.append((str(c.name[i]), (float(c.lat[i]), float(c.lon[i]))))
            if len(out) == n:
                break
    return out


def policy_cities(n: int) -> list[tuple[float, float]]:
    """The ``n`` most populous cities of the transit policy's countries in Europe (RU, BY, UA),
    whose cells take the planner's per-pair policy (no hierarchy fits it: Dijkstra rows)."""
    from corridor.data.cities import read_cities

    c = read_cities()
    pick = np.flatnonzero(np.isin(c.country, ["RU", "BY", "UA"]) & (c.lon < 60))
    pick = pick[np.argsort(-c.population[pick], kind="stable")][:n]
    return [(float(c.lat[i]), float(c.lon[i])) for i in pick]


def multimodal() -> None:
    import corridor
    from corridor.network import load_network

    net = load_network(progress=False)
    cities = inland_cities(net, 100)
    places = [p for _, p in cities]
    corridor.matrix(places[:2], modes=SURFACE)  # compile and warm up
    t20, m20 = timed(lambda: corridor.matrix(places[:20], modes=SURFACE), 3)
    t100, m100 = timed(lambda: corridor.matrix(places, modes=SURFACE), 3)
    mixed = places[:15] + policy_cities(5)
    t20_policy, m_policy = timed(lambda: corridor.matrix(mixed, modes=SURFACE), 1)
    os.environ["CORRIDOR_NO_CH"] = "1"  # the fallback: one Dijkstra per row on the whole network
    t20_rows, rows20 = timed(lambda: corridor.matrix(places[:20], modes=SURFACE), 1)
    del os.environ["CORRIDOR_NO_CH"]
    assert np.allclose(rows20.duration_h, m20.duration_h, equal_nan=True)
    # before tables had modes: every pair routed (what /table/v1/surface does)
    t = time.perf_counter()
    for a in places[:20]:
        for b in places[:20]:
            if a != b:
                corridor.route(a, b, modes=SURFACE, services="direct")
    t20_routes = time.perf_counter() - t
    rng = np.random.default_rng(17)
    pairs = [tuple(int(x) for x in rng.choice(100, 2, replace=False)) for _ in range(20)]
    same = {"direct": 0, "liner": 0}
    worst = 0.0
    for i, j in pairs:
        for services in same:
            r = corridor.route(places[i], places[j], modes=SURFACE, services=services)
            ok = abs(r.duration_h - m100.duration_h[i, j]) <= 1e-6 * r.duration_h
            same[services] += ok
            if services == "direct":
                worst = max(worst, abs(r.distance_km - m100.distance_km[i, j]))
    rows = [("corridor.matrix 20 x 20, modes " + SURFACE, f"{t20:.3f} s"),
            ("corridor.matrix 100 x 100, modes " + SURFACE, f"{t100:.3f} s"),
            ("  20 x 20, 5 of them cities in RU, BY, UA (transit policy)", f"{t20_policy:.2f} s"),
            ("  20 x 20 by Dijkstra rows (CORRIDOR_NO_CH=1, the fallback)", f"{t20_rows:.2f} s"),
            ("  20 x 20 by routing each of the 380 pairs", f"{t20_routes:.2f} s"),
            ("  cells with a route (100 x 100)", f"{int(np.isfinite(m100.duration_h).sum()):,}"),
            ("  sampled cells = route hours, services=direct", f"{same['direct']} / {len(pairs)}"),
            ("  sampled cells = route hours, services=liner", f"{same['liner']} / {len(pairs)}"),
            ("  largest km difference, services=direct", f"{worst:.3f} km")]
    print(f"multimodal tables, inland cities of Europe and Asia; {os.cpu_count()} CPUs; "
          f"corridor network {net.manifest['fingerprint']}")
    print(next(n for n in m100.notes if n.startswith("cells found")))
    print("with policy countries:", next(n for n in m_policy.notes if n.startswith("cells found")))
    print_and_save(rows, "matrix_multimodal.json", {
        "corridor_20_s": t20, "corridor_100_s": t100, "dijkstra_rows_20_s": t20_rows, "policy_20_s": t20_policy,
        "routes_20_s": t20_routes, "cities": [n for n, _ in cities], "same": {k: int(v) for k, v in same.items()},
        "sampled": len(pairs), "notes": m100.notes})


if __name__ == "__main__":
    multimodal() if "--multimodal" in sys.argv[1:] else main()
