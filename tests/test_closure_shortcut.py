"""Requests that only close more than a built one, answered on its hierarchy
(:mod:`corridor.engine.closure_shortcut`): the same costs as plain Dijkstra / A*, whether the
shortcut serves or must refuse, and no shortcut for another cargo or objective."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from test_astar_options import _small_network

from corridor.build.contraction import build_hierarchy
from corridor.engine import closure_shortcut
from corridor.search import shortest_path

CLOSED_BY_DEFAULT = 1  # the passage bit the small network's built request closes
EXTRA_PASSAGE = 2  # the one a request may close on top


def test_small_networks_served_or_refused_match_dijkstra():
    """Random built requests M and requests R = M plus closed edges and a closed passage: the
    shortcut's cost equals Dijkstra's under R when it serves, and when it refuses, A* with M's
    distances as potential gives Dijkstra's cost; both outcomes occur."""
    rng = np.random.default_rng(23)
    outcomes = {"served": 0, "refused": 0, "none": 0}
    for _ in range(3):
        net, (u, v, km, mode), _, _ = _small_network(rng)
        n = len(net.csr_indptr) - 1
        w_m = np.where(rng.random(len(km)) < 0.03, np.inf, km * rng.uniform(0.5, 2.0, mode.max() + 1)[mode])
        keep = (net.edge_flags & CLOSED_BY_DEFAULT) == 0
        h = build_hierarchy(n, u[keep], v[keep], w_m[keep], np.flatnonzero(keep))
        per_km = float(np.min((w_m / km)[np.isfinite(w_m)]))  # scales the km landmarks to a lower bound
        for _ in range(6):
            w_r = np.where(rng.random(len(km)) < rng.uniform(0.0, 0.1), np.inf, w_m)
            b_r = CLOSED_BY_DEFAULT | int(rng.integers(0, 2)) * EXTRA_PASSAGE
            low = closure_shortcut.Lower(h, b_r, w_r)
            ok = np.isfinite(w_r) & ((net.edge_flags & b_r) == 0)
            graph = csr_matrix((w_r[ok], (u[ok], v[ok])), shape=(n, n))
            for _ in range(6):
                src, dst = rng.choice(n, 2, replace=False), rng.choice(n, 2, replace=False)
                s_cost, d_cost = rng.uniform(0, 30, 2), rng.uniform(0, 30, 2)
                want = np.min(dijkstra(graph, directed=False, indices=src)[:, dst] + s_cost[:, None] + d_cost)
                res = closure_shortcut.shortest_path(low, net, src, s_cost, dst, d_cost)
                if res is closure_shortcut.REFUSED:
                    outcomes["refused"] += 1
                    res = shortest_path(net, src, s_cost, dst, d_cost, net.node_xyz[dst], blocked=b_r, weight=w_r,
                                        cost_per_km=per_km, landmarks="all", potential=low.potential(dst, d_cost))
                else:
                    outcomes["served" if res is not None else "none"] += 1
                got = np.inf if res is None else res.cost
                assert got == pytest.approx(want, rel=1e-9) if np.isfinite(want) else not np.isfinite(got)
                if res is not None:  # the path itself is open under R and costs what it says
                    assert np.all(ok[res.edges])
                    assert res.source_cost + w_r[res.edges].sum() + res.target_cost == pytest.approx(got, rel=1e-9)
    assert outcomes["served"] > 10 and outcomes["refused"] > 5, outcomes


def _sea_ctx(net, **closures):
    """The default sea route request (the one its hierarchy is built for), with ``closures``."""
    from corridor.costing import params as params_mod
    from corridor.costing import sea as sea_costing
    from corridor.costing.cargo import make_cargo
    from corridor.costing.profile import Profile
    from corridor.engine.restrictions import Ctx

    cargo, params = make_cargo(None), params_mod.load(None)
    return Ctx(net, Profile(frozenset({"sea"}), sea_costing.speed(None, cargo, params), cargo, params), **closures)


@pytest.fixture(scope="module")
def sea_default(net, sea_route_hierarchy):
    """(hierarchy, weights, closed passages) of the default sea route request, as the background
    build makes it (the session's second process builds it: found on disk for these weights)."""
    from corridor.data import passages as P
    from corridor.engine.hierarchies import hierarchy
    from corridor.engine.restrictions import blocked_mask

    assert sea_route_hierarchy.wait(timeout=1800) == 0
    ctx = _sea_ctx(net)
    blocked = blocked_mask([], [], "seagoing") | P.mask_of(set(ctx.profile.cargo.closed_passages()))
    h = hierarchy(net, "sea", blocked, ctx.weight()[0], build=False)
    assert h is not None
    return h, ctx.weight()[0], blocked


