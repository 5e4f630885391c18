"""Legs of a path that flies: road to the airport, check-in, each flight, connections, arrival.

A path is cut into surface stretches (handed to :func:`corridor.directions.legs_from_path`)
and air stretches (built here): every flight is its own leg, carrying ``source`` ("modelled"
or "imported (OpenFlights, file date ...)"); a change of aircraft is a transfer of kind
"connection"; leaving and reaching an airport are transfers of kind "airport". Durations add
up to the search's cost: each flight is charged its block time plus one connection, and the
last flight's connection is given back at the arrival airport.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from corridor import modes as M
from corridor.air.overlay import air_index, edge_source
from corridor.build.air import KIND_ACCESS
from corridor.costing import air
from corridor.directions import legs_from_path
from corridor.geo import densify, split_antimeridian
from corridor.places import Place
from corridor.route import Leg
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


def _transfer(kind: str, name: str, at: Place, hours: float, assumption: str) -> Leg:
    return Leg("transfer", at, at, 0.0, hours, [], [], [[[at.lon, at.lat], [at.lon, at.lat]]], kind=kind,
               name=name, assumption=assumption)


def _road(a: Place, b: Place, km: float, params) -> Leg:
    return Leg("road", a, b, km, km / air.road_kmh(params), [], [],
               split_antimeridian([a.lon, b.lon], [a.lat, b.lat]))


def _flight(net, e: int, a: Place, b: Place, params) -> FlightLeg:
    km = float(net.edge_km[e])
    lon, lat = densify([a.lon, b.lon], [a.lat, b.lat], max_step_km=100.0)
    return FlightLeg("air", a, b, km, float(air.block_hours(km, params)), [], [], split_antimeridian(lon, lat),
                     source=edge_source(net, e))


def legs(net, res: PathResult, weights, origin: Place, destination: Place, start_mode: int, end_mode: int,
         start_km: float, end_km: float) -> list[Leg]:
    """Like :func:`corridor.directions.legs_from_path`, for paths that may fly."""
    edges = [int(e) for e in res.edges]
    is_air = [int(net.edge_mode[e]) == M.AIR for e in edges]
    if not any(is_air) and M.AIR not in (start_mode, end_mode):
        return legs_from_path(net, res, weights, origin, destination, start_mode, end_mode, start_km, end_km)
    out: list[Leg] = []
    params = weights.profile.params
    nodes = [int(n) for n in res.nodes]
    k = 0
    here, mode, km0, cost0 = origin, start_mode, start_km, res.source_cost
    if start_mode == M.AIR:  # by road to the first airport, then check in
        at = airport_place(net, nodes[0])
        road_h = start_km / air.road_kmh(params)
        out.append(_road(origin, at, start_km, params))
        out.append(_transfer("airport", f"{at.label}: departure", at, res.source_cost - road_h,
                             params.label("air.check_in")))
        here = at
    flown = False
    while k < len(edges):
        if not is_air[k]:  # a surface stretch up to the next air edge (or the end)
            j = k
            while j < len(edges) and not is_air[j]:
                j += 1
            last = j == len(edges)
            end = destination if last else airport_place(net, nodes[j])
            sub = PathResult(0.0, np.array(nodes[k:j + 1], np.int32), np.array(edges[k:j], np.int32),
                             cost0 if k == 0 else 0.0, res.target_cost if last else 0.0)
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
                out.append(_transfer("airport", f"{at.label}: departure", at, air.airport_edge_hours(params),
                                     params.label("air.check_in")))
            else:  # airport -> road: arrival (gives back the last flight's connection)
                at = airport_place(net, u)
                given_back = params.value("air.connection") if flown else 0.0
                out.append(_transfer("airport", f"{at.label}: arrival", at, air.airport_edge_hours(params) + given_back,
                                     params.label("air.arrival")))
                road_end = Place("waypoint", f"road near {at.label}", float(net.node_lon[v]), float(net.node_lat[v]))
                out.append(_road(at, road_end, km, params))
                at = road_end
            flown = False
            here = at
        else:
            a, b = airport_place(net, u), airport_place(net, v)
            if flown:
                out.append(_transfer("connection", f"{a.label}: connection", a, params.value("air.connection"),
                                     params.label("air.connection")))
            out.append(_flight(net, e, a, b, params))
            flown, here = True, b
        k += 1
    if end_mode == M.AIR:  # arrive, then by road to the destination
        road_h = end_km / air.road_kmh(params)
        out.append(_transfer("airport", f"{here.label}: arrival", here,
                             res.target_cost - road_h + (params.value("air.connection") if flown else 0.0),
                             params.label("air.arrival")))
        out.append(_road(here, destination, end_km, params))
    elif edges and is_air[-1]:  # the path left the airport by road: the connector to the destination
        out.append(Leg("road", here, destination, end_km, res.target_cost, [], [],
                       split_antimeridian([here.lon, destination.lon], [here.lat, destination.lat])))
    return [leg for leg in out if leg.mode == "transfer" or leg.distance_km > 0 or leg.duration_h > 0]
