"""A contraction hierarchy built on several cores: the parts of a partition of the nodes are
contracted at the same time, one process each, then what is left in one.

Each part's *interior* nodes (those with no edge to another part) are contracted in their
part's own graph, its *boundary* nodes (an edge to another part) left frozen; a witness
search confined to the part can only miss a witness, so it adds needless shortcuts, never
wrong ones. The boundary nodes of every part, with the edges left among them (shortcuts
included) and the edges between parts, then make the *core*, contracted by the same ranked
construction in one process. Interior nodes rank below every core node, in the order their
part contracted them (parts one after another), so the result is an ordinary
:class:`~corridor.build.contraction.Hierarchy`: the same file, the same queries, one rank per
node (an order another construction may reuse).

Nodes may also be left to the core outright (part -1). Which partition: :func:`land_parts`
leaves the given core nodes (the whole network's sea layer and ports) to the core and puts
whole connected components of the rest in each part, so the only cut edges are those into the
core. Not the sea layer in a part of its own: its boundary would be every port, which the
sea's contraction joins all to all (the sea part took over 130 CPU s, more than the whole
network's sea nodes cost in one build). The work is the parts' slowest plus the core's.
"""

from __future__ import annotations

import time

import numpy as np

from corridor.build.contraction import (
    WITNESS_CONTRACT_LIMIT,
    WITNESS_EDGE_UNIT,
    WITNESS_SETTLE_LIMIT,
    Hierarchy,
    _contract,
    _dominated,
)
from corridor.worker_processes import run_in_workers


