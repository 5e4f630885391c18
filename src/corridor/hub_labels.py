"""Hub labels on a contraction hierarchy: sea distances and paths in microseconds.

Every node ``v`` keeps a label: the hubs ``h`` on its upward searches in the hierarchy
(:mod:`corridor.build.contraction`) with the distance ``d(v, h)``, only where that distance
is exact. The least cost between ``s`` and ``t`` is then ``min d(s, h) + d(t, h)`` over the
hubs both labels hold: the top node of a shortest up-down path is one of them, at its exact
distance (Abraham, Delling, Goldberg & Werneck, "A Hub-Based Labeling Algorithm for Shortest
Paths on Road Networks", SEA 2011). A query reads two labels (a few hundred entries each)
instead of scanning some 14,000 upward edges per side: 20 µs instead of 0.29 ms on the sea
layer, path included. Labels take 12 bytes per entry, ~260 entries per node: about 150 MiB per
sea hierarchy, memory-mapped, since a query reads only two of them. Built in about 5 s.

Labels are built top-down in rank order from the labels of each node's upward neighbours,
then pruned: an entry ``(h, d)`` goes when another hub already gives a shorter way to ``h``.
The path is recovered without storing parents: from the meeting hub, step down any upward
edge ``x -> y`` with ``d(s, x) + w = d(s, y)`` (``x`` is then in ``s``'s label, at its exact
distance), and the edges unpack as in :mod:`corridor.ch_unpack`.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from corridor.ch_unpack import shortcut_memo, slot_tails, unpack_slots
from corridor.hierarchy_integrity import describe_labels, open_labels
from corridor.jit import njit
from corridor.network_integrity import DamagedNetwork
from corridor.search import PathResult, WorkPool, in_row_chunks

_BIG = ("hub", "dist")  # memory-mapped: a query reads two labels, so they stay on disk


@dataclass(frozen=True)
class Labels:
    """Hub labels in CSR form by node, and the hierarchy's search edges by head node."""

    indptr: np.ndarray
    hub: np.ndarray
    dist: np.ndarray
    r_indptr: np.ndarray  # search edges x -> y grouped by y: the ways down from y
    r_tail: np.ndarray
    r_w: np.ndarray
    r_slot: np.ndarray  # slot of the edge in the hierarchy's unpacking table (up_*)
    stats: dict

    def save(self, folder: Path) -> None:
        """Write one ``.npy`` per array, then ``stats.json``, which marks the folder complete and
        records each file's bytes, dtype and shape (checked by :meth:`load`)."""
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("indptr", "hub", "dist", "r_indptr", "r_tail", "r_w", "r_slot"):
            np.save(folder / f"{name}.npy", getattr(self, name))
        (folder / "stats.json").write_text(json.dumps({**self.stats, "files": describe_labels(folder)}))

    @classmethod
    def load(cls, folder: Path) -> "Labels":
        """The labels saved in ``folder``; their files checked against ``stats.json`` (check the
        structure against the hierarchy with :func:`corridor.hierarchy_integrity.check_labels`).

        Raises
        ------
        DamagedNetwork
            When ``stats.json`` is unreadable or a file differs from what :meth:`save` wrote.
        """
        try:
            stats = json.loads((folder / "stats.json").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise DamagedNetwork(f"{folder.name}/stats.json cannot be read ({e})") from None
        if not isinstance(stats, dict):
            raise DamagedNetwork(f"{folder.name}/stats.json is not a record of the labels")
        arrays = open_labels(folder, stats)
        # the big ones as plain arrays over the same mapping: a np.memmap's Python __getitem__
        # costs a first route's Python-run query (corridor.jit) about 10 ms
        return cls(**{k: np.asarray(a) if k in _BIG else np.array(a) for k, a in arrays.items()}, stats=stats)


@njit(cache=True)
def _build(order, s_indptr, s_head, s_w):
    """Labels of every node, highest rank first: (indptr, hub, dist)."""
    n = s_indptr.shape[0] - 1
    start = np.zeros(n, np.int64)
    size = np.zeros(n, np.int64)
    hub = np.empty(16 * n, np.int32)
    dist = np.empty(16 * n)
    used = 0
    best = np.full(n, np.inf)
    cand = np.empty(n, np.int32)
    for i in range(n):
        v = order[i]
        nc = 1
        cand[0] = v
        best[v] = 0.0
        for k in range(s_indptr[v], s_indptr[v + 1]):  # merge the upward neighbours' labels
            u = s_head[k]
            for q in range(start[u], start[u] + size[u]):
                h = hub[q]
                d = s_w[k] + dist[q]
                if best[h] == np.inf:
                    cand[nc] = h
                    nc += 1
                if d < best[h]:
                    best[h] = d
        if used + nc > hub.shape[0]:
            grown = max(2 * hub.shape[0], used + nc)
            h2 = np.empty(grown, np.int32)
            d2 = np.empty(grown)
            h2[:used] = hub[:used]
            d2[:used] = dist[:used]
            hub, dist = h2, d2
        start[v] = used
        for c in range(nc):  # keep (h, d) unless h's own label shows a shorter way to h
            h = cand[c]
            d = best[h]
            exact = True
            if h != v:
                for q in range(start[h], start[h] + size[h]):
                    if best[hub[q]] + dist[q] < d * (1.0 - 1e-12):  # shorter beyond rounding
                        exact = False
                        break
            if exact:
                hub[used] = h
                dist[used] = d
                used += 1
        size[v] = used - start[v]
        for c in range(nc):
            best[cand[c]] = np.inf
    indptr = np.zeros(n + 1, np.int64)
    hub_out = np.empty(used, np.int32)
    dist_out = np.empty(used)
    p = 0
    for v in range(n):
        indptr[v] = p
        hub_out[p:p + size[v]] = hub[start[v]:start[v] + size[v]]
        dist_out[p:p + size[v]] = dist[start[v]:start[v] + size[v]]
        p += size[v]
    indptr[n] = p
    return indptr, hub_out, dist_out


def build_labels(h) -> Labels:
    """Hub labels of the hierarchy ``h`` (seconds for the sea layer)."""
    t0 = time.perf_counter()
    n = len(h.rank)
    indptr, hub, dist = _build(np.argsort(-h.rank).astype(np.int32), h.s_indptr, h.s_head, h.s_w)
    tail = np.repeat(np.arange(n, dtype=np.int32), np.diff(h.s_indptr))
    by_head = np.argsort(h.s_head, kind="stable")
    r_indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(h.s_head, minlength=n), out=r_indptr[1:])
    stats = {"entries": int(len(hub)), "mean_label": round(len(hub) / max(n, 1), 1),
             "build_seconds": round(time.perf_counter() - t0, 2)}
    return Labels(indptr, hub, dist, r_indptr, tail[by_head], h.s_w[by_head], h.s_slot[by_head], stats)


