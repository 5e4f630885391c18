"""Landmark distances are lower bounds only if the graph they are computed on keeps the
lightest of parallel edges (scipy would add them up)."""

import numpy as np

from corridor.build.graphs import shortest_edge_graph
from corridor.build.landmarks import select_landmarks


def test_parallel_edges_keep_the_lightest():
    g = shortest_edge_graph(np.array([0, 0, 0, 1]), np.array([1, 1, 1, 2]), np.array([3.0, 5.0, 3.0, 1.0]), 3)
    assert g[0, 1] == 3.0 and g[1, 2] == 1.0 and g.nnz == 2


def test_landmark_distances_on_a_graph_with_parallel_edges():
    # a path 0 - 1 - 2 whose first link is doubled (both directions stored, as in the CSR)
    tail = np.array([0, 0, 1, 1, 1, 2])
    head = np.array([1, 1, 0, 0, 2, 1])
    km = np.array([4.0, 4.0, 4.0, 4.0, 2.0, 2.0])
    indptr = np.searchsorted(tail, np.arange(4))
    ids, dist = select_landmarks(indptr, head, np.arange(6), km, np.ones(3, bool), count=2)
    assert list(ids) == [0, 2]  # the first joinable node, then the farthest from it
    assert list(dist[0]) == [0.0, 4.0, 6.0] and list(dist[1]) == [6.0, 2.0, 0.0]  # 4 + 2, not 8 + 2


def _tiny_net(path):
    """A 4-node path 0-1-2-3 (both directions) with the attributes the hour landmarks read."""
    from types import SimpleNamespace

    from corridor import modes as M

    tail = np.array([0, 1, 1, 2, 2, 3])
    head = np.array([1, 0, 2, 1, 3, 2])
    return SimpleNamespace(path=path, n_nodes=4, csr_indptr=np.searchsorted(tail, np.arange(5)),
                           csr_head=head, csr_edge=np.arange(6), edge_mode=np.full(6, M.BY_NAME["rail"]),
                           landmark_km={"all": np.array([[0.0, 1, 2, 3], [3.0, 2, 1, 0]])})


def test_hour_landmarks_are_named_by_their_weights_and_verified(tmp_path, monkeypatch):
    from corridor.engine import hour_landmarks as H
    from corridor.hierarchy_integrity import damaged_speed_ups

    net = _tiny_net(tmp_path)
    ref = np.array([1.0, 1.0, 2.0, 2.0, 3.0, 3.0])
    monkeypatch.setattr(H, "_MEMO", {})
    monkeypatch.setattr(H, "_REFERENCE", {})
    monkeypatch.setattr(H, "reference_per_edge", lambda net: ref)
    path = H.build(net)
    dist, _ = H.load(net)
    assert dist.tolist() == [[0, 1, 3, 6], [6, 5, 3, 0]]
    assert damaged_speed_ups(tmp_path) == (1, {})

    # another corridor's default costing (other reference hours) never reads these distances
    monkeypatch.setattr(H, "_MEMO", {})
    monkeypatch.setattr(H, "_REFERENCE", {})
    monkeypatch.setattr(H, "reference_per_edge", lambda net: 2 * ref)
    assert H.load(net) is None

    data = bytearray(path.read_bytes())
    data[-3] ^= 0x40  # a distance's byte: shape and size still right
    path.write_bytes(bytes(data))
    checked, damaged = damaged_speed_ups(tmp_path)
    assert checked == 1 and "checksum" in damaged[path]
