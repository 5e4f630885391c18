"""The whole network's default hierarchy (surface routes, hours) built in one process
(``--old`` checkout's ``build_hierarchy``, default /work/main/src) and by parts on two cores
(this checkout's ``default_hierarchies.on_both_cores``), side by side.

Each build runs in a fresh process, ``--rounds`` times alternating old, new, ...; it reports
its wall and CPU seconds (its worker processes' included), upward and search edges, and saves
the hierarchy. Then one process loads the two last ones and times ``--pairs`` random node pairs
on each (the same pairs, the two alternating per pair, ``--repeats`` passes; first calls of
the CH search, no route around it), checking every distance against scipy's Dijkstra.

Run: ``CORRIDOR_CACHE_DIR=... CORRIDOR_BACKGROUND_BUILD=0 PYTHONPATH=src python bench/partitioned.py``
(about 3 + 2 minutes per round on 2 idle cores). Prints one JSON line per build and a table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended."""
    own, ended = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + ended.ru_utime + ended.ru_stime


def _request(net):
    from corridor.default_hierarchies import default_requests

    return default_requests(net)[2]


def _build(side: str, out: str) -> dict:
    import numpy as np

    from corridor.build.contraction import build_hierarchy
    from corridor.engine.hierarchies import _layer
    from corridor.network import load_network

    net = load_network(progress=False)
    _, _, weight, blocked = _request(net)
    n, tail, head, w, eid = _layer(net, "all", blocked, weight)
    build_hierarchy(3, np.array([0, 1]), np.array([1, 2]), np.ones(2), np.arange(2))  # compiled (or loaded) first
    cpu, wall = _cpu(), time.perf_counter()
    if side == "old":
        h = build_hierarchy(n, tail, head, w, eid)
    else:
        from corridor.default_hierarchies import on_both_cores

        h = on_both_cores(net, weight, blocked)
    result = {"side": side, "build_wall_s": time.perf_counter() - wall, "build_cpu_s": _cpu() - cpu, **h.stats}
    h.save(Path(out))
    result["file_mib"] = Path(out).stat().st_size / 2**20
    return result


def _queries(files: dict, pairs: int, repeats: int) -> dict:
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import dijkstra

    from corridor.build.contraction import Hierarchy
    from corridor.engine.hierarchies import _layer
    from corridor.network import load_network
    from corridor.search_ch import ch_shortest_path

    net = load_network(progress=False)
    _, _, weight, blocked = _request(net)
    n, tail, head, w, _ = _layer(net, "all", blocked, weight)
    ok = np.isfinite(w)
    graph = coo_matrix((np.maximum(w[ok], 1e-12), (tail[ok], head[ok])), shape=(n, n)).tocsr()
    rng = np.random.default_rng(19)
    deg = np.bincount(tail[ok], minlength=n) + np.bincount(head[ok], minlength=n)
    nodes = np.flatnonzero(deg > 0)
    sources = rng.choice(nodes, max(1, pairs // 25), replace=False)
    dist = dijkstra(graph, directed=False, indices=sources)
    targets = [rng.choice(nodes, 25, replace=False) for _ in sources]
    hs = {side: Hierarchy.load(Path(f)) for side, f in files.items()}
    ch_shortest_path(hs["new"], [sources[0]], [0.0], [targets[0][0]], [0.0])  # compiled first
    times = {side: [] for side in hs}
    wrong = {side: 0 for side in hs}
    for _ in range(repeats):
        for k, s in enumerate(sources):
            for j, t in enumerate(targets[k]):
                for side in (("old", "new") if j % 2 else ("new", "old")):
                    t0 = time.perf_counter()
                    res = ch_shortest_path(hs[side], [s], [0.0], [t], [0.0])
                    times[side].append(time.perf_counter() - t0)
                    got, expect = (np.inf if res is None else res.cost), dist[k, t]
                    wrong[side] += not (got == expect or abs(got - expect) <= 1e-9 * max(1.0, expect))
    return {side: {"median_ms": 1000 * statistics.median(x), "p90_ms": 1000 * float(np.percentile(x, 90)),
                   "pairs": len(x) // repeats, "wrong": wrong[side] // repeats} for side, x in times.items()}


def _child(args) -> dict:
    if args.queries:
        return _queries(json.loads(args.queries), args.pairs, args.repeats)
    return _build(args.side, args.out)


def _run(src: str, extra: list[str]) -> dict:
    env = dict(os.environ, PYTHONPATH=src, CORRIDOR_BACKGROUND_BUILD="0")
    proc = subprocess.run([sys.executable, __file__, "--child"] + extra, capture_output=True, text=True, env=env,
                          check=True)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    print(json.dumps(result), flush=True)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", default="/work/main/src")
    ap.add_argument("--new", default=str(HERE.parent / "src"))
    ap.add_argument("--only", choices=("old", "new"))
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--pairs", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--side", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--queries", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(_child(args)))
        return
    sides = [s for s in ("old", "new") if args.only in (None, s)]
    with tempfile.TemporaryDirectory() as tmp:
        files = {side: str(Path(tmp) / f"{side}.npz") for side in sides}
        builds = [_run(getattr(args, side), ["--side", side, "--out", files[side]])
                  for _ in range(args.rounds) for side in sides]
        queries = _run(args.new, ["--queries", json.dumps(files), "--pairs", str(args.pairs),
                                  "--repeats", str(args.repeats)]) if len(sides) == 2 else {}
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    cols = ("build_wall_s", "build_cpu_s", "upward_edges", "search_edges", "file_mib", "core_nodes", "cut_edges",
            "part_cpu_seconds", "core_cpu_seconds")
    print(" | ".join(("side",) + cols))
    for r in builds:
        print(" | ".join([r["side"]] + [f"{r[c]:,.1f}" if isinstance(r.get(c), float) else f"{r.get(c, '-')}"
                                         for c in cols]))
    for side, q in queries.items():
        print(f"{side}: CH query median {q['median_ms']:.3f} ms, p90 {q['p90_ms']:.3f} ms, "
              f"{q['pairs']} pairs, {q['wrong']} off Dijkstra's")


if __name__ == "__main__":
    main()