@njit(cache=True, nogil=True, interpret_first=True)
def _query(indptr, hub, dist, src, src_c, dst, dst_c, best, arg):
    """(cost, hub, source index, target index) of the least cost from any source to any
    target; ``best`` (inf) and ``arg`` are work arrays, left clean."""
    for j in range(src.shape[0]):
        s = src[j]
        for q in range(indptr[s], indptr[s + 1]):
            d = src_c[j] + dist[q]
            if d < best[hub[q]]:
                best[hub[q]] = d
                arg[hub[q]] = j
    cost = np.inf
    meet = -1
    si = -1
    ti = -1
    for j in range(dst.shape[0]):
        t = dst[j]
        for q in range(indptr[t], indptr[t + 1]):
            d = best[hub[q]] + dist[q] + dst_c[j]
            if d < cost:
                cost = d
                meet = hub[q]
                si = arg[meet]
                ti = j
    for j in range(src.shape[0]):
        s = src[j]
        for q in range(indptr[s], indptr[s + 1]):
            best[hub[q]] = np.inf
    return cost, meet, si, ti


@njit(cache=True, nogil=True, interpret_first=True)
def _down(indptr, hub, dist, r_indptr, r_tail, r_w, r_slot, s, top, dv, out):
    """Upward-table slots of a shortest upward path from ``s`` to ``top``, from ``top`` down;
    returns their count. ``dv`` (inf) is a work array, left clean."""
    for q in range(indptr[s], indptr[s + 1]):
        dv[hub[q]] = dist[q]
    m = 0
    y = top
    while y != s:
        step = -1
        for k in range(r_indptr[y], r_indptr[y + 1]):
            x = r_tail[k]
            if dv[x] < np.inf and abs(dv[x] + r_w[k] - dv[y]) <= 1e-9 * max(1.0, dv[y]):
                step = k
                break
        if step < 0:  # cannot happen on a valid label set; the caller falls back
            m = -1
            break
        out[m] = r_slot[step]
        m += 1
        y = r_tail[step]
    for q in range(indptr[s], indptr[s + 1]):
        dv[hub[q]] = np.inf
    return m


