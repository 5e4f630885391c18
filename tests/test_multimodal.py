"""Rail, road, ferries, terminals and borders on the real compiled network."""

from __future__ import annotations

import pytest

import corridor
from corridor.places import resolve


@pytest.mark.parametrize("query, country", [
    ("Xi'an", "CN"), ("Almaty", "KZ"), ("Tbilisi", "GE"), ("Lima", "PE"), ("Baku", "AZ"),
])
def test_cities_are_places(net, query, country):
    place = resolve(query, net)
    assert place.kind == "city" and place.country == country


def test_an_exact_port_name_wins_over_the_city(net):
    assert resolve("Istanbul", net).kind == "port"


def test_baku_istanbul_by_rail_via_tbilisi_and_kars():
    r = corridor.route("Baku", "Istanbul", modes="rail")
    assert r.distance_km <= 2_800
    assert set(r.modes) <= {"rail", "road"}
    crossings = " ".join(r.borders)
    assert "AZ–GE" in crossings and "GE–TR" in crossings and "RU" not in crossings
    rail = [leg for leg in r.legs if leg.mode == "rail"]
    assert sum(leg.distance_km for leg in rail) > 0.95 * r.distance_km


def test_xian_baku_rail_and_ferry_through_kazakhstan():
    r = corridor.route("Xi'an", "Baku", modes="rail,ferry")
    assert 5_000 <= r.distance_km <= 8_500
    assert r.borders and r.borders[0].startswith("CN–KZ")
    assert any(leg.kind == "break of gauge" for leg in r.legs if leg.mode == "transfer")
    moves = [leg for leg in r.legs if leg.mode != "transfer"]
    ferry = [k for k, leg in enumerate(moves) if leg.mode == "ferry"]
    assert len(ferry) == 1, [leg.mode for leg in moves]
    crossing = moves[ferry[0]]
    assert crossing.origin.code in ("KZAAU", "KZKUR") and moves[ferry[0] - 1].mode == "rail"
    assert any(b.startswith("AZ–KZ") and "Alat" in b for b in r.borders)


def test_the_transit_policy_says_what_it_changed_and_can_be_lifted():
    policy = corridor.route("Xi'an", "Baku", modes="rail,ferry").to_dict()
    entry = policy["restrictions"]["transit_policy"]
    assert entry["crossed_without_policy"] == ["RU"] and entry["lift_with"] == "--allow-countries RU"
    assert entry["why"][0]["source"]
    free = corridor.route("Xi'an", "Baku", modes="rail,ferry", allow_countries="RU")
    assert any(b.startswith("KZ–RU") for b in free.borders) and "transit_policy" not in free.restrictions
    without = entry["route_without_policy"]
    assert without["borders"] == free.borders
    assert without["duration_days"] == round(free.duration_h / 24, 2)
    assert any("--allow-countries RU" in n for n in policy["notes"])


def test_a_stop_in_a_policy_country_lifts_the_policy_for_it():
    r = corridor.route("Moscow", "Baku", modes="rail")
    assert r.origin.country == "RU" and "transit_policy" not in r.restrictions
    assert any("RU" in b for b in r.borders)


@pytest.mark.parametrize("port", ["KZAAU", "KZKUR"])
def test_middle_corridor_ferry_across_the_caspian(port):
    r = corridor.route("Xi'an", "Baku", modes="rail,ferry", via=port)
    assert 5_000 <= r.distance_km <= 8_500
    ferry = [leg for leg in r.legs if leg.mode == "ferry"]
    assert len(ferry) == 1 and ferry[0].origin.code == port
    assert any("Alat" in leg.origin.label for leg in r.legs if leg.mode == "transfer")
    assert "RU" not in " ".join(r.borders)


def test_shanghai_baku_is_not_an_all_road_detour():
    r = corridor.route("Shanghai", "Baku")
    road = sum(leg.distance_km for leg in r.legs if leg.mode == "road")
    assert road < 0.1 * r.distance_km
    assert "rail" in r.modes or "ferry" in r.modes


def test_port_to_port_stays_at_sea_unless_asked():
    sea = corridor.route("NLRTM", "SGSIN")
    assert sea.modes == ["sea"] and any("port to port" in n for n in sea.notes)
    explicit = corridor.route("NLRTM", "SGSIN", modes="sea")
    assert explicit.distance_km == sea.distance_km and explicit.passages == sea.passages


def test_modes_change_only_at_terminals():
    r = corridor.route("Shanghai", "Baku")
    movements = [leg for leg in r.legs if leg.mode != "transfer"]
    for before, after in zip(r.legs[:-1], r.legs[1:]):
        if before.mode not in ("transfer", "road") and after.mode not in ("transfer", "road"):
            assert before.mode == after.mode, (before.mode, after.mode)
    assert movements


def test_a_closed_caspian_explains_and_suggests_land_modes():
    with pytest.raises(corridor.NoRoute) as e:
        corridor.route("AZBAK", "GEPTI")
    assert "Volga" in str(e.value) and "--modes" in str(e.value)
    r = corridor.route("AZBAK", "GEPTI", modes="sea,rail,road,ferry")
    assert r.distance_km < 1_500 and "rail" in r.modes


def test_transfers_name_their_assumption():
    r = corridor.route("Xi'an", "Baku", modes="rail,ferry", via="KZAAU")
    names = {a.name for a in r.assumptions}
    for leg in r.legs:
        if leg.mode == "transfer":
            assert leg.assumption in names
    d = r.to_dict()
    assert all("kind" in leg for leg in d["legs"] if leg["mode"] == "transfer")


def test_geojson_carries_every_mode(tmp_path):
    fc = corridor.route("Xi'an", "Baku", modes="rail,ferry", via="KZKUR").to_geojson()
    modes = {f["properties"]["mode"] for f in fc["features"] if "mode" in f["properties"]}
    assert {"rail", "ferry", "transfer"} <= modes


def test_build_reports_rail_repair_and_layers(net):
    m = net.manifest
    assert m["rail"]["pieces_before"] > m["rail"]["pieces_after"]
    assert m["ferry"]["services"] >= 7 and m["terminals"]["port"] > 1000
    assert m["borders"]["crossing_edges"] > 0
    assert {f["id"] for f in net.tables["ferries"]} >= {"caspian-aktau-alat", "caspian-kuryk-alat",
                                                        "caspian-turkmenbashi-alat"}
    assert all(f["source"] for f in net.tables["ferries"])
