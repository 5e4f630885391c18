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
    antimeridian_parts,
    densify,
    haversine_km_one,
    km_for_chord,
    split_antimeridian,
    to_unit_vectors,
)
from corridor.network_memo import per_network
from corridor.places import Place, port_row
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


@lru_cache(maxsize=4096)  # a network's waypoints and border crossings recur across requests
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
    """A leg being built: the path's edges ``first`` onwards (up to where it is closed), plus the
    connectors and ferry lanes that the edge range does not say."""

    mode: int | None
    start: Place
    first: int  # index in the path of its first edge
    km: float = 0.0  # connectors; the edges' figures are summed when the stretch is closed
    hours: float = 0.0
    usd: float = 0.0
    ttw: float = 0.0
    wtt: float = 0.0
    sailing_interval_h: float = 0.0  # ferries: hours between sailings, for the leg's slow time
    lanes: dict = field(default_factory=dict)  # path index of a ferry edge -> its inner lane points, (n, 2)


_PLAIN, _EVENT, _BORDER = 0, 1, 2  # what an edge is to a path: summed, visited, visited and a border crossing


@per_network(maxsize=4)
def _edge_events(net) -> np.ndarray:
    """Per edge: :data:`_BORDER` where it crosses a border, :data:`_EVENT` where a path needs
    more than sums otherwise (a transfer, a ferry and its lane), else :data:`_PLAIN`; once per
    network: the other edges of a leg are summed in bulk."""
    mode = np.asarray(net.edge_mode)
    events = ((mode == M.TRANSFER) | (mode == M.FERRY)).astype(np.int8)
    events[np.asarray(net.edge_border) >= 0] = _BORDER
    return events


class _Path:
    """A path's per-edge figures as arrays, so a leg's sums and points are slices of them."""

    def __init__(self, net, res, weights):
        edges = np.asarray(res.edges, np.int64)
        self.nodes = np.asarray(res.nodes, np.int64)
        self.edges = edges
        self.mode = net.edge_mode[edges]
        self.flags = net.edge_flags[edges]
        events = _edge_events(net)[edges]
        # rows: km, hours, usd, TTW, WTT of moving (border waits and fees go to the border's step);
        # the border parts are zero off border edges (costing.profile prices them there only), so
        # they are taken from the crossings alone: a path's edges lie all over the arrays, and
        # every array read along it is as many cache misses
        self.sums = np.empty((5, len(edges)))
        for row, values in enumerate((net.edge_km, weights.hours, weights.usd, weights.co2e_ttw_kg,
                                      weights.co2e_wtt_kg)):
            self.sums[row] = values[edges]
        crossing = np.flatnonzero(events == _BORDER)
        if len(crossing):
            at = edges[crossing]
            self.sums[1, crossing] -= weights.border_wait_h[at]
            self.sums[2, crossing] -= weights.border_usd[at]
            self.sums[3, crossing] -= weights.border_co2e_kg[at]
        self.lon = np.asarray(net.node_lon[self.nodes], float)
        self.lat = np.asarray(net.node_lat[self.nodes], float)
        is_event = events != _PLAIN
        is_event[1:] |= self.mode[1:] != self.mode[:-1]  # a change of mode
        is_event[:1] = True  # the first edge: its mode may not be the start's
        self.events = np.flatnonzero(is_event).tolist()

    def totals(self, s: _Stretch, last: int) -> tuple[float, float, float, float, float]:
        """km, hours, USD, TTW and WTT of ``s`` closed after its edges up to ``last`` (exclusive)."""
        edge_sums = self.sums[:, s.first:last].sum(axis=1).tolist() if last > s.first else [0.0] * 5
        return tuple(own + edges for own, edges in zip((s.km, s.hours, s.usd, s.ttw, s.wtt), edge_sums))

    def passages(self, first: int, last: int) -> list[str]:
        """Passage keys crossed by edges ``first:last``, in the order first crossed."""
        flags = self.flags[first:last]
        keys: list[str] = []
        for mask in dict.fromkeys(flags[flags != 0].tolist()):  # each distinct value once, in path order
            keys += [k for k in P.keys_of(mask) if k not in keys]
        return keys

    def points(self, s: _Stretch, last: int, drop_last: bool) -> tuple[np.ndarray, np.ndarray]:
        """The nodes reached by edges ``s.first:last`` (without the last one if ``drop_last``),
        each ferry edge's lane before the node it reaches."""
        lon_parts, lat_parts, at = [], [], s.first + 1
        for k in sorted(s.lanes):
            if k >= last:
                break
            lane = s.lanes[k]
            lon_parts += [self.lon[at:k + 1], lane[:, 0]]
            lat_parts += [self.lat[at:k + 1], lane[:, 1]]
            at = k + 1
        end = last if drop_last else last + 1
        lon_parts.append(self.lon[at:end])
        lat_parts.append(self.lat[at:end])
        return np.concatenate(lon_parts), np.concatenate(lat_parts)


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
        i = port_row(net, t["code"])
        if haversine_km_one(lon, lat, float(net.port_lon[i]), float(net.port_lat[i])) > TERMINAL_NAME_KM:
            return _waypoint(net, node)
    return Place("terminal", t["name"], lon, lat, code=t["code"], country=t["country"])


