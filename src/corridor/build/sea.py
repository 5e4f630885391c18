"""Compile the sea layer: marnet lanes + curated links + open-water shortcuts, tagged by passage.

Why shortcuts: marnet's lanes bend (routes come out 2-3 % long against published tables)
and its nodes are sparse near ports. We add every edge between two nodes less than
``SHORTCUT_RADIUS_KM`` apart whose great circle stays on open water in the 1 km GLOBE
mask, so the search can run straight wherever the sea allows. Shortcuts never reach
water the mask calls land (canals, rivers, the Caspian): there only curated lanes run.
Every edge, old or new, is then tagged with the passages whose gates it crosses.

The mask knows no depth: the sourced shoal polygons of ``curated/shoals.csv`` (Wadden Sea,
Jiangsu sand ridges, Great Bahama Bank) count as land here, so no coastal node, shortcut or
marnet lane crosses them (``corridor.data.shoals``).

The lanes are too sparse to leave a harbour among islands (Hong Kong) or to follow a coast
(Namibia, the Horn of Africa): *coastal nodes*, one per 0.2-degree block of coastline within
100 km of a port and one per 0.5-degree block elsewhere, give the search short open-water
steps along every coast.
"""

from __future__ import annotations

import csv
import json
from importlib import resources
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

from corridor.build.kernels import gate_flags, segments_clear
from corridor.data import passages as P
from corridor.data.shoals import Shoal, clear_cells, read_shoals
from corridor.geo import (
    EARTH_RADIUS_KM,
    chord_for_km,
    haversine_km,
    normalize_lon,
    to_unit_vectors,
)

SHORTCUT_RADIUS_KM = 400.0
PORT_RADIUS_KM = 1000.0
PORT_AREA_KM = 100.0
# (grid in degrees, shortcut radius in km, within PORT_AREA_KM of a port?, cells offshore)
COAST_TIERS = ((0.2, 60.0, True, 3), (0.5, 120.0, False, 6))
HARBOUR_ALLOWANCE_KM = 3.0
MAX_LAND_RUN_KM = 1.0  # a sub-cell channel the mask closes; never a real isthmus
CLEARANCE_STEP_KM = 0.5
GATE_PIECE_KM = 25.0


def marnet_path() -> Path:
    return Path(str(resources.files("searoute"))) / "data" / "marnet_searoute.geojson"


def sea_links_path() -> Path:
    return Path(str(resources.files("corridor.data"))) / "curated" / "sea_links.csv"


class _NodeIndex:
    """Assigns ids to coordinates, merging +180 with -180 and 1e-6 degree duplicates."""

    def __init__(self):
        self.ids: dict[tuple[float, float], int] = {}

    def __call__(self, lon: float, lat: float) -> int:
        key = (round(float(normalize_lon(lon)), 6), round(float(lat), 6))
        return self.ids.setdefault(key, len(self.ids))

    def coords(self) -> np.ndarray:
        return np.array(list(self.ids), dtype=np.float64).reshape(-1, 2)


def read_marnet(index: _NodeIndex) -> list[tuple[int, int]]:
    """Edges (u, v) of the marnet network, one per polyline segment.

    marnet's own passage tags are not used: they cover whole approach lanes (the Pacific
    approach is tagged "panama", the Gulf of Suez "suez"); the gates decide instead.
    """
    edges = []
    for feature in json.loads(marnet_path().read_text())["features"]:
        geom = feature["geometry"]
        lines = [geom["coordinates"]] if geom["type"] == "LineString" else geom["coordinates"]
        for line in lines:
            for a, b in zip(line[:-1], line[1:]):
                u, v = index(*a[:2]), index(*b[:2])
                if u != v:
                    edges.append((u, v))
    return edges