def _search_both_ways(net, monkeypatch, ctx, a, b, blocked):
    """best_path's cost with the hierarchies, what the shortcut did (and on which hierarchies),
    and the cost with A* alone."""
    from corridor.engine import search

    seen, served_by = [], []
    real = closure_shortcut.search

    def spy(*args):
        answer, low = real(*args)
        if low is not None:  # a built request it only closes more than: served, or refused for A*
            seen.append("refused" if answer is closure_shortcut.REFUSED else "served")
            served_by.append(low.hierarchy)
        return answer, low

    monkeypatch.setattr(closure_shortcut, "search", spy)
    fast = search.best_path(ctx, a, b, blocked)
    monkeypatch.setenv("CORRIDOR_NO_CH", "1")
    plain = search.best_path(ctx, a, b, blocked)
    monkeypatch.delenv("CORRIDOR_NO_CH")
    monkeypatch.setattr(closure_shortcut, "search", real)
    return (None if fast is None else fast[0].cost), (seen, served_by), (None if plain is None else plain[0].cost)


SEA_PASSAGES = ["suez", "panama", "bab-el-mandeb", "malacca", "gibraltar", "hormuz", "good-hope"]
PORTS = ["CNSHA", "NLRTM", "SGSIN", "USNYC", "BRSSZ", "INNSA", "AEJEA", "EGPSD", "ESALG", "JPTYO", "AUMEL", "ZADUR"]


def test_sea_requests_with_random_closures_match_astar(net, sea_default, monkeypatch):
    """Random sea requests with extra closed passages, ports and countries on the real network:
    the same cost with the shortcut as with A* alone, and both served and refused searches."""
    from corridor.data import passages as P
    from corridor.engine.access import access
    from corridor.engine.restrictions import blocked_mask
    from corridor.places import resolve

    rng = np.random.default_rng(7)
    outcomes = []
    for _ in range(10):
        x, y = rng.choice(PORTS, 2, replace=False)
        closed = rng.choice(SEA_PASSAGES, int(rng.integers(1, 3)), replace=False)
        ports = frozenset(rng.choice([p for p in PORTS if p not in (x, y)], int(rng.integers(0, 2))))
        ctx = _sea_ctx(net, closed_ports=ports, countries=frozenset(rng.choice(["EG", "PA", "YE"], int(rng.integers(0, 2)))))
        blocked = sea_default[2] | P.mask_of(set(closed))
        assert blocked == blocked_mask(list(closed), [], "seagoing") | sea_default[2]
        a, b = (access(net, resolve(q, net), ctx.profile) for q in (x, y))
        fast, (seen, _), plain = _search_both_ways(net, monkeypatch, ctx, a, b, blocked)
        assert seen, "the shortcut was not tried for a request that only closes more"
        outcomes += seen
        assert (fast is None) == (plain is None)
        if fast is not None:
            assert fast == pytest.approx(plain, rel=1e-9)
    assert "served" in outcomes and "refused" in outcomes, outcomes


def test_surface_requests_with_closures_match_astar(net, monkeypatch):
    """Surface requests with Suez closed, or a country closed, on the default surface hierarchy
    (when this cache has it), and the transit policy's countries with Suez closed on the
    policy's hierarchy: the same cost as A* alone."""
    from corridor import modes as M
    from corridor import transit_policy
    from corridor.costing.profile import Profile
    from corridor.data import passages as P
    from corridor.engine import ch_potentials
    from corridor.engine.access import access
    from corridor.engine.restrictions import Ctx
    from corridor.places import resolve

    if ch_potentials.surface(net) is None:
        pytest.skip("the default surface hierarchy is not built in this cache")
    monkeypatch.setenv("CORRIDOR_ONLY_DEFAULT_CH", "1")  # a Suez hierarchy built in this cache would answer instead
    default = ch_potentials.surface(net).hierarchy
    _, base = ch_potentials.default_request(net)
    policy = frozenset(transit_policy.restrictions())
    cases = [("Mumbai", "Genoa", frozenset(), "suez"), ("Almaty", "Istanbul", frozenset({"GE"}), None),
             ("Almaty", "Istanbul", policy, "suez")]
    outcomes = []
    for x, y, countries, passage in cases:
        ctx = Ctx(net, Profile(frozenset(M.SURFACE)), countries=countries)
        blocked = base | (P.mask_of({passage}) if passage else 0)
        a, b = (access(net, resolve(q, net), ctx.profile) for q in (x, y))
        fast, (seen, used), plain = _search_both_ways(net, monkeypatch, ctx, a, b, blocked)
        assert seen
        outcomes += seen
        assert fast == pytest.approx(plain, rel=1e-9)
        if countries == policy:  # on the policy's own hierarchy: the default's path crosses Russia
            assert seen[-1] == "served" and used[-1] is not default
    assert "refused" in outcomes  # Mumbai-Genoa's best path runs through Suez


