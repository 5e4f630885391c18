"""Requests that only close more than a request whose hierarchy is built, answered on that
hierarchy when its path stays open (issue #17).

Say request R prices every edge it may use exactly as a built request M does and may use no
edge M may not (R = M plus closures: a passage such as Suez, ports, countries, border
pairs). Then every path open to R is open to M at the same cost, so M's least cost (with
R's connector costs at both ends) is a lower bound of R's. If M's best path uses only edges
open to R, it costs R the same and is R's best path; if M has no path, R has none. Otherwise
M's exact distances remain a consistent lower bound of R's (a CH-potential at scale 1) for
the A* that answers instead.

"M" is checked by value, never assumed: R's and M's weight arrays and passage masks are
compared edge by edge over the hierarchy's layer (:func:`_dominates`, remembered per pair of
weight keys and masks). The candidates for M are R without its closed ports and border pairs
(the transit policy's countries kept: the policy's hierarchy), then R without any of its
closures, each with every passage mask a hierarchy of the layer is built with that closes no
passage R opens, the most closed first; the first whose best path stays open answers. A
candidate M2 that opens everything a refused candidate M1 opens (M1 = M2 plus closures) is not
searched: M2's best path is shut for R too. Either it is open under M1, so (ties aside) it is
M1's best path, which R refused; or it uses an edge M1 closes, which R closes as well. Each
candidate searched costs a CH query; one skipped, a comparison remembered per pair.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np

from corridor.build.contraction import Hierarchy
from corridor.engine import ch_potentials
from corridor.engine.hierarchies import RECHECK_S, cached_hierarchy, files, layer_edges, mask_of
from corridor.engine.restrictions import Ctx
from corridor.network_memo import network_key, per_network
from corridor.search_ch import ch_shortest_path

REFUSED = object()  # what :func:`shortest_path` gives when the lower hierarchy's path is shut for the request


@dataclass(frozen=True)
class Lower:
    """A built hierarchy whose request M bounds request R from below (R = M plus closures)."""

    hierarchy: Hierarchy
    blocked: int  # R's closed passages
    weight: np.ndarray  # R's weights
    request: tuple = ()  # M's (weights, closed passages, weight key), to compare candidates

    def potential(self, dst_nodes, dst_cost):
        """M's exact distance to the targets as a CH-potential of R's A* (scale 1), as
        :func:`corridor.search.shortest_path` takes it."""
        pot = ch_potentials.Potentials(self.hierarchy, np.zeros(0, np.intp), np.zeros(0, np.uint32))
        return lambda: ch_potentials.bound(pot, dst_nodes, dst_cost, 1.0)


def search(ctx: Ctx, layer: str, blocked: int, src_nodes, src_cost, dst_nodes, dst_cost) -> tuple:
    """The request ``ctx``'s best path with passages ``blocked`` closed, read off a built
    hierarchy of ``layer`` ("sea" or "all") whose request it only closes more than.

    Returns
    -------
    tuple
        ``(answer, lower)``: the answer is a :class:`~corridor.search.PathResult`, None when the
        request has no path, or :data:`REFUSED` when no such hierarchy is built or the best
        path of each uses an edge the request closes; ``lower`` is the first such hierarchy
        tried (the closest to the request, whose distances bound A*'s), or None.
    """
    refused: list[Lower] = []
    for low in lowers(ctx, layer, blocked):
        if any(_opens_all(ctx.net, layer, low, shut) for shut in refused):
            continue  # its best path is shut for the request too (module docstring)
        answer = shortest_path(low, ctx.net, src_nodes, src_cost, dst_nodes, dst_cost)
        if answer is not REFUSED:
            return answer, low
        refused.append(low)
    return REFUSED, (refused[0] if refused else None)


def _opens_all(net, layer: str, low: Lower, shut: Lower) -> bool:
    """Whether candidate ``low``'s request opens every edge ``shut``'s does, at the same weight."""
    (w_1, b_1, key_1), (w_2, b_2, key_2) = shut.request, low.request
    return _dominates(net, layer, w_1, b_1, key_1, w_2, b_2, key_2)


def lowers(ctx: Ctx, layer: str, blocked: int):
    """Each built hierarchy of ``layer`` whose request the request ``ctx`` with passages
    ``blocked`` closed only closes more than (a :class:`Lower`), the closest first (the transit
    policy's countries kept before none, then the most passages closed): its best path is the
    likeliest to stay open for the request (the policy's second search exists because the free
    answer crossed a policy country, so a hierarchy without them refuses it), and each one
    tried costs a search."""
    weight, _ = ctx.weight()
    if weight.flags.writeable:  # not a shared metric: no value key to look it up by
        return
    own = (ctx.weight_key(), int(blocked))
    for base in reversed(_bases(ctx)):
        w_m = base.weight()[0]
        key_m = base.weight_key()
        for b_m in sorted(_built_masks(ctx.net, layer), key=lambda m: -m.bit_count()):
            if b_m & ~blocked or (key_m, b_m) == own:  # opens a passage R closes, or R's own hierarchy
                continue
            h = cached_hierarchy(ctx.net, layer, w_m, b_m, key_m)
            if h is not None and _dominates(ctx.net, layer, weight, blocked, own[0], w_m, b_m, key_m):
                yield Lower(h, int(blocked), weight, (w_m, b_m, key_m))


def shortest_path(low: Lower, net, src_nodes, src_cost, dst_nodes, dst_cost):
    """R's best path (a :class:`~corridor.search.PathResult`) or None when R has no path, read
    off the lower hierarchy; :data:`REFUSED` when its best path uses an edge R closes."""
    res = ch_shortest_path(low.hierarchy, src_nodes, src_cost, dst_nodes, dst_cost)
    if res is None or not np.isfinite(res.cost):
        return None  # no path under M, whose open edges include R's
    e = res.edges
    if np.all(np.isfinite(low.weight[e])) and not np.any(net.edge_flags[e] & np.uint32(low.blocked)):
        return res
    return REFUSED


def _bases(ctx: Ctx) -> list[Ctx]:
    """The candidates for M: ``ctx`` less every closure (the default table's closed crossings
    kept), then less its closed ports and border pairs only (the transit policy's countries
    kept: the policy's hierarchy), without repeats."""
    out = []
    for c in (ctx.replace(closed_ports=frozenset(), border_pairs=frozenset(), countries=frozenset()),
              ctx.replace(closed_ports=frozenset(), border_pairs=frozenset())):
        if all(c.settings() != o.settings() for o in out):
            out.append(c)
    return out


_MASKS: dict = {}  # network folder, layer -> (passage masks with a hierarchy file, when to look again)
_LOCK = threading.Lock()


def _built_masks(net, layer: str) -> list[int]:
    """The passage masks with a hierarchy of ``layer`` on disk for this code
    (:func:`corridor.engine.hierarchies.files`), looked for again every
    :data:`~corridor.engine.hierarchies.RECHECK_S` seconds (the background build writes them)."""
    key = (str(net.path), layer)
    with _LOCK:
        hit = _MASKS.get(key)
        if hit is None or time.monotonic() >= hit[1]:
            masks = sorted({mask_of(p) for p in files(net.path, layer)})
            hit = _MASKS[key] = (masks, time.monotonic() + RECHECK_S)
        return hit[0]


_DOMINATES: dict = {}
_DOMINATES_SIZE = 64


def _dominates(net, layer: str, w_r: np.ndarray, b_r: int, key_r, w_m: np.ndarray, b_m: int, key_m) -> bool:
    """Whether every edge of ``layer`` open to R (finite weight, no closed passage) is open to M
    at the same weight: R is M plus closures. Remembered by the weights' value keys and the
    masks (a pass over every edge costs milliseconds)."""
    key = (network_key(net), layer, key_r, int(b_r), key_m, int(b_m))
    hit = _DOMINATES.get(key)
    if hit is None:
        e = _edges(net, layer)
        flags = net.edge_flags[e]
        wr, wm = w_r[e], w_m[e]
        open_r = np.isfinite(wr) & ((flags & np.uint32(b_r)) == 0)
        open_m = np.isfinite(wm) & ((flags & np.uint32(b_m)) == 0)
        hit = not np.any(open_r & ~(open_m & (wr == wm)))
        with _LOCK:
            if len(_DOMINATES) >= _DOMINATES_SIZE:
                _DOMINATES.pop(next(iter(_DOMINATES)), None)
            _DOMINATES[key] = hit
    return hit


@per_network(maxsize=4)
def _edges(net, layer: str) -> np.ndarray:
    """The ids of the edges a hierarchy of ``layer`` is built on (those the comparison must
    cover), once per network."""
    return layer_edges(net, layer)

