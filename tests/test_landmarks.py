"""Landmark distances are lower bounds only if the graph they are computed on keeps the
lightest of parallel edges (scipy would add them up)."""

import numpy as np

from corridor.build.graphs import shortest_edge_graph
from corridor.build.landmarks import select_landmarks


def test_parallel_edges_keep_the_lightest():
    g = shortest_edge_graph(np.array([0, 0, 0, 1]), np.array([1, 1, 1, 2]), np.array([3.0, 5.0, 3.0, 1.0]), 3)
    assert g[0, 1] == 3.0 and g[1, 2] == 1.0 and g.nnz == 2


def test_landmark_distances_on_a_graph_with_parallel_edges():
    # a path 0 - 1 - 2 whose first link is doubled (both directions stored, as in the CSR)
    tail = np.array([0, 0, 1, 1, 1, 2])
    head = np.array([1, 1, 0, 0, 2, 1])
    km = np.array([4.0, 4.0, 4.0, 4.0, 2.0, 2.0])
    indptr = np.searchsorted(tail, np.arange(4))
    ids, dist = select_landmarks(indptr, head, np.arange(6), km, np.ones(3, bool), count=2)
    assert list(ids) == [0, 2]  # the first joinable node, then the farthest from it
    assert list(dist[0]) == [0.0, 4.0, 6.0] and list(dist[1]) == [6.0, 2.0, 0.0]  # 4 + 2, not 8 + 2
