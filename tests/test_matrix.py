"""The distance table: the same figures as corridor.route, NaN where no route exists."""

from __future__ import annotations

import numpy as np
import pytest

import corridor
from corridor.engine.table import matrix

ORIGINS = ["PECHY", "NLRTM", "BRSSZ"]
DESTINATIONS = ["CNSHA", "SGSIN", "USNYC"]


@pytest.fixture(scope="module")
def table(net):
    return matrix(ORIGINS, DESTINATIONS, network=net)


def test_cells_match_route(table):
    assert table.distance_km.shape == (3, 3)
    for i, o in enumerate(ORIGINS):
        for j, d in enumerate(DESTINATIONS):
            # a table gives the direct sailing; a container route may change ship at a liner hub
            direct = corridor.route(o, d, services="direct")
            assert abs(table.distance_km[i, j] - direct.distance_km) <= 0.5, (o, d)
    speed = table.assumptions[0].value
    assert np.allclose(table.duration_h, table.distance_km / 1.852 / speed)


def test_restrictions_and_places(net):
    m = matrix(["NLRTM", "-33.9,18.3"], ["Singapore", "JP"], avoid="suez", network=net)
    assert abs(m.distance_km[0, 0] - corridor.route("NLRTM", "SGSIN", avoid=["suez"], services="direct").distance_km) <= 0.5
    assert abs(m.distance_km[1, 1] - corridor.route("-33.9,18.3", "JP", services="direct").distance_km) <= 0.5
    assert [p.kind for p in m.destinations] == ["port", "country"]
    assert m.restrictions["avoided"] == ["Suez Canal"]


def test_unreachable_is_nan_and_same_place_is_zero(net):
    m = matrix(["AZBAK", "GEPTI"], ["GEPTI"], network=net)
    assert np.isnan(m.distance_km[0, 0]) and m.distance_km[1, 0] == 0.0
    d = m.to_dict()
    assert d["distance_km"][0][0] is None and d["distance_km"][1][0] == 0.0
    river = matrix(["AZBAK"], ["GEPTI"], vessel="river-sea", network=net)
    assert abs(river.distance_km[0, 0] - corridor.route("AZBAK", "GEPTI", vessel="river-sea").distance_km) <= 0.5


def test_threads_give_the_same_table(net):
    places = ["PECHY", "NLRTM", "BRSSZ", "CNSHA", "SGSIN", "USNYC", "ZADUR"]
    one = matrix(places, places, network=net, threads=1).distance_km
    two = matrix(places, places, network=net, threads=2).distance_km
    assert np.array_equal(one, two)
    assert np.allclose(one, one.T, atol=1e-6)  # the sea network is undirected


def test_bad_input(net):
    with pytest.raises(corridor.PlaceNotFound):
        matrix(["Qwertyville"], ["CNSHA"], network=net)
    with pytest.raises(corridor.BadInput):
        matrix(["PECHY"], ["CNSHA"], vessel="canoe", network=net)
    with pytest.raises(corridor.BadInput):
        matrix([], ["CNSHA"], network=net)


