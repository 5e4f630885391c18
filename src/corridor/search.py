"""Shortest paths on the compiled network: A* compiled by numba.

The heuristic is the largest of the great-circle distance to the nearest target, the ALT
landmark bound (km landmarks, :mod:`corridor.build.landmarks`, or for surface requests hour
landmarks, :mod:`corridor.engine.hour_landmarks`) and, when the caller gives one, a
CH-potential (:mod:`corridor.engine.ch_potentials`), each admissible and consistent.

Sources and targets are sets of (node, connector cost) so that an endpoint joined to several
nodes, or a country with several ports, is one search. Edges whose passage bits meet the
``blocked`` mask are skipped: a restriction is a cost that says "not allowed", applied
per call, so nothing leaks from one query into the next.
"""

from __future__ import annotations

import math
import threading
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass

import numpy as np

from corridor.geo import EARTH_RADIUS_KM
from corridor.jit import njit

_MAX_HEURISTIC_TARGETS = 16


@njit(cache=True, inline="always")
def _heap_push(keys, vals, size, key, val):
    i = size
    keys[i] = key
    vals[i] = val
    while i > 0:
        parent = (i - 1) >> 1
        if keys[parent] <= keys[i]:
            break
        keys[parent], keys[i] = keys[i], keys[parent]
        vals[parent], vals[i] = vals[i], vals[parent]
        i = parent
    return size + 1


@njit(cache=True, inline="always")
def _heap_pop(keys, vals, size):
    key, val = keys[0], vals[0]
    size -= 1
    keys[0], vals[0] = keys[size], vals[size]
    i = 0
    while True:
        left = 2 * i + 1
        if left >= size:
            break
        child = left
        if left + 1 < size and keys[left + 1] < keys[left]:
            child = left + 1
        if keys[i] <= keys[child]:
            break
        keys[i], keys[child] = keys[child], keys[i]
        vals[i], vals[child] = vals[child], vals[i]
        i = child
    return key, val, size


@njit(cache=True)
def _ch_potential(v, indptr, head, w, dist, memo, stack, pos, done, n_done):
    """Least distance from ``v`` to the targets in a contraction hierarchy's graph (Strasser &
    Zeitz's CH-potential): ``d(v) = min(dist[v], min over v's upward edges (v, u) of w + d(u))``,
    with ``dist`` the targets' upward search (inf where it did not reach). Memoised in ``memo``
    (-1: not yet known), each node it fills listed in ``done`` (``n_done[0]`` of them) for the
    reset; an iterative depth-first walk up the hierarchy, whose upward edges form a DAG, so
    ``stack`` never holds a node twice."""
    if memo[v] >= 0.0:
        return memo[v]
    top = 0
    stack[0] = v
    pos[0] = indptr[v]
    while top >= 0:
        x = stack[top]
        k = pos[top]
        while k < indptr[x + 1] and memo[head[k]] >= 0.0:
            k += 1
        if k < indptr[x + 1]:  # an upper neighbour not known yet: resolve it first
            pos[top] = k
            top += 1
            stack[top] = head[k]
            pos[top] = indptr[head[k]]
            continue
        d = dist[x]
        for j in range(indptr[x], indptr[x + 1]):
            d = min(d, w[j] + memo[head[j]])
        memo[x] = d
        done[n_done[0]] = x
        n_done[0] += 1
        top -= 1
    return memo[v]


@njit(cache=True)
def _forget(memo, done, n_done):
    """Reset the CH-potential's memo to unknown (-1) where :func:`_ch_potential` filled it."""
    for k in range(n_done[0]):
        memo[done[k]] = -1.0
    n_done[0] = 0


@njit(cache=True, inline="always")
def _heuristic(v, node_xyz, target_xyz, radius, lm, active, lm_hi, lm_lo, h_scale, lm_scale, pot):
    hv = 0.0
    for t in range(target_xyz.shape[0]):
        dx = node_xyz[v, 0] - target_xyz[t, 0]
        dy = node_xyz[v, 1] - target_xyz[t, 1]
        dz = node_xyz[v, 2] - target_xyz[t, 2]
        c = math.sqrt(dx * dx + dy * dy + dz * dz)
        d = 2.0 * radius * math.asin(min(1.0, c / 2.0))
        hv = d if t == 0 else min(hv, d)
    hl = 0.0
    for k in active:
        x = lm[k, v]
        if x == np.inf:
            if lm_lo[k] < np.inf:
                return np.inf  # v and the targets lie in different components
            continue
        hl = max(hl, x - lm_hi[k], lm_lo[k] - x)
    p_indptr, p_head, p_w, p_dist, p_scale, memo, stack, pos, done, n_done = pot
    hp = p_scale * _ch_potential(v, p_indptr, p_head, p_w, p_dist, memo, stack, pos, done, n_done) \
        if p_scale > 0.0 else 0.0
    return max(hv * h_scale, hl * lm_scale, hp)


