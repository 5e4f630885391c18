"""Contraction hierarchies and hub labels: the same costs as plain Dijkstra and A*, the same tables.

The km checks run on the sea layer cut to SEA_REGION (about 4,000 nodes, contracted in seconds):
they check the algorithm, and the whole sea layer's km hierarchy (minutes) is bench/ch.py's."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from corridor.build.contraction import Hierarchy, build_hierarchy
from corridor.engine.hierarchies import hierarchy, sea_hierarchy
from corridor.engine.restrictions import blocked_mask
from corridor.search_ch import ch_shortest_path

DEFAULT = blocked_mask([], [], "seagoing")
SEA_REGION = (30.0, 110.0, -45.0, 30.0)  # lon, lat box: the Indian Ocean, from Suez to Malacca


def _in_box(net, box) -> np.ndarray:
    lo0, lo1, la0, la1 = box
    return (net.node_lon > lo0) & (net.node_lon < lo1) & (net.node_lat > la0) & (net.node_lat < la1)


@pytest.fixture(scope="module")
def km(net):
    """Edge km inside SEA_REGION, inf (no edge) elsewhere: read-only, like the shared weight arrays."""
    inside = _in_box(net, SEA_REGION)
    w = np.where(inside[net.edge_u] & inside[net.edge_v], net.edge_km, np.inf)
    w.flags.writeable = False
    return w


@pytest.fixture(scope="module")
def hier(net, km):
    return hierarchy(net, "sea", DEFAULT, km, labels=True)


@pytest.fixture(params=["labels", "search"])
def engine(request, hier):
    """The km hierarchy queried by its hub labels, or by the bidirectional search (no labels)."""
    if request.param == "labels":
        assert hier.labels is not None
        return hier
    return dataclasses.replace(hier)  # a copy without the labels


@pytest.fixture(scope="module")
def sea(net, km):
    """scipy graph of the open sea edges in the region (cheapest of parallel edges) and its node count."""
    indptr, head, edge = net.sea_csr
    n = net.n_sea_nodes
    tail = np.repeat(np.arange(n), np.diff(indptr))
    ok = ((net.edge_flags[edge] & DEFAULT) == 0) & np.isfinite(km[edge])
    r, c, w = tail[ok], head[ok], km[edge][ok]
    order = np.lexsort((w, c, r))
    _, first = np.unique(np.column_stack([r[order], c[order]]), axis=0, return_index=True)
    k = order[first]
    return csr_matrix((w[k], (r[k], c[k])), shape=(n, n)), n


@pytest.fixture(scope="module")
def ocean(sea):
    """The nodes of the region's main component: pairs with a route."""
    from scipy.sparse.csgraph import connected_components

    graph, _ = sea
    _, label = connected_components(graph, directed=False)
    return np.flatnonzero(label == np.bincount(label).argmax())


def test_ch_matches_plain_dijkstra_on_1000_pairs(net, engine, sea, ocean):
    graph, n = sea
    rng = np.random.default_rng(11)
    sources = rng.choice(ocean, 40, replace=False)
    dist = dijkstra(graph, indices=sources)
    far = rng.choice(n, 50, replace=False)  # and some unreachable ones (outside the region), which must stay None
    for s in sources[:5]:
        assert (ch_shortest_path(engine, [s], [0.0], far, np.zeros(len(far))) is None) == \
            bool(np.isinf(dijkstra(graph, indices=s)[far]).all())
    checked = 0
    for k, s in enumerate(sources):
        for t in rng.choice(ocean, 25, replace=False):
            res = ch_shortest_path(engine, [s], [0.0], [t], [0.0])
            if np.isinf(dist[k, t]):
                assert res is None
                continue
            assert res is not None and abs(res.cost - dist[k, t]) <= 1e-6, (s, t)
            assert res.nodes[0] == s and res.nodes[-1] == t
            a, b = res.nodes[:-1], res.nodes[1:]
            eu, ev = net.edge_u[res.edges], net.edge_v[res.edges]
            assert (((eu == a) & (ev == b)) | ((eu == b) & (ev == a))).all()  # a real path of original edges
            assert abs(net.edge_km[res.edges].sum() - dist[k, t]) <= 1e-6
            checked += 1
    assert checked == 1000


