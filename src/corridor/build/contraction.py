"""Contraction hierarchies (CH) of the sea layer, for one metric and one set of closed passages.

Nodes are contracted one by one, least important first (importance: edge difference, i.e.
shortcuts added minus edges removed, plus contracted neighbours and hierarchy depth, with
lazy updates). Contracting ``v`` adds a shortcut ``u - w`` of weight ``w(u, v) + w(v, w)``
unless a witness search (a Dijkstra from ``u`` that avoids ``v``, limited in settled nodes)
finds a path no longer. A limited witness search only adds needless shortcuts, never wrong
ones, so every distance is kept (Geisberger, Sanders, Schultes & Delling, "Contraction
Hierarchies: Faster and Simpler Hierarchical Routing in Road Networks", WEA 2008).

The sea layer is undirected, so one upward graph serves both search directions. Each
upward edge keeps the original edge id (``-1`` for a shortcut) and, for a shortcut, its
middle node, so paths unpack to the same edges as :func:`corridor.search.shortest_path`.

A hierarchy is valid for exactly the weights and the passage mask it was built with: it is
keyed by both and cached on disk beside the compiled network (whose folder is itself
fingerprinted), so a rebuilt network gets fresh hierarchies.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numba import njit

from corridor.search import _heap_pop, _heap_push

WITNESS_SETTLE_LIMIT = 60
FORMAT = 1


@njit(cache=True)
def _grow(a, need):
    if need <= a.shape[0]:
        return a
    b = np.empty(max(need, 2 * a.shape[0]), a.dtype)
    b[:a.shape[0]] = a
    return b


@njit(cache=True)
def _witness(src, skip, limit, start, length, nbr, wt, dist, touched, keys, vals, settle_limit):
    """Dijkstra from ``src`` avoiding ``skip``, up to distance ``limit``; returns touched count."""
    nt = 0
    dist[src] = 0.0
    touched[nt] = src
    nt += 1
    size = _heap_push(keys, vals, 0, 0.0, src)
    settled = 0
    while size > 0:
        d, u, size = _heap_pop(keys, vals, size)
        if d > dist[u]:
            continue
        if d > limit:
            break
        settled += 1
        if settled > settle_limit:
            break
        for k in range(start[u], start[u] + length[u]):
            x = nbr[k]
            if x == skip:
                continue
            nd = d + wt[k]
            if nd < dist[x]:
                if dist[x] == np.inf:
                    touched[nt] = x
                    nt += 1
                dist[x] = nd
                if size < keys.shape[0]:
                    size = _heap_push(keys, vals, size, nd, x)
    return nt


@njit(cache=True)
def _plan(v, start, length, nbr, wt, dist, touched, keys, vals, settle_limit, out_a, out_b, out_w):
    """Shortcuts needed to contract ``v`` (written to out_*); returns their count."""
    s = start[v]
    deg = length[v]
    count = 0
    for i in range(deg):
        u = nbr[s + i]
        wu = wt[s + i]
        limit = 0.0
        for j in range(i + 1, deg):
            limit = max(limit, wu + wt[s + j])
        if i + 1 >= deg:
            break
        nt = _witness(u, v, limit, start, length, nbr, wt, dist, touched, keys, vals, settle_limit)
        for j in range(i + 1, deg):
            w = nbr[s + j]
            c = wu + wt[s + j]
            if dist[w] > c:
                out_a[count] = u
                out_b[count] = w
                out_w[count] = c
                count += 1
        for k in range(nt):
            dist[touched[k]] = np.inf
    return count


@njit(cache=True)
def _contract(n, eu, ev, ew, eid, settle_limit):
    deg = np.zeros(n, np.int64)
    for k in range(eu.shape[0]):
        deg[eu[k]] += 1
        deg[ev[k]] += 1
    start = np.zeros(n, np.int64)
    cap = np.zeros(n, np.int64)
    length = np.zeros(n, np.int64)
    total = 0
    for v in range(n):
        start[v] = total
        cap[v] = 2 * deg[v] + 4
        total += cap[v]
    nbr = np.empty(total, np.int32)
    wt = np.empty(total)
    mid = np.empty(total, np.int32)
    oid = np.empty(total, np.int32)
    end = total
    for k in range(eu.shape[0]):
        for a, b in ((eu[k], ev[k]), (ev[k], eu[k])):
            p = start[a] + length[a]
            nbr[p], wt[p], mid[p], oid[p] = b, ew[k], -1, eid[k]
            length[a] += 1

    dist = np.full(n, np.inf)
    touched = np.empty(n, np.int32)
    hk = np.empty(4 * n + 16)
    hv = np.empty(4 * n + 16, np.int32)
    maxdeg = 0
    for v in range(n):
        maxdeg = max(maxdeg, length[v])
    scap = maxdeg * maxdeg + 16
    sa = np.empty(scap, np.int32)
    sb = np.empty(scap, np.int32)
    sw = np.empty(scap)

    contracted = np.zeros(n, np.bool_)
    deleted = np.zeros(n, np.int64)
    depth = np.zeros(n, np.int64)
    rank = np.full(n, -1, np.int32)
    pk = np.empty(2 * n + 16)
    pv = np.empty(2 * n + 16, np.int32)
    psize = 0
    for v in range(n):
        if length[v] * length[v] > scap:
            scap = length[v] * length[v] + 16
            sa = np.empty(scap, np.int32)
            sb = np.empty(scap, np.int32)
            sw = np.empty(scap)
        c = _plan(v, start, length, nbr, wt, dist, touched, hk, hv, settle_limit, sa, sb, sw)
        psize = _heap_push(pk, pv, psize, 2.0 * (c - length[v]), v)

    up_tail = np.empty(4 * eu.shape[0] + 16, np.int32)
    up_head = np.empty(4 * eu.shape[0] + 16, np.int32)
    up_w = np.empty(4 * eu.shape[0] + 16)
    up_mid = np.empty(4 * eu.shape[0] + 16, np.int32)
    up_eid = np.empty(4 * eu.shape[0] + 16, np.int32)
    n_up = 0
    order = 0
    shortcuts = 0
    while psize > 0:
        key, v, psize = _heap_pop(pk, pv, psize)
        if contracted[v]:
            continue
        if length[v] * length[v] > scap:
            scap = length[v] * length[v] + 16
            sa = np.empty(scap, np.int32)
            sb = np.empty(scap, np.int32)
            sw = np.empty(scap)
        c = _plan(v, start, length, nbr, wt, dist, touched, hk, hv, settle_limit, sa, sb, sw)
        prio = 2.0 * (c - length[v]) + deleted[v] + depth[v]
        if psize > 0 and prio > pk[0]:
            psize = _heap_push(pk, pv, psize, prio, v)
            continue
        # contract v: its remaining edges go up the hierarchy
        contracted[v] = True
        rank[v] = order
        order += 1
        s = start[v]
        need = n_up + length[v]
        up_tail = _grow(up_tail, need)
        up_head = _grow(up_head, need)
        up_w = _grow(up_w, need)
        up_mid = _grow(up_mid, need)
        up_eid = _grow(up_eid, need)
        for i in range(length[v]):
            up_tail[n_up] = v
            up_head[n_up] = nbr[s + i]
            up_w[n_up] = wt[s + i]
            up_mid[n_up] = mid[s + i]
            up_eid[n_up] = oid[s + i]
            n_up += 1
        # remove v from its neighbours' lists
        for i in range(length[v]):
            u = nbr[s + i]
            deleted[u] += 1
            depth[u] = max(depth[u], depth[v] + 1)
            su = start[u]
            for k in range(su, su + length[u]):
                if nbr[k] == v:
                    last = su + length[u] - 1
                    nbr[k], wt[k], mid[k], oid[k] = nbr[last], wt[last], mid[last], oid[last]
                    length[u] -= 1
                    break
        # add or improve the shortcuts
        for q in range(c):
            for a, b in ((sa[q], sb[q]), (sb[q], sa[q])):
                sa_ = start[a]
                found = False
                for k in range(sa_, sa_ + length[a]):
                    if nbr[k] == b:
                        found = True
                        if sw[q] < wt[k]:
                            wt[k], mid[k], oid[k] = sw[q], v, -1
                        break
                if not found:
                    if length[a] == cap[a]:  # move a's list to the end of the pool, twice as large
                        ncap = 2 * cap[a]
                        nbr = _grow(nbr, end + ncap)
                        wt = _grow(wt, end + ncap)
                        mid = _grow(mid, end + ncap)
                        oid = _grow(oid, end + ncap)
                        for k in range(length[a]):
                            nbr[end + k], wt[end + k] = nbr[sa_ + k], wt[sa_ + k]
                            mid[end + k], oid[end + k] = mid[sa_ + k], oid[sa_ + k]
                        start[a] = end
                        cap[a] = ncap
                        end += ncap
                        sa_ = end - ncap
                    p = sa_ + length[a]
                    nbr[p], wt[p], mid[p], oid[p] = b, sw[q], v, -1
                    length[a] += 1
                    if a == sa[q]:
                        shortcuts += 1
        length[v] = 0
    return rank, up_tail[:n_up], up_head[:n_up], up_w[:n_up], up_mid[:n_up], up_eid[:n_up], shortcuts


@dataclass(frozen=True)
class Hierarchy:
    """The upward graph of a CH, in CSR form by tail node, and its reverse (for stalling)."""

    rank: np.ndarray  # contraction order of each node (higher: more important)
    up_indptr: np.ndarray
    up_head: np.ndarray
    up_w: np.ndarray
    up_mid: np.ndarray  # middle node of a shortcut, -1 for an original edge
    up_eid: np.ndarray  # original edge id, -1 for a shortcut
    down_indptr: np.ndarray  # per node: upward edges that end there (from lower nodes)
    down_tail: np.ndarray
    down_w: np.ndarray
    stats: dict

    @property
    def up_tail(self) -> np.ndarray:
        """Tail node of every upward slot."""
        t = self.__dict__.get("_up_tail")
        if t is None:
            t = np.repeat(np.arange(len(self.rank), dtype=np.int32), np.diff(self.up_indptr))
            object.__setattr__(self, "_up_tail", t)
        return t

    def save(self, path: Path) -> None:
        arrays = {k: getattr(self, k) for k in ("rank", "up_indptr", "up_head", "up_w", "up_mid", "up_eid",
                                                 "down_indptr", "down_tail", "down_w")}
        arrays["stats"] = np.array(repr(self.stats))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".ch-", suffix=".npz", dir=path.parent)
        os.close(fd)
        np.savez(tmp, **arrays)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> "Hierarchy":
        import ast

        with np.load(path) as z:
            d = {k: np.array(z[k]) for k in z.files}
        d["stats"] = ast.literal_eval(str(d["stats"]))
        return cls(**d)


def build_hierarchy(n: int, eu: np.ndarray, ev: np.ndarray, ew: np.ndarray, eid: np.ndarray, *,
                    settle_limit: int = WITNESS_SETTLE_LIMIT) -> Hierarchy:
    """CH of the undirected graph with edges ``eu[k] - ev[k]`` of weight ``ew[k]`` (id ``eid[k]``).

    Parallel edges and loops are fine: the cheapest of each pair is kept, loops dropped."""
    t0 = time.perf_counter()
    eu, ev, ew, eid = (np.asarray(x) for x in (eu, ev, ew, eid))
    ok = (eu != ev) & np.isfinite(ew)
    a, b = np.minimum(eu, ev)[ok], np.maximum(eu, ev)[ok]
    ew, eid = ew[ok].astype(np.float64), eid[ok].astype(np.int32)
    order = np.lexsort((eid, ew, b, a))
    a, b, ew, eid = a[order], b[order], ew[order], eid[order]
    first = np.ones(len(a), bool)
    first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    a, b, ew, eid = a[first].astype(np.int32), b[first].astype(np.int32), ew[first], eid[first]
    rank, tail, head, w, mid, oid, shortcuts = _contract(n, a, b, ew, eid, settle_limit)
    up = np.argsort(tail, kind="stable")
    up_indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(tail, minlength=n), out=up_indptr[1:])
    dn = np.argsort(head, kind="stable")
    down_indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(head, minlength=n), out=down_indptr[1:])
    stats = {"nodes": int(n), "edges": int(len(a)), "shortcuts": int(shortcuts), "upward_edges": int(len(tail)),
             "build_seconds": round(time.perf_counter() - t0, 2), "witness_settle_limit": int(settle_limit)}
    return Hierarchy(rank, up_indptr, head[up].astype(np.int32), w[up], mid[up].astype(np.int32),
                     oid[up].astype(np.int32), down_indptr, tail[dn].astype(np.int32), w[dn], stats)


def _code_hash() -> str:
    """Hash of the code that decides the hierarchy (editing anything else keeps cached ones)."""
    import inspect

    src = "".join(inspect.getsource(f) for f in (_witness, _plan, _contract, build_hierarchy))
    return hashlib.sha256(f"{FORMAT}{WITNESS_SETTLE_LIMIT}{src}".encode()).hexdigest()[:8]


_LOCK = threading.Lock()
_MEMO: dict = {}


def sea_hierarchy(net, blocked: int, weight: np.ndarray | None = None, *, build: bool = True) -> Hierarchy | None:
    """The CH of ``net``'s sea layer with the passages in ``blocked`` closed, weighted by
    ``weight`` per edge (default ``net.edge_km``); built on first use and cached on disk in
    the network's folder. With ``build=False``, None unless it is already cached."""
    fast = (str(net.path), int(blocked), "km") if weight is None else None
    if fast is not None and _MEMO.get(fast) is not None:
        return _MEMO[fast]
    indptr, head, edge = net.sea_csr
    w_all = net.edge_km if weight is None else np.asarray(weight, np.float64)
    n = int(net.n_sea_nodes)
    tail = np.repeat(np.arange(n, dtype=np.int32), np.diff(indptr))
    keep = ((net.edge_flags[edge] & np.uint32(blocked)) == 0) & (tail < head)
    eid = edge[keep]
    w = w_all[eid]
    digest = hashlib.sha256(np.ascontiguousarray(w).tobytes() + eid.tobytes()).hexdigest()[:12]
    key = (str(net.path), int(blocked), digest)
    with _LOCK:
        if key in _MEMO:
            return _MEMO[key]
        path = Path(net.path) / f"ch-sea-{FORMAT}-{_code_hash()}-{int(blocked):x}-{digest}.npz"
        h = None
        if path.exists():
            try:
                h = Hierarchy.load(path)
            except Exception:  # a damaged file: build again
                h = None
        if h is None:
            if not build:
                return None
            import sys

            print("corridor: building the sea contraction hierarchy (once per network and set of closed "
                  "passages, about a minute)", file=sys.stderr, flush=True)
            h = build_hierarchy(n, tail[keep], head[keep], w, eid)
            try:
                h.save(path)
                h.stats["bytes_on_disk"] = path.stat().st_size
            except OSError:  # a read-only cache: keep it in memory
                pass
        _MEMO[key] = h
        if fast is not None:
            _MEMO[fast] = h
        return h
