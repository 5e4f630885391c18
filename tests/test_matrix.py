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