def test_ch_connector_costs_like_astar(net, engine, km, ocean):
    """Several sources and targets with connector costs: the A* search's cost."""
    from corridor import modes as M
    from corridor.search import shortest_path

    n = net.n_sea_nodes
    sea_only = (net.edge_mode == M.SEA) & (np.asarray(net.edge_u) < n) & (np.asarray(net.edge_v) < n)
    weight = np.where(sea_only, km, np.inf)
    rng = np.random.default_rng(3)
    for _ in range(200):
        src, dst = rng.choice(ocean, 3, replace=False), rng.choice(ocean, 2, replace=False)
        sc, dc = rng.uniform(0, 50, 3), rng.uniform(0, 50, 2)
        a = shortest_path(net, src, sc, dst, dc, net.node_xyz[dst], blocked=DEFAULT, weight=weight,
                          cost_per_km=1.0, landmarks="sea")
        c = ch_shortest_path(engine, src, sc, dst, dc)
        assert a is not None and c is not None  # all in the main component
        assert c.cost == pytest.approx(a.cost, abs=1e-6)
        assert c.source_cost + net.edge_km[c.edges].sum() + c.target_cost == pytest.approx(c.cost, abs=1e-6)


def test_table_cells_equal_dijkstra_rows(net, hier, km, ocean, monkeypatch):
    """The table's bucket search on the hierarchy and its Dijkstra rows, both on the region's km."""
    from types import SimpleNamespace

    from corridor.engine import table

    rng = np.random.default_rng(5)

    def conns(k):
        counts = rng.integers(1, 4, k)
        indptr = np.concatenate([[0], np.cumsum(counts)])
        return indptr, rng.choice(ocean, indptr[-1]).astype(np.int32), rng.uniform(0, 30, indptr[-1])

    src, dst = conns(60), conns(45)
    first = slice(src[0][0], src[0][1])  # the first row starts outside the main component: no route
    src[1][first] = rng.choice(np.setdiff1d(np.arange(net.n_sea_nodes), ocean), first.stop - first.start)
    plain, fast = np.empty((60, 45)), np.empty((60, 45))
    region = SimpleNamespace(sea_csr=net.sea_csr, edge_km=km, edge_flags=net.edge_flags)  # what _fill reads
    monkeypatch.setattr(table, "_hierarchy", lambda *_: hier)
    table._fill(region, DEFAULT, src, dst, plain, 2, use_ch=False)
    table._fill(region, DEFAULT, src, dst, fast, 2, use_ch=True)
    assert np.isinf(plain[0]).all() and np.isfinite(plain[1:]).all()
    assert np.array_equal(np.isinf(plain), np.isinf(fast))
    ok = np.isfinite(plain)
    assert np.abs(plain[ok] - fast[ok]).max() <= 1e-6


def test_hierarchy_is_cached_on_disk(net, hier, km):
    assert hier.path.parent == net.path and hier.path.exists()
    again = Hierarchy.load(hier.path)
    assert again.stats["nodes"] == net.n_sea_nodes and np.array_equal(again.rank, hier.rank)
    assert sea_hierarchy(net, DEFAULT, km) is hier
    assert sea_hierarchy(net, DEFAULT | 1 << 30, km, build=False) is None  # another mask: not built unasked


