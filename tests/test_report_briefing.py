"""``corridor report`` as a briefing a trade office would sign: like compared with like, one set of
assumptions with ``corridor route``, gateways by their container role and the whole chain, air
only on flown routes and never through a closed airport. What-ifs are skipped (not the point here)."""

from __future__ import annotations

import pytest

from corridor.air import hubs
from corridor.commands.report import text
from corridor.planner import plan
from corridor.report import build_report
from corridor.request import RouteRequest

WEST_COAST_LON = -115.0  # US Pacific ports (Seattle, Oakland, Los Angeles, Long Beach) lie west of this


@pytest.fixture(scope="module")
def pe_az(net):
    return build_report("PE", "AZ", network=net, progress=False, whatif=False)


@pytest.fixture(scope="module")
def cn_de(net):
    return build_report("CN", "DE", network=net, progress=False, whatif=False)


def _option(rep, group):
    return [o for o in rep["options"] if o["option"]["group"] == group]


def _airport_codes(opt) -> set[str]:
    return {p["code"] for leg in opt["legs"] for p in (leg["from_place"], leg["to_place"])
            if p.get("kind") == "airport" and p.get("code")}


def test_air_is_never_ranked_beside_sea(pe_az):
    groups = {g["group"]: g for g in pe_az["groups"]}
    assert {"surface", "air-freight", "air-passengers"} <= set(groups)
    rows = {r["key"]: r for r in pe_az["summary"]}
    for g in groups.values():
        members = [rows[k] for k in g["options"]]
        assert len({r["consignment"] for r in members}) == 1, g["group"]  # one consignment per list
        assert len({"air" in r["modes"] for r in members}) == 1, g["group"]
        assert g["fastest"] == min(members, key=lambda r: r["duration_days"])["key"]
        assert g["lowest CO2e"] == min(members, key=lambda r: r["co2e_kg"])["key"]
    assert sorted(k for g in groups.values() for k in g["options"]) == sorted(rows)  # each option in one group
    report = text(pe_az)
    surface, air = report.index("options: by sea"), report.index("options: air freight")
    first_air_label = rows[groups["air-freight"]["options"][0]]["label"]
    assert report.index(first_air_label) > air > surface  # the air option is listed under its own heading


def test_air_freight_takes_two_to_four_days_door_to_door_on_flown_routes(pe_az):
    (freight,) = _option(pe_az, "air-freight")
    assert 2.0 <= freight["duration_days"] <= 4.0
    assert freight["cargo"]["tonnes"] == 1.0 and "1 t" in freight["option"]["consignment"]
    flown, _ = hubs.routes()
    flights = [leg for leg in freight["legs"] if leg["mode"] == "air"]
    assert flights and all(frozenset((f["from_place"]["code"], f["to_place"]["code"])) in flown for f in flights)
    assert "AGP" not in _airport_codes(freight)  # the modelled Lima -> Malaga flight is gone
    handling = {a["name"] for a in freight["assumptions"]}
    assert {a.name for a in hubs.FREIGHT_TIMES} <= handling
    # handling has published bounds (range.air.*): the range is a range, and still 2-4 days
    low, high = freight["option"]["duration_days_range"]
    assert 2.0 <= low < freight["option"]["duration_days"] <= high <= 4.0


def test_no_closed_airport_in_any_option(pe_az, cn_de):
    closed = set(hubs.closed_airports())
    assert "TXL" in closed
    for rep in (pe_az, cn_de):
        for o in rep["options"]:
            assert not _airport_codes(o) & closed, o["option"]["key"]
        for g in rep["gateways"]:
            assert not {a["iata"] for a in g["airports"]} & closed


def test_the_text_report_prints_its_assumptions_and_sources(pe_az):
    report = text(pe_az)
    assert "assumptions and sources:" in report
    for a in pe_az["assumptions"]:
        assert a["name"] in report and a["source"] in report


def test_passenger_air_fares_stay_null_everywhere(pe_az, net):
    (people,) = _option(pe_az, "air-passengers")
    assert people["cost_usd"] is None and people["option"]["cost_usd"] is None
    assert "USD not priced" in text(pe_az)
    route = plan(RouteRequest.make(origin="LIM", destination="MAD", modes="air", cargo="passengers",
                                   passengers=1), network=net)
    assert route.to_dict()["cost_usd"] is None
    freight = plan(RouteRequest.make(origin="LIM", destination="MAD", modes="air", cargo="general", tonnes=1.0),
                   network=net)
    assert freight.to_dict()["cost_usd"] > 0  # a sourced rate is still priced


def test_route_and_report_give_the_same_port_dwell(pe_az, net):
    (fastest,) = [o for o in pe_az["options"] if o["option"]["key"] == "planner"]  # the planner's own chain
    start = fastest["legs"][0]["from_place"]["code"]
    route = plan(RouteRequest.make(origin=start, destination="Baku", modes="sea,rail,road,ferry"), network=net).to_dict()

    def dwell(r):
        return [(leg["name"], leg["duration_h"]) for leg in r["legs"] if leg["mode"] == "transfer" and
                leg["kind"] in ("port", "ship-ferry transshipment", "ferry terminal")]
    assert dwell(fastest) and dwell(fastest) == dwell(route)


def test_us_japan_offers_a_west_coast_port(net):
    rep = build_report("US", "JP", network=net, progress=False, whatif=False)
    first_sea = [next(leg for leg in o["legs"] if leg["mode"] == "sea") for o in _option(rep, "surface")
                 if "sea" in o["modes"]]
    assert any(leg["from_place"]["lon"] < WEST_COAST_LON for leg in first_sea)
    us = rep["gateways"][0]
    assert us["seaports"][0]["container"] is not None  # ranked by published container throughput


def test_china_germany_leaves_from_shanghai_or_ningbo(cn_de):
    chains = [o["option"]["gateway_chain"] for o in _option(cn_de, "surface") if "sea" in o["modes"]]
    assert any({"Shanghai", "Ningbo"} & set(chain) for chain in chains)
    assert cn_de["gateways"][0]["seaports"][0]["code"] in ("CNSHA", "CNNGB")
