"""Multimodal tables (``modes`` other than sea alone): each cell is the surface search's least
time and the km of that path, the figures corridor.route finds for the pair (with
services=direct: the table never sails on liner services), under the transit policy."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import corridor
from corridor import transit_policy
from corridor.errors import BadInput
from corridor.mode_options import AVAILABLE_MODES
from corridor.request import RouteRequest, TableRequest

SURFACE = "sea,rail,road,ferry"
# inland cities by coordinates: Munich, Moscow (a transit-policy country), Almaty, Tashkent
PLACES = ["48.14,11.58", "55.75,37.62", "43.24,76.95", "41.31,69.24"]


@pytest.fixture(scope="module")
def table(net):
    return corridor.matrix(PLACES, modes=SURFACE)


def test_cells_are_the_routes_time_and_km(table):
    assert table.duration_h.shape == (4, 4) and np.all(np.diag(table.duration_h) == 0)
    np.testing.assert_allclose(table.duration_h, table.duration_h.T, rtol=1e-9)  # the network is undirected
    for i, a in enumerate(PLACES):
        for j, b in enumerate(PLACES):
            if i < j:
                r = corridor.route(a, b, modes=SURFACE, services="direct")
                assert table.duration_h[i, j] == pytest.approx(r.duration_h, rel=1e-6), (a, b)
                assert table.distance_km[i, j] == pytest.approx(r.distance_km, rel=1e-6), (a, b)
    assert table.restrictions["modes"] == sorted(SURFACE.split(","))
    assert any("surface search" in n for n in table.notes)
    assert any("transit policy" in n for n in table.notes)


def test_the_dijkstra_rows_give_the_hierarchy_cells(table, net, monkeypatch):
    """The fallback (no hierarchy for the request) fills the same cells as the bucket search
    (when this cache has the whole network's hierarchy; else both are the Dijkstra rows)."""
    monkeypatch.setenv("CORRIDOR_NO_CH", "1")
    plain = corridor.matrix(PLACES[:3], PLACES[2:], modes=SURFACE)
    assert any("Dijkstra" in n for n in plain.notes)
    np.testing.assert_allclose(plain.duration_h, table.duration_h[:3, 2:], rtol=1e-9)
    np.testing.assert_allclose(plain.distance_km, table.distance_km[:3, 2:], rtol=1e-6)


def test_without_the_policy_a_cell_may_cross_its_countries(net):
    """Munich-Almaty avoids Russia under the policy, and is not longer without it."""
    from corridor.engine.table import matrix

    avoided = transit_policy.load().avoided()
    strict = matrix([PLACES[0]], [PLACES[2]], modes=SURFACE, network=net, transit_avoided=avoided)
    free = matrix([PLACES[0]], [PLACES[2]], modes=SURFACE, network=net)
    assert free.duration_h[0, 0] <= strict.duration_h[0, 0]
    assert any("no transit policy" in n for n in free.notes)


def test_unreachable_cells_are_nan_with_a_note(net):
    m = corridor.matrix(["48.14,11.58"], ["-33.87,151.21"], modes="rail,road")  # Munich to Sydney by land
    assert np.isnan(m.duration_h[0, 0]) and np.isnan(m.distance_km[0, 0])
    assert any("no route by rail, road" in n for n in m.notes)
    assert m.to_dict()["duration_h"] == [[None]]


_MODE_ITEMS = st.lists(st.sampled_from([*AVAILABLE_MODES, "Rail", " road ", "boat", ""]), max_size=6)


@settings(max_examples=60, deadline=None)
@given(items=_MODE_ITEMS, as_text=st.booleans())
def test_modes_are_checked_as_a_route_checks_them(items, as_text):
    """A table takes the route's ``modes`` with the same checks and messages; air and an empty
    list are refused, naming what to give; the default stays sea."""
    value = ",".join(items) if as_text else items
    try:
        route_modes, route_error = RouteRequest.make(origin="NLRTM", destination="CNSHA", modes=value).modes, None
    except BadInput as e:
        route_modes, route_error = None, str(e)
    try:
        req = TableRequest.make(origins=("NLRTM",), modes=value)
    except BadInput as e:
        if str(e) != route_error:  # the only refusal of a table's own: air, with the way out
            assert "air" in [i.strip().lower() for i in items]
            assert str(e).startswith("Option modes (`--modes`): air") and "corridor route" in str(e)
        return
    assert route_error is None and req.modes == route_modes and "air" not in req.modes
    assert req.multimodal == (req.modes != ("sea",))


def test_the_default_is_sea():
    assert TableRequest.make(origins=("NLRTM",)).modes == ("sea",)
    assert not TableRequest.make(origins=("NLRTM",), modes=None).multimodal


def test_policy_groups_cover_every_cell_once_with_the_pairs_own_countries_open():
    from corridor.engine.table_surface import policy_groups

    avoided = frozenset({"RU", "BY", "UA"})
    origins, destinations = [None, "RU", "DE", "RU", "BY"], ["BY", None, "RU"]
    seen = np.zeros((5, 3), int)
    for closed, rows, cols in policy_groups(origins, destinations, avoided):
        seen[np.ix_(rows, cols)] += 1
        for i in rows:
            for j in cols:
                assert closed == avoided - {origins[i], destinations[j]}
    assert (seen == 1).all()