def _close(path: _Path, s: _Stretch, last: int, end: Place, drop_last: bool = False) -> Leg:
    """The leg of ``s`` over the path's edges up to ``last`` (exclusive), ending at ``end``; a leg
    ending at a border drops the border's node (``end`` stands there)."""
    km, hours, usd, ttw, wtt = path.totals(s, last)
    passages = path.passages(s.first, last)
    lon, lat = path.points(s, last, drop_last)
    lon = np.concatenate([[s.start.lon], lon, [end.lon]])
    lat = np.concatenate([[s.start.lat], lat, [end.lat]])
    if s.mode == M.SEA:
        lon, lat = densify(lon, lat, max_step_km=100.0)
    return Leg(M.NAMES[s.mode], s.start, end, km, hours, passages,
               [P.BY_KEY[k].name for k in passages], antimeridian_parts(lon, lat),
               cost_usd=usd, co2e_ttw_kg=ttw, co2e_wtt_kg=wtt, sailing_interval_h=s.sailing_interval_h)


def _transfer(kind: TransferKind, name: str, a: Place, b: Place, km: float, hours: float, assumption: str,
              usd: float = 0.0, co2: float = 0.0, border: Border | None = None) -> Leg:
    if abs(b.lon - a.lon) <= 180.0:  # split_antimeridian's answer without its arrays (most transfers are a point)
        geometry = [[[float(a.lon), float(a.lat)], [float(b.lon), float(b.lat)]]]
    else:
        geometry = split_antimeridian([a.lon, b.lon], [a.lat, b.lat])
    return Leg("transfer", a, b, km, hours, [], [], geometry, kind=kind, name=name, assumption=assumption,
               cost_usd=usd, co2e_ttw_kg=co2, border=border)


def _add_connector(s: _Stretch, weights, mode: int, km: float) -> None:
    h, usd, ttw, wtt = weights.connector(mode, km)
    s.hours += h
    s.usd += usd
    s.ttw += ttw
    s.wtt += wtt


@lru_cache(maxsize=4096)  # a network's crossings recur across requests, each read twice (its leg, its notes)
def border_row(pair: tuple[str, str], mode: str, lon: float, lat: float) -> border_table.BorderRow | None:
    """:func:`corridor.data.borders.row_for` of a crossing, ``pair`` the two ISO codes sorted,
    kept per value (the table is read once a process)."""
    return border_table.row_for(pair, mode, lon, lat)


