"""Contraction hierarchies on small random graphs (property-based): every distance the hierarchy
answers is plain Dijkstra's, whatever the witness-search limits; and the witness searches,
which stop as soon as every pair is decided, decide each pair as an exhaustive search would."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra

from corridor.build.contraction import _plan, _recheck, build_hierarchy
from corridor.search_ch import ch_shortest_path

WEIGHTS = [0.0, 1.0, 2.0, 2.5, 3.0, 7.0]  # few values: many ties, where a witness and a shortcut are equal


@st.composite
def graphs(draw, most=30):
    """(nodes, tails, heads, weights): parallel edges, loops and equal weights allowed."""
    n = draw(st.integers(2, most))
    m = draw(st.integers(0, 5 * n))
    ends = st.lists(st.integers(0, n - 1), min_size=m, max_size=m)
    weights = st.lists(st.sampled_from(WEIGHTS), min_size=m, max_size=m)
    return n, np.array(draw(ends), np.int64), np.array(draw(ends), np.int64), np.array(draw(weights))


def _dense(n, u, v, w):
    """Least weight between each pair (inf: no edge), loops dropped."""
    ok = u != v
    dense = np.full((n, n), np.inf)
    np.minimum.at(dense, (u[ok], v[ok]), w[ok])
    np.minimum.at(dense, (v[ok], u[ok]), w[ok])
    return dense


def _dijkstra(dense, skip=None):
    d = dense.copy()
    if skip is not None:
        d[skip, :] = d[:, skip] = np.inf
    r, c = np.nonzero(np.isfinite(d))
    # scipy drops explicit zeros from a sparse graph: a tiny weight stands for 0 (within the tolerance)
    graph = coo_matrix((np.maximum(d[r, c], 1e-12), (r, c)), shape=d.shape).tocsr()
    return dijkstra(graph, directed=False)


def _assert_exact(h, n, u, v, w):
    """Every distance ``h`` answers is Dijkstra's, over a real path of that cost."""
    assert (h.rank[np.repeat(np.arange(n), np.diff(h.up_indptr))] < h.rank[h.up_head]).all()  # every edge goes up
    dist = _dijkstra(_dense(n, u, v, w))
    for s in range(n):
        for t in range(n):
            res = ch_shortest_path(h, [s], [0.0], [t], [0.0])
            assert (res is None) == np.isinf(dist[s, t])
            if res is not None:
                assert res.cost == pytest.approx(dist[s, t], abs=1e-9)
                assert w[res.edges].sum() == pytest.approx(res.cost, abs=1e-9)  # a real path of that cost


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graph=graphs(), limits=st.sampled_from([(1, 1), (1, 3), (3, 300), (60, 300)]), unit=st.sampled_from([1, 12, 24]),
       dense=st.sampled_from([0.0, 1.5, 3.0, np.inf]))
def test_every_distance_is_dijkstras(graph, limits, unit, dense):
    """Whatever the witness searches' limits and the mean degree at which the rest is contracted
    in a nested-dissection order (at once, part way, never)."""
    n, u, v, w = graph
    h = build_hierarchy(n, u, v, w, np.arange(len(u)), settle_limit=limits[0], contract_limit=limits[1], edge_unit=unit,
                        core_degree=dense)
    assert sorted(h.rank.tolist()) == list(range(n))
    core, left = h.stats["dissected_core"], h.stats["dissected_core_edges"]
    if dense in (0.0, np.inf):
        assert core == (n if dense == 0.0 else 0)
    else:  # ranked until the graph left was that dense (or none was left)
        assert core == 0 or 2 * left >= dense * core
    _assert_exact(h, n, u, v, w)


def test_a_dissected_order_puts_separators_last():
    """Contracted in a nested-dissection order (the whole graph as the core), a grid's last
    nodes are a separator: without the last two rows' worth the rest falls apart, where a
    ranked contraction's last nodes leave it whole. Distances stay exact."""
    from scipy.sparse.csgraph import connected_components

    side = 15
    ids = np.arange(side * side).reshape(side, side)
    u = np.concatenate([ids[:, :-1].ravel(), ids[:-1, :].ravel()])
    v = np.concatenate([ids[:, 1:].ravel(), ids[1:, :].ravel()])
    n, w = side * side, np.ones(len(u))

    def parts_without_top(h) -> int:
        keep = np.ones(n, bool)
        keep[np.argsort(h.rank)[-2 * side:]] = False
        ok = keep[u] & keep[v]
        label = connected_components(coo_matrix((w[ok], (u[ok], v[ok])), shape=(n, n)), directed=False)[1]
        return len(set(label[keep].tolist()))

    dissected = build_hierarchy(n, u, v, w, np.arange(len(u)), core_degree=0.0)
    assert dissected.stats["dissected_core"] == n
    assert parts_without_top(dissected) >= 2
    assert parts_without_top(build_hierarchy(n, u, v, w, np.arange(len(u)), core_degree=np.inf)) == 1
    _assert_exact(dissected, n, u, v, w)


