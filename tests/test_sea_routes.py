"""Sea routes on the real compiled network: distances, passages, port access, geometry."""

from __future__ import annotations

import numpy as np
import pytest

import corridor
from corridor.geo import haversine_km


def test_chancay_shanghai_is_direct_across_the_pacific():
    r = corridor.route("PECHY", "CNSHA")
    assert 16_500 <= r.distance_km <= 18_500
    assert not any(p in ("Panama Canal", "Suez Canal", "Kiel Canal") for p in r.passages)
    assert r.legs[0].mode == "sea"
    assert r.duration_h == pytest.approx(r.distance_km / 1.852 / 16.0, rel=1e-6)


def test_chancay_and_callao_stay_distinct():
    r = corridor.route("PECHY", "PECLL")
    assert 40 <= r.distance_km <= 150
    assert r.origin.code == "PECHY" and r.destination.code == "PECLL"


def test_rotterdam_singapore_via_suez():
    r = corridor.route("NLRTM", "SGSIN")
    assert 14_800 <= r.distance_km <= 16_200
    for name in ("Strait of Gibraltar", "Suez Canal", "Bab-el-Mandeb", "Strait of Malacca"):
        assert name in r.passages
    assert r.passages.index("Suez Canal") < r.passages.index("Bab-el-Mandeb")
    assert "Cape of Good Hope" not in r.passages


def test_rotterdam_singapore_avoiding_suez_rounds_the_cape():
    r = corridor.route("NLRTM", "SGSIN", avoid="suez")
    assert r.distance_km > 20_000
    assert "Cape of Good Hope" in r.passages and "Suez Canal" not in r.passages
    assert r.to_dict()["restrictions"]["avoided"] == ["Suez Canal"]


def test_panama_kiel_turkish_straits_hormuz_magellan_are_named():
    assert "Panama Canal" in corridor.route("CNSHA", "USNYC").passages
    baltic = corridor.route("NLRTM", "PLGDN")
    assert "Kiel Canal" in baltic.passages
    assert {"Dardanelles", "Bosporus"} <= set(corridor.route("GRPIR", "ROCND").passages)
    assert "Strait of Hormuz" in corridor.route("AEJEA", "INBOM").passages
    assert "Strait of Magellan / Cape Horn" in corridor.route("CLVAP", "ARBUE").passages


def test_via_place_makes_two_legs():
    direct = corridor.route("PECHY", "CNSHA")
    r = corridor.route("PECHY", "CNSHA", via="KRPUS")
    assert len(r.legs) == 2
    assert r.legs[0].destination.code == "KRPUS" and r.legs[1].origin.code == "KRPUS"
    assert r.distance_km >= direct.distance_km


def test_country_origin_picks_one_of_its_ports():
    r = corridor.route("PE", "CNSHA")
    assert r.legs[0].origin.country == "PE"
    assert r.distance_km <= corridor.route("PECLL", "CNSHA").distance_km + 1e-6


def test_point_at_sea_routes_from_the_point():
    r = corridor.route((-12.5, -78.5), "PECLL")
    assert r.origin.kind == "point"
    start = r.geometry["coordinates"][0][0]
    assert start == pytest.approx([-78.5, -12.5])


def test_inland_point_says_which_port_it_used():
    r = corridor.route("48.8566,2.3522", "NLRTM", modes="sea")  # Paris
    assert any("nearest port used" in n for n in r.notes)
    assert r.legs[0].origin.kind == "port"


def test_antimeridian_geometry_is_split_and_in_range():
    r = corridor.route("CNSHA", "USLAX")
    parts = r.geometry["coordinates"]
    assert len(parts) >= 2
    for part in parts:
        lons = np.array([p[0] for p in part])
        assert ((lons >= -180) & (lons <= 180)).all()
        assert (np.abs(np.diff(lons)) < 180).all()
    crossing = [p for part in parts for p in (part[0], part[-1]) if abs(p[0]) == 180]
    assert crossing, "the split point lies on the antimeridian"


def test_legs_add_up_and_geometry_follows_the_route():
    r = corridor.route("NLRTM", "SGSIN")
    line = np.array([p for part in r.geometry["coordinates"] for p in part])
    assert line[0] == pytest.approx([r.origin.lon, r.origin.lat])
    assert line[-1] == pytest.approx([r.destination.lon, r.destination.lat])
    drawn = haversine_km(line[:-1, 0], line[:-1, 1], line[1:, 0], line[1:, 1]).sum()
    assert drawn == pytest.approx(r.distance_km, rel=0.01)


def test_to_geojson_has_mode_on_each_leg():
    fc = corridor.route("PECHY", "CNSHA", via="KRPUS").to_geojson()
    legs = [f for f in fc["features"] if f["geometry"]["type"] == "MultiLineString"]
    assert len(legs) == 2 and all(f["properties"]["mode"] == "sea" for f in legs)


def test_every_figure_names_its_assumption_and_network():
    d = corridor.route("PECHY", "CNSHA").to_dict()
    speed = d["assumptions"][0]
    assert speed["name"] == "sea speed" and speed["value"] == 16.0 and speed["source"]
    assert d["network"]["fingerprint"] and any("searoute" in s for s in d["network"]["sources"])


def test_user_speed_changes_time_not_distance():
    a = corridor.route("PECHY", "CNSHA")
    b = corridor.route("PECHY", "CNSHA", speed_kn=12)
    assert b.distance_km == a.distance_km
    assert b.duration_h == pytest.approx(a.duration_h * 16 / 12)
