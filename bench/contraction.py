"""Cost of building a contraction hierarchy, and what it gives, for two checkouts side by side.

Each checkout's ``src`` (``--old``, default /work/main/src, and ``--new``, default this
checkout's) builds the same hierarchy in a fresh process: the whole sea layer in km with the
default closed passages (the tables' hierarchy, ``default_hierarchies.default_requests()[0]``),
or the default sea route one in hours (``--hours``), or the whole network's (``--all``). The
child reports the CPU seconds of the build (the load of a shared machine changes them less
than wall times), the hub labels' build, shortcuts, upward and search edges, file size, and
the median query time of the CH search and of the hub labels on random node pairs; it checks
``--pairs`` (1,000) random pairs against scipy's Dijkstra. Runs alternate old, new, old, ...
``--rounds`` times. ``--edge-unit``, ``--settle`` and ``--contract`` set the witness searches'
parameters of the new side's build (to compare settings with ``--only new``); ``--cached``
loads the new side's ranked hierarchy from the cache folder instead of building it.

``--request I`` builds ``default_requests()[I]`` instead (0 tables km, 1 sea routes hours, 2
surface routes hours, 3 surface routes under the transit policy); ``--order-of J`` builds it on
the new side in the node order of request J's ranked hierarchy (read from the cache folder's
file of any construction code hash, else built first and timed as ``order_cpu_s``):
``--request 3 --order-of 2`` is the policy one in the default one's order, ``--request 2
--order-of 2`` a hierarchy in its own order (what is left of a ranked build without the
ranking). ``--save DIR`` keeps the built hierarchy there under the name the cache would give it.

``--routes DIR`` times whole calls instead, on two scratch copies of the cache folder (the
network and its default hierarchies hard-linked, renamed to this code's hash): "ranked" as
they are, "given" with the hierarchies saved in DIR (by ``--save``) in their place. Per side,
in a fresh process, alternating ``--rounds`` times: first calls (``planner.forget_kept_legs()``
before each) of the transit-policy routes (:data:`POLICY_ROUTES`, sea, rail, road, ferry) and
of sea routes between bench/speed.py's 50 major-port pairs, with each answer's km and hours.

Run: ``CORRIDOR_CACHE_DIR=... CORRIDOR_BACKGROUND_BUILD=0 python bench/contraction.py``
(minutes per build; ``--only new`` for one side). Prints one JSON line per build and a table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
POLICY_ROUTES = [("Xi'an", "Warsaw"), ("Urumqi", "Minsk"), ("Almaty", "Berlin"), ("Chongqing", "Duisburg"),
                 ("Beijing", "Riga")]


def _ranked_file(net, request) -> Path | None:
    """``request``'s ranked hierarchy in the cache folder, of any construction code hash (a ranked
    build's hierarchy does not depend on it), or None."""
    from corridor.build.contraction import CODE_HASH
    from corridor.engine.hierarchies import file_for

    _, layer, weight, blocked = request
    name = file_for(net, layer, blocked, net.edge_km if weight is None else weight).name
    for path in sorted(Path(net.path).glob(name.replace(f"-{CODE_HASH}-", "-*-"))):
        with np.load(path) as z:
            if "given" not in str(z["stats"]):
                return path
    return None


def _ranked_order(net, request) -> tuple[np.ndarray, float]:
    """The node order of ``request``'s ranked hierarchy: from :func:`_ranked_file`, else built (CPU s)."""
    from corridor.build.contraction import build_hierarchy
    from corridor.engine.hierarchies import _layer

    path = _ranked_file(net, request)
    if path is not None:
        with np.load(path) as z:
            return np.array(z["rank"]), 0.0
    _, layer, weight, blocked = request
    weight = net.edge_km if weight is None else weight
    cpu = time.process_time()
    h = build_hierarchy(*_layer(net, layer, blocked, weight))
    return h.rank, time.process_time() - cpu


