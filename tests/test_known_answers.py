"""Regression tests for wrong answers found in the core: each failed before its fix."""

from __future__ import annotations

import json
import math

import pytest

import corridor

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
    r = corridor.route(origin, destination, modes=ALL_MODES)
    assert "air" in r.modes and r.legs
    _figures_sane(r)
    # The legs join up: each starts where the previous one ended.
    for before, after in zip(r.legs[:-1], r.legs[1:]):
        assert (before.destination.lon, before.destination.lat) == (after.origin.lon, after.origin.lat)


@pytest.mark.parametrize("origin, destination, modes", [("Lima", "Istanbul", "air"),
                                                        ("Lima", "Baku", ALL_MODES)])
def test_pareto_routes_with_flights_have_no_negative_figures(origin, destination, modes):
    r = corridor.route(origin, destination, modes=modes, pareto=True)
    front = r.extra["pareto"]
    assert front and any("air" in p.modes for p in front)
    for p in (r, *front):
        _figures_sane(p)


def test_airport_handling_is_shown_as_assumed_whatever_the_objective():
    from corridor.costing import air

    for optimize in ("time", "cost", "co2", "time=1,co2=1"):
        r = corridor.route("Lima", "Istanbul", modes="air", optimize=optimize)
        airports = [leg for leg in r.legs if leg.kind == "airport"]
        assert [leg.duration_h for leg in airports] == [air.CHECK_IN.value, air.ARRIVAL.value], optimize


def test_the_fastest_member_of_a_pareto_front_is_the_fastest_route():
    r = corridor.route("Lima", "Istanbul", modes="air", pareto=True)
    fastest = min(p.duration_h for p in r.extra["pareto"])
    assert r.duration_h == pytest.approx(fastest)
    assert r.duration_h == pytest.approx(corridor.route("Lima", "Istanbul", modes="air").duration_h)
