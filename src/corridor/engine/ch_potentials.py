"""CH-potentials (Strasser & Zeitz, "A Fast and Tight Heuristic for A* in Road Networks",
SEA 2021) for the A* of surface requests no hierarchy fits (another cargo, objective, closures).

The default surface hierarchy (hours under the default costing, :mod:`corridor.default_hierarchies`)
gives the *exact* default-hours distance ``d(v)`` from any node to the targets: one upward search
from the targets, then per node the least of its own upward distance and, over its upward
edges, the edge plus the distance above it (memoised, computed only for the nodes A* touches:
:func:`corridor.search._ch_potential`). A request's weight per edge is at least ``alpha`` times
the default hours, ``alpha`` being the hour landmarks' scale
(:meth:`corridor.engine.restrictions.Ctx.landmark_scale`), so ``alpha * d(v)`` is a lower bound
and a consistent one, *provided every edge the request may use is in the hierarchy*. The
hierarchy leaves out the air edges, the passages and borders the default closes: a request
that may use one of those (a cargo the default's closed passage admits, ``allow`` of a
passage) gets no potential, and its A* runs on the landmarks alone, as before.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from corridor import modes as M
from corridor.build.contraction import Hierarchy
from corridor.costing.cargo import make_cargo
from corridor.costing.profile import Profile
from corridor.data import passages as P
from corridor.engine import hierarchies, hour_landmarks
from corridor.engine.restrictions import Ctx, blocked_mask
from corridor.search import WorkPool
from corridor.search_ch import _upward, _work_key


@dataclass(frozen=True)
class Potentials:
    """A hierarchy whose graph bounds requests, and what it leaves out."""

    hierarchy: Hierarchy
    missing: np.ndarray  # ids of the edges not in its graph (inf or closed for its request)
    edge_flags: np.ndarray  # the network's passage bits per edge
    _fits: dict = field(default_factory=dict, compare=False, repr=False)

    def fits(self, weight: np.ndarray, blocked: int, weight_key=None) -> bool:
        """Whether a request with these weights and closed passages may use only edges of the
        hierarchy. Remembered by ``weight_key``, the value that identifies the weights
        (:meth:`corridor.engine.restrictions.Ctx.weight_key`), when given: a look at every
        missing edge costs a millisecond or more."""
        key = None if weight_key is None else (weight_key, int(blocked))
        hit = self._fits.get(key) if key is not None else None
        if hit is not None:
            return hit
        m = self.missing
        ok = not np.any(np.isfinite(weight[m]) & ((self.edge_flags[m] & np.uint32(blocked)) == 0))
        if key is not None:
            if len(self._fits) >= _FITS_SIZE:  # the oldest out; another thread may have taken it already
                self._fits.pop(next(iter(self._fits), None), None)
            self._fits[key] = ok
        return ok


_FITS_SIZE = 16


def of_graph(h: Hierarchy, weight: np.ndarray, blocked: int, edge_flags: np.ndarray) -> Potentials:
    """The potentials of hierarchy ``h``, built on edge weights ``weight`` with passages ``blocked`` closed."""
    usable = np.isfinite(weight) & ((edge_flags & np.uint32(blocked)) == 0)
    return Potentials(h, np.flatnonzero(~usable), edge_flags)


_LOCK = threading.Lock()
_DEFAULT: dict = {}  # network folder -> (Potentials or None, when to look for it again)


def default_request(net) -> tuple[np.ndarray, int]:
    """Weights and closed passages of the default surface request: those its hierarchy is built with
    (:func:`corridor.default_hierarchies.default_requests`, "surface routes (default request, hours)")."""
    closed = P.mask_of(set(make_cargo(None).closed_passages()))
    return Ctx(net, Profile(frozenset(M.SURFACE))).weight()[0], blocked_mask([], [], "seagoing") | closed


def surface(net) -> Potentials | None:
    """The potentials of ``net``'s default surface hierarchy, or None until it is built (looked
    for again every :data:`~corridor.engine.hierarchies.RECHECK_S` seconds, as the background
    build may write it) or when its hours exceed the hour landmarks' reference on some edge
    (then ``alpha`` would not bound it)."""
    key = str(net.path)
    with _LOCK:
        hit = _DEFAULT.get(key)
        if hit is not None and (hit[0] is not None or time.monotonic() < hit[1]):
            return hit[0]
        weight, blocked = default_request(net)
        h = hierarchies.hierarchy(net, "all", blocked, weight, build=False)
        pot = None
        if h is not None:
            pot = of_graph(h, weight, blocked, net.edge_flags)
            ref = hour_landmarks._reference(net)[0]
            used = np.ones(len(weight), bool)
            used[pot.missing] = False
            if not np.all(weight[used] <= ref[used]):
                pot = None
        _DEFAULT[key] = (pot, time.monotonic() + hierarchies.RECHECK_S)
        return pot


def _search_work(n: int, edges: int) -> tuple:
    cap = edges + n + 16  # heap entries: at most one per relaxation, plus the targets
    return (np.full(n, np.inf), np.empty(n, np.int32), np.empty(cap), np.empty(cap, np.int32),
            np.empty(n, np.int32), np.empty(n), np.full(n, np.inf))


_POOL = WorkPool(_search_work)


@contextmanager
def bound(pot: Potentials, dst_nodes, dst_cost, alpha: float):
    """The CH-potential to targets ``dst_nodes`` (connector costs ``dst_cost``) scaled by
    ``alpha``, as :func:`corridor.search.shortest_path` takes it, for the time of the search."""
    h = pot.hierarchy
    with _POOL.borrow(_work_key(h)) as (dist, touched, keys, vals, nodes, dists, up):  # shared across metrics
        n = _upward(h.s_indptr, h.s_head, h.s_w, h.s_indptr, h.s_head, h.s_w, np.asarray(dst_nodes, np.int32),
                    np.asarray(dst_cost, np.float64) / alpha, dist, touched, keys, vals, nodes, dists)
        up[nodes[:n]] = dists[:n]
        try:
            yield h.s_indptr, h.s_head, h.s_w, up, alpha
        finally:
            up[nodes[:n]] = np.inf
