"""What a multimodal table (:func:`corridor.engine.table.matrix` with modes other than sea
alone) searches with: the route's search setting for the table's options, each place's
connectors priced in hours with their km beside, the km of every edge of a contraction
hierarchy (its shortcuts' summed from the edges they stand for), and the groups of cells
that share one set of countries the transit policy closes.

A cell is the surface search's least time between the two places, as :func:`corridor.route`
searches it before its legs are costed (the default objective, time): the hours of the
connectors and of the network's edges (transfers and border crossings are edges, with their
handling and waiting hours), and the km along that same path.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from corridor.costing import draft as draft_check
from corridor.costing import params as params_mod
from corridor.costing import sea as sea_costing
from corridor.costing.cargo import make_cargo
from corridor.costing.profile import Profile
from corridor.data import passages as P
from corridor.engine.access import Access
from corridor.engine.restrictions import Ctx, blocked_mask
from corridor.jit import njit


def setting(net, modes: tuple[str, ...], avoid, allow, vessel: str, speed_kn: float | None) -> tuple[Ctx, int]:
    """The search setting and closed passages :func:`corridor.planner.plan` sets up for a route
    with these options and the default cargo (a container), costs and objective (time)."""
    cargo = make_cargo(None)
    if vessel == "river-sea":  # as planner.cargo_for_vessel: a river-sea voyage sails in that class
        cargo = replace(cargo, vessel_class="river-sea")
    params = params_mod.load(None)
    speed = sea_costing.speed(speed_kn, cargo, params)
    blocked = blocked_mask(list(avoid), list(allow), "river-sea" if cargo.vclass == "river-sea" else vessel)
    for key in draft_check.closed_passages(cargo, params):
        blocked |= P.BIT[key]
    return Ctx(net, Profile(frozenset(modes), speed, cargo, params)), blocked


def connectors(ctx: Ctx, accs: list[Access | None]) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """CSR ``(indptr, nodes, hours)`` of every place's connectors, priced as the route's search
    prices them, and their km (same order)."""
    flat = [a.flat() if a else (np.empty(0, np.int32), None, np.empty(0), np.empty(0, np.int64), None)
            for a in accs]
    hours = [ctx.connector(mode, km) for _, _, km, mode, _ in flat]
    indptr = np.zeros(len(accs) + 1, np.int64)
    np.cumsum([len(n) for n, *_ in flat], out=indptr[1:])
    nodes = np.concatenate([n for n, *_ in flat]).astype(np.int32)
    km = np.concatenate([k for _, _, k, _, _ in flat]).astype(np.float64)
    return (indptr, nodes, np.concatenate(hours).astype(np.float64)), km


@njit(cache=True)
def _slot_values(order, up_indptr, up_head, up_mid, up_eid, edge_values, out):
    """``out[slot]``: the sum of ``edge_values`` over the original edges an upward slot stands
    for; nodes in contraction order, so a shortcut's two halves (slots of its lower middle
    node) are done before it."""
    for u in order:
        for s in range(up_indptr[u], up_indptr[u + 1]):
            m = up_mid[s]
            if m < 0:
                out[s] = edge_values[up_eid[s]]
                continue
            a = np.nan
            b = np.nan
            for q in range(up_indptr[m], up_indptr[m + 1]):
                if up_head[q] == u:
                    a = out[q]
                elif up_head[q] == up_head[s]:
                    b = out[q]
            out[s] = a + b


_SEARCH_KM: dict = {}  # hierarchy file (its network's folder, weights and mask) -> km per search edge


def search_edge_km(h, edge_km: np.ndarray) -> np.ndarray:
    """Km of every search edge of hierarchy ``h`` (its weights are hours; ``edge_km``: its
    network's), computed once per hierarchy file."""
    key = None if h.path is None else str(h.path)
    hit = _SEARCH_KM.get(key) if key is not None else None
    if hit is None:
        up = np.empty(len(h.up_head))
        _slot_values(np.argsort(h.rank).astype(np.int64), h.up_indptr, h.up_head, h.up_mid, h.up_eid,
                     np.asarray(edge_km, np.float64), up)
        hit = up[h.s_slot]
        if key is not None:
            if len(_SEARCH_KM) >= 2:
                _SEARCH_KM.pop(next(iter(_SEARCH_KM)), None)
            _SEARCH_KM[key] = hit
    return hit


def policy_groups(origin_countries: list, destination_countries: list,
                  avoided: frozenset) -> list[tuple[frozenset, np.ndarray, np.ndarray]]:
    """``(countries closed, rows, columns)`` blocks that cover the table once: the policy's
    ``avoided`` countries are closed, less those of the pair's own places, as the planner
    closes them for one route (:func:`corridor.transit_policy.avoided_by_default`)."""
    oc = np.array([c if c in avoided else "" for c in origin_countries], dtype=object)
    dc = np.array([c if c in avoided else "" for c in destination_countries], dtype=object)
    out = []
    for a in dict.fromkeys(oc.tolist()):
        for b in dict.fromkeys(dc.tolist()):
            out.append((avoided - {a, b}, np.flatnonzero(oc == a), np.flatnonzero(dc == b)))
    return out


def country_of(place) -> str | None:
    """The country a place stands in, as the planner reads a stop's."""
    return place.country or (place.code if place.kind == "country" else None)
