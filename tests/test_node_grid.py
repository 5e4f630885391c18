"""The grid that finds the sea, rail and road nodes near a place (corridor.node_grid): the nodes
and distances scipy's KD-tree gives, kept in the network folder, built again when damaged or stale."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial import cKDTree

from corridor import modes as M
from corridor import node_grid
from corridor.geo import chord_for_km, to_unit_vectors


class _Net:
    """A network's fields the grid reads (an object of its own identity, as the network memo
    keeps keys by it)."""

    def __init__(self, **fields):
        self.__dict__.update(fields)


def _network(path, lon, lat, mode, n_sea=0, built="first") -> _Net:
    """Nodes 0 .. n_sea - 1 are the sea layer (mode sea), the others of ``mode``; ``built`` stands
    for the manifest's date, which tells one build of a folder from another."""
    mode = np.asarray(mode, np.uint8).copy()
    mode[:n_sea] = M.SEA
    return _Net(path=path, node_lon=np.asarray(lon, float), node_lat=np.asarray(lat, float),
                node_mode=mode, n_sea_nodes=n_sea, manifest={"built": built})


def _nearest(grid, net, layer, lon, lat, k, max_km):
    return grid.nearest(net, layer, to_unit_vectors(lon, lat), k, chord_for_km(max_km))


def _tree_answer(net, layer, lon, lat, k, max_km):
    """What access asked the KD-trees before (the reference): over the sea layer, or a mode's nodes."""
    ids = np.arange(net.n_sea_nodes) if layer == "sea" else np.flatnonzero(net.node_mode == M.BY_NAME[layer])
    if not len(ids):
        return ids, np.zeros(0)
    chord, idx = cKDTree(to_unit_vectors(net.node_lon[ids], net.node_lat[ids])).query(
        to_unit_vectors(lon, lat), k=k, distance_upper_bound=chord_for_km(max_km))
    chord, idx = np.atleast_1d(chord), np.atleast_1d(idx)
    ok = np.isfinite(chord)
    return ids[idx[ok]], chord[ok]


@settings(max_examples=150, deadline=None)
@given(lon=st.floats(-180, 180), lat=st.floats(-90, 90), spread=st.sampled_from([0.05, 0.5, 3.0, 30.0]),
       n=st.integers(0, 60), k=st.integers(1, 4), max_km=st.sampled_from([1.0, 20.0, 50.0, 120.0, 900.0]),
       seed=st.integers(0, 2 ** 16), sea_share=st.floats(0, 1))
def test_nearest_nodes_are_the_kd_trees(tmp_path_factory, lon, lat, spread, n, k, max_km, seed, sea_share):
    """Any point (poles and the date line included), any reach and count: the same nodes at the
    same chord, nearest first, as the KD-tree (nodes scattered around the point, of every layer)."""
    rng = np.random.default_rng(seed)
    node_lon = (lon + rng.normal(0, spread, n) + 180.0) % 360.0 - 180.0
    node_lat = np.clip(lat + rng.normal(0, spread, n), -90, 90)
    net = _network(tmp_path_factory.mktemp("grid"), node_lon, node_lat, rng.choice([M.SEA, M.RAIL, M.ROAD], n),
                   n_sea=int(sea_share * n))
    grid = node_grid.load_or_build(net)
    for layer in node_grid.LAYERS:
        nodes, chord = _nearest(grid, net, layer, lon, lat, k, max_km)
        want_nodes, want_chord = _tree_answer(net, layer, lon, lat, k, max_km)
        assert np.array_equal(chord, want_chord)
        if len(set(chord.tolist())) == len(chord):  # nodes at one distance may come in either order
            assert np.array_equal(nodes, want_nodes)
        assert set(nodes.tolist()) <= set(_tree_answer(net, layer, lon, lat, n + 1, 1e5)[0].tolist())


def test_coincident_nodes_come_in_id_order(tmp_path):
    net = _network(tmp_path, [10.0, 10.0, 10.0, 10.1], [50.0, 50.0, 50.0, 50.0], [M.ROAD] * 4)
    nodes, chord = _nearest(node_grid.load_or_build(net), net, "road", 10.0, 50.01, 2, 50.0)
    assert nodes.tolist() == [0, 1] and chord[0] == chord[1]


def test_the_grid_is_kept_in_the_network_folder_and_read_back(tmp_path, monkeypatch):
    net = _network(tmp_path, [10.0, 11.0, 12.0], [50.0, 50.5, 51.0], [M.RAIL, M.ROAD, M.ROAD])
    first = node_grid.load_or_build(net)
    assert node_grid.path_of(tmp_path).is_file()
    monkeypatch.setattr(node_grid, "build", lambda *a: pytest.fail("the kept grid was built again"))
    again = node_grid.load_or_build(net)
    assert again.arrays.keys() == first.arrays.keys()
    assert all(np.array_equal(again.arrays[name], first.arrays[name]) for name in first.arrays)
    assert _nearest(again, net, "road", 11.0, 50.6, 1, 50.0)[0].tolist() == [1]


@pytest.mark.parametrize("harm", ["truncated", "flipped", "unknown compression", "other nodes", "another build",
                                  "other cell size"])
def test_a_damaged_or_stale_grid_is_built_again(tmp_path, capsys, harm):
    rng = np.random.default_rng(3)
    net = _network(tmp_path, rng.uniform(0, 20, 500), rng.uniform(40, 55, 500), rng.choice([M.RAIL, M.ROAD], 500),
                   n_sea=100)
    node_grid.load_or_build(net)
    path = node_grid.path_of(tmp_path)
    data = bytearray(path.read_bytes())
    if harm == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif harm == "flipped":
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))
    elif harm == "unknown compression":  # a member's method in the central directory: numpy raises NotImplementedError
        at = data.rfind(b"PK\x01\x02")
        data[at + 10:at + 12] = (99).to_bytes(2, "little")
        path.write_bytes(bytes(data))
    elif harm == "other nodes":
        net.node_mode = net.node_mode.copy()
        net.node_mode[200:210] = M.SEA
    elif harm == "another build":  # the folder rebuilt in place: the same counts, nodes elsewhere
        net = _network(tmp_path, net.node_lon + 1.0, net.node_lat, net.node_mode, n_sea=100, built="second")
    else:
        with np.load(path) as z:
            arrays = dict(z)
        arrays["cell"] = arrays["cell"] * 2
        with open(path, "wb") as f:
            np.savez(f, **arrays)
    capsys.readouterr()
    grid = node_grid.load_or_build(net)
    assert "node-grid-1.npz is damaged or stale" in capsys.readouterr().err
    node_grid.load_or_build(net)
    assert capsys.readouterr().err == ""  # the grid written again is sound
    for lon, lat in rng.uniform((0, 40), (20, 55), (20, 2)):
        for layer in node_grid.LAYERS:
            assert np.array_equal(_nearest(grid, net, layer, lon, lat, 2, 50.0)[1],
                                  _tree_answer(net, layer, lon, lat, 2, 50.0)[1])


def test_a_folder_that_cannot_be_written_gets_a_grid_in_memory(tmp_path, monkeypatch):
    def read_only(*_):
        raise PermissionError(13, "Read-only file system")

    from corridor import atomic_npz

    monkeypatch.setattr(atomic_npz.os, "replace", read_only)
    net = _network(tmp_path, [10.0, 10.2], [50.0, 50.0], [M.RAIL, M.RAIL])
    nodes, _ = _nearest(node_grid.load_or_build(net), net, "rail", 10.15, 50.0, 1, 50.0)
    assert nodes.tolist() == [1]
    assert list(tmp_path.iterdir()) == []  # nor a temporary file left
