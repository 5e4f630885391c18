"""Contraction hierarchies (CH) of the sea layer or the whole network, for one metric and one
set of closed passages.

Nodes are contracted one by one, least important first (importance: edge difference, i.e.
shortcuts added minus edges removed, plus contracted neighbours and hierarchy depth, with
lazy updates: a node is ranked again when it comes first, unless none of its neighbours was
contracted since it was last ranked). Contracting ``v`` adds a shortcut ``u - w`` of weight ``w(u, v) + w(v, w)``
unless a witness search (a Dijkstra from ``u`` that avoids ``v``, limited in settled nodes and edges
scanned, stopped once every neighbour it looks for is decided: reached within its shortcut's
weight, or settled farther) finds a path no longer. A limited
witness search only adds needless shortcuts, never wrong ones, so every distance is kept
(Geisberger, Sanders, Schultes & Delling, "Contraction Hierarchies: Faster and Simpler
Hierarchical Routing in Road Networks", WEA 2008). Upward edges that another upward path
beats are then left out of the graph the searches scan (they stay for unpacking): with the
shallow witness searches alone that was 29 % of them on the sea layer (0.54 -> 0.38 ms).
Ranking is kept for the sparse part of the graph only. Once the graph left among the nodes not
yet contracted has a mean degree of :data:`CORE_DEGREE` (on the whole network, the last 2.8 %
of the nodes, where the sea's and the land's cores meet through the ports; on the sea layer, a
visibility graph of mean degree 23 from the start, about half of it), the rest is contracted in
a nested-dissection order of that graph (METIS through pymetis: split by small separators,
recursively, separators last), its shortcuts decided by the shallow witness searches alone.
Ranked to the end, the whole network spent about two thirds of its CPU on that core:
re-ranking nodes of degree 300-400 whose priorities every contraction changes, and deep
searches among them (README, "Cheaper whole-network contraction, round 2"). A dissection
order needs no re-ranking and keeps each node's shortcuts within its part and the separators
above it; the deeper searches there spared shortcuts the search graph leaves out anyway (the
dominated upward edges below). It is the order customizable CHs use (Dibbelt, Strasser &
Wagner, "Customizable Contraction Hierarchies", ACM JEA 21, 2016), here with witness
searches, so that only needed shortcuts are kept. Measured (README, "The top of the order by
nested dissection"): the whole network (hours) 162 -> 47-57 CPU s, 5 % fewer shortcuts,
queries 0.40-0.50 ms against 0.90; the sea layer (km) 46 -> 19-33 CPU s, hub labels 41 %
smaller.

A hierarchy can also be contracted in a node order given ahead (``build_hierarchy(rank=...)``,
:func:`_contract` given ``nodes``): no ranking searches and no priority queue, each node's shortcuts
decided by the same witness searches as the last step of a ranked build, so every distance is
kept in any order; only the shortcuts, and so the queries' work, depend on how well the order
fits the weights. With the fully ranked construction (before the dissected top), the sea
layer (km) in its own ranked order gave back the ranked hierarchy (552,098 shortcuts, the
same count) for 39.6 CPU s against 60.0 for the ranked build, both at load average about 15
(``bench/contraction.py --request 0 --order-of 0``, 2 December 2026): the ranking was about a
third of a ranked build. A given order now runs the deeper searches at every position, the
dissected top's too, so its own order gives fewer shortcuts than the ranked build, for more
CPU there. The sea hours in the km order:
617,654 shortcuts (ranked: 557,374), hub labels of mean 228 entries (ranked: 259), queries as
fast; the transit policy's whole network in the default one's order: 38 % more shortcuts and
no less CPU (README, "Hierarchies within the first three minutes";
:data:`corridor.default_hierarchies.IN_ORDER_OF`).

The network is undirected, so one upward graph serves both search directions. Each upward
edge keeps the original edge id (``-1`` for a shortcut) and, for a shortcut, its middle
node, so paths unpack to the same edges as :func:`corridor.search.shortest_path`.

A hierarchy is valid for exactly the weights and the passage mask it was built with; this
module only builds one and reads and writes its file. Which are loaded, kept and looked up at
run time is :mod:`corridor.engine.hierarchies`; which are built ahead with the network is
:mod:`corridor.default_hierarchies`.

Why this and not another speed-up (measured by ``bench/ch.py`` on the 50 major-port pairs):
A* with 24 ALT landmarks took 12 ms per sea query (km) when it allocated its work arrays
per query, 0.38 ms median (3.3 ms p90) once it did not; this CH 0.34 ms, hub labels built
from it (:mod:`corridor.hub_labels`) 0.026 ms (idle machine, 2 December 2026; on 1,000
random node pairs under load average 7: 0.65 and 0.058 ms, ``bench/contraction.py``). On the
whole network (891k nodes) a default multimodal route took 34 ms with A* and 1.5 ms with the
CH (3.6 ms for the whole call, README "Speed (issue #17)"). A customizable CH (one
metric-independent order and shortcut set, re-weighted per metric) would serve every
costing profile, but it keeps every fill-in shortcut (no witness search); the sea layer is
a 400 km visibility graph over open water (mean degree 23) whose separators are wide bands
of ocean, so its shortcut set, and the edges each query scans, would be several times those
of this CH, which already scans ~14,000 edges per side. Measured (issue #17; symbolic
elimination of the sea layer in this CH's km order, the best order at hand; a script, not
kept): every fill-in shortcut kept gives 17.6 M upward edges (this CH: 0.78 M), and a query's
elimination-tree search space is 6,366 nodes median (7,363 p90) per side, scanning 14 M
upward edges median per side: about 1,000 times this CH's work, some 50 ms per query at 2 ns an edge, far
beyond a 10 ms p90 target; customization (every lower triangle) costs more still. A
nested-dissection order would shrink this, but not by the three orders of magnitude needed
on a graph whose separators are wide bands of ocean. The metrics that matter are few:
:func:`corridor.route` with the default cargo, speed, costs and objective asks for the same
weights every time, so those hierarchies are built ahead
(:func:`corridor.default_hierarchies.default_requests`, by ``corridor network --hierarchies``)
and every other request (another speed, cost or CO2e objective, closed ports or countries,
extra closed passages) runs A* as before.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corridor.atomic_npz import write_npz
from corridor.hierarchy_integrity import record_hierarchy
from corridor.jit import njit
from corridor.search import _heap_pop, _heap_push
from corridor.source_memo import hex_digits, remembered

# Witness searches: settled-node limits when ranking nodes (often) and when contracting one
# (once per node). Chosen on an earlier construction (no early stop, every node ranked again
# when first; sea layer, km; shortcuts, median query, build on 2 busy CPUs): 60 / 60: 569k,
# 0.38 ms, 112 s; 60 / 300: 290k, 0.27 ms, 113 s; 60 / 600: 254k, 0.30 ms, 143 s; 300 / 300:
# 253k, 0.22 ms, 204 s. With this code, 60 / 300 and WITNESS_EDGE_UNIT 24 (bench/contraction.py,
# load average 7, 2 December 2026): sea layer km 54.7 CPU s, 552k shortcuts, 1.05 M upward /
# 0.75 M search edges, 35.1 MiB, hub labels 4.7 CPU s (mean label 228); none of 1,000 random
# pairs off Dijkstra's.
WITNESS_SETTLE_LIMIT = 60
WITNESS_CONTRACT_LIMIT = 300
# A settled node counts once more per this many edges it scans: the limits above bound the work
# of a search, not only its nodes, so the searches in the dense top of the hierarchy (hundreds
# of edges a node) stop sooner (measured in README, "Cheaper hierarchy construction"). 12
# instead (same day, same load): sea km 41.5 CPU s but hub labels 7.1 CPU s and 17 % larger
# (mean 268), queries slower (labels 0.10 ms against 0.058 ms median, CH 1.04 against 0.65 ms);
# the whole network 152 CPU s (24: 188, last session, lower load): 1.2x less CPU in all, not the 2.2x that
# would put the default hierarchies in the first 3 minutes (README, "Hierarchies within the
# first three minutes"), so 24 stays.
WITNESS_EDGE_UNIT = 24
# Ranking stops once the graph left has this mean degree; the rest is contracted in a
# nested-dissection order (see build_hierarchy; measured in the module's docstring).
CORE_DEGREE = 32.0
FORMAT = 2


@njit(cache=True)
def _grow(a, need):
    if need <= a.shape[0]:
        return a
    b = np.empty(max(need, 2 * a.shape[0]), a.dtype)
    b[:a.shape[0]] = a
    return b


@njit(cache=True)
def _witness(src, skip, limit, start, length, nbr, wt, dist, touched, keys, vals, settle_limit, edge_unit, need,
             n_targets):
    """Dijkstra from ``src`` avoiding ``skip``, up to distance ``limit``, until each of the
    ``n_targets`` nodes ``x`` with ``need[x] >= 0`` is decided: reached within ``need[x]`` (a
    witness) or settled farther; or until it has spent ``settle_limit`` (a settled node costs
    1 + its edges // ``edge_unit``). Clears the ``need`` it decides (the caller clears the
    others); returns the touched count.

    Every target is decided as a search that waited for them all to be settled would decide
    it: it stops sooner, not elsewhere (a witness found stays one; a target settled farther
    stays farther), up to the order in which nodes at equal distances are settled when the
    limit cuts the search (the whole sea layer's hierarchy came out byte for byte the same)."""
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
        if need[u] >= 0.0:  # settled beyond what it needs: a shortcut
            need[u] = -1.0
            n_targets -= 1
            if n_targets == 0:
                break
        settled += 1 + length[u] // edge_unit
        if settled > settle_limit:
            break
        for k in range(start[u], start[u] + length[u]):
            x = nbr[k]
            if x == skip:
                continue
            nd = d + wt[k]
            if nd < dist[x] and nd <= limit:  # farther than every target's need: no witness
                if dist[x] == np.inf:
                    touched[nt] = x
                    nt += 1
                dist[x] = nd
                if nd <= need[x]:  # a witness: this target is decided
                    need[x] = -1.0
                    n_targets -= 1
                    if n_targets == 0:
                        return nt
                if size < keys.shape[0]:
                    size = _heap_push(keys, vals, size, nd, x)
    return nt


@njit(cache=True)
def _plan(v, start, length, nbr, wt, dist, touched, keys, vals, settle_limit, edge_unit, need, out_a, out_b, out_w):
    """Shortcuts needed to contract ``v`` (written to out_*); returns their count.

    The witness search from the i-th neighbour looks for the later ones (j > i) and
    stops once they are all decided."""
    s = start[v]
    deg = length[v]
    count = 0
    for i in range(deg - 1):
        u = nbr[s + i]
        wu = wt[s + i]
        limit = 0.0
        for j in range(i + 1, deg):
            limit = max(limit, wu + wt[s + j])
            need[nbr[s + j]] = wu + wt[s + j]
        nt = _witness(u, v, limit, start, length, nbr, wt, dist, touched, keys, vals, settle_limit, edge_unit, need,
                      deg - 1 - i)
        for j in range(i + 1, deg):
            w = nbr[s + j]
            need[w] = -1.0
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
def _recheck(v, start, length, nbr, wt, dist, touched, keys, vals, settle_limit, edge_unit, need, out_a, out_b, out_w,
             count):
    """Of the ``count`` shortcuts :func:`_plan` found needed for ``v`` (in out_*, grouped by
    their first node), those a deeper search (``settle_limit``) still finds needed; returns
    their count. The pairs the shallow searches witnessed have a witness already (a deeper
    search would find it again), so only the others are searched for again."""
    kept = 0
    q = 0
    while q < count:
        u = out_a[q]
        r = q
        limit = 0.0
        while r < count and out_a[r] == u:
            limit = max(limit, out_w[r])
            need[out_b[r]] = out_w[r]
            r += 1
        nt = _witness(u, v, limit, start, length, nbr, wt, dist, touched, keys, vals, settle_limit, edge_unit, need,
                      r - q)
        for k in range(q, r):
            need[out_b[k]] = -1.0
            if dist[out_b[k]] > out_w[k]:
                out_a[kept], out_b[kept], out_w[kept] = u, out_b[k], out_w[k]
                kept += 1
        for k in range(nt):
            dist[touched[k]] = np.inf
        q = r
    return kept


@njit(cache=True)
def _adjacency(n, eu, ev, ew, eid, emid):
    """Each node's edges (neighbour, weight, middle node, original id) in one pool, a list per
    node with room for twice its edges (shortcuts join the lists; a full one moves, see
    :func:`_add_shortcuts`). Returns start, capacity, length of each list, the pool's arrays and end."""
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
    for k in range(eu.shape[0]):
        for a, b in ((eu[k], ev[k]), (ev[k], eu[k])):
            p = start[a] + length[a]
            nbr[p], wt[p], mid[p], oid[p] = b, ew[k], emid[k], eid[k]
            length[a] += 1
    return start, cap, length, nbr, wt, mid, oid, total


@njit(cache=True)
def _contract(n, eu, ev, ew, eid, emid, ids, nodes, settle_limit, contract_limit, edge_unit, dense):
    """Contract the nodes in the order ``nodes`` (least important first) when given, else ranked
    (``nodes`` empty) until the graph left has a mean degree of ``dense`` or more. Ranked: each
    node first by edge difference, then when it comes first it is ranked again if a neighbour
    was contracted since (and goes back if it is no longer first), its shallow plan rechecked
    by deeper searches. Given: each node's shortcuts
    decided by the same searches as a ranked node's last step (shallow, then deeper for the
    pairs still open). Edges ``eu[k] - ev[k]`` keep their middle node ``emid[k]`` (-1: none);
    upward edges and new shortcuts name nodes by ``ids`` (the caller's ids of these nodes).
    Returns the rank of each node (-1: not contracted), the upward edges, the shortcut count
    and the edges left among the nodes not contracted (each once, by ``ids``: tail, head,
    weight, middle node, original id)."""
    start, cap, length, nbr, wt, mid, oid, end = _adjacency(n, eu, ev, ew, eid, emid)
    dist = np.full(n, np.inf)
    goal = np.full(n, -1.0)  # per target node of a witness search: the cost through the node contracted
    touched = np.empty(n, np.int32)
    hk = np.empty(4 * n + 16)
    hv = np.empty(4 * n + 16, np.int32)
    sa = np.empty(16, np.int32)
    sb = np.empty(16, np.int32)
    sw = np.empty(16)
    rank = np.full(n, -1, np.int32)
    up_tail = np.empty(4 * eu.shape[0] + 16, np.int32)
    up_head = np.empty(4 * eu.shape[0] + 16, np.int32)
    up_w = np.empty(4 * eu.shape[0] + 16)
    up_mid = np.empty(4 * eu.shape[0] + 16, np.int32)
    up_eid = np.empty(4 * eu.shape[0] + 16, np.int32)
    n_up = 0
    shortcuts = 0

    ranked = nodes.shape[0] == 0
    deleted = np.zeros(n, np.int64)
    depth = np.zeros(n, np.int64)
    pk = np.empty(2 * n + 16)
    pv = np.empty(2 * n + 16, np.int32)
    psize = 0
    ranked_at = np.zeros(n, np.int64)  # nodes contracted when v's priority was last computed
    changed_at = np.zeros(n, np.int64)  # nodes contracted when one of v's neighbours last was
    for v in range(n if ranked else 0):
        sa, sb, sw = _grow(sa, length[v] ** 2), _grow(sb, length[v] ** 2), _grow(sw, length[v] ** 2)
        c = _plan(v, start, length, nbr, wt, dist, touched, hk, hv, settle_limit, edge_unit, goal, sa, sb, sw)
        psize = _heap_push(pk, pv, psize, 2.0 * (c - length[v]), v)

    order = 0
    edges = eu.shape[0]  # in the graph left
    while order < n and not (ranked and 2 * edges >= dense * (n - order)):
        if ranked:
            key, v, psize = _heap_pop(pk, pv, psize)
            if rank[v] >= 0:
                continue
        else:
            v = nodes[order]
        sa, sb, sw = _grow(sa, length[v] ** 2), _grow(sb, length[v] ** 2), _grow(sw, length[v] ** 2)
        if ranked and changed_at[v] <= ranked_at[v]:  # no neighbour contracted since it was ranked: its priority stands
            c = _plan(v, start, length, nbr, wt, dist, touched, hk, hv, contract_limit, edge_unit, goal, sa, sb, sw)
        else:
            c = _plan(v, start, length, nbr, wt, dist, touched, hk, hv, settle_limit, edge_unit, goal, sa, sb, sw)
            prio = 2.0 * (c - length[v]) + deleted[v] + depth[v]
            if ranked and psize > 0 and prio > pk[0]:
                ranked_at[v] = order
                psize = _heap_push(pk, pv, psize, prio, v)
                continue
            if contract_limit > settle_limit:  # the deeper search, once per node, spares needless shortcuts
                c = _recheck(v, start, length, nbr, wt, dist, touched, hk, hv, contract_limit, edge_unit, goal,
                             sa, sb, sw, c)
        # contract v: its remaining edges go up the hierarchy
        rank[v] = order
        order += 1
        edges -= length[v]
        s = start[v]
        for i in range(length[v]):
            u = nbr[s + i]
            deleted[u] += 1
            depth[u] = max(depth[u], depth[v] + 1)
            changed_at[u] = order
        up_tail, up_head, up_w, up_mid, up_eid, n_up = _go_up(v, ids, start, length, nbr, wt, mid, oid, up_tail,
                                                              up_head, up_w, up_mid, up_eid, n_up)
        nbr, wt, mid, oid, end, added = _add_shortcuts(ids[v], c, sa, sb, sw, start, cap, length, nbr, wt, mid, oid,
                                                       end)
        shortcuts += added
        edges += added
    left = 0
    for v in range(n):
        left += length[v]
    rest = (np.empty(left // 2, np.int32), np.empty(left // 2, np.int32), np.empty(left // 2),
            np.empty(left // 2, np.int32), np.empty(left // 2, np.int32))
    k = 0
    for v in range(n):
        for p in range(start[v], start[v] + length[v]):
            if nbr[p] > v:
                rest[0][k], rest[1][k], rest[2][k], rest[3][k], rest[4][k] = ids[v], ids[nbr[p]], wt[p], mid[p], oid[p]
                k += 1
    return rank, up_tail[:n_up], up_head[:n_up], up_w[:n_up], up_mid[:n_up], up_eid[:n_up], shortcuts, rest


@njit(cache=True)
def _go_up(v, ids, start, length, nbr, wt, mid, oid, up_tail, up_head, up_w, up_mid, up_eid, n_up):
    """Contract ``v``: its remaining edges become upward edges (appended to up_*, grown as
    needed, their ends named by ``ids``) and leave its neighbours' lists. Returns the up_*
    arrays and their count."""
    s = start[v]
    need = n_up + length[v]
    up_tail = _grow(up_tail, need)
    up_head = _grow(up_head, need)
    up_w = _grow(up_w, need)
    up_mid = _grow(up_mid, need)
    up_eid = _grow(up_eid, need)
    for i in range(length[v]):
        up_tail[n_up] = ids[v]
        up_head[n_up] = ids[nbr[s + i]]
        up_w[n_up] = wt[s + i]
        up_mid[n_up] = mid[s + i]
        up_eid[n_up] = oid[s + i]
        n_up += 1
        u = nbr[s + i]
        su = start[u]
        for k in range(su, su + length[u]):
            if nbr[k] == v:
                last = su + length[u] - 1
                nbr[k], wt[k], mid[k], oid[k] = nbr[last], wt[last], mid[last], oid[last]
                length[u] -= 1
                break
    length[v] = 0
    return up_tail, up_head, up_w, up_mid, up_eid, n_up


@njit(cache=True)
def _add_shortcuts(middle, c, sa, sb, sw, start, cap, length, nbr, wt, mid, oid, end):
    """Add (or improve) the ``c`` shortcuts through the node named ``middle`` in s*; a list that is full moves to the
    end of the pool, twice as large. Returns the pool's arrays, its end and the shortcuts added."""
    added = 0
    for q in range(c):
        for a, b in ((sa[q], sb[q]), (sb[q], sa[q])):
            sa_ = start[a]
            found = False
            for k in range(sa_, sa_ + length[a]):
                if nbr[k] == b:
                    found = True
                    if sw[q] < wt[k]:
                        wt[k], mid[k], oid[k] = sw[q], middle, -1
                    break
            if not found:
                if length[a] == cap[a]:
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
                nbr[p], wt[p], mid[p], oid[p] = b, sw[q], middle, -1
                length[a] += 1
                if a == sa[q]:
                    added += 1
    return nbr, wt, mid, oid, end, added


@njit(cache=True)
def _dominated(indptr, head, w):
    """Upward edges ``u -> v`` longer than another upward path from ``u`` to ``v``.

    No up-down path needs them (the other path goes up too), so the search can skip them;
    they stay in the unpacking table, where shortcuts above may refer to them. The search
    from ``u`` stops beyond the longest of its edges."""
    n = indptr.shape[0] - 1
    dist = np.full(n, np.inf)
    touched = np.empty(n, np.int32)
    keys = np.empty(head.shape[0] + 16)
    vals = np.empty(head.shape[0] + 16, np.int32)
    out = np.zeros(head.shape[0], np.bool_)
    for s in range(n):
        reach = 0.0
        for k in range(indptr[s], indptr[s + 1]):
            reach = max(reach, w[k])
        dist[s] = 0.0
        touched[0] = s
        nt = 1
        size = _heap_push(keys, vals, 0, 0.0, s)
        while size > 0:
            d, u, size = _heap_pop(keys, vals, size)
            if d > dist[u]:
                continue
            if d > reach:
                break
            for k in range(indptr[u], indptr[u + 1]):
                v = head[k]
                nd = d + w[k]
                if nd < dist[v]:
                    if dist[v] == np.inf:
                        touched[nt] = v
                        nt += 1
                    dist[v] = nd
                    size = _heap_push(keys, vals, size, nd, v)
        for k in range(indptr[s], indptr[s + 1]):
            out[k] = dist[head[k]] < w[k]
        for k in range(nt):
            dist[touched[k]] = np.inf
    return out


_ARRAYS = ("rank", "up_indptr", "up_head", "up_w", "up_mid", "up_eid", "s_indptr", "s_head", "s_w", "s_slot")


@dataclass(frozen=True)
class Hierarchy:
    """A CH as two graphs by tail node (CSR): every upward edge (``up_*``, to unpack paths)
    and the upward edges the searches scan (``s_*``: those no other upward path beats)."""

    rank: np.ndarray  # contraction order of each node (higher: more important)
    up_indptr: np.ndarray
    up_head: np.ndarray
    up_w: np.ndarray
    up_mid: np.ndarray  # middle node of a shortcut, -1 for an original edge
    up_eid: np.ndarray  # original edge id, -1 for a shortcut
    s_indptr: np.ndarray
    s_head: np.ndarray
    s_w: np.ndarray
    s_slot: np.ndarray  # slot of each search edge in up_*
    stats: dict

    @property
    def labels(self):
        """Hub labels of this hierarchy (:mod:`corridor.hub_labels`), or None."""
        return self.__dict__.get("_labels")

    @property
    def path(self) -> Path | None:
        """The file this hierarchy is cached in, if any."""
        return self.__dict__.get("_path")

    @property
    def labels_dir(self) -> Path | None:
        """The folder its hub labels are (or would be) saved in."""
        return None if self.path is None else self.path.with_name(self.path.stem + ".labels")

    def save(self, path: Path) -> None:
        """Write the arrays to ``path`` (atomically), then the record of its size and checksum."""
        arrays = {k: getattr(self, k) for k in _ARRAYS}
        arrays["stats"] = np.array(repr(self.stats))
        write_npz(path, arrays)
        record_hierarchy(path)

    @classmethod
    def load(cls, path: Path) -> "Hierarchy":
        import ast

        with np.load(path) as z:
            d = {k: np.array(z[k]) for k in z.files}
        d["stats"] = ast.literal_eval(str(d["stats"]))
        return cls(**d)


def _dissection_order(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """A nested-dissection order of the graph with edges ``u[k] - v[k]`` (each once): METIS
    (through pymetis) splits it by small separators, recursively, separators last; contracted
    in that order, a node's shortcuts stay within its part and the separators above it."""
    if n < 2 or len(u) == 0:
        return np.arange(n, dtype=np.int32)
    import pymetis

    tail, head = np.concatenate([u, v]), np.concatenate([v, u])
    by_tail = np.argsort(tail, kind="stable")
    xadj = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(tail, minlength=n), out=xadj[1:])
    perm, _ = pymetis.nested_dissection(pymetis.CSRAdjacency(xadj, head[by_tail]), options=pymetis.Options(seed=1))
    return np.asarray(perm, np.int32)


def build_hierarchy(n: int, eu: np.ndarray, ev: np.ndarray, ew: np.ndarray, eid: np.ndarray, *,
                    settle_limit: int = WITNESS_SETTLE_LIMIT,
                    contract_limit: int = WITNESS_CONTRACT_LIMIT, edge_unit: int = WITNESS_EDGE_UNIT,
                    rank: np.ndarray | None = None, core_degree: float = CORE_DEGREE) -> Hierarchy:
    """CH of the undirected graph with edges ``eu[k] - ev[k]`` of weight ``ew[k]`` (id ``eid[k]``).

    Witness searches settle at most ``settle_limit`` nodes when ranking nodes, and at most
    ``contract_limit`` when contracting a ranked one (or one in a given order; ``settle_limit``
    in the dissected core), a settled node counting once more per ``edge_unit`` edges it scans.
    Parallel edges and loops are fine: the cheapest of each pair is kept, loops dropped. Nodes
    are ranked until the graph left among the others has a mean degree of ``core_degree`` (0:
    at once; inf: never); those are then contracted in a nested-dissection order of that graph
    (:func:`_dissection_order`). With ``rank`` (a hierarchy's of the same nodes under other
    weights, e.g. another's :attr:`Hierarchy.rank`), the nodes are contracted in that order
    instead (:func:`_contract`): every distance is still exact, only the shortcuts (and so the
    queries' work) depend on how well the order fits these weights."""
    t0 = time.perf_counter()
    order_given = rank is not None
    eu, ev, ew, eid = (np.asarray(x) for x in (eu, ev, ew, eid))
    ok = (eu != ev) & np.isfinite(ew)
    a, b = np.minimum(eu, ev)[ok], np.maximum(eu, ev)[ok]
    ew, eid = ew[ok].astype(np.float64), eid[ok].astype(np.int32)
    order = np.lexsort((eid, ew, b, a))
    a, b, ew, eid = a[order], b[order], ew[order], eid[order]
    first = np.ones(len(a), bool)
    first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    a, b, ew, eid = a[first].astype(np.int32), b[first].astype(np.int32), ew[first], eid[first]
    nodes = np.zeros(0, np.int32) if rank is None else np.argsort(np.asarray(rank), kind="stable").astype(np.int32)
    if order_given and len(nodes) != n:
        raise ValueError(f"an order of {len(nodes)} nodes for a graph of {n}")
    if not core_degree >= 0.0:
        raise ValueError(f"core_degree {core_degree} is not a mean degree (0 or more)")
    limits = (settle_limit, contract_limit, edge_unit)
    rank, *up, shortcuts, rest = _contract(n, a, b, ew, eid, np.full(len(a), -1, np.int32),
                                           np.arange(n, dtype=np.int32), nodes, *limits, float(core_degree))
    ids = np.flatnonzero(rank < 0).astype(np.int32)
    core = len(ids)
    if core:  # the nodes left, in a nested-dissection order of the graph left among them
        local = np.full(n, -1, np.int32)
        local[ids] = np.arange(core, dtype=np.int32)
        cu, cv, cw, cmid, ceid = rest
        cu, cv = local[cu], local[cv]
        # the shallow searches alone: the deeper ones cost a third of the build here and spare
        # shortcuts that the search graph leaves out anyway (dominated: see the module docstring)
        core_rank, *core_up, core_shortcuts, _ = _contract(core, cu, cv, cw, ceid, cmid, ids,
                                                           _dissection_order(core, cu, cv), settle_limit,
                                                           settle_limit, edge_unit, np.inf)
        rank[ids] = (n - core) + core_rank
        up = [np.concatenate(pair) for pair in zip(up, core_up)]
        shortcuts += core_shortcuts
    tail, head, w, mid, oid = up
    up = np.argsort(tail, kind="stable")
    tail, head, w, mid, oid = tail[up], head[up].astype(np.int32), w[up], mid[up].astype(np.int32), oid[up]
    up_indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(tail, minlength=n), out=up_indptr[1:])
    slot = np.flatnonzero(~_dominated(up_indptr, head, w))
    s_indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(tail[slot], minlength=n), out=s_indptr[1:])
    stats = {"nodes": int(n), "edges": int(len(a)), "shortcuts": int(shortcuts), "upward_edges": int(len(tail)),
             "search_edges": int(len(slot)), "build_seconds": round(time.perf_counter() - t0, 2),
             "witness_settle_limit": int(settle_limit), "witness_contract_limit": int(contract_limit),
             "witness_edge_unit": int(edge_unit), "order": "given" if order_given else "ranked",
             "dissected_core": int(core), "dissected_core_edges": int(len(rest[0]))}
    return Hierarchy(rank, up_indptr, head, w, mid, oid.astype(np.int32), s_indptr, head[slot], w[slot], slot,
                     stats)


def _code_hash() -> str:
    """Hash of the code that decides the hierarchy (editing anything else keeps cached ones)."""
    import inspect

    src = "".join(inspect.getsource(f) for f in (_witness, _plan, _recheck, _adjacency, _contract, _go_up,
                                              _add_shortcuts, _dominated, _dissection_order, build_hierarchy))
    return hashlib.sha256(f"{FORMAT}{WITNESS_SETTLE_LIMIT}/{WITNESS_CONTRACT_LIMIT}/{WITNESS_EDGE_UNIT}/{CORE_DEGREE}"
                          f"{src}".encode()).hexdigest()[:8]


# at import: the code this process runs, whatever the file says later; remembered per file bytes
# (corridor.source_memo), as tokenizing the source costs tens of ms in every new process
CODE_HASH = remembered("contraction-code-hash", Path(__file__), _code_hash, hex_digits(8))