@njit(cache=True, nogil=True)
def _astar(indptr, head, edge, weight, edge_flags, blocked, node_xyz,
           src_nodes, src_cost, dst_nodes, dst_cost, target_xyz, radius, lm, active, lm_hi, lm_lo, h_scale,
           lm_scale, pot, g, h, goal, pred_node, pred_edge, touched, keys, vals, out_nodes, out_edges):
    """A* from the sources to the targets. Writes the path to out_* and returns (cost, edge
    count, source cost, cost at the target node); the edge count is -1 when no target is
    reached. ``pot`` is the CH-potential's tuple (:func:`_ch_potential`'s arrays after ``v``,
    with its scale, 0: none, fifth). The work arrays (g, h, goal, pred_*, the potential's
    memo) are clean on entry (inf, -1, inf, -1, -1, -1) and are left clean: only the nodes the
    search touched are reset, so a query costs its search space, not the size of the network."""
    nt = 0
    for j in range(dst_nodes.shape[0]):
        goal[dst_nodes[j]] = min(goal[dst_nodes[j]], dst_cost[j])
    size = 0
    for j in range(src_nodes.shape[0]):
        s = src_nodes[j]
        if src_cost[j] < g[s]:
            if g[s] == np.inf:
                touched[nt] = s
                nt += 1
            g[s] = src_cost[j]
    for j in range(src_nodes.shape[0]):  # each source once, at its best connector cost
        s = src_nodes[j]
        if src_cost[j] == g[s] and pred_node[s] == -1:
            pred_node[s] = -2
            size = _heap_push(keys, vals, size, g[s], s)
    for j in range(src_nodes.shape[0]):
        pred_node[src_nodes[j]] = -1
    best = np.inf
    best_node = -1
    while size > 0:
        f, u, size = _heap_pop(keys, vals, size)
        if f >= best:
            break
        if h[u] >= 0.0 and f > g[u] + h[u] + 1e-9:
            continue  # stale heap entry
        if g[u] + goal[u] < best:
            best = g[u] + goal[u]
            best_node = u
        for slot in range(indptr[u], indptr[u + 1]):
            e = edge[slot]
            if edge_flags[e] & blocked:
                continue
            v = head[slot]
            ng = g[u] + weight[e]
            if ng < g[v]:
                if g[v] == np.inf:
                    touched[nt] = v
                    nt += 1
                g[v] = ng
                pred_node[v] = u
                pred_edge[v] = e
                if h[v] < 0.0:
                    h[v] = _heuristic(v, node_xyz, target_xyz, radius, lm, active, lm_hi, lm_lo, h_scale, lm_scale,
                                      pot)
                if h[v] == np.inf:
                    continue  # cannot reach any target
                size = _heap_push(keys, vals, size, ng + h[v], v)
    m = -1
    source_cost = np.inf
    target_g = np.inf
    if best_node >= 0:
        target_g = g[best_node]
        m = 0
        v = best_node
        while pred_node[v] >= 0:
            m += 1
            v = pred_node[v]
        source_cost = g[v]
        v = best_node
        for k in range(m, -1, -1):
            out_nodes[k] = v
            if k > 0:
                out_edges[k - 1] = pred_edge[v]
                v = pred_node[v]
    for k in range(nt):
        v = touched[k]
        g[v] = np.inf
        h[v] = -1.0
        pred_node[v] = -1
        pred_edge[v] = -1
    for j in range(dst_nodes.shape[0]):
        goal[dst_nodes[j]] = np.inf
    _forget(pot[5], pot[8], pot[9])
    return best, m, source_cost, target_g


def in_row_chunks(rows: int, parts: int, run) -> None:
    """``run(lo, hi)`` over ``rows`` table rows split into at most ``parts`` contiguous chunks,
    each on its own thread when there are several (the compiled kernels release the GIL)."""
    from concurrent.futures import ThreadPoolExecutor

    chunks = [(int(c[0]), int(c[-1]) + 1) for c in np.array_split(np.arange(rows), max(1, min(parts, rows))) if len(c)]
    if len(chunks) <= 1:
        for lo, hi in chunks:
            run(lo, hi)
    else:
        with ThreadPoolExecutor(len(chunks)) as pool:
            list(pool.map(lambda c: run(*c), chunks))


