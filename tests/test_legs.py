"""Typed legs: transfer kinds and border crossings are fields, and every leg starts and ends where it really does."""

from __future__ import annotations

import pytest

import corridor
from corridor import alternatives, transit_policy
from corridor.commands.route import print_table
from corridor.directions import NEAR_KM, TERMINAL_NAME_KM, where_is
from corridor.geo import haversine_km
from corridor.places import Place
from corridor.report.build import Option, _chain
from corridor.route import Border, Leg, Route, TransferKind

BOLE = Place("border", "border near Bole", 82.56, 45.21)
XIAN = Place("city", "Xi'an", 108.93, 34.26, country="CN")
ALMATY = Place("city", "Almaty", 76.9, 43.2, country="KZ")


def _move(a: Place, b: Place, mode: str = "rail") -> Leg:
    return Leg(mode, a, b, 1000.0, 20.0, [], [], [[[a.lon, a.lat], [b.lon, b.lat]]])


def _crossing(border: Border) -> Leg:
    at = Place("border", border.name, BOLE.lon, BOLE.lat)
    return Leg("transfer", at, at, 0.0, 24.0, [], [], [[[at.lon, at.lat], [at.lon, at.lat]]],
               kind=border.kind, name=border.name, border=border)


def _route(*legs: Leg) -> Route:
    return Route(legs[0].origin, legs[-1].destination, list(legs), [], {"avoided": []},
                 {"fingerprint": "test", "sources": []}, cargo={"kind": "container", "teu": 1, "vessel_class": "-"})


# A name that says one thing while the fields say another: consumers must believe the fields.
MISLEADING = Border(("KZ", "CN"), "RU–BY border near nowhere (RU)", TransferKind.BREAK_OF_GAUGE)


def test_transfer_kind_values_are_the_old_strings():
    assert TransferKind.RAIL_ROAD_TERMINAL == "rail-road terminal"
    assert TransferKind("ship-ferry transshipment") is TransferKind.SHIP_FERRY
    assert TransferKind.PORT in {"port": 1}  # the planner looks kinds up in tables keyed by the strings
    assert TransferKind.ROAD_BORDER.is_border and not TransferKind.PORT.is_border


def test_an_unknown_transfer_kind_is_rejected():
    at = XIAN
    with pytest.raises(ValueError):
        Leg("transfer", at, at, 0.0, 1.0, [], [], [], kind="rail-road")
    leg = Leg("transfer", at, at, 0.0, 1.0, [], [], [], kind="rail-road terminal")
    assert leg.kind is TransferKind.RAIL_ROAD_TERMINAL and leg.to_dict()["kind"] == "rail-road terminal"


def test_a_border_leg_needs_its_border_and_only_it_has_one():
    with pytest.raises(ValueError):
        Leg("transfer", BOLE, BOLE, 0.0, 1.0, [], [], [], kind=TransferKind.RAIL_BORDER)
    with pytest.raises(ValueError):
        Leg("transfer", BOLE, BOLE, 0.0, 1.0, [], [], [], kind=TransferKind.PORT, border=MISLEADING)


@pytest.mark.parametrize("countries, kind", [
    (("CN",), TransferKind.RAIL_BORDER), (("CN", "CN"), TransferKind.RAIL_BORDER),
    (("cn", "KZ"), TransferKind.RAIL_BORDER), (("CN", "KZ"), TransferKind.PORT), (("CN", "KZ"), "customs"),
])
def test_a_border_is_two_countries_and_a_border_kind(countries, kind):
    with pytest.raises(ValueError):
        Border(countries, "x", kind)


def test_border_countries_come_from_the_field_not_the_name():
    leg = _crossing(MISLEADING)
    assert MISLEADING.countries == ("CN", "KZ")
    assert leg.is_border and leg.border_countries == frozenset({"CN", "KZ"})
    d = leg.to_dict()
    assert d["border"] == {"countries": ["CN", "KZ"], "name": MISLEADING.name, "kind": "break of gauge"}
    assert d["kind"] == "break of gauge" and d["name"] == MISLEADING.name


