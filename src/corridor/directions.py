"""From a path on the graph to what a person reads: legs per mode, with the transfers between.

A leg is a stretch on one mode; a *transfer* is a step with no movement to speak of: a
terminal (port, ferry terminal, rail-road terminal) or a border crossing (its wait, or a
break of gauge). Legs end at terminals and borders, so a route from China to Azerbaijan by
rail names each border it crosses. Each leg's ends are the nodes where it really starts and
ends, named by the terminal or border there, else by the nearest town and how far it is: an
inland river port's sea node can lie hundreds of km from the port, and is not called the port.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from corridor import modes as M
from corridor.costing import ferry as ferry_costing
from corridor.costing import transfer as transfer_costing
from corridor.data import borders as border_table
from corridor.data import passages as P
from corridor.data.cities import read_cities
from corridor.geo import (
    densify,
    haversine_km,
    km_for_chord,
    split_antimeridian,
    to_unit_vectors,
)
from corridor.places import Place
from corridor.route import Border, Leg, TransferKind

if TYPE_CHECKING:
    from scipy.spatial import cKDTree

NEAR_KM = 30.0  # a town farther than this does not make a point "near" it: the distance is said instead
# A transfer's end this close to its port is named by the port; ports snapped to a far sea node
# (inland river ports) have transfer edges of hundreds of km, and that far end is not the port.
TERMINAL_NAME_KM = 30.0


@lru_cache(maxsize=1)
def _city_index() -> tuple[cKDTree, np.ndarray, np.ndarray]:
    # scipy is slow to import: only when a leg end needs a town
    from scipy.spatial import cKDTree

    c = read_cities("15000")
    return cKDTree(to_unit_vectors(c.lon, c.lat)), c.name, c.country


def where_is(lon: float, lat: float) -> str:
    """A point described by the nearest town of 15,000 people or more.

    Returns
    -------
    str
        "near Bole (CN)" when the town is within ``NEAR_KM``, else "52 km from Bole (CN)".
    """
    tree, names, countries = _city_index()
    chord, i = tree.query(to_unit_vectors(lon, lat))
    km = float(km_for_chord(chord))
    town = f"{names[i]} ({countries[i]})"
    return f"near {town}" if km <= NEAR_KM else f"{km:.0f} km from {town}"


@dataclass
class _Stretch:
    mode: int | None
    start: Place
    km: float = 0.0
    hours: float = 0.0
    usd: float = 0.0
    ttw: float = 0.0
    wtt: float = 0.0
    sailing_interval_h: float = 0.0  # ferries: hours between sailings, for the leg's slow time
    flags: list = field(default_factory=list)
    lon: list = field(default_factory=list)
    lat: list = field(default_factory=list)


def _waypoint(net, node: int) -> Place:
    """A node with nothing to name it but where it is."""
    lon, lat = float(net.node_lon[node]), float(net.node_lat[node])
    return Place("waypoint", where_is(lon, lat), lon, lat)


def _terminal_end(net, node: int, t: dict) -> Place:
    """One end of a terminal's transfer edge: the terminal when the node is at it, else a waypoint.

    Ports and ferry terminals carry the port's code; rail-road terminals (no code) join nodes
    within 20 km of their city by construction.
    """
    lon, lat = float(net.node_lon[node]), float(net.node_lat[node])
    if t["code"]:
        i = int(np.flatnonzero(net.port_code == t["code"])[0])
        if float(haversine_km(lon, lat, net.port_lon[i], net.port_lat[i])) > TERMINAL_NAME_KM:
            return _waypoint(net, node)
    return Place("terminal", t["name"], lon, lat, code=t["code"], country=t["country"])


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
               cost_usd=s.usd, co2e_ttw_kg=s.ttw, co2e_wtt_kg=s.wtt, sailing_interval_h=s.sailing_interval_h)


def _transfer(kind: TransferKind, name: str, a: Place, b: Place, km: float, hours: float, assumption: str,
              usd: float = 0.0, co2: float = 0.0, border: Border | None = None) -> Leg:
    geometry = split_antimeridian([a.lon, b.lon], [a.lat, b.lat])
    return Leg("transfer", a, b, km, hours, [], [], geometry, kind=kind, name=name, assumption=assumption,
               cost_usd=usd, co2e_ttw_kg=co2, border=border)


def _add_connector(s: _Stretch, weights, mode: int, km: float) -> None:
    h, usd, ttw, wtt = weights.connector(mode, km)
    s.hours += h
    s.usd += usd
    s.ttw += ttw
    s.wtt += wtt


def _border_place(net, e: int, v: int, crossing: dict) -> str:
    """Where a crossing is: the arrival port of a ferry (customs clear there), else the named
    crossing of ``data/policy/borders.csv`` that it is (located by the table's coordinates, as
    its wait is), else the nearest city."""
    row = border_table.row_for(crossing["countries"], crossing["mode"], float(net.node_lon[v]),
                               float(net.node_lat[v]))
    if row is not None and row.crossing and row.lon is not None:  # a row without coordinates may be another crossing
        return f"at {row.crossing}"
    if int(net.edge_mode[e]) == M.FERRY:
        ferry = net.tables["ferries"][int(net.edge_ref[e])]
        ends = dict(zip((ferry["from_code"], ferry["to_code"]), ferry["name"].split(" – ")))
        for code, name in ends.items():
            if net.ferry_terminals.get(code) == v:
                return f"at {name}"
    return where_is(float(net.node_lon[v]), float(net.node_lat[v]))


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
            sea_ferry = t["kind"] == "ferry terminal" and \
                int(net.edge_req[e]) & M.bit(M.SEA) and int(net.edge_req[e]) & M.bit(M.FERRY)
            kind = TransferKind.SHIP_FERRY if sea_ferry else TransferKind(t["kind"])
            # the step runs from the node where the last leg ended to the one where the next begins
            first, last = _terminal_end(net, u, t), _terminal_end(net, v, t)
            if cur.mode is not None and (cur.km > 0 or cur.lon):
                legs.append(_close(cur, first))
            legs.append(_transfer(kind, f"{t['name']} ({t['kind']})", first, last, float(net.edge_km[e]),
                                  float(weights.hours[e]), transfer_costing.label(kind), float(weights.usd[e]),
                                  float(weights.co2e_ttw_kg[e])))
            cur = _Stretch(None, last)
            continue
        if cur.mode is None:
            cur.mode = mode
        elif cur.mode != mode:
            at = _waypoint(net, u)
            legs.append(_close(cur, at))
            cur = _Stretch(mode, at)
        wait = float(weights.border_wait_h[e])
        cur.km += float(net.edge_km[e])
        cur.hours += float(weights.hours[e]) - wait
        cur.usd += float(weights.usd[e] - weights.border_usd[e])
        cur.ttw += float(weights.co2e_ttw_kg[e] - weights.border_co2e_kg[e])
        cur.wtt += float(weights.co2e_wtt_kg[e])
        cur.flags.append(net.edge_flags[e])
        if mode == M.FERRY:  # draw the crossing along its sailing lane, not straight across land
            ferry = net.tables["ferries"][int(net.edge_ref[e])]
            cur.sailing_interval_h += ferry_costing.interval_h(ferry)
            inner = ferry["geometry"][1:-1]
            for lon, lat in (inner if u == int(net.edge_u[e]) else inner[::-1]):
                cur.lon.append(lon)
                cur.lat.append(lat)
        cur.lon.append(float(net.node_lon[v]))
        cur.lat.append(float(net.node_lat[v]))
        b = int(net.edge_border[e])
        if b >= 0:
            crossing = borders[b]
            pair = tuple(sorted(crossing["countries"]))
            kind = TransferKind(transfer_costing.border_kind(crossing))  # the kind the costing charges
            border = Border(pair, f"{'–'.join(pair)} border {_border_place(net, e, v, crossing)}", kind)
            at = Place("border", border.name, float(net.node_lon[v]), float(net.node_lat[v]))
            cur.lon.pop()
            cur.lat.pop()
            legs.append(_close(cur, at))
            legs.append(_transfer(border.kind, border.name, at, at, 0.0, wait, transfer_costing.label(border.kind),
                                  float(weights.border_usd[e]), float(weights.border_co2e_kg[e]), border))
            cur = _Stretch(mode, at)
    if cur.mode is None:
        cur.mode = end_mode
    if cur.mode != end_mode:
        at = _waypoint(net, int(res.nodes[-1]))
        legs.append(_close(cur, at))
        cur = _Stretch(end_mode, at)
    cur.km += end_km
    _add_connector(cur, weights, end_mode, end_km)
    legs.append(_close(cur, destination))
    return [leg for leg in legs if leg.mode == "transfer" or leg.distance_km > 0 or leg.duration_h > 0]