def read_curated_links(index: _NodeIndex) -> tuple[list[tuple[int, int]], list[int], list[dict]]:
    """Edges of hand-curated sea links (Kiel and Panama canals), their end nodes, their rows.

    The ends join the rest of the network through open-water shortcuts, like ports.
    """
    edges, ends, rows = [], [], []
    with open(sea_links_path(), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            pts = [tuple(float(v) for v in p.split()) for p in row["points"].split(";")]
            ids = [index(lon, lat) for lon, lat in pts]
            edges += list(zip(ids[:-1], ids[1:]))
            ends += [ids[0], ids[-1]]
            rows.append(row)
    return edges, ends, rows


def _pair_codes(pairs: np.ndarray, n: int) -> np.ndarray:
    return np.minimum(pairs[:, 0], pairs[:, 1]).astype(np.int64) * n + np.maximum(pairs[:, 0], pairs[:, 1])


def coastal_points(water: np.ndarray, grid_deg: float, offshore_cells: int) -> np.ndarray:
    """(n, 2) lon/lat of one node for every block of ``grid_deg`` that holds both land and
    water (a stretch of coast): the water cell nearest the block's centre that lies at least
    ``offshore_cells`` from land, so that lines between neighbouring nodes clear the shore."""
    from scipy.ndimage import binary_erosion

    cell = int(round(grid_deg * 120))
    rows, cols = water.shape[0] // cell, water.shape[1] // cell
    frac = water[:rows * cell, :cols * cell].reshape(rows, cell, cols, cell).mean(axis=(1, 3))
    r = offshore_cells
    out = []
    centre = (cell - 1) / 2.0
    for i, j in zip(*np.nonzero((frac > 0) & (frac < 1))):
        r0, c0 = i * cell, j * cell
        rr = np.clip(np.arange(r0 - r, r0 + cell + r), 0, water.shape[0] - 1)
        cc = np.arange(c0 - r, c0 + cell + r) % water.shape[1]
        window = water[np.ix_(rr, cc)]
        clear = binary_erosion(window, iterations=r, border_value=1)[r:-r, r:-r]
        wi, wj = np.nonzero(clear if clear.any() else window[r:-r, r:-r])
        k = int(np.argmin((wi - centre) ** 2 + (wj - centre) ** 2))
        out.append(((c0 + wj[k] + 0.5) / 120.0 - 180.0, 90.0 - (r0 + wi[k] + 0.5) / 120.0))
    return np.array(out, dtype=np.float64).reshape(-1, 2)


def coast_tiers(water_bits: np.ndarray, port_points: np.ndarray) -> list[tuple[np.ndarray, float]]:
    """Coastal nodes and their shortcut radius: a fine grid near ports, a coarse one elsewhere."""
    water = np.unpackbits(water_bits, axis=1).view(bool)  # 0 and 1: a view, not a second 933 MB copy
    ports = port_points[~np.isnan(port_points[:, 0])]
    tree = cKDTree(to_unit_vectors(ports[:, 0], ports[:, 1]))
    tiers = []
    for grid_deg, radius_km, near_ports, offshore_cells in COAST_TIERS:
        pts = coastal_points(water, grid_deg, offshore_cells)
        d, _ = tree.query(to_unit_vectors(pts[:, 0], pts[:, 1]), distance_upper_bound=chord_for_km(PORT_AREA_KM))
        tiers.append((pts[np.isfinite(d) == near_ports], radius_km))
    return tiers


def _pairs_from(tree: cKDTree, xyz: np.ndarray, nodes: np.ndarray, radius_km: float) -> np.ndarray:
    near = tree.query_ball_point(xyz[nodes], chord_for_km(radius_km))
    return np.array([(p, q) for p, qs in zip(nodes, near) for q in qs if q != p],
                    dtype=np.int64).reshape(-1, 2)


def candidate_pairs(xyz: np.ndarray, port_nodes: np.ndarray, coastal: list[tuple[np.ndarray, float]],
                    existing: set) -> tuple[np.ndarray, np.ndarray]:
    """Node pairs worth testing for a shortcut, and the harbour allowance (km) at their first end.

    Lane and port nodes pair within ``SHORTCUT_RADIUS_KM``; port nodes also reach every
    node within ``PORT_RADIUS_KM``, because marnet is sparse along some coasts; coastal
    nodes pair with any node within their tier's radius.
    """
    n = len(xyz)
    tree = cKDTree(xyz)
    main = np.setdiff1d(np.arange(n), np.concatenate([nodes for nodes, _ in coastal]))
    pairs = main[cKDTree(xyz[main]).query_pairs(chord_for_km(SHORTCUT_RADIUS_KM), output_type="ndarray")]
    port_pairs = _pairs_from(tree, xyz, port_nodes, PORT_RADIUS_KM)
    coast_pairs = [_pairs_from(tree, xyz, nodes, radius) for nodes, radius in coastal]
    # Port pairs first: deduplication keeps the first copy, which carries the harbour allowance.
    pairs = np.concatenate([port_pairs, pairs.astype(np.int64), *coast_pairs])
    codes = _pair_codes(pairs, n)
    _, first = np.unique(codes, return_index=True)
    first.sort()
    pairs = pairs[first]
    codes = codes[first]
    known = np.array([min(u, v) * n + max(u, v) for u, v in existing], dtype=np.int64)
    fresh = ~np.isin(codes, known)
    skip = np.where(np.isin(pairs[:, 0], port_nodes), HARBOUR_ALLOWANCE_KM, 0.0)
    return pairs[fresh], skip[fresh]


def open_water_shortcuts(coords: np.ndarray, port_nodes: np.ndarray, coastal: list,
                         existing: set, water_bits: np.ndarray, progress) -> np.ndarray:
    """(k, 2) node pairs whose great circle is all open water (see :func:`candidate_pairs`)."""
    xyz = to_unit_vectors(coords[:, 0], coords[:, 1])
    pairs, skip_km = candidate_pairs(xyz, port_nodes, coastal, existing)
    keep = np.zeros(len(pairs), dtype=bool)
    chunk = 50_000
    for start in range(0, len(pairs), chunk):
        sl = slice(start, start + chunk)
        keep[sl] = segments_clear(xyz[pairs[sl, 0]], xyz[pairs[sl, 1]], water_bits,
                                  CLEARANCE_STEP_KM / EARTH_RADIUS_KM, skip_km[sl] / EARTH_RADIUS_KM,
                                  int(MAX_LAND_RUN_KM / CLEARANCE_STEP_KM))
        progress(min(start + chunk, len(pairs)), len(pairs))
    return pairs[keep]


def gate_arrays() -> tuple[np.ndarray, np.ndarray]:
    segs, bits = [], []
    for p in P.PASSAGES:
        for gate in p.gates:
            for (x1, y1), (x2, y2) in zip(gate[:-1], gate[1:]):
                segs.append((x1, y1, x2, y2))
                bits.append(P.BIT[p.key])
    return np.array(segs, dtype=np.float64).reshape(-1, 4), np.array(bits, dtype=np.uint32)


def check_gates(water_bits: np.ndarray) -> list[str]:
    """Problems with gate geometry: every gate must start and end on land to be a barrier."""
    from corridor.build.kernels import _is_water

    problems = []
    for p in P.PASSAGES:
        for gate in p.gates:
            for lon, lat in (gate[0], gate[-1]):
                if lat < 90.0 and _is_water(water_bits, lon, lat):  # the Arctic gates meet at the pole
                    problems.append(f"gate of {p.key} ends on water at ({lon}, {lat})")
    return problems


def _on_lanes(uv: np.ndarray, n: int, n_lane_nodes: int) -> np.ndarray:
    """True for nodes connected to the lane network; a port node cut off in its harbour
    by the 1 km mask must not capture that port's access."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(uv)), (uv[:, 0], uv[:, 1])), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    return np.isin(label, np.unique(label[:n_lane_nodes]))


def shoal_free_bits(shoals: list[Shoal]) -> np.ndarray:
    """A packed mask like the water mask's: every cell water except the shoals' cells."""
    return clear_cells(np.full((180 * 120, 360 * 120 // 8), 255, dtype=np.uint8), shoals)


def crosses_shoals(coords: np.ndarray, uv: np.ndarray, shoals: list[Shoal], *,
                   tolerance_km: float = 0.0) -> np.ndarray:
    """True for the edges whose great circle passes over a shoal cell (sampled every
    CLEARANCE_STEP_KM), by more than ``tolerance_km`` at a stretch."""
    a, b = coords[uv[:, 0]], coords[uv[:, 1]]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    near = np.zeros(len(uv), dtype=bool)  # bounding boxes first: sampling every edge end to end is slow
    for s in shoals:
        (x0, y0), (x1, y1) = s.polygon.min(axis=0), s.polygon.max(axis=0)
        near |= (hi[:, 0] >= x0) & (lo[:, 0] <= x1) & (hi[:, 1] >= y0) & (lo[:, 1] <= y1)
    near &= np.abs(a[:, 0] - b[:, 0]) < 180.0  # no shoal lies on the antimeridian
    idx = np.flatnonzero(near)
    out = np.zeros(len(uv), dtype=bool)
    if len(idx):
        pa, pb = to_unit_vectors(a[idx, 0], a[idx, 1]), to_unit_vectors(b[idx, 0], b[idx, 1])
        out[idx] = ~segments_clear(pa, pb, shoal_free_bits(shoals), CLEARANCE_STEP_KM / EARTH_RADIUS_KM,
                                   np.zeros(len(idx)), int(tolerance_km / CLEARANCE_STEP_KM))
    return out


def build_sea_layer(water_bits: np.ndarray, extra_nodes: np.ndarray, progress) -> dict:
    """All arrays of the sea layer plus build statistics.

    ``extra_nodes`` (lon, lat rows; NaN rows skipped) join the network through open-water
    shortcuts only: the ports' water points.
    """
    shoals = read_shoals()
    water_bits = clear_cells(water_bits, shoals)  # coastal nodes and shortcuts keep off the shoals
    index = _NodeIndex()
    marnet = read_marnet(index)
    curated, link_ends, link_rows = read_curated_links(index)
    n_lane_nodes = len(index.ids)
    ports = {index(lon, lat) for lon, lat in extra_nodes[~np.isnan(extra_nodes[:, 0])]}
    port_nodes = np.array(sorted(ports | set(link_ends)), dtype=np.int64)
    coastal = []
    for points, radius in coast_tiers(water_bits, extra_nodes):
        n_before = len(index.ids)
        ids = np.array(sorted({index(lon, lat) for lon, lat in points} - set(range(n_before))), dtype=np.int64)
        coastal.append((ids, radius))
    coords = index.coords()

    marnet_uv = np.array(sorted({(min(u, v), max(u, v)) for u, v in marnet}), dtype=np.int64).reshape(-1, 2)
    over_shoals = crosses_shoals(coords, marnet_uv, shoals)
    lanes = sorted({tuple(map(int, e)) for e in marnet_uv[~over_shoals]} | {(min(u, v), max(u, v)) for u, v in curated})
    shortcuts = open_water_shortcuts(coords, port_nodes, coastal, set(lanes), water_bits, progress)

    uv = np.concatenate([np.array(lanes, dtype=np.int64).reshape(-1, 2), shortcuts.astype(np.int64)])
    kind = np.concatenate([np.zeros(len(lanes), np.uint8), np.ones(len(shortcuts), np.uint8)])
    xyz = to_unit_vectors(coords[:, 0], coords[:, 1])
    segs, seg_bits = gate_arrays()
    bits = gate_flags(xyz[uv[:, 0]], xyz[uv[:, 1]], segs, seg_bits, GATE_PIECE_KM / EARTH_RADIUS_KM)
    km = haversine_km(coords[uv[:, 0], 0], coords[uv[:, 0], 1], coords[uv[:, 1], 0], coords[uv[:, 1], 1])
    joinable = _on_lanes(uv, len(coords), n_lane_nodes)
    return {
        "node_joinable": joinable,
        "node_lon": coords[:, 0], "node_lat": coords[:, 1],
        "edge_u": uv[:, 0].astype(np.int32), "edge_v": uv[:, 1].astype(np.int32),
        "edge_km": km, "edge_flags": bits, "edge_kind": kind,
        "stats": {"nodes": int(len(coords)), "port_water_nodes": int(len(port_nodes)),
                  "coastal_nodes": [int(len(ids)) for ids, _ in coastal],
                  "nodes_off_the_lanes": int((~joinable).sum()),
                  "lane_edges": int(len(lanes)),
                  "shortcut_edges": int(len(shortcuts)),
                  "lanes_over_shoals_dropped": int(over_shoals.sum()), "shoals": [s.key for s in shoals], "curated_links": [r["name"] for r in link_rows],
                  "gate_problems": check_gates(water_bits)},
    }
