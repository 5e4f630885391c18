"""Regression tests for wrong answers found in the core: each failed before its fix."""

from __future__ import annotations

import json
import math
import time

import pytest

import corridor
from corridor.errors import BadInput
from corridor.geo import split_antimeridian
from corridor.places import MAX_QUERY_CHARS, check_query, resolve

ALL_MODES = "sea,rail,road,ferry,air"
FIGURES = ("distance_km", "duration_h", "cost_usd", "co2e_kg")


def _figures_sane(route) -> None:
    """Every leg's figures finite and not negative, and the answer strict JSON."""
    for leg in route.legs:
        for name in FIGURES:
            value = getattr(leg, name)
            assert math.isfinite(value) and value >= 0, (leg.mode, leg.kind, leg.name, name, value)
    json.dumps(route.to_dict(), allow_nan=False)


@pytest.mark.parametrize("origin, destination", [("PECLL", "RULED"), ("Lima", "Baku")])
def test_surface_and_air_together_give_a_route(origin, destination):
    r = corridor.route(origin, destination, modes=ALL_MODES, cargo="general", tonnes=1)  # a TEU does not fly
    assert "air" in r.modes and r.legs
    _figures_sane(r)
    # The legs join up: each starts where the previous one ended.
    for before, after in zip(r.legs[:-1], r.legs[1:]):
        assert (before.destination.lon, before.destination.lat) == (after.origin.lon, after.origin.lat)


@pytest.mark.parametrize("origin, destination, modes", [("Lima", "Istanbul", "air"),
                                                        ("Lima", "Baku", ALL_MODES)])
def test_pareto_routes_with_flights_have_no_negative_figures(origin, destination, modes):
    r = corridor.route(origin, destination, modes=modes, pareto=True, cargo="general", tonnes=1)
    front = r.extra["pareto"]
    assert front and any("air" in p.modes for p in front)
    for p in (r, *front):
        _figures_sane(p)


def test_airport_handling_is_shown_as_assumed_whatever_the_objective():
    from corridor.costing.params import defaults

    assumed = [defaults().value("air.check_in"), defaults().value("air.arrival")]
    for optimize in ("time", "cost", "co2", "time=1,co2=1"):
        r = corridor.route("Lima", "Istanbul", modes="air", cargo="passengers", optimize=optimize)
        airports = [leg for leg in r.legs if leg.kind == "airport"]
        assert [leg.duration_h for leg in airports] == assumed, optimize


def test_the_fastest_member_of_a_pareto_front_is_the_fastest_route():
    r = corridor.route("Lima", "Istanbul", modes="air", pareto=True)
    fastest = min(p.duration_h for p in r.extra["pareto"])
    assert r.duration_h == pytest.approx(fastest)
    assert r.duration_h == pytest.approx(corridor.route("Lima", "Istanbul", modes="air").duration_h)


# --- The same place on both sides of the antimeridian, and no NaN in any answer -----------------

@pytest.mark.parametrize("origin, destination", [((0, 180), (0, -180)), ("0,180", "0,-180"), ("0,-180", (0.0, 180.0))])
def test_the_same_place_across_the_antimeridian_is_the_same_place(origin, destination):
    with pytest.raises(BadInput, match="same place"):
        corridor.route(origin, destination)


def test_the_cli_refuses_the_same_place_across_the_antimeridian(cli):
    proc = cli("route", "0,180", "0,-180", "--json", check_rc=2)
    assert proc.stdout == "" and "same place" in proc.stderr


def test_longitude_180_is_spelled_minus_180(net):
    assert resolve((10, 180), net).lon == -180.0 and resolve("10,180", net).lon == -180.0
    assert resolve((10, -180), net).lon == -180.0 and resolve((10, 179.5), net).lon == 179.5


@pytest.mark.parametrize("lons, lats", [([180.0, -180.0], [0.0, 0.0]), ([170.0, 180.0, -180.0, -170.0], [0, 1, 1, 2]),
                                        ([-180.0, 170.0], [5.0, 6.0]), ([180.0, -180.0], [0.0, 10.0])])
def test_split_antimeridian_on_the_meridian_itself(lons, lats):
    parts = split_antimeridian(lons, lats)
    assert len(parts) == 2
    for part in parts:
        for lon, lat in part:
            assert math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90
        assert len({lon for lon, _ in part if abs(lon) == 180}) <= 1  # each part stays on its own side


def test_a_route_across_the_antimeridian_is_split_and_finite():
    r = corridor.route((-16.5, 179.5), (-17.5, -179.5))
    coords = r.geometry["coordinates"]
    assert len(coords) == 2 and coords[0][-1][0] == 180.0 and coords[1][0][0] == -180.0
    _figures_sane(r)


def test_cost_overrides_must_be_finite():
    for bad in (math.nan, math.inf):
        with pytest.raises(BadInput, match="finite"):
            corridor.route("PECHY", "CNSHA", costs={"sea": {"rate": {"container": bad}}})


def test_a_passenger_flight_is_strict_json():
    _figures_sane(corridor.route("Lima", "Istanbul", modes="air", passengers=2))


# --- Place queries and the limit of a lookup --------------------------------------------------

@pytest.mark.parametrize("limit", [-1, 0, 101, 2.5, True, "5", None])
def test_places_limit_is_checked(limit):
    with pytest.raises(BadInput, match=r"limit must be a whole number from 1 to 100"):
        corridor.places("Rotterdam", limit=limit)


def test_places_limit_bounds_are_allowed():
    assert len(corridor.places("Rotterdam", limit=1)) == 1
    assert 1 <= len(corridor.places("Rotterdam", limit=100)) <= 100


@pytest.mark.parametrize("query", [None, {}, ["a", "b", "c"], math.nan, (1,), (1, 2, 3), (math.nan, 1.0),
                                   (1.0, math.inf), (91, 0), (0, 181), ("1", "2"), (True, False), b"PECHY", "",
                                   "   ", [1, 2, 3]])
def test_unusable_place_queries_are_bad_input(query, net):
    with pytest.raises(BadInput):
        check_query(query)
    with pytest.raises(BadInput):
        resolve(query, net)
    with pytest.raises(BadInput):
        corridor.places(query)


def test_a_huge_place_query_is_refused_at_once(net):
    huge = "Rotterdam " * 1_000
    resolve("Rotterdam", net)  # warm: the check must not hide behind a first-call cost
    start = time.perf_counter()
    with pytest.raises(BadInput, match="too long"):
        resolve(huge, net)
    assert time.perf_counter() - start < 0.01
    with pytest.raises(BadInput, match="too long"):
        corridor.places(huge)
    with pytest.raises(BadInput, match="too long"):
        corridor.route(huge, "CNSHA")


def test_usable_queries_pass_the_check(net):
    for query in ("Rotterdam", "PECHY", "-11.59,-77.28", (51.9, 4.1), [51.9, 4.1], "x" * MAX_QUERY_CHARS,
                  resolve("CNSHA", net)):
        check_query(query)
