"""Legs of a path that flies: road to the airport, departure, each flight, connections, arrival.

Departure, change of aircraft and arrival take a passenger's times, or air freight's handling
(export handling before the cut-off, a cargo transfer at each hub, import release) for a
consignment (:func:`corridor.costing.air.handling_keys`).

A path is cut into surface stretches (handed to :func:`corridor.directions.legs_from_path`)
and air stretches (built here): every flight is its own leg, carrying ``source`` ("modelled"
or "imported (OpenFlights, file date ...)"); a change of aircraft is a transfer of kind
"connection"; leaving and reaching an airport are transfers of kind "airport". The legs show
check-in, each connection and arrival in full; under the time objective they add up to the
search's cost, which charges each flight its block time plus one connection and each airport
entered or left the same share of handling (see :func:`corridor.air.plan.airport_hours`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from corridor import modes as M
from corridor.air.overlay import air_index, edge_source
from corridor.build.air import KIND_ACCESS
from corridor.costing import air
from corridor.directions import legs_from_path, where_is
from corridor.geo import densify, split_antimeridian
from corridor.places import Place
from corridor.route import Leg, TransferKind
from corridor.search import PathResult


@dataclass
class FlightLeg(Leg):
    source: str = "modelled"

    def to_dict(self) -> dict:
        d = super().to_dict()
        d["source"] = self.source
        return d


def airport_place(net, node: int) -> Place:
    idx = air_index(net)
    a, i = idx.airports, idx.index(node)
    return Place("airport", f"{a.name[i]} ({a.iata[i]})", float(a.lon[i]), float(a.lat[i]), code=str(a.iata[i]),
                 country=str(a.country[i]))


def _node_place(net, node: int) -> Place:
    """Where a surface stretch hands over to air: the airport, or (usually) the road node whose
    access edge leads to it; a road node is not an airport and has no airport index."""
    if int(net.node_mode[node]) == M.AIR:
        return airport_place(net, node)
    lon, lat = float(net.node_lon[node]), float(net.node_lat[node])
    return Place("waypoint", where_is(lon, lat), lon, lat)


def _transfer(kind: str, name: str, at: Place, hours: float, assumption: str) -> Leg:
    return Leg("transfer", at, at, 0.0, hours, [], [], [[[at.lon, at.lat], [at.lon, at.lat]]],
               kind=TransferKind(kind), name=name, assumption=assumption)


def _road(a: Place, b: Place, km: float, params) -> Leg:
    return Leg("road", a, b, km, km / air.road_kmh(params), [], [],
               split_antimeridian([a.lon, b.lon], [a.lat, b.lat]))


def _flight(net, e: int, a: Place, b: Place, params) -> FlightLeg:
    km = float(net.edge_km[e])
    lon, lat = densify([a.lon, b.lon], [a.lat, b.lat], max_step_km=100.0)
    return FlightLeg("air", a, b, km, float(air.block_hours(km, params)), [], [], split_antimeridian(lon, lat),
                     source=edge_source(net, e))


def _connector(weights, mode: int, a: Place, b: Place, km: float) -> Leg:
    """The surface connector between a place and its network node, priced like
    :func:`corridor.directions.legs_from_path` prices it (the search's cost may be in other units)."""
    hours, usd, ttw, wtt = weights.connector(mode, km)
    return Leg(M.NAMES[mode], a, b, km, hours, [], [], split_antimeridian([a.lon, b.lon], [a.lat, b.lat]),
               cost_usd=usd, co2e_ttw_kg=ttw, co2e_wtt_kg=wtt)


def _arrival_hours(flown: bool, params, cargo) -> float:
    """Arrival handling as charged: a trip that flew pays it in full; one that reached an airport and
    left it by road without flying was charged departure plus arrival less one change of aircraft in all."""
    _, change, arrival = air.handling_hours(params, cargo)
    return arrival - (0.0 if flown else change)


def legs(net, res: PathResult, weights, origin: Place, destination: Place, start_mode: int, end_mode: int,
         start_km: float, end_km: float) -> list[Leg]:
    """Like :func:`corridor.directions.legs_from_path`, for paths that may fly.

    Durations come from the air assumptions, never from the search's costs: those are in the
    request's objective (USD, CO2e, or a weighted mix), not in hours.
    """
    flies = net.edge_mode[np.asarray(res.edges, np.int64)] == M.AIR  # one array test: most paths do not fly
    if not flies.any() and M.AIR not in (start_mode, end_mode):
        return legs_from_path(net, res, weights, origin, destination, start_mode, end_mode, start_km, end_km)
    edges, is_air = [int(e) for e in res.edges], flies.tolist()
    out: list[Leg] = []
    params, cargo = weights.profile.params, weights.profile.cargo
    depart_key, change_key, arrive_key = air.handling_keys(cargo)
    nodes = [int(n) for n in res.nodes]
    k = 0
    here, mode, km0 = origin, start_mode, start_km
    if start_mode == M.AIR:  # by road to the first airport, then check in
        at = airport_place(net, nodes[0])
        out.append(_road(origin, at, start_km, params))
        out.append(_transfer("airport", f"{at.label}: departure", at, params.value(depart_key),
                             params.label(depart_key)))
        here = at
    elif edges and is_air[0]:  # by the surface connector to the road node, whose access edge leads to the airport
        here = _node_place(net, nodes[0])
        out.append(_connector(weights, start_mode, origin, here, start_km))
    flown = False
    while k < len(edges):
        if not is_air[k]:  # a surface stretch up to the next air edge (or the end)
            j = k
            while j < len(edges) and not is_air[j]:
                j += 1
            last = j == len(edges)
            end = destination if last else _node_place(net, nodes[j])
            sub = PathResult(0.0, np.array(nodes[k:j + 1], np.int32), np.array(edges[k:j], np.int32),
                             0.0, 0.0)
            out += legs_from_path(net, sub, weights, here, end, mode if k == 0 else M.ROAD,
                                  end_mode if last else M.ROAD, km0 if k == 0 else 0.0, end_km if last else 0.0)
            here, k = end, j
            continue
        e, u, v = edges[k], nodes[k], nodes[k + 1]
        km = float(net.edge_km[e])
        if int(net.edge_kind[e]) == KIND_ACCESS:
            if int(net.node_mode[v]) == M.AIR:  # road -> airport: departure
                at = airport_place(net, v)
                out.append(_road(here, at, km, params))
                out.append(_transfer("airport", f"{at.label}: departure", at, params.value(depart_key),
                                     params.label(depart_key)))
            else:  # airport -> road: arrival
                at = airport_place(net, u)
                out.append(_transfer("airport", f"{at.label}: arrival", at, _arrival_hours(flown, params, cargo),
                                     params.label(arrive_key)))
                road_end = Place("waypoint", f"road near {at.label}", float(net.node_lon[v]), float(net.node_lat[v]))
                out.append(_road(at, road_end, km, params))
                at = road_end
            flown = False
            here = at
        else:
            a, b = airport_place(net, u), airport_place(net, v)
            if flown:
                out.append(_transfer("connection", f"{a.label}: connection", a, params.value(change_key),
                                     params.label(change_key)))
            out.append(_flight(net, e, a, b, params))
            flown, here = True, b
        k += 1
    if end_mode == M.AIR:  # arrive, then by road to the destination
        out.append(_transfer("airport", f"{here.label}: arrival", here, _arrival_hours(flown, params, cargo),
                             params.label(arrive_key)))
        out.append(_road(here, destination, end_km, params))
    elif edges and is_air[-1]:  # the path left the airport by road: the connector to the destination
        out.append(_connector(weights, end_mode, here, destination, end_km))
    return [leg for leg in out if leg.mode == "transfer" or leg.distance_km > 0 or leg.duration_h > 0]


def join_connections(legs: list[Leg], params, cargo) -> list[Leg]:
    """A call at an airport between two flights (a via, planned as two trips) is a change of
    aircraft, not an arrival and a departure: the pair of transfers becomes one connection."""
    _, change_key, _ = air.handling_keys(cargo)
    out: list[Leg] = []
    for leg in legs:
        prev = out[-1] if out else None
        if (prev is not None and leg.mode == prev.mode == "transfer" and prev.kind == leg.kind == TransferKind.AIRPORT
                and prev.name.endswith(": arrival") and leg.name.endswith(": departure")
                and prev.origin.code == leg.origin.code and any(x.mode == "air" for x in out)):
            joined = _transfer("connection", f"{leg.origin.label}: connection", leg.origin, params.value(change_key),
                               params.label(change_key))
            joined.basis = {"duration_h": [params[change_key]]}
            out[-1] = joined
            continue
        out.append(leg)
    return out
