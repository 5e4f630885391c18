"""legs_from_path works on a path's events and slices of its arrays: every edge must still be
counted once, in the leg it belongs to, and drawn in order."""

from __future__ import annotations

import numpy as np
import pytest

import corridor
from corridor import planner
from corridor.air import plan as air_plan
from corridor.data import passages as P
from corridor.directions import legs_from_path
from corridor.geo import densify, haversine_km


def _planner_paths(monkeypatch, *args, **options) -> list[tuple]:
    """The arguments the planner hands to the legs stage for one request."""
    seen, legs = [], air_plan.legs
    monkeypatch.setattr(air_plan, "legs", lambda *a: seen.append(a) or legs(*a))
    planner.forget_kept_legs()  # a request asked earlier in the session would skip its legs stage
    corridor.route(*args, **options)
    assert seen, "the request found no path"
    return seen


def _is_subsequence(points: list, line: list) -> bool:
    it = iter(line)
    return all(any(q == p for q in it) for p in points)


@pytest.mark.parametrize("origin, destination, modes", [
    ("Xi'an", "Baku", "rail,ferry"),  # borders, a break of gauge and a ferry across the Caspian
    ("CNSHA", "NLRTM", "sea"),  # passages: Malacca, Bab-el-Mandeb, Suez
])
def test_legs_count_every_edge_once_and_draw_every_node_in_order(monkeypatch, origin, destination, modes):
    calls, kinds, modes_used, passages = _planner_paths(monkeypatch, origin, destination, modes=modes), set(), set(), set()
    for net, res, weights, a, b, start_mode, end_mode, start_km, end_km in calls:
        legs = legs_from_path(net, res, weights, a, b, start_mode, end_mode, start_km, end_km)
        edges = np.asarray(res.edges, np.int64)
        # legs read the border parts at crossings only: they must be zero on every other edge
        off_border = np.asarray(net.edge_border) < 0
        assert not any(part[off_border].any() for part in (weights.border_wait_h, weights.border_usd,
                                                           weights.border_co2e_kg))
        # moving legs draw with arrays, which the planner keeps as bytes and answers as lists
        assert all(isinstance(part, np.ndarray) for leg in legs if leg.mode != "transfer" for part in leg.geometry)
        assert all(planner._raw(part) == planner._raw(part.tolist()) for leg in legs for part in leg.geometry
                   if isinstance(part, np.ndarray))
        connectors = np.add(weights.connector(start_mode, start_km), weights.connector(end_mode, end_km))
        assert sum(leg.distance_km for leg in legs) == pytest.approx(start_km + end_km + net.edge_km[edges].sum())
        assert sum(leg.duration_h for leg in legs) == pytest.approx(connectors[0] + weights.hours[edges].sum())
        assert sum(leg.cost_usd for leg in legs) == pytest.approx(connectors[1] + weights.usd[edges].sum())
        crossed: list[str] = []
        for flag in net.edge_flags[edges].tolist():
            crossed += [k for k in P.keys_of(flag) if k not in crossed]
        named = [k for leg in legs for k in leg.passages]
        assert list(dict.fromkeys(named)) == crossed
        line = [(x, y) for leg in legs for part in leg.geometry for x, y in part]
        # the first node is drawn as the leg's start (the place, or the terminal that stands there)
        nodes = list(zip(net.node_lon[res.nodes[1:]].tolist(), net.node_lat[res.nodes[1:]].tolist()))
        assert _is_subsequence(nodes, line)
        kinds |= {leg.kind for leg in legs if leg.mode == "transfer"}
        modes_used |= {leg.mode for leg in legs}
        passages |= set(crossed)
    if modes == "sea":  # the cases cover what the events are made of
        assert {"malacca", "suez"} <= passages
    else:
        assert {"ferry", "rail"} <= modes_used and any(k is not None and k.is_border for k in kinds)


def test_densify_keeps_every_vertex_and_splits_only_long_steps():
    lon = np.array([0.0, 0.5, 10.0, 10.0, 10.2, -170.0])
    lat = np.array([0.0, 0.1, 5.0, 5.0, 5.1, 20.0])
    out_lon, out_lat = densify(lon, lat, max_step_km=100.0)
    steps = np.maximum(1, np.ceil(haversine_km(lon[:-1], lat[:-1], lon[1:], lat[1:]) / 100.0)).astype(int)
    assert len(out_lon) == steps.sum() + 1
    at = np.concatenate([[0], np.cumsum(steps)])
    assert np.array_equal(out_lon[at], lon) and np.array_equal(out_lat[at], lat)
    assert haversine_km(out_lon[:-1], out_lat[:-1], out_lon[1:], out_lat[1:]).max() <= 100.0 + 1e-6
    short = densify(lon[:2], lat[:2])
    assert np.array_equal(short[0], lon[:2])
