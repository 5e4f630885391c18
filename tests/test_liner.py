"""Liner services and transshipment (corridor.liner): container sea legs name their sourced
service, sail a sourced hub chain through its hubs paying the transshipment dwell, change ship at
an assumed hub on a deep-sea leg with neither, or say that a direct call is assumed on a shorter
one; bulk cargo and ``services="direct"`` sail as found; a report never marks a direct-assumed
option best over one on sourced services."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import corridor
from corridor import liner
from corridor.costing.params import defaults
from corridor.route import TransferKind

HOPS_AMERICAS = {"PA", "CO", "JM"}  # Caribbean and Pacific hubs of the Americas
HOPS_MED = {"ES", "MA", "IT", "MT", "GR", "TR", "EG"}


def test_every_row_names_its_source_and_every_chain_hop_sails_on_its_service(net):
    ports = set(np.asarray(net.port_code).tolist())
    for hub in liner.hubs().values():
        assert hub.source and hub.date and hub.role, hub.code
        assert hub.routed_at in ports, f"{hub.code} is sailed to {hub.routed_at}, not a port of the network"
    for s in liner.services().values():
        assert s.service.source and s.service.date and s.service.carrier and len(s.ports) >= 2, s.service.name
    for lane in liner.lanes():
        assert lane.source and lane.date and lane.note
        assert len(lane.services) == len(lane.via) + 1
        ends = [lane.origins, *({h} for h in lane.via), lane.destinations]
        for name, a, b in zip(lane.services, ends[:-1], ends[1:]):
            calls = liner.services()[name].ports
            assert a <= calls and b <= calls, (name, a, b)


def test_chancay_shanghai_is_the_sourced_direct_cosco_service():
    r = corridor.route("PECHY", "CNSHA")
    sea = [leg for leg in r.legs if leg.mode == "sea"]
    assert len(sea) == 1 and not any(leg.kind == TransferKind.TRANSSHIPMENT for leg in r.legs)
    assert sea[0].service is not None and "COSCO" in sea[0].service.carrier
    assert sea[0].to_dict()["service"]["name"] == sea[0].service.name


@pytest.fixture(scope="module")
def callao_poti():
    return (corridor.route("Callao", "Poti", teu=1), corridor.route("Callao", "Poti", teu=1, services="direct"))


def test_callao_poti_transships_in_the_americas_and_the_mediterranean_paying_dwell(callao_poti):
    liner_route, direct = callao_poti
    hubs = [leg for leg in liner_route.legs if leg.kind == TransferKind.TRANSSHIPMENT]
    countries = [liner.hubs()[leg.origin.code].country for leg in hubs]
    assert countries[0] in HOPS_AMERICAS and set(countries[1:]) & HOPS_MED, countries
    dwell = defaults().value("dwell.transshipment")
    assert all(leg.duration_h == pytest.approx(dwell) and leg.service is not None for leg in hubs)
    assert all(leg.service is not None for leg in liner_route.legs if leg.mode == "sea")
    # the hops follow the direct call's way round: a little longer, never a detour
    sea_km = sum(leg.distance_km for leg in liner_route.legs if leg.mode == "sea")
    assert direct.distance_km <= sea_km <= 1.05 * direct.distance_km
    assert liner_route.duration_h >= direct.duration_h + len(hubs) * dwell
    assert liner_route.passages == direct.passages
    d = liner_route.to_dict()
    assert [leg["kind"] for leg in d["legs"] if leg["mode"] == "transfer"] == ["transshipment"] * len(hubs)
    assert any("transships at" in n for n in d["notes"])
    props = [f["properties"] for f in liner_route.to_geojson()["features"] if "mode" in f["properties"]]
    assert all("service" in p for p in props)


def test_direct_services_reproduce_the_route_as_found(callao_poti):
    _, direct = callao_poti
    assert [leg.mode for leg in direct.legs] == ["sea"]
    assert direct.legs[0].service is None and not any("liner" in n for n in direct.notes)


def test_bulk_sails_direct_whatever_the_option():
    liner_route = corridor.route("Callao", "Poti", cargo="dry-bulk", tonnes=50_000)
    direct = corridor.route("Callao", "Poti", cargo="dry-bulk", tonnes=50_000, services="direct")
    assert liner_route.to_dict() == direct.to_dict()
    assert [leg.mode for leg in liner_route.legs] == ["sea"] and liner_route.legs[0].service is None


@pytest.fixture(scope="module")
def callao_izmit():
    return (corridor.route("Callao", "TRIZT", teu=1), corridor.route("Callao", "TRIZT", teu=1, services="direct"))


def test_a_deep_sea_leg_with_no_sourced_service_changes_ship_at_one_assumed_hub(callao_izmit):
    liner_route, direct = callao_izmit
    assert direct.distance_km > liner.ASSUMED_HUB_MIN_NMI * 1.852  # the direct call is deep-sea
    hubs = [leg for leg in liner_route.legs if leg.kind == TransferKind.TRANSSHIPMENT]
    assert len(hubs) == 1 and hubs[0].origin.code in {h.routed_at for h in liner.hubs().values()}
    hub = hubs[0]
    assert hub.service is None and "hub assumed" in hub.assumption and "(assumed)" in hub.name
    assert hub.duration_h == pytest.approx(defaults().value("dwell.transshipment"))
    assert hub.to_dict()["service"] is None
    # the hub is on the way: through it the box sails little farther than the direct call
    sea_km = sum(leg.distance_km for leg in liner_route.legs if leg.mode == "sea")
    assert direct.distance_km <= sea_km <= liner.MAX_DETOUR * direct.distance_km
    assert liner_route.passages == direct.passages
    assert any(f"one transshipment at {liner.hubs()[c].name}" in n and "assumed" in n
               for n in liner_route.notes for c in liner.hubs() if liner.hubs()[c].routed_at == hub.origin.code)
    assert not liner.assumes_direct_call(liner_route.notes) and liner.assumes_hub(liner_route.legs)
    assert not liner.assumes_hub(direct.legs)


def test_assumed_hubs_rank_as_the_great_circle_distance_to_every_point_of_the_path(net, callao_izmit):
    from corridor.geo import haversine_km
    from corridor.planner import _porter

    port = _porter(net)
    leg = next(leg for leg in callao_izmit[1].legs if leg.mode == "sea")
    path = np.array([pt for part in leg.geometry for pt in part])
    expected = []
    for code, hub in liner.hubs().items():
        if {code, hub.routed_at} & {leg.origin.code, leg.destination.code}:
            continue
        at = port(hub.routed_at)
        off = float(haversine_km(at.lon, at.lat, path[:, 0], path[:, 1]).min())
        end = min(float(haversine_km(at.lon, at.lat, p.lon, p.lat)) for p in (leg.origin, leg.destination))
        if off <= liner.HUB_NEAR_PATH_KM and end >= liner.HUB_FROM_END_KM:
            linked = any(liner.direct_service(code, e) for e in (leg.origin.code, leg.destination.code))
            expected.append((not linked, off, code))
    assert len(expected) >= 2  # several hubs near the path, so their order is tested too
    assert liner.assumed_hubs(leg, port) == [code for *_, code in sorted(expected)]
    # a new request's leg carries its line as arrays (directions.legs_from_path): the same hubs
    as_arrays = dataclasses.replace(leg, geometry=[np.array(part, float) for part in leg.geometry])
    assert liner.assumed_hubs(as_arrays, port) == [code for *_, code in sorted(expected)]


def test_a_short_leg_with_no_sourced_service_says_a_direct_call_is_assumed(capsys):
    from corridor.commands.route import print_table

    r = corridor.route("GEPTI", "TRSSX")  # Poti -> Samsun, well under the deep-sea threshold
    assert [leg.mode for leg in r.legs] == ["sea"] and r.legs[0].to_dict()["service"] is None
    assert any("no sourced liner service between Poti (GEPTI) and Samsun (TRSSX)" in n for n in r.notes)
    assert liner.assumes_direct_call(r.notes)
    print_table(corridor.route("Callao", "Poti"))
    assert "transship at Balboa (service California Express, MSC)" in capsys.readouterr().out


def test_the_report_counts_each_change_of_ship(callao_poti):
    from corridor.report.compose import Option

    liner_route, direct = callao_poti
    hubs = sum(1 for leg in liner_route.legs if leg.kind == TransferKind.TRANSSHIPMENT)
    count = [Option(key="k", label="l", recipe="r", route=r, gateways=[]).summary()["transshipments"]
             for r in (liner_route, direct)]
    assert hubs >= 2 and count[0] == count[1] + hubs


def test_a_report_does_not_mark_a_direct_assumed_option_best_over_sourced_ones():
    from corridor.report.compose import group_summary

    def row(key, days, usd, assumed):
        return {"key": key, "group": "surface", "consignment": "1 TEU container", "duration_days": days,
                "cost_usd": usd, "co2e_kg": days * 100, "direct_call_assumed": assumed}

    rows = [row("assumed", 27.0, 3000.0, True), row("sourced", 35.0, 4000.0, False)]
    (group,) = group_summary(rows)
    assert group["fastest"] == group["cheapest"] == group["lowest CO2e"] == "sourced"
    assert rows[0]["best"] == [] and len(rows) == 2  # still listed, unmarked
    only_assumed = [row("assumed", 27.0, 3000.0, True)]
    assert group_summary(only_assumed)[0]["fastest"] == "assumed"  # nothing sourced to prefer