def _random_coasts(net, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Points near random ports (up to ~30 km off, so some are inland and some at sea)."""
    rng = np.random.default_rng(seed)
    i = rng.choice(np.flatnonzero(np.diff(net.port_conn_indptr) > 0), k)
    return net.port_lon[i] + rng.uniform(-0.3, 0.3, k), net.port_lat[i] + rng.uniform(-0.3, 0.3, k)


def test_points_join_the_water_as_one_by_one(net):
    """The table's batched joining gives each point the connectors water_connectors gives it."""
    from corridor.engine.table_access import water_connectors_many
    from corridor.snapping import water_connectors

    lon, lat = _random_coasts(net, 120, 17)
    lon, lat = np.append(lon, [20.0, -150.0, 100.0]), np.append(lat, [50.0, -40.0, 47.0])  # Poland, Pacific, Mongolia
    many = water_connectors_many(net, lon, lat)
    for x, y, m in zip(lon, lat, many):
        one = water_connectors(x, y, tree=net.tree, node_lon=net.node_lon, node_lat=net.node_lat,
                               joinable=net.node_joinable, mask=net.water)
        assert np.array_equal(one.nodes, m.nodes) and np.array_equal(one.km, m.km), (x, y)
        assert m.land_km == pytest.approx(one.land_km, abs=1e-9) or one.land_km == m.land_km == np.inf
    assert many[-1].empty and many[-2].land_km == 0.0 and many[-3].land_km > 0  # Mongolia: no sea node in reach


def test_crossings_as_direct_crossing(net):
    """Straight crossings between nearby places: the planner's direct_crossing, pair by pair."""
    from corridor.costing.profile import Profile
    from corridor.engine import table
    from corridor.engine.access import access, direct_crossing
    from corridor.places import resolve

    profile = Profile(frozenset({"sea"}))
    lon, lat = _random_coasts(net, 40, 23)
    places = [access(net, resolve((y, x), net), profile) for x, y in zip(lon, lat)]
    places += [access(net, resolve(q, net), profile) for q in ("DK", "NLRTM", "BEANR", "GBFXT")]  # several candidates
    a, b = zip(*[(x, y) for x in places for y in places])
    got = table._crossings(net, list(a), list(b))
    want = [direct_crossing(net, x, y, profile) for x, y in zip(a, b)]
    assert np.array_equal(np.isfinite(got), [w is not None for w in want])
    assert np.isfinite(got).sum() > len(places)  # more than each place with itself
    assert np.allclose([w[0] for w in want if w is not None], got[np.isfinite(got)], rtol=0, atol=1e-9)


def test_label_table_equals_dijkstra_rows(net, monkeypatch):
    """The hub-label join against one Dijkstra per row, on the sea layer cut to the Indian Ocean
    (the region tests/test_ch.py contracts, cached once for both), connectors of random costs."""
    from types import SimpleNamespace

    from corridor import hub_labels
    from corridor.engine import table
    from corridor.engine.hierarchies import hierarchy
    from corridor.engine.restrictions import blocked_mask

    blocked = blocked_mask([], [], "seagoing")
    inside = (net.node_lon > 30) & (net.node_lon < 110) & (net.node_lat > -45) & (net.node_lat < 30)
    km = np.where(inside[net.edge_u] & inside[net.edge_v], net.edge_km, np.inf)
    km.flags.writeable = False
    h = hierarchy(net, "sea", blocked, km, labels=True)
    rng = np.random.default_rng(8)
    pool = np.flatnonzero(inside[:net.n_sea_nodes])

    def conns(k):
        indptr = np.concatenate([[0], np.cumsum(rng.integers(1, 5, k))])
        return indptr, rng.choice(pool, indptr[-1]).astype(np.int32), rng.uniform(0, 40, indptr[-1])

    src, dst = conns(70), conns(90)  # 90 columns: some hubs get dense rows, some stay buckets
    src[1][:src[0][1]] = np.flatnonzero(~inside[:net.n_sea_nodes])[:src[0][1]]  # row 0: outside, no route
    plain, fast, threaded = np.empty((70, 90)), np.empty((70, 90)), np.empty((70, 90))
    region = SimpleNamespace(sea_csr=net.sea_csr, edge_km=km, edge_flags=net.edge_flags)  # what _fill reads
    table._fill(region, blocked, src, dst, plain, 1, use_ch=False)
    hub_labels.table(h.labels, src, dst, fast, 1)
    monkeypatch.setattr(hub_labels, "TABLE_CELLS_PER_THREAD", 1000)
    hub_labels.table(h.labels, src, dst, threaded, 2)
    assert np.isinf(plain[0]).all() and np.isfinite(plain[1:]).sum() > 0.9 * plain[1:].size
    assert np.array_equal(np.isinf(plain), np.isinf(fast)) and np.array_equal(fast, threaded)
    ok = np.isfinite(plain)
    assert np.abs(plain[ok] - fast[ok]).max() <= 1e-6