def test_small_graph_keeps_every_distance():
    rng = np.random.default_rng(0)
    n = 300
    u, v = rng.integers(0, n, 1500), rng.integers(0, n, 1500)
    w = rng.uniform(1, 10, 1500)
    h = build_hierarchy(n, u, v, w, np.arange(1500), settle_limit=3, contract_limit=3)
    graph = csr_matrix((np.ones(0), (np.zeros(0, int), np.zeros(0, int))), shape=(n, n)).tolil()
    for a, b, x in zip(u, v, w):
        if a != b and (graph[a, b] == 0 or x < graph[a, b]):
            graph[a, b] = graph[b, a] = x
    dist = dijkstra(graph.tocsr(), indices=np.arange(20))
    for s in range(20):
        for t in range(n):
            res = ch_shortest_path(h, [s], [0.0], [t], [0.0])
            assert (res is None) == np.isinf(dist[s, t])
            if res is not None:
                assert res.cost == pytest.approx(dist[s, t], abs=1e-9)
                assert w[res.edges].sum() == pytest.approx(dist[s, t], abs=1e-9)


REGION = (25.0, 75.0, 30.0, 55.0)  # lon, lat box from Türkiye to Kazakhstan: the Middle Corridor


@pytest.fixture(scope="module")
def defaults(net, sea_route_hierarchy):
    """Route hierarchies by layer: (hierarchy, weight, closed passages). "sea": the default sea
    request's, as `corridor network --hierarchies` builds it (with its hub labels). "all": the
    default surface request's weights cut to REGION (a small regional network, built in seconds;
    the whole network's takes minutes and belongs to bench/ch.py, which checks it against A*)."""
    from corridor.default_hierarchies import default_requests

    req: dict = {}
    for _, layer, w, blocked in default_requests(net):  # the first of each layer: without the transit policy
        if w is not None:
            req.setdefault(layer, (w, blocked))
    w_sea, b_sea = req["sea"]
    w_all, b_all = req["all"]
    assert sea_route_hierarchy.wait(timeout=1800) == 0  # then hierarchy() loads it from disk
    lo0, lo1, la0, la1 = REGION
    inside = (net.node_lon > lo0) & (net.node_lon < lo1) & (net.node_lat > la0) & (net.node_lat < la1)
    w_region = np.where(inside[net.edge_u] & inside[net.edge_v], w_all, np.inf)
    w_region.flags.writeable = False
    return {"sea": (hierarchy(net, "sea", b_sea, w_sea, quiet=True, labels=True), w_sea, b_sea),
            "all": (hierarchy(net, "all", b_all, w_region, quiet=True), w_region, b_all)}


def _random_ends(rng, nodes, k):
    """k sources or targets among ``nodes`` with connector costs (hours) in [0, 5)."""
    return rng.choice(nodes, k, replace=False).astype(np.int32), rng.uniform(0, 5, k)


@pytest.mark.parametrize("layer, pairs", [("sea", 400), ("all", 300)])
def test_route_hierarchy_matches_astar(net, defaults, layer, pairs):
    """The hierarchies of the default requests' weights (hours) give A*'s cost on random
    pairs with several sources and targets, and a real path of open edges with that cost."""
    from corridor.search import shortest_path

    h, weight, blocked = defaults[layer]
    n = net.n_sea_nodes if layer == "sea" else net.n_nodes
    nodes = np.flatnonzero(np.isfinite(net.landmark_km[layer][0, :n]))  # the main component
    if layer == "all":  # and in the region the weights keep
        lo0, lo1, la0, la1 = REGION
        lon, lat = net.node_lon[nodes], net.node_lat[nodes]
        nodes = nodes[(lon > lo0) & (lon < lo1) & (lat > la0) & (lat < la1)]
    bound = float(np.min(weight[np.isfinite(weight) & (net.edge_km > 0)] /
                         net.edge_km[np.isfinite(weight) & (net.edge_km > 0)]))
    rng = np.random.default_rng(17)
    for _ in range(pairs):
        (src, sc), (dst, dc) = _random_ends(rng, nodes, 2), _random_ends(rng, nodes, 3)
        a = shortest_path(net, src, sc, dst, dc, net.node_xyz[dst], blocked=blocked, weight=weight,
                          cost_per_km=bound, landmarks=layer, graph=net.sea_csr if layer == "sea" else None)
        c = ch_shortest_path(h, src, sc, dst, dc)
        assert (a is None) == (c is None)
        if a is None:
            continue
        assert c.cost == pytest.approx(a.cost, rel=1e-9)  # summed in another order
        assert c.nodes[0] in src and c.nodes[-1] in dst
        eu, ev = net.edge_u[c.edges], net.edge_v[c.edges]
        x, y = c.nodes[:-1], c.nodes[1:]
        assert (((eu == x) & (ev == y)) | ((eu == y) & (ev == x))).all()
        assert not (net.edge_flags[c.edges] & blocked).any()
        assert c.source_cost + weight[c.edges].sum() + c.target_cost == pytest.approx(c.cost, rel=1e-9)