class WorkPool:
    """Work arrays lent to one search at a time and kept clean for the next one.

    A set per search running at once, not per thread: a server runs searches on many
    threads, and a set for the whole network holds ~30 MB. ``make(*key)`` builds a set."""

    def __init__(self, make):
        self._make = make
        self._free: dict = {}
        self._lock = threading.Lock()

    @contextmanager
    def borrow(self, key: tuple):
        with self._lock:
            free = self._free.setdefault(key, [])
            work = free.pop() if free else None
        if work is None:
            work = self._make(*key)
        try:
            yield work
        finally:
            with self._lock:
                self._free[key].append(work)


def _astar_work(n: int, edges: int) -> tuple:
    cap = edges + n + 1  # heap entries: at most one per relaxation, plus each source once
    return (np.full(n, np.inf), np.full(n, -1.0), np.full(n, np.inf), np.full(n, -1, np.int32),
            np.full(n, -1, np.int32), np.empty(n, np.int32), np.empty(cap), np.empty(cap, np.int32),
            np.empty(n, np.int32), np.empty(n, np.int32))


def _potential_work(n: int) -> tuple:
    """The CH-potential's memo, walk stack and slots, and the list of memoised nodes (and its length)."""
    return np.full(n, -1.0), np.empty(n, np.int32), np.empty(n, np.int64), np.empty(n, np.int32), np.zeros(1, np.int64)


_NO_POTENTIAL = (np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0), np.zeros(0), 0.0, *_potential_work(0))


_POOL = WorkPool(_astar_work)
_POTENTIAL_POOL = WorkPool(_potential_work)


@dataclass(frozen=True)
class PathResult:
    cost: float  # total, connectors included, in the weights' unit
    nodes: np.ndarray  # node ids from the source node to the target node
    edges: np.ndarray  # edge ids between them (len(nodes) - 1)
    source_cost: float  # connector cost at the start
    target_cost: float  # connector cost at the end


# The hour landmarks' bound at the sources was 0.6-0.8 of the exact default hours on long routes: a
# CH-potential (the exact hours, with the same scale) under this many times it loses to the km landmarks.
_POTENTIAL_HOPE = 2.0
_ACTIVE_LANDMARKS = 8  # of 24: the bound is nearly as tight, and a node's bound reads a third as much


