"""Ports that ships can reach: inland places are not seaports, and no transfer hides land."""

from __future__ import annotations

import numpy as np
import pytest

import corridor
from corridor import modes as M
from corridor.build.intermodal import PORT_TRANSFER_KM
from corridor.build.ports import SEAPORT_MAX_LAND_KM
from corridor.geo import haversine_km

INLAND = ("DEULM", "DEHEI", "FRBOU")  # Ulm, Heidelberg, Bourges: river or inland places in searoute's list
ESTUARY = ("DEHAM", "BEANR", "NLRTM", "CNSHA")  # Hamburg, Antwerp, Rotterdam, Shanghai


def _index(net, code: str) -> int:
    found = np.flatnonzero(net.port_code == code)
    assert len(found) == 1, code
    return int(found[0])


def _is_seaport(net, code: str) -> bool:
    i = _index(net, code)
    return bool(net.port_conn_indptr[i + 1] > net.port_conn_indptr[i])


@pytest.mark.parametrize("code", INLAND)
def test_inland_places_are_not_seaports(net, code):
    i = _index(net, code)
    assert net.port_land_km[i] > SEAPORT_MAX_LAND_KM  # the reason: land between the place and the sea
    assert not _is_seaport(net, code)
    assert code not in {t["code"] for t in net.tables["terminals"] if t["kind"] == "port"}


@pytest.mark.parametrize("code", ESTUARY)
def test_estuary_ports_stay_seaports(net, code):
    assert _is_seaport(net, code)
    assert code in {t["code"] for t in net.tables["terminals"] if t["kind"] == "port"}


def test_every_port_transfer_edge_is_short(net):
    terminals = net.tables["terminals"]
    is_port = np.array([t["kind"] == "port" for t in terminals])
    transfer = np.flatnonzero(np.asarray(net.edge_mode) == M.TRANSFER)
    port_edges = transfer[is_port[np.asarray(net.edge_ref)[transfer]]]
    assert len(port_edges) > 1000
    u, v = np.asarray(net.edge_u)[port_edges], np.asarray(net.edge_v)[port_edges]
    apart = haversine_km(net.node_lon[u], net.node_lat[u], net.node_lon[v], net.node_lat[v])
    assert apart.max() <= PORT_TRANSFER_KM + 1e-6
    assert np.asarray(net.edge_km)[port_edges].max() <= PORT_TRANSFER_KM + 1e-6


def _check_sea_legs_call_at_seaports(net, route, *, sails: bool = True) -> None:
    sea = [leg for leg in route.legs if leg.mode == "sea"]
    assert sea or not sails, [leg.mode for leg in route.legs]
    ports = [leg for leg in route.legs if leg.mode == "sea" or (leg.mode == "transfer" and leg.kind == "port")]
    names = " ".join(f"{leg.origin.label} {leg.destination.label} {leg.name or ''}" for leg in ports)
    for place in ("Ulm", "Heidelberg", "Bourges"):
        assert place not in names, names
    for leg in sea:
        for end in (leg.origin, leg.destination):
            if end.code and len(end.code) == 5 and end.code in set(net.port_code.tolist()):
                assert _is_seaport(net, end.code), end
    for leg in route.legs:
        if leg.mode == "transfer" and leg.kind == "port":
            assert leg.distance_km <= PORT_TRANSFER_KM + 1e-6, leg


def test_shanghai_rotterdam_co2_sails_between_seaports(net):
    r = corridor.route("CNSHA", "NLRTM", modes="sea,rail,road,ferry", optimize="co2")
    _check_sea_legs_call_at_seaports(net, r)


def test_shanghai_rotterdam_pareto_sails_between_seaports(net):
    r = corridor.route("CNSHA", "NLRTM", modes="sea,rail,road,ferry", pareto=True)
    front = r.extra["pareto"]
    assert any(leg.mode == "sea" for option in front for leg in option.legs)
    for option in front:  # the front also holds all-land options (rail across Eurasia)
        _check_sea_legs_call_at_seaports(net, option, sails=False)


def test_central_france_to_new_york_by_a_seaport_and_a_land_leg(net):
    r = corridor.route("47.08,2.40", "USNYC")
    _check_sea_legs_call_at_seaports(net, r)
    first_sea = next(k for k, leg in enumerate(r.legs) if leg.mode == "sea")
    land = [leg for leg in r.legs[:first_sea] if leg.mode in ("road", "rail")]
    assert sum(leg.distance_km for leg in land) > 100  # Bourges lies some 250 km from the nearest coast


def test_a_river_port_by_sea_alone_is_served_by_the_nearest_seaport(net):
    r = corridor.route("DEULM", "NLRTM", modes="sea")
    assert any("nearest port used" in note for note in r.notes), r.notes
    start = r.legs[0].origin.code
    assert start != "DEULM" and _is_seaport(net, start)
