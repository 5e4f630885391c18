"""Air: airports as places, the modelled network, OpenFlights import, air beside surface modes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import corridor
from corridor.air import openflights
from corridor.places import resolve

REAL_ROUTES = Path(os.environ.get("CORRIDOR_OPENFLIGHTS_ROUTES") or
                   Path(__file__).resolve().parents[2] / "shared" / "data" / "openflights" / "routes.dat")
SMALL = """\
IB,2,LIM,1,MAD,2,,0,332
IB,2,MAD,2,LIM,1,,0,332
TK,3,MAD,2,IST,4,,0,321
TK,3,IST,4,MAD,2,,0,321
TK,3,IST,4,GYD,5,,0,321
TK,3,GYD,5,IST,4,,0,321
J2,6,GYD,5,IST,4,Y,0,320
"""


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    d = tmp_path / "data"
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(d))
    return d


def _flights(route):
    return [leg for leg in route.to_dict()["legs"] if leg["mode"] == "air"]


@pytest.mark.parametrize("code, country", [("LIM", "PE"), ("GYD", "AZ"), ("IST", "TR")])
def test_iata_codes_are_airports(net, code, country):
    p = resolve(code, net)
    assert p.kind == "airport" and p.code == code and p.country == country


def test_lower_case_three_letters_stay_names(net):
    assert resolve("Baku", net).kind == "city"


def test_air_is_not_a_default_mode():
    r = corridor.route("Xi'an", "Baku")
    assert "air" not in r.modes and "air" not in r.restrictions["modes"]


def test_lima_baku_modelled_by_air_with_a_connection(data_dir, cli):
    proc = cli("route", "Lima", "Baku", "--modes", "air", "--air-network", "modelled", "--json", check_rc=0)
    d = json.loads(proc.stdout)
    flights = _flights_from(d)
    assert len(flights) >= 2  # no modelled aircraft reaches 13,986 km
    assert all(f["source"] == "modelled" for f in flights)
    assert d["network"]["air"]["data"] == "modelled"
    assert any("modelled" in n for n in d["notes"])
    assert any(leg.get("kind") == "connection" for leg in d["legs"])
    assert d["legs"][0]["mode"] == "road" and d["legs"][-1]["mode"] == "road"


def _flights_from(d):
    return [leg for leg in d["legs"] if leg["mode"] == "air"]


def test_airport_to_airport_by_air_alone(data_dir):
    r = corridor.route("IST", "GYD", modes="air")
    assert [leg.mode for leg in r.legs if leg.mode != "transfer"] == ["air"]
    assert 1_700 < r.distance_km < 1_900


def test_import_replaces_the_model_and_every_leg_is_a_real_route(data_dir, tmp_path):
    f = tmp_path / "routes.dat"
    f.write_text(SMALL)
    summary = openflights.import_air(f)
    assert summary["counts"]["pairs"] == 6
    r = corridor.route("Lima", "Baku", modes="air", air_network="imported")
    legs = [(leg.origin.code, leg.destination.code) for leg in r.legs if leg.mode == "air"]
    assert legs == [("LIM", "MAD"), ("MAD", "IST"), ("IST", "GYD")]
    d = r.to_dict()
    assert all(f["source"].startswith("imported (OpenFlights") for f in _flights_from(d))
    assert d["network"]["air"]["data"] == "imported"


def test_a_malformed_file_is_rejected_and_the_previous_import_kept(data_dir, tmp_path):
    good = tmp_path / "good.dat"
    good.write_text(SMALL)
    openflights.import_air(good)
    before = openflights.imported_path().read_bytes()
    bad = tmp_path / "bad.dat"
    bad.write_text(SMALL + "TK,3,IST,4,GYD,5,,one,321\n")
    with pytest.raises(openflights.AirDataError, match=r"line 8: stops 'one'"):
        openflights.import_air(bad)
    short = tmp_path / "short.dat"
    short.write_text("TK,3,IST,4,GYD\n")
    with pytest.raises(openflights.AirDataError, match=r"line 1: 5 columns"):
        openflights.import_air(short)
    assert openflights.imported_path().read_bytes() == before
    assert not [p for p in openflights.imported_path().parent.iterdir() if p.name.startswith(".air-routes-")]


def test_cli_import_and_status(data_dir, tmp_path, cli):
    f = tmp_path / "routes.dat"
    f.write_text(SMALL.replace("332\n", "332\n", 1))
    cli("data", "import-air", str(f), check_rc=0)
    status = json.loads(cli("data", "status", "--json", check_rc=0).stdout)
    assert status["air"] == "imported" and status["counts"]["pairs"] == 6
    bad = tmp_path / "bad.dat"
    bad.write_text("XX,1,IST,2,GYD\n")
    proc = cli("data", "import-air", str(bad))
    assert proc.returncode != 0 and "line 1" in proc.stderr


@pytest.mark.skipif(not REAL_ROUTES.is_file(), reason="reference OpenFlights routes.dat not beside the repo")
def test_with_the_real_openflights_file_every_leg_is_a_route_in_it(data_dir):
    openflights.import_air(REAL_ROUTES)
    real = set()
    for line in REAL_ROUTES.read_text(encoding="utf-8").splitlines():
        c = line.split(",")
        real.add((c[2], c[4]))
    r = corridor.route("Lima", "Baku", modes="air", air_network="imported")
    flights = [(leg.origin.code, leg.destination.code) for leg in r.legs if leg.mode == "air"]
    assert len(flights) >= 2 and all(f in real for f in flights), flights


def test_air_beside_surface_modes_compares(data_dir, cli):
    d = json.loads(cli("route", "Xi'an", "Baku", "--alternatives", "3", "--json", check_rc=0).stdout)
    options = [d, *d["alternatives"]]
    assert any("air" in o["modes"] for o in options)
    assert any("rail" in o["modes"] for o in options)
    mixed = corridor.route("Xi'an", "Baku", modes="sea,rail,road,ferry,air")
    assert mixed.modes


def test_air_costing_function():
    from corridor.costing import air
    from corridor.costing.cargo import make_cargo
    from corridor.costing.params import defaults

    p = defaults()
    pax = make_cargo("passengers", passengers=2)
    c = air.costs([5_000], pax, p)
    assert c.co2e_ttw_kg[0] == pytest.approx(2 * 5_000 * p.value("air.passenger_co2e.long"))
    assert c.co2e_wtt_kg[0] == pytest.approx(c.co2e_ttw_kg[0] / p.value("air.rf_multiplier")
                                             * p.value("air.wtt_per_ttw"))
    assert air.journey_usd(pax, p) is None  # no sourced fare
    freight = make_cargo("general", tonnes=0.1)
    assert air.chargeable_kg(100, p, 1.0) == pytest.approx(1e6 / p.value("air.volumetric_divisor"))
    assert air.journey_usd(freight, p) == pytest.approx(100 * p.value("air.freight_rate"))
