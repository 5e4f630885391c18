"""Shortest paths on the compiled network: A* compiled by numba.

The heuristic is the larger of the great-circle distance to the nearest target and the
ALT landmark bound (see :mod:`corridor.build.landmarks`), both admissible and consistent.

Sources and targets are sets of (node, connector cost) so that an endpoint joined to several
nodes, or a country with several ports, is one search. Edges whose passage bits meet the
``blocked`` mask are skipped: a restriction is a cost that says "not allowed", applied
per call, so nothing leaks from one query into the next.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from corridor.geo import EARTH_RADIUS_KM

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


@njit(cache=True, inline="always")
def _heuristic(v, node_xyz, target_xyz, radius, lm, lm_hi, lm_lo, h_scale):
    hv = 0.0
    for t in range(target_xyz.shape[0]):
        dx = node_xyz[v, 0] - target_xyz[t, 0]
        dy = node_xyz[v, 1] - target_xyz[t, 1]
        dz = node_xyz[v, 2] - target_xyz[t, 2]
        c = math.sqrt(dx * dx + dy * dy + dz * dz)
        d = 2.0 * radius * math.asin(min(1.0, c / 2.0))
        hv = d if t == 0 else min(hv, d)
    for k in range(lm.shape[0]):
        x = lm[k, v]
        if x == np.inf:
            if lm_lo[k] < np.inf:
                return np.inf  # v and the targets lie in different components
            continue
        hv = max(hv, x - lm_hi[k], lm_lo[k] - x)
    return hv * h_scale


@njit(cache=True)
def _astar(indptr, head, edge, weight, edge_flags, blocked, node_xyz,
           src_nodes, src_cost, dst_nodes, dst_cost, target_xyz, radius, lm, lm_hi, lm_lo, h_scale):
    n = indptr.shape[0] - 1
    g = np.full(n, np.inf)
    h = np.full(n, -1.0)
    goal = np.full(n, np.inf)
    pred_node = np.full(n, -1, np.int32)
    pred_edge = np.full(n, -1, np.int32)
    for j in range(dst_nodes.shape[0]):
        goal[dst_nodes[j]] = min(goal[dst_nodes[j]], dst_cost[j])
    cap = head.shape[0] + src_nodes.shape[0] + 1
    keys = np.empty(cap)
    vals = np.empty(cap, np.int32)
    size = 0
    for j in range(src_nodes.shape[0]):
        s = src_nodes[j]
        if src_cost[j] < g[s]:
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
                g[v] = ng
                pred_node[v] = u
                pred_edge[v] = e
                if h[v] < 0.0:
                    h[v] = _heuristic(v, node_xyz, target_xyz, radius, lm, lm_hi, lm_lo, h_scale)
                if h[v] == np.inf:
                    continue  # cannot reach any target
                size = _heap_push(keys, vals, size, ng + h[v], v)
    return best, best_node, g, pred_node, pred_edge


@dataclass(frozen=True)
class PathResult:
    cost: float  # total, connectors included, in the weights' unit
    nodes: np.ndarray  # node ids from the source node to the target node
    edges: np.ndarray  # edge ids between them (len(nodes) - 1)
    source_cost: float  # connector cost at the start
    target_cost: float  # connector cost at the end


def shortest_path(net, src_nodes, src_cost, dst_nodes, dst_cost, target_xyz, *, blocked: int,
                  weight: np.ndarray, cost_per_km: float, landmarks: str = "sea",
                  graph: tuple | None = None) -> PathResult | None:
    """Least-cost path from any source node to any target node, or None when none exists.

    ``weight`` is the cost of each edge (inf: not allowed); ``cost_per_km`` a lower bound
    of cost per km over allowed edges and connectors, which scales the distance bounds of
    the heuristic; ``landmarks`` names the landmark set valid for the allowed edges;
    ``graph`` (indptr, head, edge) a sub-graph to search instead of the whole network
    (``net.sea_csr`` for sea-only searches, whose nodes all lie in it).
    """
    targets = np.asarray(target_xyz, dtype=np.float64).reshape(-1, 3)
    if len(targets) > _MAX_HEURISTIC_TARGETS:  # a min over many targets costs more than it saves
        targets = targets[:0]
    # ALT bound to the set of targets t_j with connector cost c_j (km-equivalent c_j / s),
    # per landmark L: min_j d(v, t_j) + c_j / s >= max(L_v - max_j(L_tj - c_j / s), min_j(L_tj + c_j / s) - L_v).
    lm = net.landmark_km[landmarks]
    at_targets = lm[:, np.asarray(dst_nodes, np.int64)]
    dst = np.asarray(dst_cost, np.float64)
    finite = np.isfinite(at_targets)
    lm_hi = np.where(finite, at_targets - dst / cost_per_km, -np.inf).max(axis=1)
    lm_lo = np.where(finite, at_targets + dst / cost_per_km, np.inf).min(axis=1)
    best, node, g, pred_node, pred_edge = _astar(
        *(graph or (net.csr_indptr, net.csr_head, net.csr_edge)), weight, net.edge_flags, np.uint32(blocked),
        net.node_xyz, np.asarray(src_nodes, np.int32), np.asarray(src_cost, np.float64),
        np.asarray(dst_nodes, np.int32), dst, targets, EARTH_RADIUS_KM, lm, lm_hi, lm_lo, float(cost_per_km))
    if node < 0:
        return None
    nodes, edges = [node], []
    while pred_node[nodes[-1]] >= 0:
        edges.append(pred_edge[nodes[-1]])
        nodes.append(pred_node[nodes[-1]])
    nodes.reverse()
    edges.reverse()
    return PathResult(float(best), np.array(nodes, np.int32), np.array(edges, np.int32),
                      float(g[nodes[0]]), float(best - g[node]))
