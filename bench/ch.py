"""Contraction hierarchy (CH) of the sea layer against A*, scgraph and searoute, same ports.

Tables printed (and written to bench/results/ch.json):

1. Point-to-point, the 50 major-port pairs of bench/speed.py (seed 2026). Every query is run
   REPEATS (20) times; the per-pair median is taken, then the median and p90 over the pairs.
   * corridor engine, coordinates -> km + path: measured as scgraph's ``get_shortest_path``
     is: two (lat, lon) points, each joined to its nearest sea node, the CH search (km), the
     path unpacked and returned as coordinates (:func:`corridor.search_ch.sea_point_path`).
   * corridor search A* / CH: the network search alone, km metric, default closed passages,
     from the origin's sea connectors to the destination's (path unpacked to edges); both
     must give the same km (checked on every pair).
   * corridor.route (sea) with the hierarchy and with A* (``CORRIDOR_NO_CH=1``): the whole
     call (place resolution, access to the water, search, legs, costing, geometry).
   * corridor.route (all surface): the same pairs with modes sea, rail, road, ferry, with the
     whole-network hierarchy and with A*.
   * "first call": each pair's first request in the warm process, timed once (a repeated sea
     request is answered from the legs corridor keeps, so the repeats measure that).
   * searoute 1.x, scgraph 3.6 default (bidirectional buckets) and scgraph's own CH, on a
     graph built from searoute's marnet (see bench/speed.py).
2. Tables: 50 x 50 major ports (bench/matrix.py's draw), median of 20 runs, corridor with the
   hierarchy (its hub labels when built, else CH buckets) and with one Dijkstra per row, and
   scgraph distance_matrix (fresh graph per run); 1,000 x 1,000 ports, one run each in a fresh
   process (2 threads), with its peak memory. ``python bench/ch.py --tables`` prints this part
   alone, the 1,000 x 1,000 Dijkstra rows only with ``--tables dijkstra`` (run it with another
   checkout's ``src`` on PYTHONPATH to compare two versions).
3. Preprocessing: CH build time and size on disk; scgraph CH preprocessing time.

Run: ``CORRIDOR_CACHE_DIR=... python bench/ch.py`` (builds the hierarchies first if they are not
cached: ``python -m corridor.default_hierarchies``).
"""

from __future__ import annotations

import dataclasses
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from matrix import ports  # noqa: E402
from speed import choose_pairs, marnet_geograph  # noqa: E402

REPEATS = 20


def per_item_ms(fn, items, repeats=REPEATS):
    out = []
    for it in items:
        fn(it)
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            fn(it)
            times.append(time.perf_counter() - t)
        out.append(1000 * statistics.median(times))
    return out


def first_call_ms(fn, items):
    """Each item's first call only: what a request nobody asked before costs in a warm process
    (corridor keeps a repeated sea request's answer, so the median of repeats measures that)."""
    out = []
    for it in items:
        t = time.perf_counter()
        fn(it)
        out.append(1000 * (time.perf_counter() - t))
    return out


