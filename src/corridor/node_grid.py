"""The sea, rail and road nodes nearest a point, from a grid kept in the network folder.

A place joins the network at its nearest rail and road nodes, by truck, and a point at sea
nodes (:mod:`corridor.engine.access`). KD-trees over the 0.8 million land nodes cost most of a
second in every new process (scipy's import, the nodes' unit vectors, the trees), a third of a
first multimodal route's CPU time; the sea layer's about 0.3 s more for a point. The grid costs
that once per network: each layer's nodes sorted by the cube of :data:`CELL_KM` (as a chord of
the unit sphere) their point falls in, written at first use into the network folder as
``node-grid-<FORMAT>.npz`` (atomically; a zip whose members carry CRC-32s that numpy checks as
it reads them) and checked on every load (the network it was built for, sizes, order, every id in range and of
its layer): a damaged or stale grid is built again, never used. A query reads the cells the ball of its reach
touches and keeps the nearest nodes by chord, computed as scipy's KD-tree computes it, so the
same nodes come back at the same distance.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import numpy as np

from corridor import modes as M
from corridor.atomic_npz import write_npz
from corridor.geo import chord_for_km, to_unit_vectors
from corridor.network_memo import network_key

FORMAT = 1
LAYERS = ("sea", "rail", "road")  # the sea layer: nodes 0 .. n_sea_nodes - 1, as the network's sea KD-tree
CELL_KM = 50.0
_CELL = chord_for_km(CELL_KM)
_SIDE = int(np.ceil(2.0 / _CELL)) + 1  # cells along each axis of the cube [-1, 1]^3
_LOCK = threading.Lock()


class NodeGrid:
    """The nodes of a network by grid cell, per layer (:data:`LAYERS`); holds no reference to
    the network (kept per network by :func:`corridor.network_memo.per_network`)."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        self.arrays = arrays

    def nearest(self, net, layer: str, q: np.ndarray, k: int, reach: float) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` nodes of ``layer`` of ``net`` nearest the unit vector ``q``, closer than the
        chord ``reach``, nearest first.

        Returns
        -------
        nodes : ndarray of int
            Node ids (fewer than ``k`` when fewer are that close).
        chord : ndarray of float
            Their chord distances on the unit sphere (:func:`~corridor.geo.km_for_chord` gives km).
        """
        ids, cells, starts = (self.arrays[f"{name}_{layer}"] for name in ("ids", "cells", "starts"))
        pad = reach * (1 + 1e-9) + 1e-12  # rounding never drops a cell the ball touches
        lo, hi = (np.floor((q + s + 1.0) / _CELL).astype(np.int64) for s in (-pad, pad))
        axes = [np.arange(max(a, 0), min(b, _SIDE - 1) + 1) for a, b in zip(lo, hi)]
        keys = ((axes[0][:, None, None] * _SIDE + axes[1][None, :, None]) * _SIDE + axes[2][None, None, :]).ravel()
        at = np.searchsorted(cells, keys)
        found = at < len(cells)
        found[found] = cells[at[found]] == keys[found]
        near = np.concatenate([ids[starts[i]:starts[i + 1]] for i in at[found]]) if found.any() else np.zeros(0, np.int32)
        d = to_unit_vectors(net.node_lon[near], net.node_lat[near]) - q
        sq = d[:, 0] * d[:, 0] + d[:, 1] * d[:, 1] + d[:, 2] * d[:, 2]  # the KD-tree's order of sums
        keep = sq < reach * reach
        near, sq = near[keep], sq[keep]
        best = np.lexsort((near, sq))[:k]
        return near[best].astype(np.intp), np.sqrt(sq[best])


def _cells(xyz: np.ndarray) -> np.ndarray:
    """The grid cell of each unit vector, as one int64 key."""
    i = np.clip(np.floor((xyz + 1.0) / _CELL).astype(np.int64), 0, _SIDE - 1)
    return (i[:, 0] * _SIDE + i[:, 1]) * _SIDE + i[:, 2]


def path_of(net_path: Path) -> Path:
    return Path(net_path) / f"node-grid-{FORMAT}.npz"


def _members(net, layer: str) -> np.ndarray:
    """The nodes of ``layer``, ascending."""
    if layer == "sea":
        return np.arange(net.n_sea_nodes, dtype=np.int32)
    return np.flatnonzero(net.node_mode == M.BY_NAME[layer]).astype(np.int32)


def _outside(net, layer: str, ids: np.ndarray) -> bool:
    """Whether any of ``ids`` (valid node ids) is not a node of ``layer``."""
    if layer == "sea":
        return bool((ids >= net.n_sea_nodes).any())
    return bool((net.node_mode[ids] != M.BY_NAME[layer]).any())


def build(net) -> dict[str, np.ndarray]:
    """The grid's arrays: per layer, node ids by cell (ascending within one), the occupied
    cells' keys (ascending) and where each cell's ids start."""
    arrays = {"cell": np.array([_CELL]), "network": np.array(network_key(net)[1])}
    for layer in LAYERS:
        ids = _members(net, layer)
        key = _cells(to_unit_vectors(net.node_lon[ids], net.node_lat[ids]))
        order = np.argsort(key, kind="stable")
        cells, first = np.unique(key[order], return_index=True)
        arrays[f"ids_{layer}"] = ids[order]
        arrays[f"cells_{layer}"] = cells
        arrays[f"starts_{layer}"] = np.append(first, len(ids)).astype(np.int32)
    return arrays


def check(arrays: dict[str, np.ndarray], net) -> None:
    """Raise ValueError unless ``arrays`` are a grid of this code over the nodes of ``net``."""
    if not np.array_equal(arrays.get("cell"), [_CELL]):
        raise ValueError("it was built with another cell size")
    if str(arrays.get("network")) != network_key(net)[1]:  # a folder rebuilt or copied over in place
        raise ValueError("it was built for another network")
    for layer in LAYERS:
        ids, cells, starts = (arrays[f"{name}_{layer}"] for name in ("ids", "cells", "starts"))
        if len(ids) != len(_members(net, layer)) or (len(ids) and (
                ids.min() < 0 or ids.max() >= len(net.node_mode) or _outside(net, layer, ids))):
            raise ValueError(f"its {layer} nodes are not the network's")
        if len(cells) and (cells[0] < 0 or cells[-1] >= _SIDE ** 3 or (np.diff(cells) <= 0).any()):
            raise ValueError("its cells are out of order or range")
        if len(starts) != len(cells) + 1 or starts[0] != 0 or starts[-1] != len(ids) or (np.diff(starts) <= 0).any():
            raise ValueError("its cell offsets are not valid")


def load_or_build(net) -> NodeGrid:
    """The grid of the network ``net``, read from its folder, or built (and saved, atomically) when missing,
    damaged or stale (saying so on stderr). Where the folder cannot be written, the grid is
    built in memory for this process."""
    path = path_of(net.path)
    with _LOCK:  # one build per process
        try:
            with np.load(path) as z:
                arrays = {name: z[name] for name in z.files}
            check(arrays, net)
        except FileNotFoundError:
            arrays = None
        except Exception as e:  # noqa: BLE001  whatever a damaged zip raises (BadZipFile, EOFError, an
            # unknown compression method's NotImplementedError...): it is built again, never trusted
            print(f"corridor: the cached {path.name} is damaged or stale ({type(e).__name__}: {e}); "
                  "building it again", file=sys.stderr, flush=True)
            arrays = None
        if arrays is None:
            arrays = build(net)
            try:
                write_npz(path, arrays)
            except OSError:  # a read-only or full cache folder: this process keeps it in memory
                pass
    return NodeGrid(arrays)
