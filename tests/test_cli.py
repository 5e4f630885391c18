"""The command line, run as a user would: readable tables, JSON, GeoJSON, one-line errors."""

from __future__ import annotations

import json


def test_route_table(cli):
    out = cli("route", "PECHY", "CNSHA", check_rc=0).stdout
    assert "Chancay (PECHY)" in out and "Shanghai (CNSHA)" in out
    assert "assumption: sea speed 16 kn" in out and "network:" in out


def test_route_json_documented_fields(cli):
    d = json.loads(cli("route", "PECHY", "CNSHA", "--json", check_rc=0).stdout)
    for key in ("distance_km", "duration_h", "passages", "legs", "geometry"):
        assert key in d
    assert 16_500 <= d["distance_km"] <= 18_500
    leg = d["legs"][0]
    assert {"mode", "from", "to", "distance_km", "duration_h"} <= set(leg)
    assert d["geometry"]["type"] == "MultiLineString"


def test_route_avoid_and_via_flags(cli):
    d = json.loads(cli("route", "Rotterdam", "Singapore", "--avoid", "suez", "--json", check_rc=0).stdout)
    assert d["distance_km"] > 20_000 and "Cape of Good Hope" in d["passages"]
    d = json.loads(cli("route", "PECHY", "CNSHA", "--via", "KRPUS", "--json", check_rc=0).stdout)
    assert len(d["legs"]) == 2


def test_geojson_file(cli, tmp_path):
    path = tmp_path / "r.geojson"
    out = cli("route", "NLRTM", "SGSIN", "--geojson", str(path), check_rc=0).stdout
    assert "Suez Canal" in out
    fc = json.loads(path.read_text())
    assert fc["type"] == "FeatureCollection"
    assert fc["features"][0]["properties"]["mode"] == "sea"


def test_unknown_place_exit_2_with_matches(cli):
    p = cli("route", "Qwertyville", "CNSHA")
    assert p.returncode == 2
    assert "Unknown place 'Qwertyville'" in p.stderr and "Closest matches" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1


def test_errors_are_one_line(cli):
    for args in (["route", "12.5,abc", "CNSHA"], ["route", "PECHY", "CNSHA", "--avoid", "suezz"],
                 ["route", "PECHY", "PECHY"], ["route", "PECHY", "CNSHA", "--modes", "teleport"]):
        p = cli(*args)
        assert p.returncode == 2, args
        assert p.stderr.startswith("corridor: error: ") and len(p.stderr.strip().splitlines()) == 1


def test_no_route_exit_3(cli):
    p = cli("route", "AZBAK", "GEPTI")
    assert p.returncode == 3 and "Volga" in p.stderr


def test_network_command_lists_sources(cli):
    out = cli("network", check_rc=0).stdout
    assert "source: " in out and "searoute" in out and "global-land-mask" in out and "MIT" in out
    assert "speed-ups: " in out and "contraction hierarchies" in out


def test_middle_corridor_must_show_and_the_transit_policy_flag(cli):
    d = json.loads(cli("route", "Xi'an", "Baku", "--modes", "rail,ferry", "--json", check_rc=0).stdout)
    modes = [leg["mode"] for leg in d["legs"] if leg["mode"] not in ("transfer", "road")]
    assert "ferry" in modes and modes.index("rail") < modes.index("ferry")
    ferry = [leg for leg in d["legs"] if leg["mode"] == "ferry"][0]
    assert ferry["from_place"]["code"] in ("KZAAU", "KZKUR") and "Alat" in " ".join(d["borders"])
    assert 5_000 <= d["distance_km"] <= 8_500 and d["borders"][0].startswith("CN–KZ")
    table = cli("route", "Xi'an", "Baku", "--modes", "rail,ferry", check_rc=0).stdout
    assert "note: transit through Russia avoided by default" in table and "--allow-countries RU" in table
    lifted = json.loads(cli("route", "Xi'an", "Baku", "--modes", "rail,ferry", "--allow-countries", "RU", "--json",
                            check_rc=0).stdout)
    assert any(b.startswith("KZ–RU") for b in lifted["borders"]) and "transit_policy" not in lifted["restrictions"]
    bad = cli("route", "Xi'an", "Baku", "--allow-countries", "Russia", check_rc=2)
    assert "ISO 3166 alpha-2" in bad.stderr and "Traceback" not in bad.stderr