def land_parts(n: int, eu: np.ndarray, ev: np.ndarray, core: np.ndarray, parts: int) -> np.ndarray:
    """A part (0 .. ``parts`` - 1) for each node, -1 for the ``core`` ones (left to the last
    contraction): the connected components of the graph among the other nodes, packed largest
    first into the part with the least work so far. A component's work: the sum of its nodes'
    squared degrees, as a node's witness searches grow with its degree."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    inner = ~core[eu] & ~core[ev]
    graph = coo_matrix((np.ones(int(inner.sum()), np.int8), (eu[inner], ev[inner])), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    degree = np.bincount(eu[inner], minlength=n) + np.bincount(ev[inner], minlength=n)
    work = np.bincount(component, weights=degree.astype(np.float64) ** 2)
    part_of = np.empty(len(work), np.int32)
    load = np.zeros(parts)
    for c in np.argsort(-work, kind="stable"):
        part_of[c] = int(np.argmin(load))
        load[part_of[c]] += work[c]
    return np.where(core, -1, part_of[component]).astype(np.int32)


def _simple(eu, ev, ew, eid):
    """Each undirected edge once, the cheapest of parallel ones, no loops (as
    :func:`~corridor.build.contraction.build_hierarchy` takes them)."""
    ok = (eu != ev) & np.isfinite(ew)
    a, b = np.minimum(eu, ev)[ok], np.maximum(eu, ev)[ok]
    ew, eid = ew[ok].astype(np.float64), eid[ok].astype(np.int32)
    order = np.lexsort((eid, ew, b, a))
    a, b, ew, eid = a[order], b[order], ew[order], eid[order]
    first = np.ones(len(a), bool)
    first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    return a[first].astype(np.int32), b[first].astype(np.int32), ew[first], eid[first]


def _contract_part(n, a, b, w, eid, frozen, limits):
    """One part's contraction (in a worker process): its nodes' ranks (-1: frozen), upward
    edges, then the frozen nodes' edges left (see :func:`~corridor.build.contraction._contract`),
    and the CPU seconds it took."""
    cpu = time.process_time()
    out = _contract(n, a, b, w, eid, *limits, frozen)
    return out[:6], time.process_time() - cpu


def build_partitioned_hierarchy(n: int, eu: np.ndarray, ev: np.ndarray, ew: np.ndarray, eid: np.ndarray,
                                part: np.ndarray, *, settle_limit: int = WITNESS_SETTLE_LIMIT,
                                contract_limit: int = WITNESS_CONTRACT_LIMIT,
                                edge_unit: int = WITNESS_EDGE_UNIT, workers: int | None = None) -> Hierarchy:
    """CH of the undirected graph ``eu[k] - ev[k]`` (weight ``ew[k]``, id ``eid[k]``), as
    :func:`~corridor.build.contraction.build_hierarchy` makes it, with the interior nodes of each
    ``part[v]`` (an int per node; -1: a core node) contracted in a process of their own,
    ``workers`` at a time (default: one per part; 0: one after another in this process), and the
    rest in this one."""
    t0 = time.perf_counter()
    limits = (settle_limit, contract_limit, edge_unit)
    a, b, w, ids = _simple(*(np.asarray(x) for x in (eu, ev, ew, eid)))
    part = np.asarray(part)
    cut = part[a] != part[b]
    frozen = np.zeros(n, bool)
    frozen[a[cut]] = True
    frozen[b[cut]] = True
    outside = cut | (part[a] < 0)  # the edges no part contracts
    parts = np.unique(part[part >= 0])
    calls, nodes_of = [], []
    for p in parts:
        nodes = np.flatnonzero(part == p)
        local = np.full(n, -1, np.int32)
        local[nodes] = np.arange(len(nodes), dtype=np.int32)
        inside = ~cut & (part[a] == p)
        calls.append((len(nodes), local[a[inside]], local[b[inside]], w[inside], ids[inside], frozen[nodes], limits))
        nodes_of.append(nodes)
    if workers == 0:
        results = [_contract_part(*call) for call in calls]
    else:
        results = run_in_workers(_contract_part, calls, workers or len(calls))

    # every part's interior ranks first; its edges left and the cut edges make the core's graph
    rank = np.full(n, -1, np.int32)
    up, part_cpu = [], []
    core_edges = [(a[outside], b[outside], w[outside], np.full(int(outside.sum()), -1, np.int32), ids[outside])]
    ranked = 0
    for nodes, ((r, tail, head, uw, mid, oid), cpu) in zip(nodes_of, results):
        part_cpu.append(round(cpu, 1))
        inner = r >= 0
        rank[nodes[inner]] = r[inner] + ranked
        ranked += int(inner.sum())
        gmid = np.where(mid >= 0, nodes[np.maximum(mid, 0)], -1).astype(np.int32)
        is_up = r[tail] >= 0
        up.append((nodes[tail[is_up]], nodes[head[is_up]], uw[is_up], gmid[is_up], oid[is_up]))
        core_edges.append((nodes[tail[~is_up]], nodes[head[~is_up]], uw[~is_up], gmid[~is_up], oid[~is_up]))
    ca, cb, cw, cmid, coid = (np.concatenate(x) for x in zip(*core_edges))
    core = np.flatnonzero(rank < 0)
    local = np.full(n, -1, np.int32)
    local[core] = np.arange(len(core), dtype=np.int32)
    # the core's edges carry their index as id, so that each maps back to its middle node and edge id
    cpu = time.process_time()
    r, tail, head, uw, mid, slot, _ = _contract(len(core), local[ca], local[cb], cw,
                                                np.arange(len(ca), dtype=np.int32), *limits)
    core_cpu = time.process_time() - cpu
    rank[core] = r + ranked
    kept = slot >= 0
    up.append((core[tail], core[head], uw, np.where(kept, cmid[np.maximum(slot, 0)], core[np.maximum(mid, 0)]),
               np.where(kept, coid[np.maximum(slot, 0)], -1)))
    tail, head, uw, mid, oid = (np.concatenate(x) for x in zip(*up))
    return _hierarchy(n, rank, tail, head, uw, mid.astype(np.int32), oid.astype(np.int32), {
        "nodes": int(n), "edges": int(len(a)), "shortcuts": int((oid < 0).sum()), "upward_edges": int(len(tail)),
        "build_seconds": round(time.perf_counter() - t0, 2), "witness_settle_limit": int(settle_limit),
        "witness_contract_limit": int(contract_limit), "witness_edge_unit": int(edge_unit),
        "parts": len(parts), "core_nodes": int(len(core)), "cut_edges": int(cut.sum()),
        "part_cpu_seconds": part_cpu, "core_cpu_seconds": round(core_cpu, 1)})


def _hierarchy(n, rank, tail, head, w, mid, oid, stats) -> Hierarchy:
    """The hierarchy of these upward edges, by tail node, with the search edges no other upward
    path beats (as :func:`~corridor.build.contraction.build_hierarchy` keeps them)."""
    up = np.argsort(tail, kind="stable")
    tail, head, w, mid, oid = tail[up], head[up].astype(np.int32), w[up], mid[up], oid[up]
    up_indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(tail, minlength=n), out=up_indptr[1:])
    slot = np.flatnonzero(~_dominated(up_indptr, head, w))
    s_indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(tail[slot], minlength=n), out=s_indptr[1:])
    stats["search_edges"] = int(len(slot))
    return Hierarchy(rank, up_indptr, head, w, mid, oid, s_indptr, head[slot], w[slot], slot, stats)
