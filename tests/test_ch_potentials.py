"""CH-potentials for the A* of non-default requests (:mod:`corridor.engine.ch_potentials`): exact
default distances to the targets, a lower bound only for requests that use the hierarchy's edges
alone, and the same answers as plain Dijkstra."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from test_astar_options import _small_network

from corridor.build.contraction import build_hierarchy
from corridor.engine import ch_potentials, hour_landmarks
from corridor.search import _ch_potential, _forget, _potential_work, shortest_path

CLOSED_BY_DEFAULT = 1  # the passage bit the "default" hierarchy is built with closed


def _default_hierarchy(net, edges, ref, rng):
    """The small network's hierarchy for its default weights ``ref``, with passage bit 1 and a few
    edges (borders closed by default) shut, and its potentials."""
    u, v, _, _ = edges
    w = np.where(rng.random(len(ref)) < 0.03, np.inf, ref)
    keep = (net.edge_flags & CLOSED_BY_DEFAULT) == 0
    eid = np.flatnonzero(keep)
    h = build_hierarchy(len(net.csr_indptr) - 1, u[keep], v[keep], w[keep], eid)
    return w, ch_potentials.of_graph(h, w, CLOSED_BY_DEFAULT, net.edge_flags)


def _distances(edges, w, flags, blocked, n, dst, dst_cost):
    """Least ``w`` from every node to the targets (with their connector costs), by Dijkstra."""
    u, v, _, _ = edges
    ok = np.isfinite(w) & ((flags & blocked) == 0)
    dist = dijkstra(csr_matrix((w[ok], (u[ok], v[ok])), shape=(n, n)), directed=False, indices=dst)
    return np.min(dist + np.asarray(dst_cost)[:, None], axis=0)


def _potentials_everywhere(pot, dst, dst_cost, alpha, n):
    with ch_potentials.bound(pot, dst, dst_cost, alpha) as p:
        memo = _potential_work(n)
        out = np.array([_ch_potential(x, *p[:4], *memo) for x in range(n)]) * alpha
        _forget(memo[0], memo[3], memo[4])
    return out


def test_potential_is_the_exact_default_distance_scaled():
    """Every node's potential is alpha times its least default-weight distance to the targets."""
    rng = np.random.default_rng(3)
    net, edges, ref, _ = _small_network(rng)
    n = len(net.csr_indptr) - 1
    w_default, pot = _default_hierarchy(net, edges, ref, rng)
    for alpha in (1.0, 0.37):
        dst, dst_cost = rng.choice(n, 3, replace=False), rng.uniform(0, 20, 3)
        want = alpha * _distances(edges, w_default, net.edge_flags, CLOSED_BY_DEFAULT, n, dst, dst_cost / alpha)
        got = _potentials_everywhere(pot, dst, dst_cost, alpha, n)
        assert np.array_equal(np.isinf(got), np.isinf(want))
        assert got[np.isfinite(want)] == pytest.approx(want[np.isfinite(want)], rel=1e-9)


def test_astar_with_ch_potentials_matches_plain_dijkstra():
    """Random non-default requests (mode costs as another cargo or objective, closed edges, closed
    passages, several connectors at each end): with the potential, the same cost as Dijkstra and
    as the A* on landmarks alone."""
    rng = np.random.default_rng(17)
    checked = 0
    for _ in range(3):
        net, edges, ref, hours = _small_network(rng)
        _, _, km, mode = edges
        n = len(net.csr_indptr) - 1
        w_default, pot = _default_hierarchy(net, edges, ref, rng)
        for _ in range(4):
            w_open = np.where(np.isfinite(w_default), km * rng.uniform(0.3, 3.0, mode.max() + 1)[mode], np.inf)
            alpha = hour_landmarks.scale(w_open, ref)
            w = np.where(rng.random(len(km)) < 0.05, np.inf, w_open)  # closures only raise weights
            blocked = CLOSED_BY_DEFAULT | int(rng.integers(0, 2)) * 2
            assert pot.fits(w, blocked)
            for _ in range(8):
                src, dst = rng.choice(n, 2, replace=False), rng.choice(n, 3, replace=False)
                s_cost, d_cost = rng.uniform(0, 50, 2), rng.uniform(0, 50, 3)
                want = np.min(s_cost + _distances(edges, w, net.edge_flags, blocked, n, dst, d_cost)[src])
                open_ = np.isfinite(w_open)
                kw = {"blocked": blocked, "weight": w, "cost_per_km": float(np.min(w_open[open_] / km[open_])),
                      "landmarks": "all", "landmark_dist": hours, "landmark_scale": alpha}
                res = shortest_path(net, src, s_cost, dst, d_cost, net.node_xyz[dst],
                                    potential=partial(ch_potentials.bound, pot, dst, d_cost, alpha), **kw)
                plain = shortest_path(net, src, s_cost, dst, d_cost, net.node_xyz[dst], **kw)
                if np.isinf(want):
                    assert res is None and plain is None
                else:
                    assert res.cost == pytest.approx(want, rel=1e-9) and plain.cost == pytest.approx(want, rel=1e-9)
                    assert res.source_cost + w[res.edges].sum() + res.target_cost == pytest.approx(res.cost)
                    checked += 1
    assert checked > 50


