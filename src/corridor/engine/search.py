"""The search between two accesses: on the contraction hierarchy built for exactly the
request's weights and closed passages when one is on disk, else on one built for a request it
only closes more than when that one's path stays open (:mod:`corridor.engine.closure_shortcut`),
else A*."""

from __future__ import annotations

from functools import partial

import numpy as np

from corridor import deadline
from corridor.air import plan as air_plan
from corridor.engine import ch_potentials, closure_shortcut, hour_landmarks, wanted
from corridor.engine.access import Access
from corridor.engine.hierarchies import cached_hierarchy
from corridor.engine.restrictions import Ctx
from corridor.geo import to_unit_vectors
from corridor.search import shortest_path
from corridor.search_ch import ch_shortest_path


def best_path(ctx: Ctx, a: Access, b: Access, blocked: int):
    """Best path between two accesses and the connectors used at each end, or None.

    Parameters
    ----------
    ctx
        The request's search setting (profile, objective, closed ports and countries).
    a, b
        Where the path starts and ends: every connector of every candidate.
    blocked
        Mask of the closed passages.

    Returns
    -------
    tuple or None
        ``(PathResult, edge weights of the profile, (candidate, mode, km) of the connector
        used at ``a``, the same at ``b``)``; None when no path is open.
    """
    deadline.check()  # a server's timed-out request stops here, before its next search
    net, profile = ctx.net, ctx.profile
    a_nodes, _, a_km, a_mode, a_owner = a.flat()
    b_nodes, _, b_km, b_mode, b_owner = b.flat()
    a_cost, b_cost = ctx.connector(a_mode, a_km), ctx.connector(b_mode, b_km)
    a_cost = air_plan.connector_costs(ctx, a_cost, a_km, a_mode)
    b_cost = air_plan.connector_costs(ctx, b_cost, b_km, b_mode)
    weight, bound = ctx.weight()
    sea_only = profile.modes == frozenset({"sea"})
    layer = "sea" if sea_only else "all"
    hierarchy = None if "air" in profile.modes else cached_hierarchy(net, layer, weight, blocked, ctx.weight_key())
    res, low = closure_shortcut.REFUSED, None
    if hierarchy is not None:  # built for exactly these weights and closures: A*'s cost, far faster
        res = ch_shortest_path(hierarchy, a_nodes, a_cost, b_nodes, b_cost)
    elif "air" not in profile.modes:  # a built request plus closures, when its path stays open
        res, low = closure_shortcut.search(ctx, layer, blocked, a_nodes, a_cost, b_nodes, b_cost)
    if res is closure_shortcut.REFUSED:  # no hierarchy answers: A*
        targets = to_unit_vectors([p.lon for p in b.candidates], [p.lat for p in b.candidates])  # A*'s alone
        wanted.note(ctx, layer, blocked)  # its own hierarchy, built in the background
        landmarks = "none" if "air" in profile.modes else profile.landmarks
        hours = hour_landmarks.load(net) if landmarks == "all" else None  # sea: the km ones are tight already
        alpha = ctx.landmark_scale(hours[1]) if hours is not None else 0.0
        res = shortest_path(net, a_nodes, a_cost, b_nodes, b_cost, targets, blocked=blocked,
                            weight=weight, cost_per_km=bound, landmarks=landmarks,
                            graph=net.sea_csr if sea_only else None,
                            landmark_dist=hours[0] if alpha > 0 else None, landmark_scale=alpha,
                            potential=low.potential(b_nodes, b_cost) if low is not None
                            else _potential(ctx, weight, blocked, b_nodes, b_cost, landmarks))
    if res is None or not np.isfinite(res.cost):
        return None
    ia = _connector_used(a_nodes, a_cost, res.nodes[0], res.source_cost)
    ib = _connector_used(b_nodes, b_cost, res.nodes[-1], res.target_cost)
    return res, ctx.weights, (int(a_owner[ia]), int(a_mode[ia]), float(a_km[ia])), \
        (int(b_owner[ib]), int(b_mode[ib]), float(b_km[ib]))


def _connector_used(nodes: np.ndarray, cost: np.ndarray, node: int, path_cost: float) -> int:
    """The connector a path starting (or ending) at ``node`` with ``path_cost`` there used: the
    first of that node's whose cost is nearest."""
    at = np.flatnonzero(nodes == node)
    return int(at[np.argmin(np.abs(cost[at] - path_cost))])


def _potential(ctx: Ctx, weight: np.ndarray, blocked: int, dst_nodes, dst_cost, landmarks: str):
    """The CH-potential of a surface A* (:mod:`corridor.engine.ch_potentials`) as
    :func:`corridor.search.shortest_path` takes it, or None where none bounds this request
    (sea only, air, no hierarchy yet, or an edge the default hierarchy leaves out that this
    request may use)."""
    pot = ch_potentials.surface(ctx.net) if landmarks == "all" else None
    if pot is None or not pot.fits(weight, blocked, ctx.weight_key()):
        return None
    alpha = ctx.landmark_scale(hour_landmarks._reference(ctx.net)[0])
    return partial(ch_potentials.bound, pot, dst_nodes, dst_cost, alpha) if alpha > 0 else None
