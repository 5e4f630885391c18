"""Compile the port table and join every port to the sea network by water.

Each port also lends the network a node: its own position when that is open water, else
the nearest open-water cell within ``PORT_WATER_KM``. These nodes take part in the
open-water shortcuts, which gives coastal routes real waypoints near the shore instead of
marnet's offshore lanes (short routes were up to 20-30 % long without them).

Only seaports join the sea: a port whose best connection to the sea crosses more than
``SEAPORT_MAX_LAND_KM`` of land is a river or inland place (Ulm, Heidelberg, Bourges in
searoute's list) and gets no connector, unless ``curated/seagoing_waterways.csv`` names it:
estuary ports with their authority's draught (Seville up the Guadalquivir, Rouen up the
Seine), the Caspian ferry ports (the mask calls the Caspian land) and the ports the World
Port Index lists (``scripts/seagoing_waterways_from_wpi.py``): rivers the 1 km mask calls land.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from corridor.build.kernels import CELLS_PER_DEGREE
from corridor.data.ports import PortRow, read_seagoing_waterways
from corridor.geo import haversine_km, to_unit_vectors
from corridor.snapping import water_connectors

PORT_WATER_KM = 5.0
# Land the mask finds on a port's way to the sea beyond the connectors' own coast allowance.
# A few 1 km cells are harbour moles, locks and channels narrower than a cell; a longer
# stretch is a river reach, where a seagoing ship goes only up a sourced waterway.
SEAPORT_MAX_LAND_KM = 5.0
WORST_EXAMPLES = 10


def port_water_points(rows: list[PortRow], water_bits: np.ndarray) -> np.ndarray:
    """(n, 2) lon/lat of the open water nearest each port, NaN where none is within reach."""
    out = np.full((len(rows), 2), np.nan)
    reach = int(np.ceil(PORT_WATER_KM / 111.0 * CELLS_PER_DEGREE)) + 1
    offs = np.arange(-reach, reach + 1)
    for k, r in enumerate(rows):
        row0 = int((90.0 - r.lat) * CELLS_PER_DEGREE)
        col0 = int((r.lon + 180.0) % 360.0 * CELLS_PER_DEGREE)
        span = max(1, int(reach / max(np.cos(np.radians(r.lat)), 0.1)))
        rr = np.clip(row0 + offs, 0, water_bits.shape[0] - 1)
        cc = (col0 + np.arange(-span, span + 1)) % (water_bits.shape[1] * 8)
        cells = ((water_bits[rr][:, cc >> 3] >> (7 - (cc & 7))) & 1).astype(bool)
        if not cells.any():
            continue
        ri, ci = np.nonzero(cells)
        lat = 90.0 - (rr[ri] + 0.5) / CELLS_PER_DEGREE
        lon = (cc[ci] + 0.5) / CELLS_PER_DEGREE - 180.0
        d = haversine_km(r.lon, r.lat, lon, lat)
        j = int(np.argmin(d))
        if d[j] <= PORT_WATER_KM:
            out[k] = lon[j], lat[j]
    return out


def connect_ports(rows: list[PortRow], arrays: dict, mask, progress) -> tuple[dict, dict]:
    """Every port's connectors to the sea layer, and the statistics of the join.

    A port that is not a seaport (see the module docstring) keeps its row, its measured
    land (``port_land_km``) and no connector, so it is a place reached over land only.
    """
    node_lon, node_lat = arrays["node_lon"], arrays["node_lat"]
    tree = cKDTree(to_unit_vectors(node_lon, node_lat))
    waterways = read_seagoing_waterways()
    indptr, nodes, kms, land = [0], [], [], []
    for i, r in enumerate(rows):
        c = water_connectors(r.lon, r.lat, tree=tree, node_lon=node_lon, node_lat=node_lat,
                             joinable=arrays["node_joinable"], mask=mask)
        if c.land_km <= SEAPORT_MAX_LAND_KM or r.code in waterways:
            nodes.extend(c.nodes.tolist())
            kms.extend(c.km.tolist())
        land.append(c.land_km)
        indptr.append(len(nodes))
        if i % 200 == 0 or i == len(rows) - 1:
            progress(i + 1, len(rows))
    land = np.array(land)
    out = {
        "port_code": np.array([r.code for r in rows]), "port_name": np.array([r.name for r in rows]),
        "port_country": np.array([r.country for r in rows]),
        "port_lon": np.array([r.lon for r in rows]), "port_lat": np.array([r.lat for r in rows]),
        "port_major": np.array([r.major for r in rows]),
        "port_source": np.array([r.source for r in rows]),
        "port_conn_indptr": np.array(indptr, dtype=np.int32),
        "port_conn_node": np.array(nodes, dtype=np.int32), "port_conn_km": np.array(kms),
        "port_land_km": land,
    }
    return out, _join_stats(rows, land, waterways)


def _join_stats(rows: list[PortRow], land: np.ndarray, waterways: dict[str, dict]) -> dict:
    on_waterway = np.array([r.code in waterways for r in rows])
    inland = np.isfinite(land) & (land > SEAPORT_MAX_LAND_KM) & ~on_waterway
    worst = np.flatnonzero(inland)[np.argsort(-land[inland])][:WORST_EXAMPLES]
    kept = np.flatnonzero(on_waterway & (land > SEAPORT_MAX_LAND_KM))
    return {
        "ports": len(rows), "curated": sum(r.source == "curated" for r in rows),
        "seaport_max_land_km": SEAPORT_MAX_LAND_KM,
        "joined_by_clear_water": int((land == 0).sum()),
        "joined_over_a_little_land": int(((land > 0) & (land <= SEAPORT_MAX_LAND_KM)).sum()),
        "joined_over_some_land": len(kept),
        "joined_over_some_land_why": [f"{rows[i].name} ({rows[i].code}): {land[i]:.0f} km the mask calls land, "
                                      f"seagoing waterway {waterways[rows[i].code]['waterway']}" for i in kept],
        "not_seaports": int(inland.sum()),
        "not_seaports_worst": [f"{rows[i].name} ({rows[i].code}): {land[i]:.0f} km of land to the sea" for i in worst],
        "unreachable": int((~np.isfinite(land)).sum()),
    }
