"""A* for requests no hierarchy fits (another cargo, objective, closures): the same costs as plain
Dijkstra with the hour landmarks' bound, and the objective's weights shared per metric value."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from corridor.engine import hour_landmarks
from corridor.geo import EARTH_RADIUS_KM
from corridor.search import shortest_path


def _small_network(rng, n=400, modes=3, landmarks=6):
    """Points on a quarter of the globe joined to their 4 nearest neighbours, each edge of a
    random mode and at least as long as its great circle, with km and reference landmarks."""
    lat, lon = np.radians(rng.uniform(-40, 40, n)), np.radians(rng.uniform(-60, 60, n))
    xyz = np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    chord = np.linalg.norm(xyz[:, None] - xyz[None], axis=2)
    near = np.argsort(chord, axis=1)[:, 1:5]
    pairs = np.unique(np.sort(np.column_stack([np.repeat(np.arange(n), 4), near.ravel()]), axis=1), axis=0)
    u, v = pairs[:, 0], pairs[:, 1]
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1, chord[u, v] / 2)) * rng.uniform(1.0, 1.3, len(u))
    mode = rng.integers(0, modes, len(u))
    order = np.argsort(np.r_[u, v], kind="stable")  # each edge listed from both its ends
    tail, head, edge = np.r_[u, v][order], np.r_[v, u][order], np.r_[np.arange(len(u)), np.arange(len(u))][order]
    indptr = np.r_[0, np.cumsum(np.bincount(tail, minlength=n))].astype(np.int32)
    lm_nodes = rng.choice(n, landmarks, replace=False)
    graph = csr_matrix((km, (u, v)), shape=(n, n))
    net = SimpleNamespace(csr_indptr=indptr, csr_head=head.astype(np.int32), csr_edge=edge.astype(np.int32),
                          node_xyz=xyz, edge_flags=rng.choice(np.array([0, 1, 2], np.uint32), len(u), p=[0.9, 0.05, 0.05]),
                          landmark_km={"all": dijkstra(graph, directed=False, indices=lm_nodes)})
    ref = km * rng.uniform(0.5, 2.0, modes)[mode]  # the "default" weighting of the modes
    hours = np.empty((landmarks, n))
    for k, s in enumerate(lm_nodes):
        hour_landmarks._dijkstra_all(net.csr_indptr, net.csr_head, net.csr_edge, ref, int(s), hours[k])
    hours.flags.writeable = False  # as the memory-mapped file
    return net, (u, v, km, mode), ref, hours


def test_astar_with_hour_landmarks_matches_plain_dijkstra():
    """Random requests (mode costs, closed edges, blocked passages, several connectors at each
    end) on small networks: every cost equals Dijkstra's, whichever landmark set bounds higher."""
    rng = np.random.default_rng(17)
    checked = 0
    for _ in range(3):
        net, (u, v, km, mode), ref, hours = _small_network(rng)
        n = len(net.csr_indptr) - 1
        for _ in range(4):
            w_open = km * rng.uniform(0.3, 3.0, mode.max() + 1)[mode]  # another cargo or objective
            alpha = hour_landmarks.scale(w_open, ref)
            w = np.where(rng.random(len(km)) < 0.05, np.inf, w_open)  # closures only raise weights
            blocked = int(rng.integers(0, 4))
            ok = np.isfinite(w) & ((net.edge_flags & blocked) == 0)
            graph = csr_matrix((w[ok], (u[ok], v[ok])), shape=(n, n))
            for _ in range(8):
                src, dst = rng.choice(n, 2, replace=False), rng.choice(n, 3, replace=False)
                s_cost, d_cost = rng.uniform(0, 50, 2), rng.uniform(0, 50, 3)
                dist = dijkstra(graph, directed=False, indices=src)
                want = np.min(s_cost[:, None] + dist[:, dst] + d_cost[None, :])
                res = shortest_path(net, src, s_cost, dst, d_cost, net.node_xyz[dst], blocked=blocked, weight=w,
                                    cost_per_km=float(np.min(w_open / km)), landmarks="all",
                                    landmark_dist=hours, landmark_scale=alpha)
                if np.isinf(want):
                    assert res is None
                else:
                    assert res.cost == pytest.approx(want, rel=1e-9)
                    assert res.source_cost + w[res.edges].sum() + res.target_cost == pytest.approx(res.cost)
                    checked += 1
    assert checked > 50


def test_scale_bounds_every_usable_edge():
    w = np.array([2.0, 3.0, np.inf, 5.0, 0.0])
    ref = np.array([1.0, 1.0, 0.1, 0.0, 0.0])
    assert hour_landmarks.scale(w, ref) == 2.0
    assert np.all(w[ref > 0][np.isfinite(w[ref > 0])] >= 2.0 * ref[ref > 0][np.isfinite(w[ref > 0])])
    assert hour_landmarks.scale(w, np.zeros(5)) == 0.0


def test_objective_weights_shared_by_metric_value(net):
    """Equal requests share one read-only weight array (and its closures' copy); another
    reference value gives another array, equal to the objective computed afresh."""
    from corridor.costing import objective
    from corridor.costing.profile import Profile
    from corridor.engine.restrictions import Ctx

    profile = Profile(frozenset({"sea", "rail", "road", "ferry"}))
    first = Ctx(net, profile, {"time": 1.0, "co2": 1.0}, {"time": 100.0, "co2": 5000.0}).weight()
    again = Ctx(net, Profile(frozenset({"sea", "rail", "road", "ferry"})), {"time": 1.0, "co2": 1.0},
                {"time": 100.0, "co2": 5000.0}).weight()
    assert again[0] is first[0] and again[1] == first[1] and not first[0].flags.writeable
    other = Ctx(net, profile, {"time": 1.0, "co2": 1.0}, {"time": 100.0, "co2": 2500.0}).weight()
    assert other[0] is not first[0]
    fresh = objective.edge_weight(net, Ctx(net, profile).weights, {"time": 1.0, "co2": 1.0},
                                  {"time": 100.0, "co2": 2500.0})
    shut = np.isinf(other[0]) & np.isfinite(fresh)  # the borders closed by default
    assert np.array_equal(other[0][~shut], fresh[~shut])
