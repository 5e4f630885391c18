"""Borders as data: closed borders stay closed, a scenario opens one, the table is sourced and valid."""

from __future__ import annotations

import pycountry
import pytest

import corridor
from corridor import scenario as scenario_mod
from corridor.costing import transfer as transfer_costing
from corridor.data import borders as border_table
from corridor.errors import BadInput

OPEN_AM_AZ = {"name": "Armenia–Azerbaijan open", "open": {"borders": ["AM-AZ"]}}


def _pairs(route) -> set[frozenset]:
    return {frozenset(b.countries) for b in route.border_crossings}


def _countries(route) -> set[str]:
    return {c for b in route.border_crossings for c in b.countries}


@pytest.fixture(scope="module")
def yerevan_baku(net):
    return corridor.route("Yerevan", "Baku")


def test_yerevan_baku_goes_round_the_closed_border_through_georgia(yerevan_baku):
    pairs = _pairs(yerevan_baku)
    assert frozenset({"AM", "AZ"}) not in pairs
    assert frozenset({"AM", "GE"}) in pairs and frozenset({"AZ", "GE"}) in pairs
    closed = {row["countries"] for row in yerevan_baku.restrictions["closed_borders"]}
    assert "AM-AZ" in closed
    assert any("closed borders near the route, not crossed" in n and "AM-AZ" in n for n in yerevan_baku.notes)


def test_a_scenario_opening_am_az_crosses_it_and_is_faster(yerevan_baku):
    r = corridor.route("Yerevan", "Baku", scenario=OPEN_AM_AZ)
    assert frozenset({"AM", "AZ"}) in _pairs(r)
    assert r.extra["difference"]["duration_h"] < 0
    assert r.extra["scenario"]["open"]["borders"] == ["AM-AZ"]
    assert frozenset({"AM", "AZ"}) not in {frozenset(b["countries"]) for b in
                                           r.extra["baseline"]["border_crossings"]}
    assert r.extra["baseline"]["duration_h"] == pytest.approx(yerevan_baku.duration_h, abs=0.1)


def test_nakhchivan_to_baku_does_not_cross_armenia(net):
    r = corridor.route("Nakhchivan", "Baku")
    assert "AM" not in _countries(r)
    assert "AM" not in {p.country for leg in r.legs for p in (leg.origin, leg.destination)}
    assert r.border_crossings  # out of the exclave through a neighbour, not through Armenia


def test_turkiye_to_armenia_by_rail_does_not_use_kars_gyumri(net):
    r = corridor.route("Kars", "Gyumri", modes="rail,road")
    assert frozenset({"AM", "TR"}) not in _pairs(r)
    assert "GE" in _countries(r)  # round through Georgia


def test_the_closed_set_holds_the_caucasus_closures():
    closed = border_table.closed()
    for pair in ("AM-AZ", "AM-TR"):
        for mode in ("road", "rail"):
            assert (frozenset(pair.split("-")), mode) in closed
    # restricted is not closed: freight crosses Azerbaijan's land borders
    assert (frozenset({"AZ", "GE"}), "road") not in closed


def test_every_row_names_its_source_and_date():
    rows = border_table.rows()
    assert len(rows) >= 20
    for r in rows:
        assert len(r.source) > 20 and "." in r.source, r
        assert r.date[:4].isdigit() and 1990 <= int(r.date[:4]) <= 2030, r
        assert r.note, r


def test_the_table_is_valid():
    known = {c.alpha_2 for c in pycountry.countries}
    for r in border_table.rows():
        assert set(r.countries) <= known, r
        assert r.countries == tuple(sorted(r.countries)) and r.countries[0] != r.countries[1]
        assert r.status in border_table.STATUSES and r.mode in border_table.MODES, r
        assert (r.lon is None) == (r.lat is None), r
        if r.lon is not None:
            assert -180 <= r.lon <= 180 and -90 <= r.lat <= 90
        waits = [w for w in (r.wait_low_h, r.wait_typical_h, r.wait_high_h) if w is not None]
        assert waits == sorted(waits) and all(w >= 0 for w in waits), r
        assert not (r.status == "closed" and waits), r