def test_requests_using_edges_the_hierarchy_lacks_get_no_potential():
    """A request that opens the passage closed by default, or an edge shut in the default
    weights, does not fit: its true distances fall below the potential somewhere, so A* must
    run on the landmarks alone."""
    rng = np.random.default_rng(5)
    net, edges, ref, _ = _small_network(rng)
    n = len(net.csr_indptr) - 1
    w_default, pot = _default_hierarchy(net, edges, ref, rng)
    assert pot.fits(w_default, CLOSED_BY_DEFAULT) and pot.fits(w_default * 2, CLOSED_BY_DEFAULT | 2)
    assert not pot.fits(w_default, 0)  # the passage open
    assert not pot.fits(ref, CLOSED_BY_DEFAULT)  # the closed edges open
    dst, dst_cost = rng.choice(n, 1), np.zeros(1)
    true = _distances(edges, ref, net.edge_flags, 0, n, dst, dst_cost)  # every edge open, default weights
    assert np.any(_potentials_everywhere(pot, dst, dst_cost, 1.0, n) > true + 1e-9)


def test_the_default_request_is_the_default_hierarchys(net):
    """The potentials look up the hierarchy the background build makes for default surface routes."""
    from corridor.default_hierarchies import default_requests

    [(_, layer, weight, blocked)] = [r for r in default_requests(net) if r[0].startswith("surface routes (default")]
    mine, mask = ch_potentials.default_request(net)
    assert layer == "all" and mask == blocked and np.array_equal(mine, weight)


def test_routes_with_potentials_equal_routes_without(net, monkeypatch):
    """On the real network, with its default surface hierarchy: Suez closed and a CO2e objective
    give the same totals with the potential as on landmarks alone."""
    import corridor
    from corridor import planner
    from corridor.engine import search

    if ch_potentials.surface(net) is None:
        pytest.skip("the default surface hierarchy is not built in this cache")
    monkeypatch.setenv("CORRIDOR_ONLY_DEFAULT_CH", "1")  # a Suez or dry-bulk hierarchy in this cache would answer
    used = []
    bound = ch_potentials.bound

    def spy(*a, **kw):
        used.append(True)
        return bound(*a, **kw)

    monkeypatch.setattr(ch_potentials, "bound", spy)
    planner.forget_kept_legs()  # every route below searches: none is answered from kept legs
    cases = [("Mumbai", "Genoa", {"avoid": "suez"}), ("Almaty", "Istanbul", {"cargo": "dry-bulk", "tonnes": 20000})]
    with_pot = [corridor.route(a, b, modes=["sea", "rail", "road", "ferry"], **o).totals() for a, b, o in cases]
    assert used
    monkeypatch.setattr(search, "_potential", lambda *a: None)
    planner.forget_kept_legs()
    without = [corridor.route(a, b, modes=["sea", "rail", "road", "ferry"], **o).totals() for a, b, o in cases]
    for x, y in zip(with_pot, without):
        assert {k: x[k] for k in ("duration_h", "cost_usd", "co2e_kg")} == pytest.approx(
            {k: y[k] for k in ("duration_h", "cost_usd", "co2e_kg")}, rel=1e-9)