def _border_place(net, e: int, v: int, crossing: dict) -> str:
    """Where a crossing is: the arrival port of a ferry (customs clear there), else the named
    crossing of ``data/policy/borders.csv`` that it is (located by the table's coordinates, as
    its wait is), else the nearest city."""
    row = border_row(tuple(sorted(crossing["countries"])), crossing["mode"], float(net.node_lon[v]),
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
    """Legs and transfers of a path, the connectors at either end folded into their legs.

    Only the path's *events* (transfers, border crossings, ferries, changes of mode) are visited
    one by one; a leg's other edges are summed and drawn as slices of the path's arrays.

    A moving leg's geometry parts are ``(n, 2)`` arrays (:func:`~corridor.geo.antimeridian_parts`),
    a transfer's ``[lon, lat]`` lists: the planner keeps legs as the arrays' bytes and answers with
    lists (``planner._kept``, ``planner._fresh``), so a line is made into lists once, when answered.
    """
    path = _Path(net, res, weights)
    legs: list[Leg] = []
    cur = _Stretch(start_mode, origin, 0, start_km)
    _add_connector(cur, weights, start_mode, start_km)
    terminals, borders = net.tables["terminals"], net.tables["borders"]
    for k in path.events:
        e, u, v = int(path.edges[k]), int(path.nodes[k]), int(path.nodes[k + 1])
        mode = int(path.mode[k])
        if mode == M.TRANSFER:
            t = terminals[int(net.edge_ref[e])]
            sea_ferry = t["kind"] == "ferry terminal" and \
                int(net.edge_req[e]) & M.bit(M.SEA) and int(net.edge_req[e]) & M.bit(M.FERRY)
            kind = TransferKind.SHIP_FERRY if sea_ferry else TransferKind(t["kind"])
            # the step runs from the node where the last leg ended to the one where the next begins
            first, last = _terminal_end(net, u, t), _terminal_end(net, v, t)
            if cur.mode is not None and (cur.km > 0 or k > cur.first):
                legs.append(_close(path, cur, k, first))
            legs.append(_transfer(kind, f"{t['name']} ({t['kind']})", first, last, float(net.edge_km[e]),
                                  float(weights.hours[e]), transfer_costing.label(kind), float(weights.usd[e]),
                                  float(weights.co2e_ttw_kg[e])))
            cur = _Stretch(None, last, k + 1)
            continue
        if cur.mode is None:
            cur.mode = mode
        elif cur.mode != mode:
            at = _waypoint(net, u)
            legs.append(_close(path, cur, k, at))
            cur = _Stretch(mode, at, k)
        if mode == M.FERRY:  # draw the crossing along its sailing lane, not straight across land
            ferry = net.tables["ferries"][int(net.edge_ref[e])]
            cur.sailing_interval_h += ferry_costing.interval_h(ferry)
            inner = np.asarray(ferry["geometry"][1:-1], float).reshape(-1, 2)
            cur.lanes[k] = inner if u == int(net.edge_u[e]) else inner[::-1]
        b = int(net.edge_border[e])
        if b >= 0:
            crossing = borders[b]
            pair = tuple(sorted(crossing["countries"]))
            kind = TransferKind(transfer_costing.border_kind(crossing))  # the kind the costing charges
            border = Border(pair, f"{'–'.join(pair)} border {_border_place(net, e, v, crossing)}", kind)
            at = Place("border", border.name, float(net.node_lon[v]), float(net.node_lat[v]))
            legs.append(_close(path, cur, k + 1, at, drop_last=True))
            legs.append(_transfer(border.kind, border.name, at, at, 0.0, float(weights.border_wait_h[e]),
                                  transfer_costing.label(border.kind), float(weights.border_usd[e]),
                                  float(weights.border_co2e_kg[e]), border))
            cur = _Stretch(mode, at, k + 1)
    n = len(path.edges)
    if cur.mode is None:
        cur.mode = end_mode
    if cur.mode != end_mode:
        at = _waypoint(net, int(res.nodes[-1]))
        legs.append(_close(path, cur, n, at))
        cur = _Stretch(end_mode, at, n)
    cur.km += end_km
    _add_connector(cur, weights, end_mode, end_km)
    legs.append(_close(path, cur, n, destination))
    return [leg for leg in legs if leg.mode == "transfer" or leg.distance_km > 0 or leg.duration_h > 0]