def test_a_named_crossing_is_matched_by_its_coordinates():
    habur = border_table.row_for(("TR", "IQ"), "road", 42.56, 37.15)
    assert habur is not None and "Habur" in habur.crossing
    assert border_table.row_for(("TR", "IQ"), "road", 44.0, 37.1) is None  # 130 km away: another crossing


def test_a_typical_wait_is_the_legs_wait_with_its_source():
    row = border_table.BorderRow(("GE", "TR"), "road", "open", "n", "Some Agency, example.org/x", "2025-01",
                                 "Sarp", None, None, 2.0, 6.0, 48.0)
    a = transfer_costing.table_wait(row)
    assert a.value == 6.0 and a.unit == "h"
    assert "example.org/x" in a.source and "low 2 h, typical 6 h, high 48 h" in a.source


@pytest.mark.parametrize("open_, message", [
    ({"borders": ["AM-XX-YY"]}, "two ISO country codes"),
    ({"borders": ["GE-TR"]}, "is not closed"),
    ({"borders": "AM-AZ"}, "list of country pairs"),
    ({"countries": ["AM"]}, "open must be a table"),
])
def test_bad_open_entries_say_what_is_wrong(open_, message):
    with pytest.raises(BadInput, match=message):
        scenario_mod.parse({"open": open_})


def test_open_pairs_are_normalised():
    sc = scenario_mod.parse({"open": {"borders": ["az-am", "AM–TR"]}})
    assert sc.opened_borders == ["AM-AZ", "AM-TR"]
    assert scenario_mod.opened_pairs(sc) == {frozenset({"AM", "AZ"}), frozenset({"AM", "TR"})}


def test_a_scenario_reopening_kars_gyumri_takes_the_closed_line(net):
    closed = corridor.route("Kars", "Gyumri", modes="rail,road")
    opened = corridor.route("Kars", "Gyumri", modes="rail,road",
                            scenario={"name": "Kars–Gyumri reopened", "open": {"borders": ["AM-TR"]}})
    assert frozenset({"AM", "TR"}) in _pairs(opened) and "GE" not in _countries(opened)
    assert opened.extra["difference"]["distance_km"] < 0
    assert opened.distance_km < closed.distance_km / 2  # the direct line, not the detour through Georgia


def test_a_crossing_with_a_sourced_range_gives_its_border_leg_that_range():
    """Terespol–Brest: the typical wait sets the leg, the published low and high its range."""
    from types import SimpleNamespace

    from corridor.costing import ranges
    from corridor.costing.params import defaults

    row = border_table.row_for(("PL", "BY"), "rail", 23.63, 52.07)
    assert row is not None and "Terespol" in row.crossing and "railtech.com" in row.source
    assert row.wait_low_h <= row.wait_typical_h <= row.wait_high_h
    leg = SimpleNamespace(mode="transfer", kind="break of gauge", duration_h=row.wait_typical_h,
                          border=SimpleNamespace(countries=("BY", "PL")),
                          origin=SimpleNamespace(lon=23.63, lat=52.07))
    fast, slow = ranges.leg_range(leg, SimpleNamespace(in_force=defaults(), cargo=None))
    assert (fast, slow) == (row.wait_low_h, row.wait_high_h)
    assert slow > defaults().value("range.border.gauge.slow")  # the source, not the default bound


def test_a_border_leg_at_a_located_crossing_is_named_as_the_table_names_it(net):
    r = corridor.route("Tbilisi", "Kars", modes="rail")  # by rail only over the Baku–Tbilisi–Kars line
    leg = next(leg for leg in r.legs if leg.border is not None and set(leg.border.countries) == {"GE", "TR"})
    row = border_table.row_for(leg.border.countries, "rail", leg.origin.lon, leg.origin.lat)
    assert row is not None and row.lon is not None  # the table locates this crossing
    assert leg.border.name == f"GE–TR border at {row.crossing}" and leg.origin.label == leg.border.name
