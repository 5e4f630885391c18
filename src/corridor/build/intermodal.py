"""Compile the land and intermodal layers onto the sea layer: one graph for every mode.

Layers: rail and road (scgraph-data, OpenStreetMap; curated links join its gaps and close
high-speed-only lines to freight), ferry services (curated table, sailing their lanes: ferry_lanes.py),
and *transfer* edges where modes meet: port terminals (sea <-> rail/road), ferry
terminals (ferry <-> rail/road/sea) and rail-road terminals in large cities. Modes change
only on transfer edges. Rail and road edges whose ends lie in different countries are
border crossings; between rail networks of different gauge they are also a break of gauge.

Every edge records the modes it needs (``edge_req``): a transfer from rail to a ferry is
usable only when both rail and ferry are allowed.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from corridor import modes as M
from corridor.build.air import add_air_layer
from corridor.build.ferry_lanes import SeaPaths, ferry_lane, lane_km
from corridor.data.cities import read_cities, read_towns
from corridor.data.land import read_layer
from corridor.data.ports import PortRow
from corridor.geo import chord_for_km, great_circle_points, haversine_km, km_for_chord, to_unit_vectors

RAIL_JOIN_KM = 2.0  # rail pieces closer than this are one network split by the OSM export
TERMINAL_REACH_KM = 30.0  # a port or ferry terminal joins land nodes this close
# A transfer moves goods across one terminal; land farther from the quay is a road leg.
PORT_TRANSFER_KM = 5.0
CITY_TERMINAL_MIN_POPULATION = 300_000
CITY_TERMINAL_REACH_KM = 20.0
NO_COUNTRY = -1


def curated_path(name: str) -> Path:
    return Path(str(resources.files("corridor.data"))) / "curated" / name


@dataclass
class GraphBuilder:
    """Accumulates nodes and edges of every layer before they are frozen into arrays."""

    lon: list = field(default_factory=list)
    lat: list = field(default_factory=list)
    mode: list = field(default_factory=list)
    edges: dict = field(default_factory=lambda: {k: [] for k in ("u", "v", "mode", "req", "km", "flags", "ref", "kind")})
    n: int = 0
    _coords: tuple | None = None

    def add_nodes(self, lon, lat, mode: int) -> int:
        first = self.n
        lon, lat = np.atleast_1d(lon), np.atleast_1d(lat)
        self.lon.append(np.asarray(lon, float))
        self.lat.append(np.asarray(lat, float))
        self.mode.append(np.full(len(lon), mode, np.uint8))
        self.n += len(lon)
        self._coords = None
        return first

    def add_edges(self, u, v, *, mode: int, req: int, km=None, flags=0, ref=-1, kind=0) -> None:
        u, v = np.atleast_1d(np.asarray(u, np.int64)), np.atleast_1d(np.asarray(v, np.int64))
        if km is None:
            lon, lat = self.coords()
            km = haversine_km(lon[u], lat[u], lon[v], lat[v])
        for key, value, dtype in (("u", u, np.int64), ("v", v, np.int64), ("mode", mode, np.uint8),
                                  ("req", req, np.uint8), ("km", km, np.float64), ("flags", flags, np.uint32),
                                  ("ref", ref, np.int32), ("kind", kind, np.uint8)):
            self.edges[key].append(np.broadcast_to(np.asarray(value, dtype), u.shape).copy())

    def coords(self) -> tuple[np.ndarray, np.ndarray]:
        if self._coords is None:
            self._coords = (np.concatenate(self.lon), np.concatenate(self.lat))
        return self._coords

    def edge_arrays(self) -> dict:
        return {k: np.concatenate(v) for k, v in self.edges.items()}


def _components(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    return connected_components(coo_matrix((np.ones(len(u)), (u, v)), shape=(n, n)), directed=False)[1]


def repair_rail(lonlat: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, dict]:
    """Edges joining rail pieces closer than ``RAIL_JOIN_KM``, and piece counts before/after."""
    label = _components(len(lonlat), edges[:, 0], edges[:, 1])
    tree = cKDTree(to_unit_vectors(lonlat[:, 0], lonlat[:, 1]))
    pairs = tree.query_pairs(chord_for_km(RAIL_JOIN_KM), output_type="ndarray")
    pairs = pairs[label[pairs[:, 0]] != label[pairs[:, 1]]]
    # One join per pair of pieces is enough: keep the shortest.
    d = haversine_km(*lonlat[pairs[:, 0]].T, *lonlat[pairs[:, 1]].T)
    key = np.sort(np.column_stack([label[pairs[:, 0]], label[pairs[:, 1]]]), axis=1)
    order = np.lexsort((d, key[:, 1], key[:, 0]))
    _, first = np.unique(key[order], axis=0, return_index=True)
    joins = pairs[order[first]]
    after = _components(len(lonlat), np.concatenate([edges[:, 0], joins[:, 0]]),
                        np.concatenate([edges[:, 1], joins[:, 1]]))
    return joins, {"pieces_before": int(label.max() + 1), "pieces_after": int(after.max() + 1),
                   "joins_added": int(len(joins))}


def read_rail_links() -> list[dict]:
    with open(curated_path("rail_links.csv"), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def close_highspeed_only(lonlat: np.ndarray, *edge_sets: np.ndarray) -> tuple:
    """Each edge set without the edges on high-speed-only lines (``rail_highspeed_only.csv``).

    An edge is on such a line when both its ends lie within the row's ``buffer_km`` of the
    drawn course (sampled every 0.5 km). Returns the edge sets, then how many edges were closed.
    """
    closed = np.zeros(len(lonlat), bool)
    tree = cKDTree(to_unit_vectors(lonlat[:, 0], lonlat[:, 1]))
    with open(curated_path("rail_highspeed_only.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            pts = np.array([[float(v) for v in p.split()] for p in row["points"].split(";")])
            for (lon1, lat1), (lon2, lat2) in zip(pts[:-1], pts[1:]):
                n = max(2, int(np.ceil(haversine_km(lon1, lat1, lon2, lat2) / 0.5)) + 1)
                lon, lat = great_circle_points(lon1, lat1, lon2, lat2, n)
                near = tree.query_ball_point(to_unit_vectors(lon, lat), chord_for_km(float(row["buffer_km"])))
                for ids in near:
                    closed[ids] = True
    kept = [e[~(closed[e[:, 0]] & closed[e[:, 1]])] for e in edge_sets]
    return (*kept, int(sum(len(e) - len(k) for e, k in zip(edge_sets, kept))))


def read_ferries() -> list[dict]:
    with open(curated_path("ferries.csv"), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_gauges() -> dict[str, int]:
    gauges = {}
    with open(curated_path("rail_gauges.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for country in row["countries"].split():
                gauges[country] = int(row["gauge_mm"])
    return gauges


def ferry_km(row: dict) -> float:
    """A crossing's length: the published route length where the row has one, else its lane's."""
    published = row["distance_basis"].startswith("PUBLISHED")
    return float(row["distance_km"]) if published else float(row["lane_km"])


class _Nearest:
    """Nearest node of one layer to given points, within a reach."""

    def __init__(self, lon: np.ndarray, lat: np.ndarray, first: int, ids: np.ndarray | None = None):
        self.tree = cKDTree(to_unit_vectors(lon, lat))
        self.ids = np.arange(len(lon)) + first if ids is None else ids

    def __call__(self, lon, lat, reach_km: float) -> tuple[np.ndarray, np.ndarray]:
        chord, idx = self.tree.query(to_unit_vectors(lon, lat).reshape(-1, 3),
                                     distance_upper_bound=chord_for_km(reach_km))
        found = np.isfinite(chord)
        node = np.where(found, self.ids[np.minimum(idx, len(self.ids) - 1)], -1)
        return node, np.where(found, km_for_chord(np.where(found, chord, 0)), np.inf)


def add_port_terminal(g: GraphBuilder, port: PortRow, sea_node: int, terminals: list[dict], near: tuple,
                      land_xy: tuple[np.ndarray, np.ndarray]) -> int:
    """A seaport's terminal: its berth and the ways from the berth to rail and road.

    The berth is a sea node at the port, joined to the port's sea node by a sea edge, so the
    water between them is sailed, not hidden in a transfer. A rail or road node within
    ``PORT_TRANSFER_KM`` of the port is joined to the berth by a transfer. One farther away
    (within ``TERMINAL_REACH_KM``) is reached by road from a gate node at the port: a road
    edge to the road node, or to a rail head (a rail-road terminal of its own) where the
    train is loaded.

    Parameters
    ----------
    g
        The graph being built; rail and road layers already in it.
    port
        The port's row.
    sea_node
        Its sea node (first connector).
    terminals
        The terminals table; the port (and its rail head, if any) is appended.
    near
        The rail and road :class:`_Nearest` lookups.
    land_xy
        Longitudes and latitudes of the graph's nodes when the land layers were added.

    Returns
    -------
    int
        The berth node.
    """
    lon, lat = land_xy
    sea_bit = M.bit(M.SEA)
    terminals.append({"kind": "port", "name": port.name, "code": port.code, "country": port.country})
    terminal = len(terminals) - 1
    berth = g.add_nodes(port.lon, port.lat, M.SEA)
    g.add_edges(berth, sea_node, mode=M.SEA, req=sea_bit,
                km=haversine_km(port.lon, port.lat, lon[sea_node], lat[sea_node]))
    gate = None
    for lookup, land_mode in zip(near, (M.RAIL, M.ROAD)):
        land, km = lookup(port.lon, port.lat, TERMINAL_REACH_KM)
        node, km = int(land[0]), float(km[0])
        if node < 0:
            continue
        if km <= PORT_TRANSFER_KM:
            g.add_edges(berth, node, mode=M.TRANSFER, req=sea_bit | M.bit(land_mode), km=km, ref=terminal, kind=4)
            continue
        if gate is None:
            gate = g.add_nodes(port.lon, port.lat, M.ROAD)
            g.add_edges(berth, gate, mode=M.TRANSFER, req=sea_bit | M.bit(M.ROAD), km=0.0, ref=terminal, kind=4)
        if land_mode == M.ROAD:
            g.add_edges(gate, node, mode=M.ROAD, req=M.bit(M.ROAD), km=km)
        else:
            rail_head = g.add_nodes(lon[node], lat[node], M.ROAD)
            g.add_edges(gate, rail_head, mode=M.ROAD, req=M.bit(M.ROAD), km=km)
            terminals.append({"kind": "rail-road terminal", "name": f"{port.name} rail head", "code": None,
                              "country": port.country})
            g.add_edges(rail_head, node, mode=M.TRANSFER, req=M.bit(M.ROAD) | M.bit(M.RAIL), km=0.0,
                        ref=len(terminals) - 1, kind=4)
    return berth


def _point(text: str) -> tuple[float, float]:
    lon, lat = (float(v) for v in text.split())
    return lon, lat


def _points(text: str) -> np.ndarray:
    return np.array([_point(p) for p in text.split(";")])


def _read_curated(name: str) -> list[dict]:
    with open(curated_path(name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def drop_false_edges(lonlat: np.ndarray, edges: np.ndarray, match_km: float = 1.0) -> tuple[np.ndarray, int]:
    """The layer's edges without those ``rail_dropped_edges.csv`` lists (a straight edge standing
    for a line that runs elsewhere), matched by both ends within ``match_km``; and how many."""
    keep = np.ones(len(edges), bool)
    for row in _read_curated("rail_dropped_edges.csv"):
        (ax, ay), (bx, by) = _point(row["from"]), _point(row["to"])
        u, v = lonlat[edges[:, 0]], lonlat[edges[:, 1]]
        near = [haversine_km(p[:, 0], p[:, 1], x, y) <= match_km for p in (u, v) for x, y in ((ax, ay), (bx, by))]
        keep &= ~((near[0] & near[3]) | (near[1] & near[2]))
    return edges[keep], int((~keep).sum())


def stretch_to_published(lon, lat, u, v, km) -> tuple[np.ndarray, list[dict]]:
    """Edge lengths with the track between two stations of ``rail_line_lengths.csv`` stretched
    to the published length (the layer's simplified geometry cuts corners on mountain lines).

    The track is the layer's shortest rail path between the rail nodes nearest the two stations;
    each of its edges is scaled by published / path length. Returns the lengths and what was done.
    """
    km = np.array(km, dtype=np.float64)
    nodes = np.unique(np.concatenate([u, v]))
    near = _Nearest(lon[nodes], lat[nodes], 0, ids=nodes)
    key = np.minimum(u, v).astype(np.int64) * len(lon) + np.maximum(u, v)
    order = np.lexsort((km, key))
    first = order[np.unique(key[order], return_index=True)[1]]  # the shortest edge of each node pair
    graph = coo_matrix((km[first] + 1e-9, (u[first], v[first])), shape=(len(lon), len(lon))).tocsr()
    sorted_first = first[np.argsort(key[first])]
    done = []
    for row in _read_curated("rail_line_lengths.csv"):
        (a, _), (b, _) = (near(*_point(row[k]), 5.0) for k in ("from", "to"))
        published = float(row["km"])
        _, pred = dijkstra(graph, directed=False, indices=int(a[0]), return_predecessors=True,
                           limit=2 * published)
        path, node = [], int(b[0])
        while node != int(a[0]) and node >= 0:
            path.append(node)
            node = int(pred[node])
        if node < 0 or not path:
            raise ValueError(f"rail_line_lengths.csv {row['id']}: no rail path between its stations")
        path.append(node)
        pair = np.minimum(path[:-1], path[1:]).astype(np.int64) * len(lon) + np.maximum(path[:-1], path[1:])
        on_path = sorted_first[np.searchsorted(key[sorted_first], pair)]
        layer_km = float(km[on_path].sum())
        km[on_path] *= published / layer_km
        done.append({"id": row["id"], "layer_km": round(layer_km, 1), "published_km": published})
    return km, done


LAND_LAYERS = ("rail", "road")


def read_land_layers() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each of :data:`LAND_LAYERS` as :func:`corridor.data.land.read_layer` reads it: the text
    parsing (seconds of one core) needs nothing else of the build, so it can run beside it."""
    return {layer: read_layer(layer) for layer in LAND_LAYERS}


def add_rail_layer(g: GraphBuilder, rail: tuple[np.ndarray, np.ndarray]) -> tuple:
    """The rail layer (scgraph-data, ``rail`` as :func:`read_land_layers` gives it) with its
    curated corrections, as rail edges of ``g``.

    False edges are dropped (``rail_dropped_edges.csv``), pieces split by the export joined,
    high-speed-only lines closed to freight, missing lines added (``rail_links.csv``) and
    tracks stretched to their published lengths (``rail_line_lengths.csv``).

    Returns
    -------
    tuple
        The layer's :class:`_Nearest` lookup and its statistics.
    """
    rail_xy, rail_e = rail
    rail_e, dropped = drop_false_edges(rail_xy, rail_e)
    rail0 = g.add_nodes(rail_xy[:, 0], rail_xy[:, 1], M.RAIL)
    joins, stats = repair_rail(rail_xy, rail_e)
    stats["false_edges_dropped"] = dropped
    # after the repair: it would join the loose nodes of a closed line back together
    rail_e, joins, stats["highspeed_only_edges_closed"] = close_highspeed_only(rail_xy, rail_e, joins)
    u, v = [rail0 + rail_e[:, 0], rail0 + joins[:, 0]], [rail0 + rail_e[:, 1], rail0 + joins[:, 1]]
    kind = [np.zeros(len(rail_e), np.uint8), np.full(len(joins), 2, np.uint8)]
    rail_near = _Nearest(rail_xy[:, 0], rail_xy[:, 1], rail0)
    stats["curated_links"] = []
    for link in read_rail_links():
        pts = _points(link["points"])
        first = g.add_nodes(pts[:, 0], pts[:, 1], M.RAIL)
        ids = np.arange(first, first + len(pts))
        u.append(ids[:-1])
        v.append(ids[1:])
        ends, _ = rail_near(pts[[0, -1], 0], pts[[0, -1], 1], float(link["join_km"]))
        joined = sorted((end, node) for end, node in set(zip(ids[[0, -1]].tolist(), ends.tolist())) if node >= 0)
        u.append(np.array([e for e, _ in joined], np.int64))
        v.append(np.array([n for _, n in joined], np.int64))
        kind.append(np.full(len(ids) - 1 + len(joined), 3, np.uint8))
        stats["curated_links"].append(link["name"])
    u, v, kind = np.concatenate(u), np.concatenate(v), np.concatenate(kind)
    lon, lat = g.coords()
    km = haversine_km(lon[u], lat[u], lon[v], lat[v])
    km, stats["stretched_to_published"] = stretch_to_published(lon, lat, u, v, km)
    g.add_edges(u, v, mode=M.RAIL, req=M.bit(M.RAIL), km=km, kind=kind)
    stats.update(nodes=int(len(rail_xy)), edges=int(len(rail_e)))
    return rail_near, stats


def build_intermodal(sea: dict, ports: list[PortRow], port_sea_node: np.ndarray,
                     land: dict[str, tuple[np.ndarray, np.ndarray]], progress) -> dict:
    """The whole multimodal graph: the sea layer's nodes first (same ids), then the rest.

    ``port_sea_node[i]`` is the sea node of port ``i`` (its water node or nearest
    connector), or -1 when the port is not joined to the sea; ``land`` is
    :func:`read_land_layers`' answer.
    """
    g = GraphBuilder()
    g.add_nodes(sea["node_lon"], sea["node_lat"], M.SEA)
    g.add_edges(sea["edge_u"], sea["edge_v"], mode=M.SEA, req=M.bit(M.SEA), km=sea["edge_km"],
                flags=sea["edge_flags"], kind=sea["edge_kind"])
    stats: dict = {}
    terminals: list[dict] = []

    progress(1, 6)
    rail_near, stats["rail"] = add_rail_layer(g, land["rail"])
    lon, lat = g.coords()
    is_rail = np.concatenate(g.mode) == M.RAIL
    rail_ids = np.flatnonzero(is_rail)
    rail_near = _Nearest(lon[is_rail], lat[is_rail], 0, ids=rail_ids)  # now with the curated links

    progress(2, 6)
    road_xy, road_e = land["road"]
    road0 = g.add_nodes(road_xy[:, 0], road_xy[:, 1], M.ROAD)
    g.add_edges(road0 + road_e[:, 0], road0 + road_e[:, 1], mode=M.ROAD, req=M.bit(M.ROAD))
    road_near = _Nearest(road_xy[:, 0], road_xy[:, 1], road0)
    stats["road"] = {"nodes": int(len(road_xy)), "edges": int(len(road_e)),
                     "pieces": int(_components(len(road_xy), road_e[:, 0], road_e[:, 1]).max() + 1)}

    def join_land(node: int, lon: float, lat: float, water_mode: int, terminal: int) -> None:
        for near, land_mode in ((rail_near, M.RAIL), (road_near, M.ROAD)):
            land, _ = near(lon, lat, TERMINAL_REACH_KM)
            if land[0] >= 0:
                g.add_edges(node, land[0], mode=M.TRANSFER, req=M.bit(water_mode) | M.bit(land_mode),
                            ref=terminal, kind=4)

    progress(3, 6)
    code_index = {p.code: i for i, p in enumerate(ports)}
    land_lon, land_lat = g.coords()  # rail and road nodes keep these ids
    berth: dict[int, int] = {}
    for i, p in enumerate(ports):
        if port_sea_node[i] < 0:
            continue
        berth[i] = add_port_terminal(g, p, int(port_sea_node[i]), terminals, (rail_near, road_near),
                                     (land_lon, land_lat))

    ferries = read_ferries()
    ferry_node: dict[str, int] = {}
    for row in ferries:
        for code in (row["from_code"], row["to_code"]):
            if code in ferry_node:
                continue
            p = ports[code_index[code]]
            node = g.add_nodes(p.lon, p.lat, M.FERRY)
            ferry_node[code] = node
            terminals.append({"kind": "ferry terminal", "name": p.name, "code": code, "country": p.country})
            join_land(node, p.lon, p.lat, M.FERRY, len(terminals) - 1)
            if code_index[code] in berth:  # ferry and ship meet at the port's quay
                g.add_edges(node, berth[code_index[code]], mode=M.TRANSFER, km=0.0,
                            req=M.bit(M.SEA) | M.bit(M.FERRY), ref=len(terminals) - 1, kind=4)
    sea_paths = SeaPaths(sea)
    for k, row in enumerate(ferries):
        a, b = (code_index[row[key]] for key in ("from_code", "to_code"))
        lane = ferry_lane(row, ((ports[a].lon, ports[a].lat), (ports[b].lon, ports[b].lat)),
                          (int(port_sea_node[a]), int(port_sea_node[b])), sea_paths)
        row["lane_km"] = round(lane_km(lane), 1)
        row["geometry"] = lane.round(5).tolist()
        g.add_edges(ferry_node[row["from_code"]], ferry_node[row["to_code"]], mode=M.FERRY,
                    req=M.bit(M.FERRY), km=ferry_km(row), ref=k)
    stats["ferry"] = {"services": len(ferries), "terminals": len(ferry_node)}

    progress(4, 6)
    cities = read_cities("15000")
    big = np.flatnonzero(cities.population >= CITY_TERMINAL_MIN_POPULATION)
    rail_at, _ = rail_near(cities.lon[big], cities.lat[big], CITY_TERMINAL_REACH_KM)
    road_at, _ = road_near(cities.lon[big], cities.lat[big], CITY_TERMINAL_REACH_KM)
    both = (rail_at >= 0) & (road_at >= 0)
    for c, r, d in zip(big[both], rail_at[both], road_at[both]):
        terminals.append({"kind": "rail-road terminal", "name": str(cities.name[c]), "code": None,
                          "country": str(cities.country[c])})
        g.add_edges(r, d, mode=M.TRANSFER, req=M.bit(M.RAIL) | M.bit(M.ROAD), ref=len(terminals) - 1, kind=4)
    stats["terminals"] = {k: sum(t["kind"] == k for t in terminals)
                          for k in ("port", "ferry terminal", "rail-road terminal")}

    add_air_layer(g, road_near, terminals, stats)  # airports, modelled flights, road access (build/air.py)

    progress(5, 6)
    lon, lat = g.coords()
    node_mode = np.concatenate(g.mode)
    countries, node_country = assign_countries(lon, lat, node_mode)
    for code, node in ferry_node.items():
        node_country[node] = countries.index(ports[code_index[code]].country)
    e = g.edge_arrays()
    borders, edge_border = find_borders(e, node_country, countries)
    stats["borders"] = {"crossing_edges": int((edge_border >= 0).sum()), "country_pairs": len(borders)}
    progress(6, 6)
    return {
        "node_lon": lon, "node_lat": lat, "node_mode": node_mode, "node_country": node_country,
        "edge_u": e["u"].astype(np.int32), "edge_v": e["v"].astype(np.int32), "edge_km": e["km"],
        "edge_flags": e["flags"], "edge_kind": e["kind"], "edge_mode": e["mode"], "edge_req": e["req"],
        "edge_ref": e["ref"], "edge_border": edge_border,
        "tables": {"countries": countries, "terminals": terminals, "borders": borders, "ferries": ferries},
        "stats": stats,
    }


def _zone_countries() -> dict[str, str]:
    """IANA time zone -> ISO country, from the tzdata package's ``zone.tab``."""
    text = (Path(str(resources.files("tzdata"))) / "zoneinfo" / "zone.tab").read_text()
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {r[2]: r[0] for r in rows if len(r) >= 3}


def assign_countries(lon, lat, node_mode) -> tuple[list[str], np.ndarray]:
    """Country of every land node.

    The time-zone polygons shipped by ``timezonefinder`` (timezone-boundary-builder, built from
    OpenStreetMap boundaries, ODbL) follow national borders, and every zone belongs to one
    country in tzdata's ``zone.tab``. Where no zone answers (coasts, shared zones), the
    nearest GeoNames city (population > 1,000) decides.
    """
    from timezonefinder import TimezoneFinder

    finder, zones = TimezoneFinder(), _zone_countries()
    cities = read_towns()
    land = np.flatnonzero(node_mode != M.SEA)
    codes = np.array([zones.get(finder.timezone_at(lng=float(lon[i]), lat=float(lat[i])) or "", "")
                      for i in land], dtype=object)
    missing = codes == ""
    _, nearest = cKDTree(to_unit_vectors(cities.lon, cities.lat)).query(
        to_unit_vectors(lon[land[missing]], lat[land[missing]]))
    codes[missing] = cities.country[nearest]
    countries = sorted(set(cities.country.tolist()) | set(codes.tolist()))
    index = {c: i for i, c in enumerate(countries)}
    out = np.full(len(lon), NO_COUNTRY, dtype=np.int16)
    out[land] = [index[c] for c in codes]
    return countries, out


def read_customs_unions() -> dict[str, str]:
    """Country -> customs union it belongs to."""
    out = {}
    with open(curated_path("customs_unions.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for country in row["members"].split():
                out[country] = row["union"]
    return out


def find_borders(e: dict, node_country: np.ndarray, countries: list[str]) -> tuple[list[dict], np.ndarray]:
    """Border crossings: land and ferry edges between two countries.

    Rail ones flag a break of gauge; crossings inside one customs union are flagged
    ``customs_union`` (no clearance wait)."""
    gauges, unions = read_gauges(), read_customs_unions()
    cu, cv = node_country[e["u"]], node_country[e["v"]]
    land = np.isin(e["mode"], [M.RAIL, M.ROAD, M.FERRY])
    crossing = land & (cu != cv) & (cu != NO_COUNTRY) & (cv != NO_COUNTRY)
    out = np.full(len(cu), -1, dtype=np.int32)
    table: dict[tuple, int] = {}
    borders: list[dict] = []
    for k in np.flatnonzero(crossing):
        a, b = sorted((countries[cu[k]], countries[cv[k]]))
        mode = M.NAMES[int(e["mode"][k])]
        key = (a, b, mode)
        if key not in table:
            gauge_break = mode == "rail" and gauges.get(a, 1435) != gauges.get(b, 1435)
            table[key] = len(borders)
            union = unions.get(a) if unions.get(a) and unions.get(a) == unions.get(b) else None
            borders.append({"countries": [a, b], "mode": mode, "break_of_gauge": gauge_break,
                            "customs_union": union})
        out[k] = table[key]
    return borders, out


def write_tables(path: Path, tables: dict) -> None:
    path.write_text(json.dumps(tables, ensure_ascii=False, indent=1))
