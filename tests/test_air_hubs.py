"""Air on real hubs: the sourced route table by default, freight handling and consignment, WTT."""

from __future__ import annotations

import itertools

import pytest

import corridor
from corridor.air.overlay import curated_routes
from corridor.errors import BadInput, NoRoute
from corridor.request import RouteRequest


@pytest.fixture
def data_dir(tmp_path, monkeypatch):  # no OpenFlights import: only the curated routes fly
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(tmp_path / "data"))


def _pairs(route):
    return [frozenset((leg.origin.code, leg.destination.code)) for leg in route.legs if leg.mode == "air"]


@pytest.fixture(scope="module")
def lima_baku_freight():
    return corridor.route("Lima", "Baku", modes="air")  # no cargo given: the default air consignment


def test_lima_baku_passengers_fly_only_sourced_routes(data_dir):
    r = corridor.route("Lima", "Baku", modes="air", cargo="passengers")
    pairs = _pairs(r)
    assert len(pairs) >= 2 and all(p in curated_routes() for p in pairs), pairs
    d = r.to_dict()
    assert d["network"]["air"]["data"] == "sourced"
    assert all(leg["source"].startswith("sourced: ") for leg in d["legs"] if leg["mode"] == "air")
    assert not any("MODELLED" in n for n in r.notes)


def test_air_freight_door_to_door_takes_two_to_four_days_with_its_handling(lima_baku_freight):
    r = lima_baku_freight
    assert r.cargo["kind"] == "general" and r.cargo["tonnes"] == pytest.approx(1.0)
    assert 48.0 <= r.duration_h <= 96.0, r.duration_h
    handling = {leg.assumption for leg in r.legs if leg.mode == "transfer"}
    p = corridor.costing.params.defaults()
    assert {p.label("air.freight_export"), p.label("air.freight_import")} <= handling
    assert any("1 t of general cargo" in n for n in r.notes)


def test_air_co2e_has_its_well_to_tank_share(lima_baku_freight):
    flights = [leg for leg in lima_baku_freight.legs if leg.mode == "air"]
    for leg in flights:
        assert leg.co2e_wtt_kg > 0 and leg.co2e_ttw_kg > 0
        assert leg.co2e_wtt_kg + leg.co2e_ttw_kg == pytest.approx(leg.co2e_kg)
    t = lima_baku_freight.to_dict()
    assert t["co2e_wtt_kg"] > 0
    assert t["co2e_wtt_kg"] + t["co2e_ttw_kg"] == pytest.approx(t["co2e_kg"], abs=0.05)


@pytest.mark.parametrize("quantity", [{"teu": 1}, {"feu": 1}, {"cargo": "dry-bulk", "tonnes": 500}])
def test_cargo_that_cannot_fly_is_refused_by_air(quantity):
    with pytest.raises(BadInput, match="cannot go by air .*--cargo general"):
        RouteRequest.make(origin="Lima", destination="Baku", modes="air", **quantity)


def test_refusal_on_the_command_line(cli):
    proc = cli("route", "Lima", "Baku", "--modes", "air", "--teu", "1")
    assert proc.returncode == 2 and "1 TEU" in proc.stderr and "cannot go by air" in proc.stderr


def test_no_sourced_chain_falls_back_to_the_labelled_model(data_dir):
    r = corridor.route("Xi'an", "Baku", modes="air", cargo="passengers")
    assert r.network["air"]["data"] == "modelled" and r.network["air"]["fallback_from"] == "sourced"
    assert "MODELLED" in r.notes[0]


def test_no_sourced_chain_with_road_falls_back_too(data_dir):
    """Air beside road, no sourced flight from Nairobi: the labelled model, not 'no route'."""
    r = corridor.route("Nairobi", "London", modes="air,road", cargo="general", tonnes=2)
    assert r.network["air"]["fallback_from"] == "sourced" and "MODELLED" in r.notes[0]
    assert any(leg.mode == "air" for leg in r.legs)


def test_no_route_says_the_cargo_cannot_fly(data_dir):
    """A container with air and road allowed: the reason names air and the cargo."""
    with pytest.raises(NoRoute, match=r"air cannot carry container cargo"):
        corridor.route("Nairobi", "London", modes="air,road")


def test_domestic_only_airport_is_no_international_gateway(data_dir):
    r = corridor.route("DCA", "HND", modes="air", cargo="passengers", air_network="modelled")
    first = next(leg for leg in r.legs if leg.mode == "air")
    assert first.origin.code == "DCA" and first.destination.country == "US"


def test_air_network_is_a_declared_option(data_dir):
    with pytest.raises(BadInput, match="air_network"):
        RouteRequest.make(origin="Lima", destination="Baku", modes="air", air_network="guessed")
    with pytest.raises(BadInput, match="needs imported routes"):
        corridor.route("LIM", "MAD", modes="air", air_network="imported")


def test_a_via_airport_is_a_connection_not_an_arrival_and_a_departure(data_dir):
    direct = corridor.route("LIM", "GYD", modes="air")
    via = corridor.route("LIM", "GYD", modes="air", via=["MAD", "IST"])
    assert _pairs(via) == _pairs(direct)
    assert via.duration_h == pytest.approx(direct.duration_h)
    assert [leg.kind for leg in via.legs if leg.mode == "transfer"] == ["airport", "connection", "connection",
                                                                          "airport"]


BRIEF_PAIRS = ["CN DE", "KZ TR", "US JP", "BR CN", "IN DE", "UZ GE", "PE CN", "AZ PE", "TR KZ", "CL AZ", "PE AZ"]


@pytest.mark.parametrize("pair", BRIEF_PAIRS)
def test_each_country_pair_has_a_chain_of_sourced_routes(pair, data_dir):
    from corridor.air import hubs
    from corridor.data.airports import read_airports

    a = read_airports()
    coords = {str(c): (float(x), float(y)) for c, x, y in zip(a.iata, a.lon, a.lat)}
    ends = [[str(c) for c, k, on in zip(a.iata, a.country, a.scheduled) if k == iso and on] for iso in pair.split()]
    chain = hubs.best_chain(*ends, coords)
    assert chain is not None, pair
    assert all(frozenset(p) in curated_routes() for p in itertools.pairwise(chain)), chain
    assert "DCA" not in chain and "TXL" not in chain


def test_general_cargo_by_air_defaults_to_one_tonne():
    req = RouteRequest.make(origin="Lima", destination="Baku", modes="air", cargo="general")
    assert req.load().kind == "general" and req.load().tonnes == pytest.approx(1.0)
    with pytest.raises(BadInput, match="tonnes"):  # other modes still need the quantity
        RouteRequest.make(origin="Lima", destination="Baku", modes="road", cargo="general")


def test_a_container_never_flies_beside_surface_modes(data_dir):
    r = corridor.route("Lima", "Baku", modes="sea,rail,road,ferry,air")  # 1 TEU by default
    assert "air" not in r.modes and r.legs


def test_a_scenario_on_an_unpriced_route_gives_no_price_difference():
    r = corridor.route("Lima", "Baku", modes="air", cargo="passengers", scenario={"speeds": {"road": 50}})
    d = r.to_dict()
    assert d["cost_usd"] is None and d["baseline"]["cost_usd"] is None
    assert d["difference"]["cost_usd"] is None and d["difference"]["co2e_kg"] is not None
