"""Speed: load time and single-query time of corridor, searoute and scgraph on the same 50 port pairs.

What it measures
    * load s: cold start in a fresh Python process, after interpreter start-up.
      - corridor: ``import corridor`` + ``load_network()``. The compiled network must already exist in
        $CORRIDOR_CACHE_DIR. This does not time a first-run build.
      - searoute: ``import searoute``. searoute builds its marnet graph lazily in its first call, so
        that cost shows up under "first query".
      - scgraph: ``import scgraph`` + building a ``GeoGraph`` from searoute's marnet (see below).
    * first query s: the first route computed in that same fresh process. For corridor this includes
      loading numba's JIT cache.
    Each cold figure is the median of 3 fresh subprocesses.
    * median / p90 query ms: all tools are loaded in this one process and warmed up. Then each of the
      50 pairs is queried 20 times per tool. The per-pair median is taken, and the table reports the median
      and the 90th percentile of those 50 values.
    * median km: the median route length over the 50 pairs. It shows that the tools answered the same question.

How
    The 50 pairs are drawn with numpy ``default_rng(2026)`` among the *major* ports in corridor's
    compiled port table that are joined to the sea network. A pair is redrawn if corridor raises
    ``CorridorError`` for it, for example a Caspian port. All tools get the same port coordinates.
    Corridor gets ``(lat, lon)`` tuples, searoute gets ``[lon, lat]`` and scgraph gets
    ``{'latitude', 'longitude'}``. A second corridor row routes by UN/LOCODE instead.

    scgraph downloads its own ready-made networks at run time. To keep the benchmark offline and
    comparable, we build its graph locally from searoute's own marnet data
    (``searoute/data/marnet_searoute.geojson``, Apache-2.0):
    - nodes are the distinct coordinates, with longitude normalised to [-180, 180), so +180 and -180 merge;
    - edges join consecutive coordinates and are weighted by haversine km.
    Segments tagged ``passage: northwest`` (the Arctic routes) are left out. This matches the default
    closure of the Arctic in both searoute and corridor. scgraph runs with its default algorithm.

Run (from the repository root; the network must already be built in the cache):
    CORRIDOR_CACHE_DIR=/tmp/cc1 python bench/speed.py
Writes bench/results/speed.json with the same numbers.
"""

from __future__ import annotations

# Only the standard library is imported at the top. Child processes import this file to time a cold
# start, so they must not pay for numpy or corridor unless the tool being timed needs it.
import importlib.util
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOOLS = ["corridor", "corridor (by UN/LOCODE)", "searoute", "scgraph"]
N_PAIRS, REPEATS, COLD_RUNS, SEED = 50, 20, 3, 2026
EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def marnet_geograph():
    """A scgraph GeoGraph built from searoute's marnet_searoute.geojson, with no Arctic segments."""
    import scgraph

    pkg = Path(importlib.util.find_spec("searoute").submodule_search_locations[0])
    features = json.loads((pkg / "data" / "marnet_searoute.geojson").read_text())["features"]
    index, nodes, graph = {}, [], []

    def node(lon, lat):
        key = (round((lon + 180) % 360 - 180, 6), round(lat, 6))
        if key not in index:
            index[key] = len(nodes)
            nodes.append([key[1], key[0]])
            graph.append({})
        return index[key]

    for f in features:
        if f["properties"].get("passage") == "northwest":
            continue
        geom = f["geometry"]
        for line in [geom["coordinates"]] if geom["type"] == "LineString" else geom["coordinates"]:
            ids = [node(c[0], c[1]) for c in line]
            for a, b in zip(ids, ids[1:]):
                if a != b:
                    w = min(haversine_km(*nodes[a], *nodes[b]), graph[a].get(b, math.inf))
                    graph[a][b] = graph[b][a] = w
    return scgraph.GeoGraph(graph=graph, nodes=nodes)


def load_tool(tool):
    """Load ``tool`` and return ``query(pair) -> km``. A pair is a dict of codes and (lat, lon) points."""
    if tool.startswith("corridor"):
        import corridor
        from corridor.network import load_network

        load_network()
        if tool == "corridor":
            # Sea only, like the peers: two points are not two ports, so by default corridor
            # would also weigh rail and road.
            return lambda p: corridor.route(tuple(p["a"]), tuple(p["b"]), modes="sea").distance_km
        return lambda p: corridor.route(p["code_a"], p["code_b"]).distance_km
    if tool == "searoute":
        import searoute

        return lambda p: searoute.searoute(p["a"][::-1], p["b"][::-1], units="km").properties["length"]
    if tool == "scgraph":
        g = marnet_geograph()
        return lambda p: g.get_shortest_path(
            origin_node={"latitude": p["a"][0], "longitude": p["a"][1]},
            destination_node={"latitude": p["b"][0], "longitude": p["b"][1]}, output_units="km")["length"]
    raise ValueError(tool)