def test_another_cargo_or_objective_is_not_served(net, sea_default):
    """A request that prices edges otherwise than the default (dry bulk at its own sea speed, a
    CO2e objective) is not served by the default hierarchy, with or without closures; the
    default plus Suez is, and so is dry bulk at the container ship's speed: by sea alone its
    hours per edge are the default's, value for value."""
    from corridor.costing import params as params_mod
    from corridor.costing import sea as sea_costing
    from corridor.costing.cargo import make_cargo
    from corridor.data import passages as P

    h_default, _, base = sea_default
    suez = base | P.mask_of({"suez"})
    ctx = _sea_ctx(net)
    assert [low.hierarchy for low in closure_shortcut.lowers(ctx, "sea", suez)] == [h_default]
    cargo, p = make_cargo("dry-bulk", tonnes=20000), ctx.profile
    bulk = ctx.replace(profile=type(p)(p.modes, sea_costing.speed(None, cargo, params_mod.load(None)), cargo, p.params))
    assert bulk.profile.sea_speed.value != p.sea_speed.value
    for other in (ctx.replace(objective={"co2": 1.0}), bulk):
        for blocked in (suez, base):
            assert all(low.hierarchy is not h_default for low in closure_shortcut.lowers(other, "sea", blocked))
    same_speed = ctx.replace(profile=type(p)(p.modes, p.sea_speed, cargo, p.params))
    assert [low.hierarchy for low in closure_shortcut.lowers(same_speed, "sea", suez)] == [h_default]



def test_a_candidate_opening_all_a_refused_one_opens_refuses_too():
    """Nested built requests M1 = M2 plus a closed passage and R = M1 plus closed edges, on
    small networks: wherever M1's best path is shut for R, so is M2's (so the shortcut need not
    search M2); where M2's is open, M1's is too and costs the same."""
    rng = np.random.default_rng(29)
    refused = 0
    for _ in range(3):
        net, (u, v, km, mode), _, _ = _small_network(rng)
        n = len(net.csr_indptr) - 1
        w = np.where(rng.random(len(km)) < 0.03, np.inf, km * rng.uniform(0.5, 2.0, mode.max() + 1)[mode])
        lows = []
        for b_m in (CLOSED_BY_DEFAULT | EXTRA_PASSAGE, CLOSED_BY_DEFAULT):  # M1, then M2 which opens more
            keep = (net.edge_flags & b_m) == 0
            h = build_hierarchy(n, u[keep], v[keep], w[keep], np.flatnonzero(keep))
            w_r = np.where(rng.random(len(km)) < 0.05, np.inf, w) if not lows else lows[0].weight
            lows.append(closure_shortcut.Lower(h, CLOSED_BY_DEFAULT | EXTRA_PASSAGE, w_r))
        for _ in range(40):
            src, dst = rng.choice(n, 2, replace=False), rng.choice(n, 2, replace=False)
            s_cost, d_cost = rng.uniform(0, 30, 2), rng.uniform(0, 30, 2)
            m1, m2 = (closure_shortcut.shortest_path(low, net, src, s_cost, dst, d_cost) for low in lows)
            if m1 is closure_shortcut.REFUSED:
                refused += 1
                assert m2 is closure_shortcut.REFUSED
            elif m2 is not closure_shortcut.REFUSED and m2 is not None:
                assert m1.cost == pytest.approx(m2.cost, rel=1e-9)
    assert refused >= 5


def test_candidates_opening_all_a_refused_one_opens_are_not_searched(monkeypatch):
    """Past a refused candidate, one whose request opens all it opens costs no CH query; one
    that does not (another base: the transit policy's countries kept or not) is searched, and
    serves when its path is open. A* is then bounded by the first candidate searched."""
    opens_more = {("M2", "M1")}  # M2 opens every edge M1 opens; N is neither's superset
    lows = [closure_shortcut.Lower(name, 0, None, name) for name in ("M1", "M2", "N")]
    tried, serves = [], set()
    monkeypatch.setattr(closure_shortcut, "lowers", lambda *a: iter(lows))
    monkeypatch.setattr(closure_shortcut, "_opens_all", lambda net, layer, low, shut: (low.request, shut.request)
                        in opens_more)
    monkeypatch.setattr(closure_shortcut, "shortest_path",
                        lambda low, *a: tried.append(low.request) or ("path" if low.request in serves else
                                                                      closure_shortcut.REFUSED))
    ctx = SimpleNamespace(net=None)
    assert closure_shortcut.search(ctx, "all", 0, *[()] * 4) == (closure_shortcut.REFUSED, lows[0])
    assert tried == ["M1", "N"]
    tried.clear()
    serves.add("N")
    assert closure_shortcut.search(ctx, "all", 0, *[()] * 4) == ("path", lows[2]) and tried == ["M1", "N"]
