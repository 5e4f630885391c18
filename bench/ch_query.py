"""The whole-network contraction-hierarchy query alone, before and after a change (issue #17).

The queries are those the planner hands to :func:`corridor.search_ch.ch_shortest_path` on a
hierarchy without hub labels (the whole network's), recorded once (``--capture``) from
``corridor.route`` calls over sea, rail, road and ferry: bench/ch.py's 50 major-port pairs
by coordinates, and ``--random`` pairs (seed 18) between a random port (by UN/LOCODE) and a
random inland rail or road node (by coordinates), in random order. Each version of the code
(``--before-src`` gives the other checkout's ``src``) then replays every query in its own
fresh process, the processes alternating over ``--rounds``; in each, every query is timed
``--passes`` times in turn (the first pass is each query's first call), and its cost and
path are written out. Printed per version and query group (each query's lowest figure over
the rounds): median and p90 of the whole ``ch_shortest_path`` call and of its search kernel alone
(``search_ch._p2p``; the rest is the set-up and the path's unpacking); then whether the two
versions agree (costs to 1e-9, the same edges where the path is unique: compared when they
differ only), and the search space per query of both kernels (settled nodes, of them
stalled, upward edges scanned, queue pushes; counted by an instrumented copy here).

Run: ``CORRIDOR_BACKGROUND_BUILD=0 python bench/ch_query.py --before-src /work/main/src``
(``--capture`` first, or when the file ``bench/results/ch_queries.npz`` is missing;
``--paired`` adds both versions' calls query by query in one process, :func:`paired`).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
QUERIES = HERE / "results" / "ch_queries.npz"
SURFACE = ["sea", "rail", "road", "ferry"]


def _random_pairs(net, n: int, seed: int = 18) -> list:
    """``n`` (port code, inland (lat, lon)) pairs, each in a random direction."""
    from corridor import modes as M

    rng = random.Random(seed)
    ports = np.flatnonzero(np.diff(net.port_conn_indptr) > 0)
    inland = np.flatnonzero(np.isin(net.node_mode, [M.RAIL, M.ROAD]))
    out = []
    for _ in range(n):
        port = str(net.port_code[ports[rng.randrange(len(ports))]])
        v = int(inland[rng.randrange(len(inland))])
        point = (float(net.node_lat[v]), float(net.node_lon[v]))
        out.append((port, point) if rng.random() < 0.5 else (point, port))
    return out


def capture(n_random: int) -> None:
    """Record the whole-network queries of the planner's routes into :data:`QUERIES`."""
    sys.path.insert(0, str(HERE))
    from speed import choose_pairs

    import corridor
    import corridor.engine.search as engine_search
    from corridor.network import load_network

    net = load_network(progress=False)
    recorded, group = [], [0]
    real = engine_search.ch_shortest_path

    def spy(h, a, a_cost, b, b_cost):
        if h.labels is None:
            recorded.append((h.path.name, group[0], *(np.array(x) for x in (a, a_cost, b, b_cost))))
        return real(h, a, a_cost, b, b_cost)

    engine_search.ch_shortest_path = spy
    majors = [(tuple(p["a"]), tuple(p["b"])) for p in choose_pairs(net)[0]]
    for k, pairs in enumerate((majors, _random_pairs(net, n_random))):
        group[0] = k
        for a, b in pairs:
            try:
                corridor.route(a, b, modes=SURFACE)
            except corridor.CorridorError:
                pass
    names = sorted({r[0] for r in recorded})

    def csr(i):
        parts = [r[i] for r in recorded]
        return np.concatenate([[0], np.cumsum([len(p) for p in parts])]), np.concatenate(parts)

    src_ptr, src = csr(2)
    _, src_cost = csr(3)
    dst_ptr, dst = csr(4)
    _, dst_cost = csr(5)
    QUERIES.parent.mkdir(exist_ok=True)
    np.savez(QUERIES, names=np.array(names), which=np.array([names.index(r[0]) for r in recorded]),
             group=np.array([r[1] for r in recorded]), src_ptr=src_ptr, src=src, src_cost=src_cost,
             dst_ptr=dst_ptr, dst=dst, dst_cost=dst_cost, network=str(net.path))
    print(f"{len(recorded)} queries on {names} -> {QUERIES}")