def child(tool, pair):
    """Run in a fresh process: time loading ``tool`` and its first query."""
    t0 = time.perf_counter()
    query = load_tool(tool)
    t1 = time.perf_counter()
    query(pair)
    t2 = time.perf_counter()
    print(json.dumps([t1 - t0, t2 - t1]))


def cold_start(tool, pair):
    runs = []
    for _ in range(COLD_RUNS):
        out = subprocess.run([sys.executable, __file__, "--child", tool, json.dumps(pair)],
                             check=True, capture_output=True, text=True).stdout
        runs.append(json.loads(out.splitlines()[-1]))
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def choose_pairs(net):
    import numpy as np

    import corridor

    joined = np.diff(net.port_conn_indptr) > 0
    candidates = np.flatnonzero(joined & np.asarray(net.port_major))
    rng = np.random.default_rng(SEED)
    pairs, seen, rejected = [], set(), []
    while len(pairs) < N_PAIRS:
        i, j = (int(k) for k in rng.choice(candidates, 2, replace=False))
        if (i, j) in seen:
            continue
        seen.add((i, j))
        p = {"code_a": str(net.port_code[i]), "code_b": str(net.port_code[j]),
             "a": [float(net.port_lat[i]), float(net.port_lon[i])],
             "b": [float(net.port_lat[j]), float(net.port_lon[j])]}
        try:
            corridor.route(tuple(p["a"]), tuple(p["b"]), modes="sea")
            corridor.route(p["code_a"], p["code_b"])
        except corridor.CorridorError as e:
            rejected.append(f"{p['code_a']}-{p['code_b']}: {type(e).__name__}")
            continue
        pairs.append(p)
    return pairs, len(candidates), rejected


def main():
    import numpy as np

    from corridor.network import load_network

    net = load_network()
    pairs, n_candidates, rejected = choose_pairs(net)

    rows, km = [], {}
    for tool in TOOLS:
        load_s, first_s = cold_start(tool, pairs[0])
        query = load_tool(tool)
        query(pairs[0])  # warm-up
        per_pair, lengths = [], []
        for p in pairs:
            times = []
            for _ in range(REPEATS):
                t = time.perf_counter()
                length = query(p)
                times.append(time.perf_counter() - t)
            per_pair.append(1000 * statistics.median(times))
            lengths.append(length)
        km[tool] = lengths
        rows.append({"tool": tool, "load_s": load_s, "first_query_s": first_s,
                     "median_query_ms": float(np.median(per_pair)), "p90_query_ms": float(np.percentile(per_pair, 90)),
                     "median_km": float(np.median(lengths)), "per_pair_ms": per_pair})

    machine = {"cpu_count": os.cpu_count(), "platform": platform.platform(), "processor": platform.processor(),
               "python": platform.python_version()}
    network = {"fingerprint": net.manifest["fingerprint"], "nodes": int(net.n_nodes), "edges": int(len(net.edge_km))}
    print(f"corridor network {network['fingerprint']}: {network['nodes']:,} nodes, {network['edges']:,} edges")
    print(f"machine: {machine['cpu_count']} CPUs, {machine['platform']}, Python {machine['python']}")
    print(f"{N_PAIRS} pairs of major ports (seed {SEED}, {n_candidates} candidates, "
          f"{len(rejected)} draws rejected by corridor: {', '.join(rejected) or 'none'}); "
          f"{REPEATS} runs per pair; cold figures are medians of {COLD_RUNS} fresh processes\n")
    head = f"{'tool':<24} | {'load s':>7} | {'first query s':>13} | {'median query ms':>15} | {'p90 query ms':>12} | {'median km':>9}"
    print(head + "\n" + "-" * len(head))
    for r in rows:
        print(f"{r['tool']:<24} | {r['load_s']:>7.3f} | {r['first_query_s']:>13.3f} | {r['median_query_ms']:>15.2f} | "
              f"{r['p90_query_ms']:>12.2f} | {r['median_km']:>9.0f}")

    # Pairs where the tools disagree by more than 15 % on the length of the route.
    odd = []
    for k, p in enumerate(pairs):
        vals = {t: km[t][k] for t in ("corridor", "searoute", "scgraph")}
        if max(vals.values()) > 1.15 * min(vals.values()):
            odd.append((p["code_a"], p["code_b"], vals))
    print(f"\npairs where corridor / searoute / scgraph lengths differ by more than 15 %: {len(odd)}")
    for a, b, v in odd:
        print(f"  {a}-{b}: " + ", ".join(f"{t} {x:,.0f} km" for t, x in v.items()))

    out = HERE / "results" / "speed.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": machine, "network": network, "seed": SEED, "repeats": REPEATS,
                               "cold_runs": COLD_RUNS, "rejected_draws": rejected, "pairs": pairs,
                               "route_km": km, "rows": rows}, indent=1))
    print(f"\nwrote {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], json.loads(sys.argv[3]))
    else:
        main()
