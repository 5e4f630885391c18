"""What the planner asks of the air layer: airport access, priced air edges, legs, sources."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from corridor import modes as M
from corridor.air.legs import legs  # noqa: F401  (the planner's leg builder for paths that may fly)
from corridor.air.overlay import NEVER, air_index, air_network, air_source  # noqa: F401
from corridor.air.weights import edge_weights  # noqa: F401
from corridor.build.air import KIND_ACCESS
from corridor.costing import air, objective
from corridor.geo import chord_for_km, km_for_chord, to_unit_vectors

AIRPORT_CANDIDATES = 3


def airport_hours(km):
    """Hours the search charges a place's connector to an airport ``km`` away by road: the road,
    plus the same share of handling the airport's access edge carries
    (:func:`corridor.costing.air.airport_edge_hours`). Access edges are undirected, so both
    directions, and so both ends of a trip, must be charged alike: were leaving dearer by
    connector than by access edge, the search would save time by a detour through the road network."""
    return np.asarray(km) / air.ROAD_ACCESS_SPEED.value + air.airport_edge_hours()


@lru_cache(maxsize=8)
def _flying(net):
    """KD-tree of the airports with at least one usable flight, and their nodes."""
    from scipy.spatial import cKDTree

    fl = (net.edge_mode == M.AIR) & (np.asarray(net.edge_kind) != KIND_ACCESS) & (net.edge_req != NEVER)
    nodes = np.unique(np.concatenate([net.edge_u[fl], net.edge_v[fl]]))
    return cKDTree(net.node_xyz[nodes]), nodes


def airport_parts(net, place, profile) -> list:
    """Connectors (nodes, km, M.AIR) from a place to its airports, when air is allowed."""
    if "air" not in profile.modes:
        return []
    if place.kind == "airport":
        node = air_index(net).by_code[place.code]
        return [(np.array([node]), np.zeros(1), M.AIR)]
    tree, nodes = _flying(net)
    chord, i = tree.query(to_unit_vectors(place.lon, place.lat), k=AIRPORT_CANDIDATES,
                          distance_upper_bound=chord_for_km(air.AIRPORT_REACH.value))
    ok = np.isfinite(chord)
    return [(nodes[i[ok]], km_for_chord(chord[ok]), M.AIR)]


def assumptions(used: set) -> list:
    return list(air.TIME_ASSUMPTIONS) + [air.ROAD_ACCESS_SPEED] if "air" in used else []



ROAD_KMH = air.ROAD_ACCESS_SPEED.value


def network_for(net, modes):
    """The network with imported air routes laid over it when the request names air."""
    names = modes.split(",") if isinstance(modes, str) else list(modes or [])
    return air_network(net) if any(str(m).strip().lower() == "air" for m in names) else net


def connector_costs(ctx, cost, km, mode, *, arriving: bool):
    """The search's connector costs with airport connectors priced by :func:`airport_hours`. In the
    request's objective: hours count as ``time``; their money and CO2e are not in the search.
    ``arriving`` does not change the price: both ends are charged alike (see :func:`airport_hours`)."""
    mode = np.asarray(mode)
    if not (mode == M.AIR).any():
        return cost
    scale = objective.factor(ctx.objective, ctx.refs, "time")
    return np.where(mode == M.AIR, airport_hours(km) * scale, cost)


def _tonnes(profile) -> float:
    from corridor.costing import tonnes

    return float(tonnes(profile.cargo, profile.params))


def annotate(leg, profile) -> None:
    """CO2e (and the basis) of an air leg or airport transfer; USD is set per journey in annotate_route."""
    cargo = profile.cargo
    if leg.mode != "air":
        leg.basis = {"duration_h": [air.CHECK_IN, air.ARRIVAL, air.CONNECTION]}
        return
    if cargo.kind == "passengers":
        c = air.costs(leg.distance_km, "passengers")
        leg.co2e_ttw_kg = c["co2e_kg"] * max(cargo.passengers, 1)
    else:
        c = air.costs(leg.distance_km, cargo.kind, weight_kg=_tonnes(profile) * 1000.0)
        leg.co2e_ttw_kg = c["co2e_kg"]
    leg.basis = {"duration_h": [air.CRUISE_SPEED, air.TAXI], "co2e_kg": c["assumptions"][:1] if
                 cargo.kind == "passengers" else [air.FREIGHT_CO2E],
                 "cost_usd": [air.PASSENGER_FARE] if cargo.kind == "passengers" else [air.FREIGHT_RATE,
                                                                                     air.VOLUMETRIC_DIVISOR]}


def annotate_route(route, net, profile, used) -> None:
    """Air data in use, the air assumptions, and the freight charge (per kg, once per air journey)."""
    if "air" not in profile.modes:
        return
    route.network["air"] = air_source(net)
    if "air" not in used:
        return
    route.assumptions += assumptions(used)
    label = route.network["air"]["label"]
    route.notes.append(f"air: {label} network" + (" (links between airports by a documented rule, not real "
                                                   "schedules)" if label == "modelled" else ""))
    if profile.cargo.kind == "passengers":
        route.notes.append("cost_usd leaves out the air fare: no published fare source was found, so none is "
                           "estimated (assumption 'air passenger fare')")
    else:
        previous = None
        for leg in route.legs:
            if leg.mode == "air" and previous != "air":
                leg.cost_usd = air.chargeable_kg(_tonnes(profile) * 1000.0) * air.FREIGHT_RATE.value
            if leg.mode != "transfer":
                previous = leg.mode


def by_air(solve):
    """The same trip by air (``solve()`` plans it), or None when air cannot make it."""
    from corridor.errors import CorridorError

    try:
        return solve()
    except CorridorError:
        return None