def _queries():
    z = np.load(QUERIES)
    out = []
    for q in range(len(z["which"])):
        s = slice(z["src_ptr"][q], z["src_ptr"][q + 1])
        d = slice(z["dst_ptr"][q], z["dst_ptr"][q + 1])
        out.append((int(z["which"][q]), int(z["group"][q]), z["src"][s].astype(np.int32), z["src_cost"][s],
                    z["dst"][d].astype(np.int32), z["dst_cost"][d]))
    return [str(x) for x in z["names"]], out


def _kernel_ms(search_ch, h, q) -> float:
    """Seconds of the search kernel alone (``_p2p``), its work arrays reset after."""
    with search_ch._POOL.borrow((len(h.rank), len(h.s_head))) as w:
        t = time.perf_counter()
        graph = (h.s_indptr, h.s_head, h.s_w)
        if search_ch._p2p.py_func.__code__.co_argcount == 19:  # main's: the graph again for the stall test
            graph = graph * 2
        _, _, nt = search_ch._p2p(*graph, *q, w.df, w.db, w.pf, w.pb, w.touched, w.kf, w.vf, w.kb, w.vb)
        t = time.perf_counter() - t
        search_ch._reset(w.df, w.db, w.pf, w.pb, w.touched, nt)
    return t


def replay(passes: int) -> dict:
    """Every recorded query ``passes`` times in turn: seconds per pass, cost and path each."""
    from corridor import search_ch
    from corridor.engine.hierarchies import load_hierarchy
    from corridor.network import load_network

    net = load_network(progress=False)
    names, queries = _queries()
    hs = [load_hierarchy(Path(net.path) / name, net.n_nodes, len(net.edge_u)) for name in names]
    search_ch.ch_shortest_path(hs[queries[0][0]], *queries[0][2:])  # compile / load the kernels
    times = [[] for _ in queries]
    parts = [[] for _ in queries]
    answers = []
    for p in range(passes):
        for i, (which, _, *q) in enumerate(queries):
            t = time.perf_counter()
            res = search_ch.ch_shortest_path(hs[which], *q)
            times[i].append(time.perf_counter() - t)
            if p == 0:
                answers.append(None if res is None else [res.cost, res.source_cost, res.target_cost,
                                                         res.nodes.tolist(), res.edges.tolist()])
        for i, (which, _, *q) in enumerate(queries):
            parts[i].append(_kernel_ms(search_ch, hs[which], q))
    return {"times": times, "parts": parts, "answers": answers}


def paired(before_src: str, passes: int) -> None:
    """In one process, each query by the other checkout's ``search_ch`` (its source loaded as a
    module beside this one's, with this checkout's helpers) and by this one's, in turn, on the
    same hierarchy objects: a paired comparison, less exposed to a shared machine's load than
    separate processes. Prints the median over queries of the per-query ratio after / before."""
    import importlib.util

    from corridor import search_ch
    from corridor.engine.hierarchies import load_hierarchy
    from corridor.network import load_network

    spec = importlib.util.spec_from_file_location("before_search_ch", Path(before_src) / "corridor" / "search_ch.py")
    before = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(before)
    net = load_network(progress=False)
    names, queries = _queries()
    hs = [load_hierarchy(Path(net.path) / name, net.n_nodes, len(net.edge_u)) for name in names]
    for mod in (before, search_ch):
        mod.ch_shortest_path(hs[queries[0][0]], *queries[0][2:])
    t_b, t_a, k_b, k_a = ([[] for _ in queries] for _ in range(4))
    for p in range(passes):
        for i, (which, _, *q) in enumerate(queries):
            order = ((before, t_b, k_b), (search_ch, t_a, k_a))[:: 1 if (i + p) % 2 == 0 else -1]
            for mod, times, kernel in order:
                t = time.perf_counter()
                mod.ch_shortest_path(hs[which], *q)
                times[i].append(time.perf_counter() - t)
                kernel[i].append(_kernel_ms(mod, hs[which], q))
    print(f"\npaired in one process ({passes} passes, alternating which goes first), ms median / p90 over queries "
          f"of each query's median; load {os.getloadavg()}")
    for label, b, a in (("whole call", t_b, t_a), ("kernel alone", k_b, k_a)):
        mb = np.array([statistics.median(x) for x in b]) * 1000
        ma = np.array([statistics.median(x) for x in a]) * 1000
        print(f"  {label:<13} before {np.median(mb):.3f} / {np.percentile(mb, 90):.3f}, after {np.median(ma):.3f} / "
              f"{np.percentile(ma, 90):.3f}, after / before per query: median {np.median(ma / mb):.3f}")