def _hl_work(n: int) -> SimpleNamespace:
    return SimpleNamespace(best=np.full(n, np.inf), arg=np.zeros(n, np.int64), dv=np.full(n, np.inf),
                           up=np.empty(n, np.int64), down=np.empty(n, np.int64))


_POOL = WorkPool(_hl_work)


def shortest_path(h, labels: Labels, src_nodes, src_cost, dst_nodes, dst_cost):
    """Least-cost path from any source to any target by the labels: a
    :class:`~corridor.search.PathResult`, None when there is none, or NotImplemented when the
    path cannot be recovered (the caller then searches the hierarchy)."""
    src, dst = np.asarray(src_nodes, np.int32), np.asarray(dst_nodes, np.int32)
    sc, dc = np.asarray(src_cost, np.float64), np.asarray(dst_cost, np.float64)
    with _POOL.borrow((len(h.rank),)) as w:
        cost, meet, si, ti = _query(labels.indptr, labels.hub, labels.dist, src, sc, dst, dc, w.best, w.arg)
        if meet < 0 or not np.isfinite(cost):
            return None
        down = (labels.indptr, labels.hub, labels.dist, labels.r_indptr, labels.r_tail, labels.r_w, labels.r_slot)
        m_up = _down(*down, src[si], meet, w.dv, w.up)
        m_down = _down(*down, dst[ti], meet, w.dv, w.down)
        if m_up < 0 or m_down < 0:
            return NotImplemented
        slots = np.concatenate([w.up[:m_up][::-1], w.down[:m_down]])
    rev = np.concatenate([np.zeros(m_up, np.bool_), np.ones(m_down, np.bool_)])
    nodes = np.empty(len(h.rank) + 1, np.int32)
    edges = np.empty(len(nodes), np.int32)
    m = unpack_slots(slots, rev, slot_tails(h.up_indptr, slots), h.up_indptr, h.up_head, h.up_mid, h.up_eid,
                     shortcut_memo(h), nodes, edges)
    path = np.concatenate([[src[si]], nodes[:m]]).astype(np.int32)
    return PathResult(float(cost), path, edges[:m].copy(), float(sc[si]), float(dc[ti]))


# Many-to-many tables: a bucket join of the places' labels (each place's connectors merged into
# one label first), written straight into the output rows.

@njit(cache=True, nogil=True)
def _merge(indptr, hub, dist, nodes, cost, best, touched):
    """Merge the labels of ``nodes`` (plus their connector ``cost``) into ``best`` (inf on entry);
    returns how many hubs it set, listed in ``touched``."""
    nt = 0
    for j in range(nodes.shape[0]):
        v = nodes[j]
        for q in range(indptr[v], indptr[v + 1]):
            h = hub[q]
            d = cost[j] + dist[q]
            if best[h] == np.inf:
                touched[nt] = h
                nt += 1
            best[h] = min(best[h], d)
    return nt


DENSE_SHARE = 8
"""A hub whose bucket holds at least 1 / DENSE_SHARE of the destinations gets a dense row (one
entry per destination, inf where absent): a vectorised minimum over a row beats scattering
that many entries one by one. The top hubs of the sea hierarchy are in nearly every label."""

DENSE_MAX_ENTRIES = 4_000_000
"""At most this many dense entries (32 MB), so very wide tables keep their memory bounded."""


