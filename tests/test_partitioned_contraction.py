"""The contraction hierarchy built part by part (:mod:`corridor.build.partitioned_contraction`)
on small random graphs cut into 2-3 parts: every distance it answers is plain Dijkstra's, every
interior node ranks below the core, and the processes give the hierarchy one process gives."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_contraction import WEIGHTS, _dense, _dijkstra

from corridor.build.partitioned_contraction import build_partitioned_hierarchy, land_parts
from corridor.search_ch import ch_shortest_path


@st.composite
def parted_graphs(draw, most=30):
    """(nodes, tails, heads, weights, part of each node): parallel edges, loops, equal weights,
    empty parts and parts with no interior allowed."""
    n = draw(st.integers(2, most))
    m = draw(st.integers(0, 5 * n))
    ends = st.lists(st.integers(0, n - 1), min_size=m, max_size=m)
    weights = st.lists(st.sampled_from(WEIGHTS), min_size=m, max_size=m)
    parts = st.lists(st.integers(-1, draw(st.integers(1, 2))), min_size=n, max_size=n)  # -1: a core node
    return (n, np.array(draw(ends), np.int64), np.array(draw(ends), np.int64), np.array(draw(weights)),
            np.array(draw(parts)))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graph=parted_graphs(), limits=st.sampled_from([(1, 1), (1, 3), (60, 300)]))
def test_every_distance_is_dijkstras(graph, limits):
    n, u, v, w, part = graph
    h = build_partitioned_hierarchy(n, u, v, w, np.arange(len(u)), part, settle_limit=limits[0],
                                    contract_limit=limits[1], workers=0)
    assert sorted(h.rank.tolist()) == list(range(n))
    assert (h.rank[h.up_tail] < h.rank[h.up_head]).all()  # every edge goes up
    ok = u != v
    boundary = part < 0
    cut = ok & (part[u] != part[v])
    boundary[u[cut]] = boundary[v[cut]] = True
    if boundary.any() and (~boundary).any():
        assert h.rank[~boundary].max() < h.rank[boundary].min()  # the core (boundary nodes) on top
    dist = _dijkstra(_dense(n, u, v, w))
    for s in range(n):
        for t in range(n):
            res = ch_shortest_path(h, [s], [0.0], [t], [0.0])
            assert (res is None) == np.isinf(dist[s, t])
            if res is not None:
                assert res.cost == pytest.approx(dist[s, t], abs=1e-9)
                assert w[res.edges].sum() == pytest.approx(res.cost, abs=1e-9)  # a real path of that cost


def test_two_processes_build_what_one_builds():
    rng = np.random.default_rng(7)
    n, m = 400, 1600
    u, v = rng.integers(0, n, m), rng.integers(0, n, m)
    w = rng.integers(1, 20, m).astype(float)
    part = (np.arange(n) * 2) // n  # two halves, many cut edges
    apart = build_partitioned_hierarchy(n, u, v, w, np.arange(m), part, workers=2)
    here = build_partitioned_hierarchy(n, u, v, w, np.arange(m), part, workers=0)
    for name in ("rank", "up_indptr", "up_head", "up_w", "up_mid", "up_eid", "s_indptr", "s_slot"):
        assert np.array_equal(getattr(apart, name), getattr(here, name)), name
    assert apart.stats["core_nodes"] < n


def test_land_parts_keep_components_whole_and_weigh_degrees():
    # core: 4 "sea" nodes; land: a clique of 8 nodes (28 edges, squared degrees 8 * 49 = 392) and
    # chains of 40 and 30 nodes (39 and 29 edges, 154 and 114), each tied to the sea once
    clique = [(a, b) for a in range(4, 12) for b in range(a + 1, 12)]
    chains = [(12, 52), (52, 82)]
    pairs = [(0, 1), (1, 2), (2, 3)] + clique + [(a, a + 1) for lo, hi in chains for a in range(lo, hi - 1)] + \
        [(0, 4), (1, 12), (2, 52)]
    core = np.arange(82) < 4
    part = land_parts(82, np.array([a for a, _ in pairs]), np.array([b for _, b in pairs]), core, 2)
    assert (part[:4] == -1).all()
    for lo, hi in [(4, 12)] + chains:
        assert len(set(part[lo:hi])) == 1  # a component stays in one part
    # by squared degrees the clique alone outweighs both chains (by edges it would go beside the shorter one)
    assert part[4] != part[12] == part[52]


def test_only_the_whole_network_default_is_built_on_both_cores(monkeypatch, tmp_path):
    from types import SimpleNamespace

    import corridor.default_hierarchies as D

    calls = []
    saved = SimpleNamespace(save=lambda path: calls.append(("saved", path)))
    monkeypatch.setattr(D, "on_both_cores", lambda net, weight, blocked: calls.append(("parts", blocked)) or saved)
    monkeypatch.setattr(D, "file_for", lambda net, layer, blocked, weight: tmp_path / f"{layer}-{blocked}.npz")
    built = SimpleNamespace(stats={"upward_edges": 1}, labels=None)
    # nothing cached (build=False), then what hierarchy() loads or builds
    monkeypatch.setattr(D, "hierarchy", lambda net, layer, blocked, weight, build=True, **kw: built if build else None)
    net = SimpleNamespace(path=tmp_path)
    for name in ("surface routes under the transit policy (hours)", D.ON_BOTH_CORES):
        assert D._build_one(net, (name, "all", np.ones(3), 5), progress=False) is built
    assert calls == [("parts", 5), ("saved", tmp_path / "all-5.npz")]