def test_routes_use_the_hierarchy_and_match_astar(net, defaults, monkeypatch):
    """corridor.route picks the hierarchy for the default request and answers as A* does (the
    surface cases too: with or without a whole-network hierarchy on disk, the same answer)."""
    import corridor
    from corridor import planner
    from corridor.engine.hierarchies import cached_hierarchy

    assert cached_hierarchy(net, "sea", *defaults["sea"][1:]) is defaults["sea"][0]
    assert defaults["sea"][0].labels is not None
    cases = [("CNSHA", "NLRTM", None), ("SGSIN", "USLAX", None), ((31.2, 121.5), (51.9, 4.5), "sea,rail,road,ferry"),
             ((52.5, 13.4), (41.0, 28.9), "sea,rail,road,ferry"), ((-33.9, 18.4), (1.29, 103.85), "sea")]
    fast = [corridor.route(a, b, modes=m) for a, b, m in cases]
    monkeypatch.setenv("CORRIDOR_NO_CH", "1")
    planner.forget_kept_legs()  # else the kept legs answer again, with no search
    slow = [corridor.route(a, b, modes=m) for a, b, m in cases]
    for f, s in zip(fast, slow):
        assert f.duration_h == pytest.approx(s.duration_h, rel=1e-9)
        assert f.distance_km == pytest.approx(s.distance_km, rel=1e-6)
        assert [leg.mode for leg in f.legs] == [leg.mode for leg in s.legs]


def test_requests_with_the_same_closures_share_one_weight_array(net):
    """The transit policy's second search (Russia, Belarus closed) asks for the same read-only
    weights every time, which is how cached_hierarchy finds the hierarchy built for it;
    an objective mix gets its own shared array, which never matches one."""
    from corridor import transit_policy
    from corridor.costing import params as params_mod
    from corridor.costing import sea as sea_costing
    from corridor.costing.cargo import make_cargo
    from corridor.costing.profile import Profile
    from corridor.default_hierarchies import default_requests
    from corridor.engine.restrictions import Ctx
    from corridor.modes import SURFACE

    cargo, params = make_cargo(None), params_mod.load(None)
    profile = Profile(frozenset(SURFACE), sea_costing.speed(None, cargo, params), cargo, params)
    policy = frozenset(transit_policy.restrictions())
    a = Ctx(net, profile, countries=policy).weight()[0]
    b = Ctx(net, profile, countries=policy).weight()[0]
    assert a is b and not a.flags.writeable
    assert any(w is a for _, _, w, _ in default_requests(net))
    ru = [i for i, c in enumerate(net.tables["countries"]) if c == "RU"][0]
    inside = np.flatnonzero((net.node_country[net.edge_u] == ru) & (net.node_country[net.edge_v] == ru))
    assert len(inside) and np.isinf(a[inside]).all()
    mix = {"time": 1.0, "co2": 1.0}
    mixed = Ctx(net, profile, mix, mix, countries=policy).weight()[0]
    # a mix is shared per distinct metric too (keyed by its values), never with the default's
    assert mixed is not a and not any(w is mixed for _, _, w, _ in default_requests(net))
    assert Ctx(net, profile, dict(mix), dict(mix), countries=policy).weight()[0] is mixed