def _target_bounds(lm, dst_nodes, dst_units) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per landmark, (max_j(L_tj - c_j), min_j(L_tj + c_j)) over the targets t_j, with their
    connector costs c_j in the landmarks' unit (unreachable targets left out), and whether it
    may serve: not when the targets lie both in its component and outside it, where a node it
    cannot reach might still reach a target (the kernel would take it for cut off)."""
    at_targets = lm[:, dst_nodes.astype(np.int64)]
    finite = np.isfinite(at_targets)
    return (np.where(finite, at_targets - dst_units, -np.inf).max(axis=1),
            np.where(finite, at_targets + dst_units, np.inf).min(axis=1),
            finite.all(axis=1) | ~finite.any(axis=1))


def _gains(lm, src_nodes, lm_hi, lm_lo, usable) -> np.ndarray:
    """Per landmark, its bound at the worst-placed source (inf: it separates them from the
    targets; -inf: it may not serve)."""
    at = lm[:, src_nodes.astype(np.int64)]
    with np.errstate(invalid="ignore"):
        gain = np.maximum(at - lm_hi[:, None], lm_lo[:, None] - at).min(axis=1)
    return np.where(usable, np.where(np.isnan(gain), np.inf, gain), -np.inf)


def _at_sources(lm, src_nodes, lm_hi, lm_lo, usable) -> float:
    gains = _gains(lm, src_nodes, lm_hi, lm_lo, usable)
    return float(max(gains.max(), 0.0)) if len(gains) else 0.0


def _active(lm, src_nodes, lm_hi, lm_lo, usable) -> np.ndarray:
    """The usable landmarks giving the best bound at the sources (Goldberg & Harrelson's active
    landmarks): any subset keeps the bound a lower bound, so the answer is unchanged."""
    gains = _gains(lm, src_nodes, lm_hi, lm_lo, usable)
    best = np.argsort(-gains, kind="stable")[:_ACTIVE_LANDMARKS]
    return np.sort(best[usable[best]]).astype(np.int64)


def shortest_path(net, src_nodes, src_cost, dst_nodes, dst_cost, target_xyz, *, blocked: int,
                  weight: np.ndarray, cost_per_km: float, landmarks: str = "sea",
                  graph: tuple | None = None, landmark_dist: np.ndarray | None = None,
                  landmark_scale: float | None = None, potential=None) -> PathResult | None:
    """Least-cost path from any source node to any target node, or None when none exists.

    ``weight`` is the cost of each edge (inf: not allowed); ``cost_per_km`` a lower bound
    of cost per km over allowed edges and connectors, which scales the distance bounds of
    the heuristic; ``landmarks`` names the landmark set valid for the allowed edges;
    ``graph`` (indptr, head, edge) a sub-graph to search instead of the whole network
    (``net.sea_csr`` for sea-only searches, whose nodes all lie in it); ``landmark_dist``
    landmark distances in another unit (:mod:`corridor.engine.hour_landmarks`) instead of
    ``net.landmark_km[landmarks]``, with ``landmark_scale`` the cost per unit that bounds them;
    ``potential`` a CH-potential: a callable giving a context that yields (upward CSR, weights,
    the targets' upward distances over the whole network, the scale that makes them a lower
    bound of ``weight``), :func:`corridor.engine.ch_potentials.bound`; called only when it may
    beat the landmarks, it replaces them when it bounds the sources at least as high (each
    bound a node reads costs memory traffic; the potential is exact for the default weights,
    so where it wins it mostly wins everywhere).
    """
    targets = np.asarray(target_xyz, dtype=np.float64).reshape(-1, 3)
    if len(targets) > _MAX_HEURISTIC_TARGETS:  # a min over many targets costs more than it saves
        targets = targets[:0]
    # ALT bound to the set of targets t_j with connector cost c_j (c_j / s in the landmarks' unit),
    # per landmark L: min_j d(v, t_j) + c_j / s >= max(L_v - max_j(L_tj - c_j / s), min_j(L_tj + c_j / s) - L_v).
    src_nodes, dst_nodes = np.asarray(src_nodes, np.int32), np.asarray(dst_nodes, np.int32)
    dst = np.asarray(dst_cost, np.float64)
    lm, lm_scale = net.landmark_km[landmarks], cost_per_km
    bounds = _target_bounds(lm, dst_nodes, dst / lm_scale)
    if landmark_dist is not None and landmark_scale:
        other = _target_bounds(landmark_dist, dst_nodes, dst / landmark_scale)
        hours_at = _at_sources(landmark_dist, src_nodes, *other) * landmark_scale
        km_at = _at_sources(lm, src_nodes, *bounds) * lm_scale
        if hours_at > km_at:  # the set that bounds higher here
            lm, lm_scale, bounds = landmark_dist, landmark_scale, other
        elif hours_at * _POTENTIAL_HOPE < km_at:
            potential = None  # scaled as the hour landmarks, it cannot win: spare its first walk up the hierarchy
    lm_hi, lm_lo, _ = bounds
    active = _active(lm, src_nodes, *bounds)
    indptr, head, edge = graph or (net.csr_indptr, net.csr_head, net.csr_edge)
    with _POOL.borrow((len(indptr) - 1, len(head))) as work, \
            (nullcontext() if potential is None else potential()) as potential, \
            _POTENTIAL_POOL.borrow((0 if potential is None else len(potential[3]),)) as memo:
        pot = _NO_POTENTIAL
        if potential is not None:
            pot = (*potential[:4], float(potential[4]), *memo)
            at_sources = min(_ch_potential(int(s), *pot[:4], *memo) for s in src_nodes) * pot[4]
            if at_sources >= _at_sources(lm, src_nodes, *bounds) * lm_scale:
                active = active[:0]
            else:
                _forget(memo[0], memo[3], memo[4])
                pot = _NO_POTENTIAL
        best, m, source_cost, target_g = _astar(
            indptr, head, edge, weight, net.edge_flags, np.uint32(blocked), net.node_xyz,
            src_nodes, np.asarray(src_cost, np.float64), dst_nodes, dst, targets, EARTH_RADIUS_KM, lm,
            active, lm_hi, lm_lo, float(cost_per_km), float(lm_scale), pot, *work)
        if m < 0:
            return None
        nodes, edges = work[8][:m + 1].copy(), work[9][:m].copy()
    return PathResult(float(best), nodes, edges, float(source_cost), float(best - target_g))