def _child(src: str, passes: int) -> dict:
    env = dict(os.environ, PYTHONPATH=src, CORRIDOR_BACKGROUND_BUILD="0")
    out = subprocess.run([sys.executable, __file__, "--child", str(passes)], env=env, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.splitlines()[-1])


def _agree(a, b) -> tuple[bool, bool]:
    """(same cost to 1e-9, same edges) of two answers."""
    if a is None or b is None:
        return a is None and b is None, a is None and b is None
    same_cost = all(abs(x - y) <= 1e-9 * max(1.0, abs(x)) for x, y in zip(a[:3], b[:3]))
    return same_cost, a[4] == b[4]


def _p90(xs) -> float:
    return statistics.quantiles(xs, n=10)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before-src", help="the other checkout's src folder")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--random", type=int, default=300, help="random port / inland pairs to capture")
    parser.add_argument("--capture", action="store_true", help="record the queries again")
    parser.add_argument("--paired", action="store_true", help="also both versions in one process, query by query")
    args = parser.parse_args()
    if args.capture or not QUERIES.exists():
        capture(args.random)
    _, queries = _queries()
    versions = {"after": str(SRC)} if not args.before_src else {"before": args.before_src, "after": str(SRC)}
    runs: dict = {name: [] for name in versions}
    print(f"uptime: {os.getloadavg()}")
    for k in range(args.rounds):
        for name, src in list(versions.items())[:: 1 if k % 2 == 0 else -1]:
            runs[name].append(_child(src, args.passes))
            print(f"round {k + 1} {name} done", flush=True)
    print(f"uptime: {os.getloadavg()}")
    groups = {"50 major-port pairs": 0, "random port / inland": 1}
    print(f"\n{'ms, each query lowest over rounds':<44} | " + " | ".join(f"{n:>8} med / p90" for n in versions))
    for gname, g in groups.items():
        idx = [i for i, q in enumerate(queries) if q[1] == g]
        rows = {"first call": lambda r, i: r["times"][i][0],
                "median of passes": lambda r, i: statistics.median(r["times"][i]),
                "  of it the kernel": lambda r, i: statistics.median(r["parts"][i])}
        for label, get in rows.items():
            cells = []
            for name in versions:
                per_q = [1000 * min(get(r, i) for r in runs[name]) for i in idx]
                cells.append(f"{statistics.median(per_q):>7.3f} / {_p90(per_q):>7.3f}")
            print(f"{gname + ', ' + label:<44} | " + " | ".join(cells))
    if "before" in runs:
        a, b = runs["before"][0]["answers"], runs["after"][0]["answers"]
        checks = [_agree(x, y) for x, y in zip(a, b)]
        print(f"\n{len(checks)} queries: costs equal {sum(c for c, _ in checks)}, "
              f"same edges {sum(e for _, e in checks)}")
    space()
    if args.paired and args.before_src:
        paired(args.before_src, args.passes)