def test_consumers_read_the_border_fields():
    r = _route(_move(XIAN, BOLE), _crossing(MISLEADING), _move(BOLE, ALMATY))
    assert transit_policy.countries_crossed(r) == {"CN", "KZ"}
    assert ("border", frozenset({"CN", "KZ"})) in alternatives.features(r)
    assert frozenset({"CN", "KZ"}) in alternatives.signature(r)[1]
    d = r.to_dict()
    assert d["borders"] == [MISLEADING.name]
    assert d["border_crossings"] == [MISLEADING.to_dict()]
    assert MISLEADING.name in _chain(r)


def test_the_table_names_an_alternative_by_its_border_countries(capsys):
    r = _route(_move(XIAN, BOLE), _crossing(MISLEADING), _move(BOLE, ALMATY))
    r.extra["alternatives"] = [r]
    print_table(r)
    via = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  1. ")]
    assert via and via[0].endswith("via CN–KZ")


def test_the_report_counts_rail_road_terminals_as_transshipments():
    hub = Place("terminal", "Almaty", 76.9, 43.2, country="KZ")
    terminal = Leg("transfer", hub, hub, 0.0, 12.0, [], [], [], kind=TransferKind.RAIL_ROAD_TERMINAL,
                   name="Almaty (rail-road terminal)")
    r = _route(_move(XIAN, hub), terminal, _move(hub, ALMATY, "road"))
    assert Option("k", "label", "recipe", r, []).summary()["transshipments"] == 1


@pytest.mark.parametrize("origin, destination, modes", [
    ("Kyiv", "Tokyo", "sea,rail,road,ferry"),
    ("Xi'an", "Baku", "rail,ferry"),
    ("Shanghai", "Baku", None),
    ("Baku", "Istanbul", "rail"),
])
def test_every_leg_runs_between_its_own_ends(origin, destination, modes):
    r = corridor.route(origin, destination, modes=modes)
    for before, leg in zip([None, *r.legs], r.legs):
        a, b = leg.origin, leg.destination
        gc = float(haversine_km(a.lon, a.lat, b.lon, b.lat))
        assert leg.distance_km >= gc - 1.0, (leg.mode, a.label, b.label, leg.distance_km, gc)
        if before is not None:  # a leg starts where the one before it ended
            assert (a.lon, a.lat) == (before.destination.lon, before.destination.lat), (before.to_dict(), leg.to_dict())
        if leg.mode != "transfer":
            first, last = leg.geometry[0][0], leg.geometry[-1][-1]
            assert (first[0], first[1]) == pytest.approx((a.lon, a.lat)), leg.to_dict()["from"]
            assert (last[0], last[1]) == pytest.approx((b.lon, b.lat)), leg.to_dict()["to"]


def test_a_point_is_near_a_town_only_when_it_is_close():
    assert where_is(108.94, 34.27).startswith("near ")  # central Xi'an
    far = where_is(83.0, 39.0)  # the middle of the Taklamakan
    assert not far.startswith("near ") and int(far.split(" km from ")[0]) > NEAR_KM


def test_a_place_named_by_a_port_is_at_the_port(net):
    # Kaifeng, an inland river port, reaches the sea 480 km away: the sea leg starts there, not "at Kaifeng"
    r = corridor.route("Kyiv", "Tokyo", modes="sea,rail,road,ferry")
    named = [p for leg in r.legs for p in (leg.origin, leg.destination) if p.kind == "terminal" and p.code]
    assert named
    for p in named:
        i = list(net.port_code).index(p.code)
        assert float(haversine_km(p.lon, p.lat, net.port_lon[i], net.port_lat[i])) <= TERMINAL_NAME_KM, p
    assert all(leg.origin.label != "Kaifeng" for leg in r.legs if leg.mode == "sea")
