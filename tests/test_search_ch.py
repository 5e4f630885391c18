"""The hierarchy's point-to-point search (corridor.search_ch) on small random graphs: Dijkstra's
costs, real paths, and the remembered shortcut unpacking giving the scanned one's edges.

Small graphs contract in well under a second; the whole network's hierarchy is checked
against A* by tests/test_ch.py and bench/ch_query.py."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from corridor.build.contraction import build_hierarchy
from corridor.ch_unpack import shortcut_memo, slot_tails, unpack_slots
from corridor.search_ch import _POOL, _p2p, _path_slots, _reset, _work_key, ch_shortest_path


def _graph(seed: int, n: int = 400, m: int = 1600):
    """Random undirected edges (with parallel ones: their cheapest counts) and its hierarchy."""
    rng = np.random.default_rng(seed)
    u, v = rng.integers(0, n, m), rng.integers(0, n, m)
    w = rng.uniform(1, 10, m).round(1)  # rounded: some ties between paths
    keep = u != v
    u, v, w = u[keep], v[keep], w[keep]
    h = build_hierarchy(n, u, v, w, np.arange(len(u)), settle_limit=3, contract_limit=3)
    return h, _cheapest_graph(n, u, v, w), u, v, w


def _cheapest_graph(n: int, u, v, w) -> csr_matrix:
    """The undirected graph of the cheapest of parallel edges (scipy would sum them)."""
    best = {}
    for x, y, c in zip(u, v, w):
        key = (min(x, y), max(x, y))
        best[key] = min(best.get(key, np.inf), c)
    r = np.array([k[0] for k in best]), np.array([k[1] for k in best]), np.array(list(best.values()))
    return csr_matrix((np.r_[r[2], r[2]], (np.r_[r[0], r[1]], np.r_[r[1], r[0]])), shape=(n, n))


@pytest.mark.parametrize("seed", [1, 2])
def test_costs_and_paths_match_dijkstra_with_several_ends(seed):
    h, graph, u, v, w = _graph(seed)
    n = graph.shape[0]
    rng = np.random.default_rng(seed)
    for _ in range(300):
        src, dst = rng.choice(n, 3, replace=False), rng.choice(n, 2, replace=False)
        sc, dc = rng.uniform(0, 4, 3).round(1), rng.uniform(0, 4, 2).round(1)
        dist = dijkstra(graph, indices=src)
        expected = np.min(sc[:, None] + dist[:, dst] + dc[None, :])
        res = ch_shortest_path(h, src, sc, dst, dc)
        assert (res is None) == np.isinf(expected)
        if res is None:
            continue
        assert res.cost == pytest.approx(expected, abs=1e-9)
        assert res.nodes[0] in src and res.nodes[-1] in dst
        a, b = res.nodes[:-1], res.nodes[1:]
        eu, ev = u[res.edges], v[res.edges]
        assert (((eu == a) & (ev == b)) | ((eu == b) & (ev == a))).all()  # a real path of original edges
        assert res.source_cost + w[res.edges].sum() + res.target_cost == pytest.approx(res.cost, abs=1e-9)


def test_remembered_unpacking_gives_the_scanned_edges():
    """Every path unpacked through the memo (filled by earlier paths, or not yet) has the edges,
    in order, that scanning the middle nodes gives; asking again gives the same answer."""
    h, graph, *_ = _graph(3)
    n = graph.shape[0]
    rng = np.random.default_rng(3)
    memo = np.zeros(len(h.up_head), np.int64)
    compared = 0
    for _ in range(400):
        s, t = (int(x) for x in rng.choice(n, 2, replace=False))
        one = np.array([s], np.int32), np.zeros(1), np.array([t], np.int32), np.zeros(1)
        with _POOL.borrow((len(h.rank), len(h.s_head))) as work:
            best, meet, nt = _p2p(h.s_indptr, h.s_head, h.s_w, *one, work.df, work.db, work.pf, work.pb, work.touched,
                                  work.kf, work.vf, work.kb, work.vb)
            if meet >= 0 and np.isfinite(best):
                slots, tails, rev = np.empty(nt, np.int64), np.empty(nt, np.int64), np.empty(nt, np.bool_)
                k = _path_slots(h.s_slot, h.up_indptr, work.df, work.db, work.pf, work.pb, meet, slots, tails, rev)[0]
                assert (tails[:k] == np.repeat(np.arange(n), np.diff(h.up_indptr))[slots[:k]]).all()
                out = [(np.empty(n + 1, np.int32), np.empty(n, np.int32)) for _ in range(2)]
                scanned = np.zeros(len(h.up_head), np.int64)  # a memo of its own: every shortcut scanned
                m1 = unpack_slots(slots[:k], rev[:k], tails[:k], h.up_indptr, h.up_head, h.up_mid, h.up_eid, scanned,
                                  *out[0])
                m2 = unpack_slots(slots[:k], rev[:k], tails[:k], h.up_indptr, h.up_head, h.up_mid, h.up_eid, memo,
                                  *out[1])
                assert m1 == m2
                assert np.array_equal(out[0][0][:m1], out[1][0][:m2]) and np.array_equal(out[0][1][:m1], out[1][1][:m2])
                compared += 1
            _reset(work.df, work.db, work.pf, work.pb, work.touched, nt)
        first = ch_shortest_path(h, *one)
        again = ch_shortest_path(h, *one)
        assert (first is None) == (again is None)
        if first is not None:
            assert np.array_equal(first.edges, again.edges) and first.cost == again.cost
    assert compared > 300 and (memo != 0).any()
    assert shortcut_memo(h).any()  # ch_shortest_path's own memo was filled too


@pytest.mark.parametrize("seed", [4, 5])
def test_slot_tails_are_the_rows_holding_the_slots(seed):
    """Every upward slot's tail, read by binary search, is the node whose row holds it (nodes
    with no upward edge, empty rows, among them), as a tail per slot would say."""
    h, *_ = _graph(seed, n=300, m=700)
    assert (np.diff(h.up_indptr) == 0).any()  # empty rows: the search must step over them
    slots = np.arange(len(h.up_head))
    expected = np.repeat(np.arange(len(h.rank)), np.diff(h.up_indptr))
    assert np.array_equal(slot_tails(h.up_indptr, slots), expected)
    assert np.array_equal(slot_tails(h.up_indptr, slots[::-1]), expected[::-1])


def test_hierarchies_of_one_graph_share_a_work_set_and_answer_as_their_own():
    """Two metrics' hierarchies of one graph (different search edges) borrow the same work set,
    whose heaps hold any of their searches, and each answers Dijkstra's costs on its own metric,
    queries of the two interleaved."""
    h1, graph1, u, v, w = _graph(6)
    n = graph1.shape[0]
    w2 = (w * np.random.default_rng(7).uniform(0.5, 2.0, len(w))).round(1)
    h2 = build_hierarchy(n, u, v, w2, np.arange(len(u)), settle_limit=3, contract_limit=3)
    graph2 = _cheapest_graph(n, u, v, w2)
    assert len(h1.s_head) != len(h2.s_head) and _work_key(h1) == _work_key(h2)
    assert _work_key(h1)[1] >= max(len(h1.s_head), len(h2.s_head))
    rng = np.random.default_rng(8)
    for _ in range(100):
        s, t = (int(x) for x in rng.choice(n, 2, replace=False))
        one = np.array([s], np.int32), np.zeros(1), np.array([t], np.int32), np.zeros(1)
        for h, graph in ((h1, graph1), (h2, graph2)):
            expected = dijkstra(graph, indices=s)[t]
            res = ch_shortest_path(h, *one)
            assert (res is None) == np.isinf(expected)
            if res is not None:
                assert res.cost == pytest.approx(expected, abs=1e-9)
