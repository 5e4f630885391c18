"""Sparse graphs for scipy's shortest-path routines, built from edge lists.

scipy sums the weights of repeated (row, column) entries when it builds a sparse matrix, so two
parallel edges of 3 km would become one of 6 km: distances computed on it could come out too
long, and a landmark bound built from them could overestimate (and cost A* its exactness).
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix


def shortest_edge_graph(tail: np.ndarray, head: np.ndarray, weight: np.ndarray, n: int) -> csr_matrix:
    """An ``n`` x ``n`` sparse graph with, for each (tail, head) pair, its lightest edge only."""
    tail, head = np.asarray(tail, np.int64), np.asarray(head, np.int64)
    weight = np.asarray(weight, np.float64)
    key = tail * n + head
    order = np.lexsort((weight, key))
    first = order[np.unique(key[order], return_index=True)[1]]
    return csr_matrix((weight[first], (tail[first], head[first])), shape=(n, n))
