"""ALT landmarks in hours, for the A* of surface requests no hierarchy fits (another cargo,
objective, closures or policy).

The km landmarks (:mod:`corridor.build.landmarks`) scale by the cheapest cost per km of any
allowed mode: a sea route is then bounded as if it ran at road speed, about half its true
cost, and A* settles much of the land network. These landmarks hold least *reference*
distances instead, where an edge weighs its hours under the default costing (air edges 0).
Any request's weight per edge ``w`` is at least
``alpha * ref`` with ``alpha = min(w / ref)`` over the edges it may use, so
``alpha * |L(v) - L(t)|`` stays a lower bound for every cargo, objective and closure (closures
only raise weights), and a tight one when the request weighs edges much as the default time
does; :func:`corridor.search.shortest_path` takes whichever set bounds the sources higher.

Built once per network from the same landmark nodes as the km ones (one Dijkstra each,
~0.5 s apiece), with the default hierarchies in the background build, and kept beside them
in the network's folder (memory-mapped; about 170 MB). The file is named by a digest of the
reference weights it was computed with, so that a corridor whose default costing differs (an
upgrade) never bounds with distances in other hours (an overestimate would cost exactness);
its size, dtype, shape and SHA-256 are recorded beside it for ``corridor network --verify``.
Without the file, A* runs on the km landmarks as before.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

import numpy as np

from corridor import modes as M
from corridor.jit import njit
from corridor.network_integrity import sha256
from corridor.search import _heap_pop, _heap_push

FORMAT = 2
_MEMO: dict = {}
_REFERENCE: dict = {}  # network folder -> (reference weights, the landmarks' path): hashed once
_LOCK = threading.Lock()


def path_of(net, ref: np.ndarray) -> Path:
    """The landmarks of ``net`` computed with the reference weights ``ref``."""
    digest = hashlib.sha256(np.ascontiguousarray(ref).tobytes()).hexdigest()[:12]
    return Path(net.path) / f"landmarks-hours-{FORMAT}-{digest}.npy"


def _reference(net) -> tuple[np.ndarray, Path]:
    key = str(net.path)
    if key not in _REFERENCE:
        ref = reference_per_edge(net)
        _REFERENCE[key] = (ref, path_of(net, ref))
    return _REFERENCE[key]


def reference_per_edge(net) -> np.ndarray:
    """Per edge: its hours under the default surface costing (transfers and borders' waits
    included), 0 for air edges and edges the default leaves shut (they bound nothing, so any
    request fits)."""
    from corridor.costing.profile import Profile, edge_weights

    hours = edge_weights(net, Profile(frozenset(M.SURFACE))).hours
    return np.where(np.isfinite(hours) & (net.edge_mode != M.AIR), hours, 0.0)


@njit(cache=True, nogil=True)
def _dijkstra_all(indptr, head, edge, weight, source, out):
    """Least ``weight`` from ``source`` to every node (inf: unreachable), into ``out``."""
    out[:] = np.inf
    done = np.zeros(out.shape[0], np.bool_)
    keys = np.empty(head.shape[0] + 1)
    vals = np.empty(head.shape[0] + 1, np.int32)
    out[source] = 0.0
    size = _heap_push(keys, vals, 0, 0.0, source)
    while size > 0:
        d, u, size = _heap_pop(keys, vals, size)
        if done[u]:
            continue
        done[u] = True
        for slot in range(indptr[u], indptr[u + 1]):
            w = weight[edge[slot]]
            v = head[slot]
            if d + w < out[v]:
                out[v] = d + w
                size = _heap_push(keys, vals, size, d + w, v)


def build(net) -> Path:
    """Compute and save the landmarks of ``net`` (atomically); the path of the file."""
    ref, path = _reference(net)
    weight = np.where(net.edge_mode == M.AIR, np.inf, ref)  # as the km ones: no air
    nodes = np.argmin(net.landmark_km["all"], axis=1)  # each landmark is 0 km from itself
    dist = np.empty((len(nodes), net.n_nodes))
    for k, s in enumerate(nodes):
        _dijkstra_all(net.csr_indptr, net.csr_head, net.csr_edge, weight, int(s), dist[k])
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        np.save(f, dist)
    record = {"bytes": tmp.stat().st_size, "dtype": dist.dtype.str, "shape": list(dist.shape), "sha256": sha256(tmp)}
    tmp_record = path.with_suffix(f".json.{os.getpid()}.tmp")
    tmp_record.write_text(json.dumps(record))
    os.replace(tmp_record, path.with_suffix(".json"))  # the record first: a file is never unrecorded
    os.replace(tmp, path)
    return path


def load(net) -> tuple[np.ndarray, np.ndarray] | None:
    """(distances of shape (landmarks, nodes), reference per edge), or None until built."""
    key = str(net.path)
    with _LOCK:
        hit = _MEMO.get(key)
        if hit is None:
            ref, path = _reference(net)
            if not path.exists():
                return None
            dist = np.asarray(np.load(path, mmap_mode="r"))  # a plain view, which numba takes
            if dist.shape != net.landmark_km["all"].shape:
                return None  # a damaged file: the km landmarks serve
            hit = _MEMO[key] = (dist, ref)
        return hit


def scale(weight: np.ndarray, ref: np.ndarray) -> float:
    """``alpha``: the largest factor with ``weight >= alpha * ref`` on every usable edge."""
    ok = (ref > 0) & np.isfinite(weight)
    return float(np.min(weight[ok] / ref[ok])) if ok.any() else 0.0
