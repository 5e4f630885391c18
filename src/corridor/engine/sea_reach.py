"""Whether a sea-only search can succeed, from the sea graph's components, without searching.

Explaining a sea request with no route (a Caspian port to an ocean port) asks whether a route
would exist with each closed passage opened, one search each; a failing search from an ocean
port walks the whole world ocean (about 50 ms of A*), a request that is not the default's has
no hierarchy to answer it. The components of the sea graph under one request's weights and
closed passages answer most of these questions at once: two accesses in different weak
components have no path between them, and two in the same strong component have one. The
components are computed once per metric and mask (a few ms) and kept by value.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from corridor.air import plan as air_plan
from corridor.engine.access import Access
from corridor.engine.restrictions import Ctx

_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 16  # two int32 labels per sea node (about 350 KB) an entry
_LOCK = threading.Lock()


def _components(ctx: Ctx, blocked: int) -> tuple[np.ndarray, np.ndarray]:
    """Weak and strong component labels of the sea nodes over the edges a sea-only search under
    ``ctx`` and ``blocked`` may take (finite weight, no closed passage), kept per value."""
    key = (ctx.weight_key(), blocked)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    # scipy is slow to import: only when a request has no route
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    net = ctx.net
    indptr, head, edge = net.sea_csr
    n = len(indptr) - 1
    keep = np.isfinite(ctx.weight()[0][edge]) & ((net.edge_flags[edge] & np.uint32(blocked)) == 0)
    kept_indptr = np.concatenate([[0], np.cumsum(keep)])[indptr].astype(np.int32)
    graph = csr_matrix((np.ones(int(keep.sum())), head[keep], kept_indptr), shape=(n, n))
    _, strong = connected_components(graph, directed=True, connection="strong")
    # weak components: the strong ones joined by any edge between two of them (a small graph;
    # scipy's own weak components cost twice the strong ones on the 1 M sea edges)
    tail = np.repeat(np.arange(n), np.diff(kept_indptr))
    a, b = strong[tail], strong[head[keep]]
    across = a != b
    m = int(strong.max()) + 1
    joins = csr_matrix((np.ones(int(across.sum())), (a[across], b[across])), shape=(m, m))
    _, weak_of_strong = connected_components(joins, directed=False)
    labels = (weak_of_strong[strong], strong)
    for a in labels:
        a.flags.writeable = False  # shared by every request of this metric and mask
    with _LOCK:
        _CACHE[key] = labels
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return labels


def _ends(ctx: Ctx, acc: Access) -> np.ndarray:
    """The sea nodes ``acc`` joins at a finite connector cost (as :func:`corridor.engine.search.best_path` prices them)."""
    nodes, _, km, mode, _ = acc.flat()
    cost = air_plan.connector_costs(ctx, ctx.connector(mode, km), km, mode)
    return nodes[np.isfinite(cost)]


def sea_reach(ctx: Ctx, a: Access, b: Access, blocked: int) -> bool | None:
    """Whether a sea-only search from ``a`` to ``b`` under ``ctx`` and ``blocked`` finds a path:
    False when no node of ``a`` shares a weak component with one of ``b``, True when one shares
    a strong component, None when the components cannot tell (search then) or the request is
    not sea-only."""
    if ctx.profile.modes != frozenset({"sea"}):
        return None
    src, dst = _ends(ctx, a), _ends(ctx, b)
    n = ctx.net.n_sea_nodes
    if not len(src) or not len(dst) or src.max() >= n or dst.max() >= n:
        return None
    weak, strong = _components(ctx, blocked)
    if not np.intersect1d(weak[src], weak[dst]).size:
        return False
    if np.intersect1d(strong[src], strong[dst]).size:
        return True
    return None