def _adjacency(dense):
    """The contraction's adjacency arrays (start, length, neighbour, weight) of a dense matrix."""
    n = dense.shape[0]
    r, c = np.nonzero(np.isfinite(dense))
    length = np.bincount(r, minlength=n).astype(np.int64)
    start = np.concatenate([[0], np.cumsum(length)[:-1]]).astype(np.int64)
    return start, length, c.astype(np.int32), dense[r, c].astype(np.float64)


def _shortcuts(fn, v, adj, limit, out=None, count=0, edge_unit=24):
    n = len(adj[0])
    deg = int(adj[1][v])
    a, b, w = (np.zeros(deg * deg + 1, np.int32), np.zeros(deg * deg + 1, np.int32), np.zeros(deg * deg + 1)) \
        if out is None else out
    work = (np.full(n, np.inf), np.empty(n, np.int32), np.empty(4 * n + 16), np.empty(4 * n + 16, np.int32))
    need = np.full(n, -1.0)
    extra = () if fn is _plan else (count,)
    k = fn(v, *adj, *work, limit, edge_unit, need, a, b, w, *extra)
    assert np.isinf(work[0]).all() and (need == -1.0).all()  # work arrays left clean for the next search
    return k, (a, b, w)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graph=graphs(most=25), shallow=st.sampled_from([1, 2, 5]), unit=st.sampled_from([1, 4, 24]), data=st.data())
def test_witness_searches_decide_as_exhaustive_ones(graph, shallow, unit, data):
    """Unlimited, :func:`_plan` asks for a shortcut exactly where the graph without ``v`` has no
    path as short, and so does :func:`_recheck` of a shallow plan's pairs; limited, it keeps
    some of the shallow plan's pairs, never drops a needed one (whatever a node's edges count
    towards the limit: ``unit``)."""
    n, u, vv, w = graph
    dense = _dense(n, u, vv, w)
    adj = _adjacency(dense)
    v = data.draw(st.integers(0, n - 1))
    around = _dijkstra(dense, skip=v)
    nbrs = np.flatnonzero(np.isfinite(dense[v]))
    needed = {(min(x, y), max(x, y)) for i, x in enumerate(nbrs) for y in nbrs[i + 1:]
              if around[x, y] > dense[v, x] + dense[v, y] + 1e-9}  # beyond the stand-ins for 0

    def pairs(k, out):
        a, b, c = out
        assert np.allclose(c[:k], dense[v, a[:k]] + dense[v, b[:k]])
        return {(min(x, y), max(x, y)) for x, y in zip(a[:k], b[:k])}

    assert pairs(*_shortcuts(_plan, v, adj, 10**6)) == needed
    for deep in (shallow + 1, 10**6):
        k_shallow, plan_shallow = _shortcuts(_plan, v, adj, shallow, edge_unit=unit)
        before = pairs(k_shallow, plan_shallow)
        after = pairs(*_shortcuts(_recheck, v, adj, deep, out=plan_shallow, count=k_shallow, edge_unit=unit))
        assert needed <= after <= before
        if deep == 10**6:
            assert after == needed


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graph=graphs(), limits=st.sampled_from([(1, 1), (1, 3), (60, 300)]), data=st.data())
def test_a_given_order_keeps_every_distance(graph, limits, data):
    """Contracted in any order (a random permutation), the hierarchy has exactly that order and
    answers Dijkstra's distances."""
    n, u, v, w = graph
    rank = np.array(data.draw(st.permutations(range(n))))
    h = build_hierarchy(n, u, v, w, np.arange(len(u)), settle_limit=limits[0], contract_limit=limits[1], rank=rank)
    assert (h.rank == rank).all() and h.stats["order"] == "given"
    _assert_exact(h, n, u, v, w)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graph=graphs(), data=st.data())
def test_an_order_reused_across_two_metrics(graph, data):
    """The ranked order of one metric, reused for another on the same edges (some closed: inf,
    as the transit policy closes borders), answers the second metric's distances."""
    n, u, v, w1 = graph
    w2 = np.array(data.draw(st.lists(st.sampled_from(WEIGHTS + [np.inf]), min_size=len(u), max_size=len(u))))
    first = build_hierarchy(n, u, v, w1, np.arange(len(u)))
    second = build_hierarchy(n, u, v, w2, np.arange(len(u)), rank=first.rank)
    assert (second.rank == first.rank).all()
    _assert_exact(second, n, u, v, w2)