@njit(cache=True, nogil=True)
def _table_buckets(indptr, hub, dist, p_indptr, p_nodes, p_cost, best, touched):
    """The destinations' merged labels by hub: each hub's slot in the dense rows (-1: none), the
    dense rows, and the other hubs' buckets as CSR (indptr by hub, column, distance)."""
    n = best.shape[0]
    m = p_indptr.shape[0] - 1
    counts = np.zeros(n, np.int64)
    seen = np.empty(n, np.int32)  # the hubs of any destination, in order of first sight
    n_seen = 0
    for j in range(m):  # first pass: bucket sizes
        lo, hi = p_indptr[j], p_indptr[j + 1]
        nt = _merge(indptr, hub, dist, p_nodes[lo:hi], p_cost[lo:hi], best, touched)
        for k in range(nt):
            h = touched[k]
            if counts[h] == 0:
                seen[n_seen] = h
                n_seen += 1
            counts[h] += 1
            best[h] = np.inf
    seen = seen[:n_seen]
    slot = np.full(n, -1, np.int32)
    n_dense = 0
    for h in seen[np.argsort(-counts[seen], kind="mergesort")]:  # biggest buckets first
        if counts[h] * DENSE_SHARE < m or (n_dense + 1) * m > DENSE_MAX_ENTRIES:
            break
        slot[h] = n_dense
        n_dense += 1
    dense = np.full((n_dense, m), np.inf)
    b_indptr = np.zeros(n + 1, np.int64)
    for h in seen:
        if slot[h] < 0:
            b_indptr[h + 1] = counts[h]
    for h in range(n):
        b_indptr[h + 1] += b_indptr[h]
    fill = b_indptr[:-1].copy()
    b_col = np.empty(b_indptr[n], np.int32)
    b_dist = np.empty(b_indptr[n])
    for j in range(m):  # second pass: merge again and place the entries
        lo, hi = p_indptr[j], p_indptr[j + 1]
        nt = _merge(indptr, hub, dist, p_nodes[lo:hi], p_cost[lo:hi], best, touched)
        for k in range(nt):
            h = touched[k]
            if slot[h] >= 0:
                dense[slot[h], j] = best[h]
            else:
                b_col[fill[h]] = j
                b_dist[fill[h]] = best[h]
                fill[h] += 1
            best[h] = np.inf
    return slot, dense, b_indptr, b_col, b_dist


@njit(cache=True, nogil=True)
def _table_rows(indptr, hub, dist, slot, dense, b_indptr, b_col, b_dist, p_indptr, p_nodes, p_cost, out,
                best, touched):
    """``out[i, j]`` = least cost from origin ``i`` to destination ``j`` over their common hubs
    (inf: none)."""
    m = out.shape[1]
    for i in range(p_indptr.shape[0] - 1):
        lo, hi = p_indptr[i], p_indptr[i + 1]
        nt = _merge(indptr, hub, dist, p_nodes[lo:hi], p_cost[lo:hi], best, touched)
        row = out[i]
        row[:] = np.inf
        for k in range(nt):
            h = touched[k]
            d = best[h]
            best[h] = np.inf
            if slot[h] >= 0:
                col = dense[slot[h]]
                for j in range(m):  # vectorised by the compiler: a select, no branch
                    row[j] = min(row[j], d + col[j])
            else:
                for q in range(b_indptr[h], b_indptr[h + 1]):
                    row[b_col[q]] = min(row[b_col[q]], d + b_dist[q])


TABLE_CELLS_PER_THREAD = 100_000
"""Smaller tables run on one thread: starting threads costs more than the join itself."""


def table(labels: Labels, src, dst, out: np.ndarray, threads: int = 1) -> None:
    """Fill ``out`` (origins x destinations) with least costs by the hub labels; ``src`` and
    ``dst`` are CSR triples (indptr, nodes, connector cost) per origin / destination; inf where
    no path. The same figures as :func:`corridor.search_ch.ch_table` (up to float rounding).

    The destinations' labels go into buckets by hub; each origin's merged label then scans the
    buckets of its hubs, so the work is the number of (origin, destination) hub matches, with
    no graph search at all."""
    n = len(labels.indptr) - 1

    def csr(p):
        return np.asarray(p[0], np.int64), np.asarray(p[1], np.int32), np.asarray(p[2], np.float64)

    def work():
        return np.full(n, np.inf), np.empty(n, np.int32)

    lab = (labels.indptr, labels.hub, labels.dist)
    buckets = _table_buckets(*lab, *csr(dst), *work())
    s_indptr, s_nodes, s_cost = csr(src)
    rows = len(s_indptr) - 1
    parts = max(1, min(threads, out.size // TABLE_CELLS_PER_THREAD, rows))

    def run(lo, hi):
        sub = s_indptr[lo:hi + 1]
        _table_rows(*lab, *buckets, sub - sub[0], s_nodes[sub[0]:sub[-1]], s_cost[sub[0]:sub[-1]], out[lo:hi],
                    *work())

    in_row_chunks(rows, parts, run)
