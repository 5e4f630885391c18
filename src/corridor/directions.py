"""From a path on the graph to what a person reads: legs per mode, with the transfers between.

A leg is a stretch on one mode; a *transfer* is a step with no movement to speak of: a
terminal (port, ferry terminal, rail-road terminal) or a border crossing (its wait, or a
break of gauge). Legs end at terminals and borders, so a route from China to Azerbaijan by
rail names each border it crosses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy.spatial import cKDTree

from corridor import modes as M
from corridor.costing import transfer as transfer_costing
from corridor.data import passages as P
from corridor.data.cities import read_cities
from corridor.geo import densify, split_antimeridian, to_unit_vectors
from corridor.places import Place
from corridor.route import Leg


@lru_cache(maxsize=1)
def _city_index() -> tuple[cKDTree, np.ndarray, np.ndarray]:
    c = read_cities("15000")
    return cKDTree(to_unit_vectors(c.lon, c.lat)), c.name, c.country


def near_city(lon: float, lat: float) -> str:
    tree, names, countries = _city_index()
    _, i = tree.query(to_unit_vectors(lon, lat))
    return f"{names[i]} ({countries[i]})"


@dataclass
class _Stretch:
    mode: int | None
    start: Place
    km: float = 0.0
    hours: float = 0.0
    usd: float = 0.0
    ttw: float = 0.0
    wtt: float = 0.0
    flags: list = field(default_factory=list)
    lon: list = field(default_factory=list)
    lat: list = field(default_factory=list)


def _point(net, node: int, label: str, kind: str) -> Place:
    return Place(kind, label, float(net.node_lon[node]), float(net.node_lat[node]))


def _close(s: _Stretch, end: Place) -> Leg:
    passages: list[str] = []
    for f in s.flags:
        passages += [k for k in P.keys_of(int(f)) if k not in passages]
    lon = [s.start.lon, *s.lon, end.lon]
    lat = [s.start.lat, *s.lat, end.lat]
    if s.mode == M.SEA:
        lon, lat = densify(lon, lat, max_step_km=100.0)
    return Leg(M.NAMES[s.mode], s.start, end, s.km, s.hours, passages,
               [P.BY_KEY[k].name for k in passages], split_antimeridian(lon, lat),
               cost_usd=s.usd, co2e_ttw_kg=s.ttw, co2e_wtt_kg=s.wtt)


def _transfer(kind: str, name: str, at: Place, km: float, hours: float, assumption: str,
              usd: float = 0.0, co2: float = 0.0) -> Leg:
    geometry = [[[at.lon, at.lat], [at.lon, at.lat]]]
    return Leg("transfer", at, at, km, hours, [], [], geometry, kind=kind, name=name, assumption=assumption,
               cost_usd=usd, co2e_ttw_kg=co2)


def _add_connector(s: _Stretch, weights, mode: int, km: float) -> None:
    h, usd, ttw, wtt = weights.connector(mode, km)
    s.hours += h
    s.usd += usd
    s.ttw += ttw
    s.wtt += wtt


def _border_place(net, e: int, v: int) -> str:
    """Where a crossing is: the arrival port of a ferry (customs clear there), else the nearest city."""
    if int(net.edge_mode[e]) == M.FERRY:
        ferry = net.tables["ferries"][int(net.edge_ref[e])]
        ends = dict(zip((ferry["from_code"], ferry["to_code"]), ferry["name"].split(" – ")))
        for code, name in ends.items():
            if net.ferry_terminals.get(code) == v:
                return f"at {name}"
    return f"near {near_city(net.node_lon[v], net.node_lat[v])}"


def legs_from_path(net, res, weights, origin: Place, destination: Place, start_mode: int, end_mode: int,
                   start_km: float, end_km: float) -> list[Leg]:
    """Legs and transfers of a path, the connectors at either end folded into their legs."""
    legs: list[Leg] = []
    cur = _Stretch(start_mode, origin, start_km)
    _add_connector(cur, weights, start_mode, start_km)
    terminals, borders = net.tables["terminals"], net.tables["borders"]
    for k, e in enumerate(res.edges):
        u, v = int(res.nodes[k]), int(res.nodes[k + 1])
        mode = int(net.edge_mode[e])
        if mode == M.TRANSFER:
            t = terminals[int(net.edge_ref[e])]
            kind = "ship-ferry transshipment" if t["kind"] == "ferry terminal" and \
                int(net.edge_req[e]) & M.bit(M.SEA) and int(net.edge_req[e]) & M.bit(M.FERRY) else t["kind"]
            at = Place("terminal", t["name"], float(net.node_lon[u]), float(net.node_lat[u]), code=t["code"],
                       country=t["country"])
            if cur.mode is not None and (cur.km > 0 or cur.lon):
                legs.append(_close(cur, at))
            legs.append(_transfer(kind, f"{t['name']} ({t['kind']})", at, float(net.edge_km[e]),
                                  float(weights.hours[e]), transfer_costing.label(kind), float(weights.usd[e]),
                                  float(weights.co2e_ttw_kg[e])))
            cur = _Stretch(None, at)
            continue
        if cur.mode is None:
            cur.mode = mode
        elif cur.mode != mode:
            at = _point(net, u, f"near {near_city(net.node_lon[u], net.node_lat[u])}", "waypoint")
            legs.append(_close(cur, at))
            cur = _Stretch(mode, at)
        wait = float(weights.border_wait_h[e])
        cur.km += float(net.edge_km[e])
        cur.hours += float(weights.hours[e]) - wait
        cur.usd += float(weights.usd[e] - weights.border_usd[e])
        cur.ttw += float(weights.co2e_ttw_kg[e] - weights.border_co2e_kg[e])
        cur.wtt += float(weights.co2e_wtt_kg[e])
        cur.flags.append(net.edge_flags[e])
        cur.lon.append(float(net.node_lon[v]))
        cur.lat.append(float(net.node_lat[v]))
        b = int(net.edge_border[e])
        if b >= 0:
            crossing = borders[b]
            a_, b_ = crossing["countries"]
            name = f"{a_}–{b_} border {_border_place(net, e, v)}"
            at = Place("border", name, float(net.node_lon[v]), float(net.node_lat[v]))
            cur.lon.pop()
            cur.lat.pop()
            legs.append(_close(cur, at))
            kind = ("break of gauge" if crossing["break_of_gauge"] else
                    "open border" if crossing["customs_union"] else f"{crossing['mode']} border")
            label = transfer_costing.label(transfer_costing.border_kind(crossing))
            legs.append(_transfer(kind, name, at, 0.0, wait, label, float(weights.border_usd[e]),
                                  float(weights.border_co2e_kg[e])))
            cur = _Stretch(mode, at)
    if cur.mode is None:
        cur.mode = end_mode
    if cur.mode != end_mode:
        last = int(res.nodes[-1])
        at = _point(net, last, f"near {near_city(net.node_lon[last], net.node_lat[last])}", "waypoint")
        legs.append(_close(cur, at))
        cur = _Stretch(end_mode, at)
    cur.km += end_km
    _add_connector(cur, weights, end_mode, end_km)
    legs.append(_close(cur, destination))
    return [leg for leg in legs if leg.mode == "transfer" or leg.distance_km > 0 or leg.duration_h > 0]
