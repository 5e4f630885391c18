"""Times as ranges: every leg's fast and slow bounds, their sums, and published times inside them."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest

import corridor
from corridor.costing import ferry as ferry_costing
from corridor.costing.params import defaults
from corridor.data import borders as border_table
from corridor.errors import BadInput

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import calibration  # noqa: E402  (bench/ is not a package)


@pytest.fixture(scope="module")
def routes(net):
    return {
        "rail-ferry": corridor.route("Xi'an", "Baku", modes="rail,ferry"),
        "sea": corridor.route("PECHY", "CNSHA"),
        "road": corridor.route("44.21,80.39", "Almaty", modes="road"),
    }


@pytest.mark.parametrize("name", ["rail-ferry", "sea", "road"])
def test_every_leg_range_brackets_its_planning_time(routes, name):
    legs = routes[name].legs
    for leg in legs:
        assert leg.duration_h_range is not None, (leg.mode, leg.name)
        fast, slow = leg.duration_h_range
        assert 0 <= fast <= leg.duration_h + 1e-9 <= slow + 2e-9, (leg.mode, leg.name, fast, leg.duration_h, slow)
    # the range is a range: some leg of each route has published variability
    assert any(leg.duration_h_range[1] - leg.duration_h_range[0] > 1.0 for leg in legs)


@pytest.mark.parametrize("name", ["rail-ferry", "sea", "road"])
def test_route_range_is_the_sum_of_the_legs(routes, name):
    r = routes[name]
    fast, slow = r.duration_h_range
    assert fast == pytest.approx(sum(leg.duration_h_range[0] for leg in r.legs))
    assert slow == pytest.approx(sum(leg.duration_h_range[1] for leg in r.legs))
    assert fast < r.duration_h < slow


def test_a_weekly_ferry_widens_the_slow_bound_by_days(net):
    weekly = corridor.route("Poti", "Constanta", modes="ferry")
    daily = corridor.route("Kuryk", "AZBAK", modes="ferry")
    widening = {}
    for name, r in (("weekly", weekly), ("daily", daily)):
        (leg,) = [leg for leg in r.legs if leg.mode == "ferry"]
        widening[name] = leg.duration_h_range[1] - leg.duration_h
    rows = {row["id"]: row for row in net.tables["ferries"]}
    share = defaults().value("ferry.wait_share")
    expected = (1.0 - share) * ferry_costing.interval_h(rows["blacksea-poti-constanta"])
    assert float(rows["blacksea-poti-constanta"]["sailings_per_week"]) == 1
    assert widening["weekly"] == pytest.approx(expected, abs=0.5)
    assert widening["weekly"] >= 3 * 24  # days, where a daily ferry adds hours
    assert widening["daily"] < 24


def test_a_crossing_with_a_published_high_wait_takes_it_as_its_slow_bound(routes):
    (border,) = [leg for leg in routes["road"].legs if leg.border is not None and "KZ" in leg.border.countries]
    row = border_table.row_for(border.border.countries, "road", border.origin.lon, border.origin.lat)
    assert row is not None and row.wait_high_h is not None
    assert border.duration_h_range[1] == row.wait_high_h
    assert border.duration_h_range[1] > defaults().value("range.border.road.slow")


def test_range_bounds_are_costing_parameters_a_user_can_override(routes):
    base = routes["rail-ferry"]
    slower = corridor.route("Xi'an", "Baku", modes="rail,ferry", costs={"range": {"rail": {"speed": {"slow": 400.0}}}})
    assert slower.duration_h == pytest.approx(base.duration_h)
    assert slower.duration_h_range[1] > base.duration_h_range[1] + 24
    assert slower.duration_h_range[0] == pytest.approx(base.duration_h_range[0])


def test_a_sea_speed_the_user_gives_has_no_speed_range(net):
    chosen = corridor.route("PECHY", "CNSHA", speed_kn=12.0)
    (leg,) = chosen.legs
    assert not leg.passages  # no canal wait: the sailing is the whole leg
    assert leg.duration_h_range == pytest.approx((leg.duration_h, leg.duration_h))


def test_a_zero_slow_speed_is_bad_input(net):
    with pytest.raises(BadInput, match="range.rail.speed.slow"):
        corridor.route("Xi'an", "Baku", modes="rail,ferry", costs={"range": {"rail": {"speed": {"slow": 0}}}})


def test_range_fields_are_in_the_json(routes):
    d = routes["rail-ferry"].to_dict()
    fast, slow = d["duration_h_range"]
    assert fast < d["duration_h"] < slow
    assert d["duration_days_range"] == pytest.approx([fast / 24, slow / 24], abs=0.01)
    for leg in d["legs"]:
        assert len(leg["duration_h_range"]) == 2
        assert leg["duration_h_range"][0] <= leg["duration_h"] <= leg["duration_h_range"][1]


def test_the_cli_prints_and_writes_the_range(cli):
    table = cli("route", "PECHY", "CNSHA", check_rc=0).stdout
    total = next(line for line in table.splitlines() if line.startswith("total"))
    assert "d (" in total and "–" in total, total
    d = json.loads(cli("route", "PECHY", "CNSHA", "--json", check_rc=0).stdout)
    fast, slow = d["duration_days_range"]
    assert f"({fast:.1f}–{slow:.1f})" in total


@pytest.mark.parametrize("row_id", ["chancay-shanghai", "xian-baku", "altynkol-poti", "altynkol-aktau", "xian-tashkent"])
def test_published_operating_times_fall_inside_the_range(net, row_id):
    (row,) = [r for r in calibration.read_rows() if r["id"] == row_id]
    result = calibration.calibrate(row)
    assert result["inside"], result


def test_every_calibration_row_names_its_source():
    with (ROOT / "bench" / "data" / "published_times.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 15
    for r in rows:
        assert r["source"] and r["date"] and r["published"], r["id"]
        assert 0 < float(r["low"]) <= float(r["high"]) and r["unit"] in ("d", "h"), r["id"]


def test_rail_in_azerbaijan_runs_at_its_own_sourced_speed(routes):
    """The Alat–Baku rail leg (Azerbaijan only) takes its distance at rail.speed_by_country.AZ."""
    params = defaults()
    assert "BTK" in params["rail.speed_by_country.AZ"].source or "Baku" in params["rail.speed_by_country.AZ"].source
    (leg,) = [leg for leg in routes["rail-ferry"].legs if leg.mode == "rail" and "Alat" in leg.origin.label]
    day_km = params.value("rail.speed_by_country.AZ")
    assert day_km != params.value("rail.speed")
    assert leg.duration_h == pytest.approx(leg.distance_km * 24.0 / day_km, rel=0.02)


def test_a_scenario_speed_replaces_every_default_speed_of_its_mode():
    from corridor.costing.params import defaults
    from corridor.scenario import parse

    costs = parse({"speeds": {"rail": 500, "sea": 12}}).costs
    speeds = [k for k in defaults() if k.startswith(("rail.speed", "sea.speed."))]
    assert speeds and all(costs[k] == (500 if k.startswith("rail") else 12) for k in speeds)