def _counting_p2p():
    """A copy of :func:`corridor.search_ch._p2p` that counts its work, with main's way
    (``fused=False``: a stall scan, then a relaxation scan, no pruning) or this branch's; the
    counts are what the bench reads, the timed kernel is the package's own."""
    from numba import njit

    from corridor.search import _heap_pop, _heap_push

    @njit
    def run(indptr, head, w, src, src_c, dst, dst_c, df, db, touched, kf, vf, kb, vb, fused, cnt):
        nt = sf = sb = 0
        for ends, ends_c, dist in ((src, src_c, df), (dst, dst_c, db)):
            for j in range(ends.shape[0]):
                s = ends[j]
                if ends_c[j] < dist[s]:
                    if df[s] == np.inf and db[s] == np.inf:
                        touched[nt] = s
                        nt += 1
                    dist[s] = ends_c[j]
        for k in range(nt):
            u = touched[k]
            if df[u] < np.inf:
                sf = _heap_push(kf, vf, sf, df[u], u)
            if db[u] < np.inf:
                sb = _heap_push(kb, vb, sb, db[u], u)
        best = np.inf
        while True:
            top_f = kf[0] if sf > 0 else np.inf
            top_b = kb[0] if sb > 0 else np.inf
            if min(top_f, top_b) >= best:
                break
            forward = top_f <= top_b
            if forward:
                d, u, sf = _heap_pop(kf, vf, sf)
                dist, other = df, db
            else:
                d, u, sb = _heap_pop(kb, vb, sb)
                dist, other = db, df
            if d > dist[u]:
                continue
            cnt[0] += 1  # settled
            best = min(best, d + other[u])
            stalled = False
            for k in range(indptr[u], indptr[u + 1]):
                cnt[2] += 1  # edges scanned
                if dist[head[k]] + w[k] < d:
                    stalled = True
                    break
            if stalled:
                cnt[1] += 1
                continue
            for k in range(indptr[u], indptr[u + 1]):
                if not fused:
                    cnt[2] += 1  # the second scan
                v = head[k]
                nd = d + w[k]
                if nd < dist[v] and (nd < best or not fused):
                    cnt[3] += 1  # pushed
                    if df[v] == np.inf and db[v] == np.inf:
                        touched[nt] = v
                        nt += 1
                    dist[v] = nd
                    if forward:
                        sf = _heap_push(kf, vf, sf, nd, v)
                    else:
                        sb = _heap_push(kb, vb, sb, nd, v)
        for k in range(nt):
            df[touched[k]] = np.inf
            db[touched[k]] = np.inf
        return best

    return run


def space() -> None:
    """Search space per query, main's kernel and this branch's (median / p90 over the queries)."""
    from corridor.engine.hierarchies import load_hierarchy
    from corridor.network import load_network

    net = load_network(progress=False)
    names, queries = _queries()
    hs = [load_hierarchy(Path(net.path) / name, net.n_nodes, len(net.edge_u)) for name in names]
    run = _counting_p2p()
    n, cap = len(hs[0].rank), len(hs[0].s_head) + len(hs[0].rank) + 16
    work = (np.full(n, np.inf), np.full(n, np.inf), np.empty(n, np.int32), np.empty(cap), np.empty(cap, np.int32),
            np.empty(cap), np.empty(cap, np.int32))
    print("\nsearch space per query, median / p90 (settled, of them stalled, edges scanned, pushed):")
    for fused in (False, True):
        counts = []
        for which, _, *q in queries:
            h, cnt = hs[which], np.zeros(4, np.int64)
            run(h.s_indptr, h.s_head, h.s_w, *q, *work, fused, cnt)
            counts.append(cnt)
        counts = np.array(counts)
        print(f"  {'one scan, pruned (after)' if fused else 'two scans (before)':<26} " + ", ".join(
            f"{np.median(counts[:, k]):.0f} / {np.percentile(counts[:, k], 90):.0f}" for k in range(4)))


if __name__ == "__main__":
    if "--child" in sys.argv:
        print(json.dumps(replay(int(sys.argv[sys.argv.index("--child") + 1]))))
    else:
        main()