def _peak_mib() -> float:
    """Peak resident memory of this process since it started (VmHWM: unlike ru_maxrss, it
    does not carry over the parent's peak through fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def big_child(method: str) -> None:
    """Fresh process: one 1,000 x 1,000 table, printing seconds and peak memory."""
    if method == "dijkstra":
        os.environ["CORRIDOR_NO_CH"] = "1"
    from corridor.engine.table import matrix
    from corridor.network import load_network

    net = load_network(progress=False)
    p = ports(net, 1000, 7)
    matrix(p[:2], p[:2])  # compile / load
    t = time.perf_counter()
    m = matrix(p, p)
    s = time.perf_counter() - t
    print(json.dumps({"seconds": s, "peak_mib": _peak_mib(),
                      "cells": int(np.isfinite(m.distance_km).sum()), "sum_km": float(np.nansum(m.distance_km))}))


def tables(net, blocked: int, big_methods=("ch", "dijkstra")) -> dict:
    """The sea tables part: 50 x 50 medians (corridor with and without the hierarchy, its search
    alone, scgraph) and the 1,000 x 1,000 children of ``big_methods``; seconds and MiB, keyed as
    in ch.json."""
    from corridor.costing.profile import Profile
    from corridor.engine.access import access
    from corridor.engine.table import _connectors, _fill, matrix
    from corridor.places import resolve

    p50 = ports(net, 50, 2026)
    matrix(p50[:2], p50[:2])

    def med(fn, runs=REPEATS):
        ts = []
        for _ in range(runs):
            t = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t)
        return statistics.median(ts)

    t50_ch = med(lambda: matrix(p50, p50))
    os.environ["CORRIDOR_NO_CH"] = "1"
    t50_dj = med(lambda: matrix(p50, p50))
    del os.environ["CORRIDOR_NO_CH"]
    accs = [access(net, resolve(q, net), Profile(frozenset({"sea"}))) for q in p50]
    conn = _connectors(accs)
    out = np.empty((50, 50))
    k50_ch = med(lambda: _fill(net, blocked, conn, conn, out, os.cpu_count() or 1, use_ch=True))
    k50_dj = med(lambda: _fill(net, blocked, conn, conn, out, os.cpu_count() or 1, use_ch=False))
    nodes = [{"latitude": a, "longitude": b} for a, b in p50]
    sc = []
    for _ in range(REPEATS):
        gg = marnet_geograph()
        t = time.perf_counter()
        gg.distance_matrix(nodes, output_units="km", silent=True)
        sc.append(time.perf_counter() - t)
    t50_sc = statistics.median(sc)
    big = {}
    for method in big_methods:
        res = subprocess.run([sys.executable, __file__, "--big", method], check=True, capture_output=True, text=True)
        big[method] = json.loads(res.stdout.splitlines()[-1])

    return {"matrix_50_s": {"ch": t50_ch, "dijkstra": t50_dj, "kernel_ch": k50_ch, "kernel_dijkstra": k50_dj,
                            "scgraph": t50_sc},
            "matrix_1000": big}


def print_tables(tab: dict) -> None:
    m50, big = tab["matrix_50_s"], tab["matrix_1000"]
    print(f"\nsea tables (median of {REPEATS} runs; 1,000 x 1,000: one run in a fresh process, "
          f"{os.cpu_count()} threads)")
    trows = [("corridor matrix 50 x 50, hierarchy", f"{m50['ch']:.4f} s"),
             ("corridor matrix 50 x 50, Dijkstra rows", f"{m50['dijkstra']:.4f} s"),
             ("  search kernel only, hierarchy", f"{m50['kernel_ch']:.4f} s"),
             ("  search kernel only, Dijkstra rows", f"{m50['kernel_dijkstra']:.4f} s"),
             ("scgraph distance_matrix 50 x 50", f"{m50['scgraph']:.4f} s")]
    for m_, label in (("ch", "hierarchy"), ("dijkstra", "Dijkstra rows")):
        if m_ in big:
            trows.append((f"corridor matrix 1,000 x 1,000, {label}", f"{big[m_]['seconds']:.2f} s"))
            trows.append(("  peak memory of that process", f"{big[m_]['peak_mib']:,.0f} MiB"))
    if len(big) == 2:
        trows.append(("  same cells and sums (hierarchy vs Dijkstra)",
                      (f"{big['ch']['cells'] == big['dijkstra']['cells']}, "
                       f"{abs(big['ch']['sum_km'] - big['dijkstra']['sum_km']):.1e} km")))
    w = max(len(r[0]) for r in trows)
    for a, b in trows:
        print(f"{a:<{w}} | {b:>12}")


def main() -> None:
    import corridor
    from corridor import modes as M
    from corridor.costing.profile import Profile
    from corridor.engine.access import access
    from corridor.engine.hierarchies import sea_hierarchy
    from corridor.engine.restrictions import blocked_mask
    from corridor.network import load_network
    from corridor.places import resolve
    from corridor.search import shortest_path
    from corridor.search_ch import ch_shortest_path

    net = load_network(progress=False)
    blocked = blocked_mask([], [], "seagoing")
    t = time.perf_counter()
    h = sea_hierarchy(net, blocked)
    ch_ready_s = time.perf_counter() - t

    pairs, _, _ = choose_pairs(net)
    profile = Profile(frozenset({"sea"}))
    n = net.n_sea_nodes
    sea_only = (net.edge_mode == M.SEA) & (np.asarray(net.edge_u) < n) & (np.asarray(net.edge_v) < n)
    km_weight = np.where(sea_only, net.edge_km, np.inf)
    ends = []
    for p in pairs:
        a = access(net, resolve(tuple(p["a"]), net), profile).flat()
        b = access(net, resolve(tuple(p["b"]), net), profile).flat()
        xyz = net.node_xyz[b[0]]
        ends.append((a[0], a[2], b[0], b[2], xyz))

    def astar(e):
        return shortest_path(net, e[0], e[1], e[2], e[3], e[4], blocked=blocked, weight=km_weight,
                             cost_per_km=1.0, landmarks="sea")

    from corridor.default_hierarchies import build_default_hierarchies, default_requests
    from corridor.search_ch import sea_point_path

    build_default_hierarchies(net)  # loaded if cached; gives the sea hierarchies their hub labels
    plain = dataclasses.replace(h)  # the same hierarchy without its labels: the upward search

    def ch(e):
        return ch_shortest_path(plain, e[0], e[1], e[2], e[3])

    def labels(e):
        return ch_shortest_path(h, e[0], e[1], e[2], e[3])

    diff = max(max(abs(astar(e).cost - ch(e).cost), abs(astar(e).cost - labels(e).cost)) for e in ends)

    def route(p, modes):
        return corridor.route(tuple(p["a"]), tuple(p["b"]), modes=modes)

    from corridor import planner

    def without_ch(fn):
        def run(p):
            planner.forget_kept_legs()  # else a kept answer (found with the hierarchy) would be timed
            os.environ["CORRIDOR_NO_CH"] = "1"
            try:
                return fn(p)
            finally:
                del os.environ["CORRIDOR_NO_CH"]
        return run

    surface = ["sea", "rail", "road", "ferry"]
    route(pairs[0], ["sea"]), route(pairs[0], surface)  # warm the process on one pair, then no pair twice
    # choosing the pairs routed each of them by sea already: forget those kept answers, so that a
    # first call is one (what other pairs kept, e.g. hops through a liner hub, stays, as in a warm server)
    planner.forget_kept_legs()
    first = [("corridor.route (sea, CH), first call", first_call_ms(lambda p: route(p, ["sea"]), pairs[1:])),
             ("corridor.route (all surface, CH), first call", first_call_ms(lambda p: route(p, surface), pairs[1:]))]
    rows = [("corridor engine, coords -> km + path",
             per_item_ms(lambda p: sea_point_path(net, h, tuple(p["a"]), tuple(p["b"])), pairs)),
            ("corridor search, A* + ALT", per_item_ms(astar, ends)),
            ("corridor search, CH", per_item_ms(ch, ends)),
            ("corridor search, hub labels", per_item_ms(labels, ends)),
            ("corridor.route (sea, CH)", per_item_ms(lambda p: route(p, ["sea"]), pairs)),
            ("corridor.route (sea, A*)", per_item_ms(without_ch(lambda p: route(p, ["sea"])), pairs)),
            ("corridor.route (all surface, CH)", per_item_ms(lambda p: route(p, surface), pairs)),
            ("corridor.route (all surface, A*)", per_item_ms(without_ch(lambda p: route(p, surface)), pairs))]
    same = [(route(p, m).distance_km, without_ch(lambda q, m=m: route(q, m))(p).distance_km) for p in pairs
            for m in (["sea"], surface)]
    route_diff = max(abs(x - y) for x, y in same)
    import searoute

    rows += first
    rows.append(("searoute", per_item_ms(
        lambda p: searoute.searoute(p["a"][::-1], p["b"][::-1], units="km"), pairs)))
    g = marnet_geograph()
    pt = lambda p: ({"latitude": p["a"][0], "longitude": p["a"][1]}, {"latitude": p["b"][0], "longitude": p["b"][1]})
    rows.append(("scgraph default", per_item_ms(lambda p: g.get_shortest_path(*pt(p), output_units="km"), pairs)))
    t = time.perf_counter()
    g.graph_object.create_contraction_hierarchy()
    sc_ch_s = time.perf_counter() - t
    rows.append(("scgraph CH", per_item_ms(
        lambda p: g.get_shortest_path(*pt(p), output_units="km", algorithm_fn="contraction_hierarchy"), pairs)))

    tab = tables(net, blocked)

    print(f"machine: {os.cpu_count()} CPUs; corridor network {net.manifest['fingerprint']}, sea layer "
          f"{h.stats['nodes']:,} nodes, {h.stats['edges']:,} edges")
    print(f"\npoint-to-point, {len(pairs)} major-port pairs, median of {REPEATS} runs per pair "
          f"(A*, CH and hub labels agree to {diff:.1e} km on every pair; routes with and without hierarchies to "
          f"{route_diff:.1e} km)")
    wn = max(len(name) for name, _ in rows)
    head = f"{'tool':<{wn}} | {'median ms':>9} | {'p90 ms':>8}"
    print(head + "\n" + "-" * len(head))
    for name, ms in rows:
        print(f"{name:<{wn}} | {np.median(ms):>9.3f} | {np.percentile(ms, 90):>8.3f}")
    print_tables(tab)
    print("\npreprocessing (builds: one-off, then cached; measured when built, on this machine)")
    stats = h.stats
    hierarchies = build_default_hierarchies(net, progress=False)
    prow = [("corridor sea CH (km) load from disk (this run)", f"{ch_ready_s:.2f} s"),
            ("corridor network build (all layers)", f"{net.manifest.get('build_seconds', float('nan')):.1f} s")]
    sizes = {}
    for (name, _, _, _), hh in zip(default_requests(net), hierarchies):
        size = hh.path.stat().st_size
        prow += [(f"CH for {name}: build", f"{hh.stats['build_seconds']:.1f} s"),
                 ("  size on disk", f"{size / 2**20:.1f} MiB"),
                 ("  shortcuts / upward edges / searched",
                  f"{hh.stats['shortcuts']:,} / {hh.stats['upward_edges']:,} / {hh.stats['search_edges']:,}")]
        sizes[name] = {"ch_bytes": size, "ch_stats": hh.stats}
        if hh.labels is not None:
            lab = hh.labels.stats
            on_disk = sum(f.stat().st_size for f in hh.labels_dir.iterdir())
            prow += [("  hub labels: build", f"{lab['build_seconds']:.1f} s"),
                     ("  hub labels: mean size, on disk", f"{lab['mean_label']:.0f}, {on_disk / 2**20:.0f} MiB")]
            sizes[name].update(labels_bytes=on_disk, labels_stats=lab)
    prow.append(("scgraph CH preprocessing (marnet)", f"{sc_ch_s:.2f} s"))
    w = max(len(r[0]) for r in prow)
    for a, b in prow:
        print(f"{a:<{w}} | {b:>24}")
    out_file = HERE / "results" / "ch.json"
    out_file.parent.mkdir(exist_ok=True)
    out_file.write_text(json.dumps({
        "point_to_point_ms": {name: {"median": float(np.median(ms)), "p90": float(np.percentile(ms, 90))}
                              for name, ms in rows},
        "astar_ch_max_diff_km": diff, "route_ch_astar_max_diff_km": route_diff,
        **tab, "ch_stats": stats, "hierarchies": sizes, "scgraph_ch_s": sc_ch_s}, indent=1))
    print(f"\nwrote {out_file.relative_to(HERE.parent)}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--big"]:
        big_child(sys.argv[2])
    elif sys.argv[1:2] == ["--tables"]:
        from corridor.engine.restrictions import blocked_mask
        from corridor.network import load_network

        network = load_network(progress=False)
        print(f"corridor from {Path(sys.modules['corridor'].__file__).parent}, network {network.manifest['fingerprint']}")
        # the 1,000 x 1,000 Dijkstra rows (minutes on a busy machine) only with --tables dijkstra
        print_tables(tables(network, blocked_mask([], [], "seagoing"), ("ch", *sys.argv[2:3])))
    else:
        main()
