"""ALT landmarks: exact network distances from a few far-apart nodes, for the A* heuristic.

For any nodes v, t and landmark L, |d(L, t) - d(L, v)| <= d(v, t) (triangle inequality),
a far better lower bound than the great circle when the route must go round a continent.
Distances are computed without restrictions: closing a passage only lengthens routes, so
the bound stays valid for every query (Goldberg & Harrelson, "Computing the shortest path:
A* search meets graph theory", SODA 2005).
"""

from __future__ import annotations

import numpy as np
from scipy.sparse.csgraph import dijkstra

from corridor.build.graphs import shortest_edge_graph

N_LANDMARKS = 24


def select_landmarks(indptr, head, edge, edge_km, joinable, *, count: int = N_LANDMARKS) -> tuple[np.ndarray, np.ndarray]:
    """(landmark ids, distances of shape (count, n)) by farthest-point selection.

    Distances stay float64: rounding them down to float32 could overestimate a bound and
    cost exactness."""
    n = len(indptr) - 1
    tail = np.repeat(np.arange(n), np.diff(indptr))
    graph = shortest_edge_graph(tail, head, edge_km[edge], n)
    candidates = np.flatnonzero(joinable)
    ids, dists = [], []
    nearest = np.full(n, np.inf)
    current = int(candidates[0])
    for _ in range(count):
        d = dijkstra(graph, directed=False, indices=current)
        ids.append(current)
        dists.append(d)
        nearest = np.minimum(nearest, d)
        reach = np.where(np.isfinite(nearest[candidates]), nearest[candidates], -1.0)
        current = int(candidates[np.argmax(reach)])
    return np.array(ids, dtype=np.int32), np.vstack(dists)