def _child(layer: str, hours: bool, pairs: int, box: str | None, build_kw: dict, request: int | None = None,
           order_of: int | None = None, save: str | None = None) -> dict:
    import dataclasses

    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    from corridor.build.contraction import Hierarchy, build_hierarchy
    from corridor.default_hierarchies import default_requests
    from corridor.engine.hierarchies import _layer
    from corridor.hub_labels import build_labels
    from corridor.network import load_network
    from corridor.search_ch import ch_shortest_path

    net = load_network(progress=False)
    requests = default_requests(net)
    if request is None:
        request = {("sea", False): 0, ("sea", True): 1, ("all", True): 2}[(layer, hours)]
    _, layer, weight, blocked = requests[request]
    out = {"request": request}
    if order_of is not None:
        build_kw["rank"], out["order_cpu_s"] = _ranked_order(net, requests[order_of])
        out["order_of"] = order_of
    n, tail, head, w, eid = _layer(net, layer, blocked, net.edge_km if weight is None else weight)
    if box:  # a quick check: only the edges inside the box
        lo0, lo1, la0, la1 = map(float, box.split(","))
        inside = (net.node_lon > lo0) & (net.node_lon < lo1) & (net.node_lat > la0) & (net.node_lat < la1)
        keep = inside[tail] & inside[head]
        tail, head, w, eid = tail[keep], head[keep], w[keep], eid[keep]
    build_labels(build_hierarchy(4, np.array([0, 1, 2]), np.array([1, 2, 3]), np.ones(3), np.arange(3)))  # compile
    cpu, wall = time.process_time(), time.perf_counter()
    cached = build_kw.pop("cached", False) and _ranked_file(net, requests[request])
    h = Hierarchy.load(cached) if cached else build_hierarchy(n, tail, head, w, eid, **build_kw)
    out.update({"build_cpu_s": time.process_time() - cpu, "build_wall_s": time.perf_counter() - wall, **h.stats})
    with tempfile.TemporaryDirectory() as tmp:
        h.save(Path(tmp) / "h.npz")
        out["file_mib"] = (Path(tmp) / "h.npz").stat().st_size / 2**20
    if save:
        from corridor.engine.hierarchies import file_for

        h.save(Path(save) / file_for(net, layer, blocked, net.edge_km if weight is None else weight).name)
    labels = None
    if layer == "sea":  # only the sea hierarchies get hub labels (default_hierarchies)
        cpu = time.process_time()
        labels = build_labels(h)
        out["labels_cpu_s"] = time.process_time() - cpu
        out["mean_label"] = labels.stats["mean_label"]
    ok = np.isfinite(w)
    # the least weight of each pair of nodes (a sparse matrix would add up parallel edges); scipy
    # drops explicit zeros: a tiny weight stands for 0
    a, b, least = np.minimum(tail[ok], head[ok]), np.maximum(tail[ok], head[ok]), w[ok]
    by_pair = np.lexsort((least, b, a))
    a, b, least = a[by_pair], b[by_pair], least[by_pair]
    first = np.ones(len(a), bool)
    first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    graph = csr_matrix((np.maximum(least[first], 1e-12), (a[first], b[first])), shape=(n, n))
    rng = np.random.default_rng(17)
    deg = np.bincount(tail[ok], minlength=n) + np.bincount(head[ok], minlength=n)
    nodes = np.flatnonzero(deg > 0)
    sources = rng.choice(nodes, max(1, pairs // 25), replace=False)
    dist = dijkstra(graph, directed=False, indices=sources)
    with_labels = dataclasses.replace(h)
    object.__setattr__(with_labels, "_labels", labels)
    plain = dataclasses.replace(h)  # no labels: the bidirectional CH search
    times = {"ch": [], "labels": []}
    wrong = checked = 0
    for k, s in enumerate(sources):
        for t in rng.choice(nodes, 25, replace=False):
            for name, hh in (("ch", plain), ("labels", with_labels))[:1 + (labels is not None)]:
                t0 = time.perf_counter()
                res = ch_shortest_path(hh, [s], [0.0], [t], [0.0])
                times[name].append(time.perf_counter() - t0)
                expect = dist[k, t]
                got = np.inf if res is None else res.cost
                wrong += not (got == expect or abs(got - expect) <= 1e-9 * max(1.0, expect))
            checked += 1
    out.update({"pairs_checked": checked, "pairs_wrong": wrong,
                "ch_query_ms": 1000 * statistics.median(times["ch"]),
                "labels_query_ms": 1000 * statistics.median(times["labels"]) if times["labels"] else float("nan")})
    return out


def _routes_child() -> dict:
    """First-call times (ms) and answers of the policy routes and the sea routes, this cache."""
    sys.path.insert(0, str(HERE))
    from speed import choose_pairs

    import corridor
    from corridor import planner
    from corridor.default_hierarchies import build_default_hierarchies
    from corridor.network import load_network

    net = load_network(progress=False)
    built = build_default_hierarchies(net, progress=False)  # loads them (hub labels built if missing)
    pairs, _, _ = choose_pairs(net)
    surface = "sea,rail,road,ferry"
    corridor.route(pairs[0]["a"], pairs[0]["b"], modes="sea"), corridor.route("Xi'an", "Baku", modes=surface)
    out = {"orders": [h.stats.get("order", "ranked") for h in built]}
    for name, calls in (("policy", [(a, b, surface) for a, b in POLICY_ROUTES]),
                        ("sea", [(tuple(p["a"]), tuple(p["b"]), "sea") for p in pairs[1:]])):
        times, answers = [], []
        for a, b, modes in calls:
            planner.forget_kept_legs()
            t = time.perf_counter()
            r = corridor.route(a, b, modes=modes)
            times.append(1000 * (time.perf_counter() - t))
            answers.append((round(r.distance_km, 3), round(r.duration_h, 4)))
        out[name] = {"ms": times, "median_ms": statistics.median(times), "answers": answers}
    return out


def _routes_cache(cache: Path, into: Path, saved: Path | None) -> None:
    """A copy of ``cache``'s network folder in ``into`` (hard links), its hierarchy files renamed
    to this code's hash; with ``saved``, the hierarchies in that folder replace theirs."""
    from corridor.build.contraction import CODE_HASH
    from corridor.network import network_dir

    net = network_dir()
    dst = into / net.name
    dst.mkdir(parents=True)

    def ours(name: str) -> str:
        parts = name.split("-")
        return "-".join(parts[:3] + [CODE_HASH] + parts[4:]) if name.startswith("ch-") and len(parts) > 4 else name

    for f in net.iterdir():
        if f.name.startswith(("ch-defaults-", "hierarchies-background", "wanted-")) or f.name.endswith(".tmp"):
            continue
        if f.is_dir():
            (dst / ours(f.name)).mkdir()
            for g in f.iterdir():
                os.link(g, dst / ours(f.name) / g.name)
        elif f.suffix == ".json" and not f.name.startswith("ch-"):
            shutil.copy(f, dst / f.name)
        else:
            os.link(f, dst / ours(f.name))
    for f in cache.glob("city-names-*.npz"):
        os.link(f, into / f.name)
    for f in (saved.glob("ch-*") if saved else []):
        (dst / ours(f.name)).unlink(missing_ok=True)
        os.link(f, dst / ours(f.name))
        shutil.rmtree((dst / ours(f.name)).with_suffix(".labels"), ignore_errors=True)  # the ranked one's


def routes(args) -> None:
    cache = Path(os.environ["CORRIDOR_CACHE_DIR"])
    with tempfile.TemporaryDirectory(prefix="corridor-bench-", dir=cache.parent) as tmp:
        sides = {"ranked": Path(tmp) / "ranked", "given": Path(tmp) / "given"}
        env = dict(os.environ, PYTHONPATH=args.new, CORRIDOR_BACKGROUND_BUILD="0")
        subprocess.run([sys.executable, "-c", "import corridor.network"], env=env, check=True)  # compile first
        for side, folder in sides.items():
            env["CORRIDOR_CACHE_DIR"] = str(folder)
            subprocess.run([sys.executable, __file__, "--routes-setup", str(folder), args.routes, side],
                                 env=env, check=True)
        results = []
        for _ in range(args.rounds):
            for side, folder in sides.items():
                env["CORRIDOR_CACHE_DIR"] = str(folder)
                out = subprocess.run([sys.executable, __file__, "--routes-child"], env=env, capture_output=True,
                                     text=True, check=True)
                r = json.loads(out.stdout.strip().splitlines()[-1])
                print(json.dumps({"side": side, **r}), flush=True)
                results.append((side, r))
    print(f"load average {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
    for side, r in results:
        print(f"{side}: orders {r['orders']}; policy routes first call median {r['policy']['median_ms']:.2f} ms "
              f"({', '.join(f'{x:.1f}' for x in r['policy']['ms'])}); sea routes first call median "
              f"{r['sea']['median_ms']:.3f} ms over {len(r['sea']['ms'])}")
    answers = {side: (r["policy"]["answers"], r["sea"]["answers"]) for side, r in results}
    print("same answers on both sides:", answers["ranked"] == answers["given"])


def _build_kw(args) -> dict:
    """The witness-search parameters given on the command line, as build_hierarchy's keywords."""
    given = {"edge_unit": args.edge_unit, "settle_limit": args.settle, "contract_limit": args.contract,
             "core_degree": args.core_degree, "cached": args.cached or None}
    return {k: v for k, v in given.items() if v is not None}


def run(src: str, args, build_kw: dict) -> dict:
    env = dict(os.environ, PYTHONPATH=src, CORRIDOR_BACKGROUND_BUILD="0")
    cmd = [sys.executable, __file__, "--child", "--pairs", str(args.pairs), "--build-kw", json.dumps(build_kw)] + \
        ["--all"] * args.all + ["--hours"] * args.hours + (["--box", args.box] if args.box else []) + \
        (["--request", str(args.request)] if args.request is not None else []) + \
        (["--order-of", str(args.order_of)] if args.order_of is not None and src == args.new else []) + \
        (["--save", args.save] if args.save else [])
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["src"] = src
    result.update(build_kw)
    print(json.dumps(result), flush=True)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", default="/work/main/src")
    ap.add_argument("--new", default=str(HERE.parent / "src"))
    ap.add_argument("--only", choices=("old", "new"))
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--pairs", type=int, default=1000)
    ap.add_argument("--all", action="store_true", help="the whole network's hierarchy (hours), not the sea layer's")
    ap.add_argument("--hours", action="store_true", help="the sea layer in hours (the default route's), not km")
    ap.add_argument("--box", help="lon0,lon1,lat0,lat1: only the edges inside (a quick check)")
    ap.add_argument("--edge-unit", type=int, help="new side: a settled node counts once more per this many edges")
    ap.add_argument("--settle", type=int, help="new side: the witness searches' settle limit when ranking")
    ap.add_argument("--contract", type=int, help="new side: the witness searches' settle limit when contracting")
    ap.add_argument("--core-degree", type=float,
                    help="new side: the mean degree of the graph left at which ranking stops and a "
                         "nested-dissection order takes over (inf: never)")
    ap.add_argument("--request", type=int, choices=range(4), help="default_requests()'s index to build")
    ap.add_argument("--order-of", type=int, choices=range(4),
                    help="new side: in the order of this request's ranked hierarchy")
    ap.add_argument("--save", help="keep the built hierarchy in this folder")
    ap.add_argument("--cached", action="store_true",
                    help="new side: the ranked hierarchy from the cache folder, not built (its queries alone)")
    ap.add_argument("--routes", help="time whole calls with the hierarchies saved in this folder against the ranked")
    ap.add_argument("--routes-setup", nargs=3, help=argparse.SUPPRESS)
    ap.add_argument("--routes-child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--build-kw", default="{}", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.routes_setup:
        folder, saved, side = args.routes_setup
        _routes_cache(Path(os.environ["CORRIDOR_CACHE_DIR"]), Path(folder), Path(saved) if side == "given" else None)
        return
    if args.routes_child:
        print(json.dumps(_routes_child()))
        return
    if args.routes:
        routes(args)
        return
    if args.child:
        print(json.dumps(_child("all" if args.all else "sea", args.hours or args.all, args.pairs, args.box,
                                json.loads(args.build_kw), args.request, args.order_of, args.save)))
        return
    sides = [s for s in ("old", "new") if args.only in (None, s)]
    results = [(side, run(getattr(args, side), args, _build_kw(args) if side == "new" else {}))
               for _ in range(args.rounds) for side in sides]
    cols = ("request", "order_of", "order_cpu_s", "edge_unit", "build_cpu_s", "build_wall_s", "shortcuts", "upward_edges", "search_edges", "file_mib", "labels_cpu_s",
            "mean_label", "ch_query_ms", "labels_query_ms", "pairs_checked", "pairs_wrong")
    print(f"load average {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
    print(" | ".join(["side"] + list(cols)))
    for side, r in results:
        cells = [r.get(c, float("nan")) for c in cols]
        print(" | ".join([side] + [f"{x:,.3f}" if isinstance(x, float) else f"{x:,}" for x in cells]))


if __name__ == "__main__":
    main()
