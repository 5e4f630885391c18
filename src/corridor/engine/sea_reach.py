"""Whether a sea-only search can succeed, from the sea graph's components, without searching.

Explaining a sea request with no route (a Caspian port to an ocean port) asks whether a route
would exist with each closed passage opened, one search each; a failing search from an ocean
port walks the whole world ocean (about 50 ms of A*), a request that is not the default's has
no hierarchy to answer it. The components of the sea graph under one request's weights and
closed passages answer most of these questions at once: two accesses in different weak
components have no path between them, and two in the same strong component have one. The
components of the graph without the flagged edges (the passages) are computed once per metric
(a few tens of ms) and kept by value; each mask then joins them through its open passages.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from corridor.air import plan as air_plan
from corridor.engine.access import Access
from corridor.engine.restrictions import Ctx

_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 16  # a sea node's int32 label (about 170 KB) and the flagged edges' ends an entry
_LOCK = threading.Lock()


def _base(ctx: Ctx) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The strong components of the sea nodes over the edges of finite weight under ``ctx``
    that carry no flag (no passage), kept per metric; and the edges left that join two of them:
    the unflagged ones (``a``, ``b``) and the flagged ones with their flags (``fa``, ``fb``,
    ``flags``). Any closed-passage mask then needs only the small graph of these components."""
    key = ctx.weight_key()
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
    finite = np.isfinite(ctx.weight()[0][edge])
    flags = net.edge_flags[edge]
    free = finite & (flags == 0)
    free_indptr = np.concatenate([[0], np.cumsum(free)])[indptr].astype(np.int32)
    graph = csr_matrix((np.ones(int(free.sum())), head[free], free_indptr), shape=(n, n))
    _, strong = connected_components(graph, directed=True, connection="strong")
    tail_of = np.repeat(np.arange(n), np.diff(indptr))
    a, b = strong[tail_of[free]], strong[head[free]]
    across = a != b
    flagged = finite & (flags != 0)
    base = (strong.astype(np.int32), a[across], b[across],
            strong[tail_of[flagged]], strong[head[flagged]], flags[flagged])
    for x in base:
        x.flags.writeable = False  # shared by every request of this metric
    with _LOCK:
        _CACHE[key] = base
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return base


def _components(ctx: Ctx, blocked: int) -> tuple[np.ndarray, np.ndarray]:
    """Weak and strong component labels of the sea nodes over the edges a sea-only search under
    ``ctx`` and ``blocked`` may take (finite weight, no closed passage).

    The strong components of the whole graph are unions of the base's (:func:`_base`), found as
    the components of the graph whose nodes are the base's components and whose edges are those
    between two of them, the open flagged ones included: a few thousand nodes, well under a ms,
    where the whole sea graph (1 M edges) costs tens of ms for every mask."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    strong0, a, b, fa, fb, flags = _base(ctx)
    open_ = (flags & np.uint32(blocked)) == 0
    tail, head = np.concatenate([a, fa[open_]]), np.concatenate([b, fb[open_]])
    m = int(strong0.max()) + 1
    joins = csr_matrix((np.ones(len(tail)), (tail, head)), shape=(m, m))
    _, strong = connected_components(joins, directed=True, connection="strong")
    _, weak = connected_components(joins, directed=False)
    return weak[strong0], strong[strong0]


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
