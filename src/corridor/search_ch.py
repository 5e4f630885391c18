"""Shortest paths on a contraction hierarchy (see :mod:`corridor.build.contraction`).

* :func:`ch_shortest_path`: from a set of source nodes to a set of target nodes (each with a
  connector cost), with the path unpacked to original edges; the same answer as
  :func:`corridor.search.shortest_path` for the hierarchy's weights and closed passages. It
  reads the hierarchy's hub labels when it has them (:mod:`corridor.hub_labels`, the sea
  hierarchies), else runs a bidirectional upward Dijkstra with stall-on-demand.
* :func:`ch_table`: many-to-many by buckets (Knopp et al., "Computing many-to-many shortest
  paths using highway hierarchies", ALENEX 2007): an upward search from each destination
  leaves (destination, distance) in a bucket at every node it settles; an upward search
  from each origin scans the buckets of the nodes it settles.
* :func:`sea_point_path`: the bare engine between two coordinates, for benchmarks.

The searches keep their work arrays between calls (:class:`corridor.search.WorkPool`) and
reset only the entries they touched, so a query costs its search space, not the size of the
network.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from corridor import hub_labels
from corridor.build.contraction import Hierarchy
from corridor.ch_unpack import shortcut_memo, unpack_slots
from corridor.jit import njit
from corridor.network_memo import per_network
from corridor.search import PathResult, WorkPool, _heap_pop, _heap_push, in_row_chunks


@njit(cache=True, inline="always")
def _stalled(u, du, down_indptr, down_tail, down_w, dist):
    for k in range(down_indptr[u], down_indptr[u + 1]):
        x = down_tail[k]
        if dist[x] + down_w[k] < du:
            return True
    return False


@njit(cache=True, nogil=True)
def _upward(up_indptr, up_head, up_w, down_indptr, down_tail, down_w, src, src_c, dist, touched, keys, vals,
            out_nodes, out_dist):
    """Complete upward search from the sources; writes the settled, unstalled nodes and
    their distances to out_*, returns their count. Resets ``dist`` before returning."""
    none = src_c[:0]
    return _upward_carrying(up_indptr, up_head, up_w, down_indptr, down_tail, down_w, src, src_c, dist, touched,
                            keys, vals, out_nodes, out_dist, none, none, none, none)


@njit(cache=True, nogil=True)
def _upward_carrying(up_indptr, up_head, up_w, down_indptr, down_tail, down_w, src, src_c, dist, touched, keys,
                     vals, out_nodes, out_dist, up_x, src_x, x, out_x):
    """:func:`_upward`, also carrying a second sum along the paths it finds (a table's km beside
    its hours): ``up_x`` per upward edge, ``src_x`` per source, ``x`` the work array (any
    content), ``out_x`` per node written. Empty ``up_x``: nothing carried."""
    carry = up_x.shape[0] > 0
    nt = 0
    size = 0
    for j in range(src.shape[0]):
        s = src[j]
        if src_c[j] < dist[s]:
            if dist[s] == np.inf:
                touched[nt] = s
                nt += 1
            dist[s] = src_c[j]
            if carry:
                x[s] = src_x[j]
    for k in range(nt):
        size = _heap_push(keys, vals, size, dist[touched[k]], touched[k])
    n_out = 0
    while size > 0:
        d, u, size = _heap_pop(keys, vals, size)
        if d > dist[u]:
            continue
        if _stalled(u, d, down_indptr, down_tail, down_w, dist):
            continue
        out_nodes[n_out] = u
        out_dist[n_out] = d
        if carry:
            out_x[n_out] = x[u]
        n_out += 1
        for k in range(up_indptr[u], up_indptr[u + 1]):
            v = up_head[k]
            nd = d + up_w[k]
            if nd < dist[v]:
                if dist[v] == np.inf:
                    touched[nt] = v
                    nt += 1
                dist[v] = nd
                if carry:
                    x[v] = x[u] + up_x[k]
                size = _heap_push(keys, vals, size, nd, v)
    for k in range(nt):
        dist[touched[k]] = np.inf
    return n_out


@njit(cache=True, nogil=True)
def _p2p(up_indptr, up_head, up_w, src, src_c, dst, dst_c, df, db, pf, pb, touched, kf, vf, kb, vb):
    """Bidirectional upward search; returns (best, meeting node, number of touched nodes, kept
    in ``touched``). Fills pf / pb (parent slot in the upward CSR) for the nodes on the way;
    the caller resets df, db, pf, pb (:func:`_reset`).

    Each direction stops once its queue's least key reaches the best cost found. A settled
    node is stalled (not relaxed) when a node above it already reached gives a shorter way
    to it (Geisberger et al., "Contraction Hierarchies", 2008): the stall test and the
    relaxation read the same upward edges, so one scan does both, noting the edges that
    would improve and applying them only if no edge stalls the node. An edge is not pushed
    when it leads no cheaper than the best found (pruning by the best so far)."""
    nt = 0
    sf = 0
    sb = 0
    for j in range(src.shape[0]):
        s = src[j]
        if src_c[j] < df[s]:
            if df[s] == np.inf and db[s] == np.inf:
                touched[nt] = s
                nt += 1
            df[s] = src_c[j]
            pf[s] = -1
    for j in range(dst.shape[0]):
        t = dst[j]
        if dst_c[j] < db[t]:
            if df[t] == np.inf and db[t] == np.inf:
                touched[nt] = t
                nt += 1
            db[t] = dst_c[j]
            pb[t] = -1
    for k in range(nt):
        u = touched[k]
        if df[u] < np.inf:
            sf = _heap_push(kf, vf, sf, df[u], u)
        if db[u] < np.inf:
            sb = _heap_push(kb, vb, sb, db[u], u)
    best = np.inf
    meet = -1
    better = np.empty(64, np.int64)  # slots of the settled node's edges that improve their head
    while True:
        top_f = kf[0] if sf > 0 else np.inf
        top_b = kb[0] if sb > 0 else np.inf
        if min(top_f, top_b) >= best:
            break
        forward = top_f <= top_b
        if forward:
            d, u, sf = _heap_pop(kf, vf, sf)
            dist, other = df, db
        else:
            d, u, sb = _heap_pop(kb, vb, sb)
            dist, other = db, df
        if d > dist[u]:
            continue
        if other[u] < np.inf and d + other[u] < best:
            best = d + other[u]
            meet = u
        lo, hi = up_indptr[u], up_indptr[u + 1]
        if hi - lo > better.shape[0]:
            better = np.empty(hi - lo, np.int64)
        n_better = 0
        stalled = False
        for k in range(lo, hi):
            dv = dist[up_head[k]]
            if dv + up_w[k] < d:  # the graph is undirected: this upward edge is also the way down to u
                stalled = True
                break
            nd = d + up_w[k]
            if nd < dv and nd < best:
                better[n_better] = k
                n_better += 1
        if stalled:
            continue
        for i in range(n_better):
            k = better[i]
            v = up_head[k]
            nd = d + up_w[k]
            if df[v] == np.inf and db[v] == np.inf:
                touched[nt] = v
                nt += 1
            dist[v] = nd
            if forward:
                pf[v] = k
                sf = _heap_push(kf, vf, sf, nd, v)
            else:
                pb[v] = k
                sb = _heap_push(kb, vb, sb, nd, v)
    return best, meet, nt


@njit(cache=True, nogil=True)
def _path_slots(s_slot, up_indptr, df, db, pf, pb, meet, slots, tails, rev):
    """The upward slots of the path the last search found through ``meet``, in order from its
    source to its target (``rev``: traversed downward), written to ``slots`` / ``rev``, their tail
    nodes to ``tails`` (:func:`~corridor.ch_unpack.slot_tails`); returns (their count, first
    node, last node)."""
    n = 0
    v = meet
    while pf[v] >= 0:  # forward part, from the meeting node down to a source
        k = s_slot[pf[v]]
        v = np.searchsorted(up_indptr, k, side="right") - 1
        slots[n] = k
        tails[n] = v
        rev[n] = False
        n += 1
    first = v
    slots[:n] = slots[:n][::-1].copy()
    tails[:n] = tails[:n][::-1].copy()
    v = meet
    while pb[v] >= 0:  # backward part, from the meeting node down to a target
        k = s_slot[pb[v]]
        v = np.searchsorted(up_indptr, k, side="right") - 1
        slots[n] = k
        tails[n] = v
        rev[n] = True
        n += 1
    return n, first, v


@njit(cache=True, nogil=True)
def _query(s_indptr, s_head, s_w, s_slot, up_indptr, up_head, up_mid, up_eid, children, src, src_c,
           dst, dst_c, df, db, pf, pb, touched, kf, vf, kb, vb, nodes, edges):
    """:func:`_p2p`, then its path unpacked (``nodes[0]`` its first node, ``nodes[1:m + 1]`` and
    ``edges[:m]`` each edge's far node and id), then the work arrays reset: one compiled call
    per query. Returns (best, m, cost at the source, cost at the target); m = -1: no path."""
    best, meet, nt = _p2p(s_indptr, s_head, s_w, src, src_c, dst, dst_c, df, db, pf, pb, touched, kf, vf, kb, vb)
    m = -1
    source_cost = target_cost = np.inf
    if meet >= 0 and best < np.inf:
        slots = np.empty(nt, np.int64)  # a path's nodes are among the touched ones
        tails = np.empty(nt, np.int64)
        rev = np.empty(nt, np.bool_)
        n, first, last = _path_slots(s_slot, up_indptr, df, db, pf, pb, meet, slots, tails, rev)
        source_cost, target_cost = df[first], db[last]
        nodes[0] = first
        m = unpack_slots(slots[:n], rev[:n], tails[:n], up_indptr, up_head, up_mid, up_eid, children, nodes[1:],
                         edges)
    _reset(df, db, pf, pb, touched, nt)
    return best, m, source_cost, target_cost


def _ch_work(n: int, edges: int) -> SimpleNamespace:
    cap = edges + n + 16  # heap entries: at most one per relaxation, plus the sources
    return SimpleNamespace(df=np.full(n, np.inf), db=np.full(n, np.inf), pf=np.full(n, -1, np.int64),
                           pb=np.full(n, -1, np.int64), touched=np.empty(n, np.int32), kf=np.empty(cap),
                           vf=np.empty(cap, np.int32), kb=np.empty(cap), vb=np.empty(cap, np.int32),
                           nodes=np.empty(n + 1, np.int32), edges=np.empty(n, np.int32))


_POOL = WorkPool(_ch_work)
_HEAP_STEP = 1 << 20  # search edges: a work set serves every hierarchy of a layer up to the next step


def _work_key(h: Hierarchy) -> tuple[int, int]:
    """The work set a query on ``h`` borrows: by its node count and its search edges rounded up to
    :data:`_HEAP_STEP`, so the whole network's hierarchies (3.2-3.4 M search edges, one per metric)
    share one set instead of filling 28 MB of node arrays for each on its first query (5-12 ms);
    the heaps' spare room is never touched, so it costs no memory."""
    return len(h.rank), -(-len(h.s_head) // _HEAP_STEP) * _HEAP_STEP


def ch_shortest_path(h: Hierarchy, src_nodes, src_cost, dst_nodes, dst_cost) -> PathResult | None:
    """Least-cost path from any source node to any target node on the hierarchy, or None.

    Same result as :func:`corridor.search.shortest_path` for the hierarchy's weights and
    closed passages (equal costs; among equal paths the edges may differ). Reads the hub
    labels instead of searching when the hierarchy has them."""
    if h.labels is not None:
        res = hub_labels.shortest_path(h, h.labels, src_nodes, src_cost, dst_nodes, dst_cost)
        if res is not NotImplemented:
            return res
    with _POOL.borrow(_work_key(h)) as w:
        best, m, source_cost, target_cost = _query(
            h.s_indptr, h.s_head, h.s_w, h.s_slot, h.up_indptr, h.up_head, h.up_mid, h.up_eid,
            shortcut_memo(h),
            np.asarray(src_nodes, np.int32), np.asarray(src_cost, np.float64),
            np.asarray(dst_nodes, np.int32), np.asarray(dst_cost, np.float64),
            w.df, w.db, w.pf, w.pb, w.touched, w.kf, w.vf, w.kb, w.vb, w.nodes, w.edges)
        if m < 0:
            return None
        return PathResult(float(best), w.nodes[:m + 1].copy(), w.edges[:m].copy(), float(source_cost),
                          float(target_cost))




@njit(cache=True, nogil=True)
def _reset(df, db, pf, pb, touched, nt):
    for k in range(nt):
        u = touched[k]
        df[u] = np.inf
        db[u] = np.inf
        pf[u] = -1
        pb[u] = -1


@njit(cache=True)
def _buckets(up_indptr, up_head, up_w, down_indptr, down_tail, down_w, dst_indptr, dst_nodes, dst_cost,
             dist, touched, keys, vals, up_x, dst_x, x):
    """Upward search from every destination; returns the buckets as CSR by node:
    (indptr, destination column, distance, carried sum: empty when ``up_x`` is)."""
    n = up_indptr.shape[0] - 1
    sn = np.empty(n, np.int32)
    sd = np.empty(n)
    sx = np.empty(n if up_x.shape[0] else 0)
    cap = 1024
    b_node = np.empty(cap, np.int32)
    b_col = np.empty(cap, np.int32)
    b_dist = np.empty(cap)
    b_x = np.empty(cap)
    nb = 0
    for j in range(dst_indptr.shape[0] - 1):
        lo, hi = dst_indptr[j], dst_indptr[j + 1]
        m = _upward_carrying(up_indptr, up_head, up_w, down_indptr, down_tail, down_w, dst_nodes[lo:hi],
                             dst_cost[lo:hi], dist, touched, keys, vals, sn, sd, up_x,
                             dst_x[lo:hi], x, sx)
        if nb + m > cap:
            cap = max(2 * cap, nb + m)
            a = np.empty(cap, np.int32)
            b = np.empty(cap, np.int32)
            c = np.empty(cap)
            e = np.empty(cap)
            a[:nb], b[:nb], c[:nb], e[:nb] = b_node[:nb], b_col[:nb], b_dist[:nb], b_x[:nb]
            b_node, b_col, b_dist, b_x = a, b, c, e
        for q in range(m):
            b_node[nb] = sn[q]
            b_col[nb] = j
            b_dist[nb] = sd[q]
            if up_x.shape[0]:
                b_x[nb] = sx[q]
            nb += 1
    order = np.argsort(b_node[:nb], kind="mergesort")
    indptr = np.zeros(n + 1, np.int64)
    for q in range(nb):
        indptr[b_node[q] + 1] += 1
    for v in range(n):
        indptr[v + 1] += indptr[v]
    return indptr, b_col[:nb][order], b_dist[:nb][order], b_x[:nb][order] if up_x.shape[0] else b_x[:0]


@njit(cache=True, nogil=True)
def _scan_rows(up_indptr, up_head, up_w, down_indptr, down_tail, down_w, b_indptr, b_col, b_dist, b_x,
               src_indptr, src_nodes, src_cost, out, dist, touched, keys, vals, up_x, src_x, x, out_x):
    """``out[i, j]`` = least cost from origin ``i``'s sources to destination ``j`` (inf: none),
    and ``out_x[i, j]`` the sum carried along that path (when ``up_x`` is not empty)."""
    n = up_indptr.shape[0] - 1
    carry = up_x.shape[0] > 0
    sn = np.empty(n, np.int32)
    sd = np.empty(n)
    sx = np.empty(n if carry else 0)
    for i in range(src_indptr.shape[0] - 1):
        lo, hi = src_indptr[i], src_indptr[i + 1]
        m = _upward_carrying(up_indptr, up_head, up_w, down_indptr, down_tail, down_w, src_nodes[lo:hi],
                             src_cost[lo:hi], dist, touched, keys, vals, sn, sd, up_x,
                             src_x[lo:hi], x, sx)
        for q in range(m):
            u = sn[q]
            d = sd[q]
            for k in range(b_indptr[u], b_indptr[u + 1]):
                c = d + b_dist[k]
                j = b_col[k]
                if c < out[i, j]:
                    out[i, j] = c
                    if carry:
                        out_x[i, j] = sx[q] + b_x[k]


def _scratch(h: Hierarchy):
    n = len(h.rank)
    cap = len(h.s_head) + n + 16
    return np.full(n, np.inf), np.empty(n, np.int32), np.empty(cap), np.empty(cap, np.int32)


def ch_table(h: Hierarchy, src, dst, out: np.ndarray, threads: int = 1, carried=None) -> None:
    """Fill ``out`` (origins x destinations) with least costs; ``src`` and ``dst`` are CSR
    triples (indptr, nodes, connector cost) per origin / destination. inf where no path.

    ``carried``: a second sum taken along each least-cost path (km beside hours), as
    ``(per search edge, per source connector, per destination connector, out_x)`` (connectors
    in the order of the CSR nodes); the sums are written to ``out_x``."""
    g = (h.s_indptr, h.s_head, h.s_w, h.s_indptr, h.s_head, h.s_w)
    none = np.empty(0)
    up_x, src_x, dst_x, out_x = (none, none, none, np.empty((len(out), 0))) if carried is None else carried
    up_x, src_x, dst_x = (np.asarray(a, np.float64) for a in (up_x, src_x, dst_x))
    n = len(h.rank)
    d_indptr, d_nodes, d_cost = dst
    buckets = _buckets(*g, np.asarray(d_indptr, np.int64), np.asarray(d_nodes, np.int32),
                       np.asarray(d_cost, np.float64), *_scratch(h), up_x, dst_x, np.empty(n if len(up_x) else 0))
    s_indptr, s_nodes, s_cost = (np.asarray(s_indptr_, t) for s_indptr_, t in
                                 zip(src, (np.int64, np.int32, np.float64)))
    out[...] = np.inf

    def run(lo, hi):
        sub = s_indptr[lo:hi + 1]
        part = slice(sub[0], sub[-1])
        _scan_rows(*g, *buckets, sub - sub[0], s_nodes[part], s_cost[part], out[lo:hi], *_scratch(h), up_x,
                   src_x[part], np.empty(n if len(up_x) else 0), out_x[lo:hi])

    in_row_chunks(len(s_indptr) - 1, threads, run)


@per_network(maxsize=2)
def _snap_tree(net):
    """KD-tree of the sea nodes a point may join (not lanes in canals or rivers), and their ids."""
    from scipy.spatial import cKDTree

    ids = np.flatnonzero(net.node_joinable[:net.n_sea_nodes]).astype(np.int32)
    return cKDTree(net.node_xyz[ids]), ids


def sea_point_path(net, h: Hierarchy, origin, destination) -> tuple[float, np.ndarray] | None:
    """Shortest sea path between two ``(lat, lon)`` points on a km hierarchy: (km, path as
    (lat, lon) rows), or None. Each point joins its nearest joinable sea node by a great
    circle, as scgraph's ``get_shortest_path`` does: the bare engine, for benchmarks; routes
    go through :func:`corridor.route`, which also checks the way from the point to the water."""
    from corridor.geo import haversine_km, to_unit_vectors

    tree, ids = _snap_tree(net)
    pts = np.array([origin, destination], np.float64)
    _, idx = tree.query(to_unit_vectors(pts[:, 1], pts[:, 0]))
    a, b = ids[idx]
    res = ch_shortest_path(h, np.array([a], np.int32), np.zeros(1), np.array([b], np.int32), np.zeros(1))
    if res is None:
        return None
    lon = np.concatenate([pts[:1, 1], net.node_lon[res.nodes], pts[1:, 1]])
    lat = np.concatenate([pts[:1, 0], net.node_lat[res.nodes], pts[1:, 0]])
    ends = haversine_km(pts[:, 1], pts[:, 0], net.node_lon[[a, b]], net.node_lat[[a, b]])
    return res.cost + float(ends.sum()), np.column_stack([lat, lon])
