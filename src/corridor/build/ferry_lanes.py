"""Where a ferry sails: its lane between the two terminals, and the length of that lane.

A ferry row either draws its lane (``lane``: offshore waypoints, "lon lat; lon lat") or
leaves it empty, and then the lane is the shortest path on the sea layer between the two
ports' sea nodes. The Caspian needs drawn lanes: the GLOBE water mask counts it as land and
marnet has only a handful of lane nodes there, so a terminal's nearest sea node can lie
60 km the wrong way (Kuryk joins the node off Aktau). The leg's length, cost and CO2e follow
the lane, and so does its drawn geometry.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse.csgraph import dijkstra

from corridor.build.graphs import shortest_edge_graph
from corridor.geo import haversine_km


def lane_km(points: np.ndarray) -> float:
    """Great-circle length of a polyline of ``(lon, lat)`` rows."""
    return float(haversine_km(points[:-1, 0], points[:-1, 1], points[1:, 0], points[1:, 1]).sum())


def drawn_waypoints(text: str) -> np.ndarray:
    """The row's ``lane`` column as ``(n, 2)`` lon/lat rows (empty when not drawn)."""
    parts = [p for p in text.split(";") if p.strip()]
    return np.array([[float(v) for v in p.split()] for p in parts]).reshape(-1, 2)


class SeaPaths:
    """Shortest water paths between sea nodes of the sea layer."""

    def __init__(self, sea: dict):
        n = len(sea["node_lon"])
        self.lon, self.lat = np.asarray(sea["node_lon"]), np.asarray(sea["node_lat"])
        self.graph = shortest_edge_graph(sea["edge_u"], sea["edge_v"], sea["edge_km"], n)

    def nodes(self, a: int, b: int) -> np.ndarray:
        """Sea nodes from ``a`` to ``b`` (both included); raises when they are not joined."""
        dist, pred = dijkstra(self.graph, directed=False, indices=a, return_predecessors=True)
        if not np.isfinite(dist[b]):
            raise ValueError(f"sea nodes {a} and {b} are not joined by water")
        path = [b]
        while path[-1] != a:
            path.append(int(pred[path[-1]]))
        return np.array(path[::-1])


def ferry_lane(row: dict, ends: tuple[tuple[float, float], tuple[float, float]],
               sea_nodes: tuple[int, int], sea_paths: SeaPaths) -> np.ndarray:
    """The lane from the row's first terminal to its second, as ``(n, 2)`` lon/lat rows.

    ``ends`` are the terminals' coordinates, ``sea_nodes`` their ports' sea nodes (-1: none).
    """
    inner = drawn_waypoints(row.get("lane", ""))
    if not len(inner):
        if min(sea_nodes) < 0:
            raise ValueError(f"ferry {row['id']}: a terminal has no sea node; draw its lane")
        path = sea_paths.nodes(*sea_nodes)
        inner = np.column_stack([sea_paths.lon[path], sea_paths.lat[path]])
    return np.vstack([ends[0], inner, ends[1]])
