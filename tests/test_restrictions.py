"""Restrictions hold, explain themselves, and never leak from one call into the next."""

from __future__ import annotations

import pytest

import corridor
from corridor.errors import BadInput, NoRoute


def _crosses_meridian_south_of(route, lon0: float, lat_max: float) -> bool:
    for part in route.geometry["coordinates"]:
        for (x0, y0), (x1, y1) in zip(part[:-1], part[1:]):
            if (x0 - lon0) * (x1 - lon0) < 0 and min(y0, y1) < lat_max:
                return True
    return False


def test_avoiding_the_cape_does_not_round_africa_further_south():
    r = corridor.route("NLRTM", "SGSIN", avoid=["suez", "good-hope"])
    assert "Cape of Good Hope" not in r.passages
    assert not _crosses_meridian_south_of(r, 20.0, -34.5)
    assert "Panama Canal" in r.passages or "Strait of Magellan / Cape Horn" in r.passages


def test_no_state_leaks_between_calls():
    before = corridor.route("NLRTM", "SGSIN")
    corridor.route("NLRTM", "SGSIN", avoid="suez")
    after = corridor.route("NLRTM", "SGSIN")
    assert after.distance_km == before.distance_km and after.passages == before.passages


def test_all_routes_cut_names_the_avoided_passages():
    with pytest.raises(NoRoute) as e:
        corridor.route("NLRTM", "SGSIN", avoid="suez,good-hope,panama,magellan")
    msg = str(e.value)
    assert "you asked to avoid it" in msg
    assert set(e.value.cut_by) <= {"suez", "good-hope", "panama", "magellan", "northwest", "northeast"}
    assert e.value.cut_by


def test_caspian_is_closed_to_seagoing_ships():
    with pytest.raises(NoRoute) as e:
        corridor.route("AZBAK", "GEPTI")
    assert e.value.cut_by == ["volga-don"]
    assert "Volga" in str(e.value) and "--vessel river-sea" in str(e.value)


def test_river_sea_ship_may_use_the_volga_don():
    r = corridor.route("AZBAK", "GEPTI", vessel="river-sea")
    assert "Volga–Don inland waterway" in r.passages
    assert "Bosporus" not in r.passages  # Azov and Black Sea, not the Mediterranean


def test_caspian_ports_route_to_each_other():
    r = corridor.route("KZAAU", "AZBAK")
    assert 250 <= r.distance_km <= 600
    assert r.passages == []


def test_arctic_routes_need_explicit_permission():
    default = corridor.route("JPYOK", "NLRTM")
    assert "Northern Sea Route" not in default.passages
    arctic = corridor.route("JPYOK", "NLRTM", allow="northeast")
    assert "Northern Sea Route" in arctic.passages and "Bering Strait" in arctic.passages
    assert arctic.distance_km < default.distance_km


@pytest.mark.parametrize("kwargs, words", [
    ({"avoid": "suezz"}, "Unknown passage 'suezz'"),
    ({"modes": "teleport"}, r"modes .*'teleport'.*sea, rail, road, ferry, air"),  # the option, the value, the set
    ({"vessel": "yacht"}, r"vessel .*'yacht'.*seagoing, river-sea"),
    ({"speed_kn": 0}, r"speed_kn .*too small.*1 to 40 kn"),
])
def test_bad_options_are_explained(kwargs, words):
    with pytest.raises(BadInput, match=words):
        corridor.route("PECHY", "CNSHA", **kwargs)


def test_same_origin_and_destination():
    with pytest.raises(BadInput, match="same place"):
        corridor.route("PECHY", "pe chy")


def test_avoid_accepts_aliases_and_lists():
    a = corridor.route("NLRTM", "SGSIN", avoid=["Suez Canal"])
    b = corridor.route("NLRTM", "SGSIN", avoid="SUEZ")
    assert a.distance_km == b.distance_km and "Suez Canal" not in a.passages
