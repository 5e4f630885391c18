"""What the planner asks of the air layer: airport access, priced air edges, legs, sources."""

from __future__ import annotations

import numpy as np

from corridor import modes as M
from corridor.air.legs import (
    join_connections,
    legs,  # noqa: F401  (the planner's leg builder for paths that may fly)
)
from corridor.air.overlay import NEVER, air_index, air_network, air_source
from corridor.air.weights import edge_weights  # noqa: F401
from corridor.build.air import KIND_ACCESS
from corridor.costing import air, objective
from corridor.costing.params import defaults
from corridor.errors import CorridorError, NoRoute
from corridor.geo import chord_for_km, km_for_chord, to_unit_vectors
from corridor.network_memo import per_network

AIRPORT_CANDIDATES = 3


def airport_hours(km, params, cargo=None):
    """Hours the search charges a place's connector to an airport ``km`` away by road: the road,
    plus the same share of handling the airport's access edge carries
    (:func:`corridor.costing.air.airport_edge_hours`). Access edges are undirected, so both
    directions, and so both ends of a trip, must be charged alike: were leaving dearer by
    connector than by access edge, the search would save time by a detour through the road network."""
    return np.asarray(km) / air.road_kmh(params) + air.airport_edge_hours(params, cargo)


@per_network(maxsize=8)
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
                          distance_upper_bound=chord_for_km(profile.params.value("air.airport_reach")))
    ok = np.isfinite(chord)
    return [(nodes[i[ok]], km_for_chord(chord[ok]), M.AIR)]


def assumptions(used: set, params, cargo=None) -> list:
    return [params.labelled(key) for key in air.time_keys(cargo)] if "air" in used else []


# The planner's speed for airport connectors before :func:`connector_costs` prices them with
# the request's parameters (road access, check-in or arrival).
ROAD_KMH = defaults().value("air.road_access_speed")


def network_for(net, modes, which: str = "sourced"):
    """The network flying air network ``which`` (:data:`corridor.air.overlay.AIR_NETWORKS`) when
    the request names air; ``net`` as it is otherwise."""
    names = modes.split(",") if isinstance(modes, str) else list(modes or [])
    return air_network(net, which) if any(str(m).strip().lower() == "air" for m in names) else net


def connector_costs(ctx, cost, km, mode):
    """The search's connector costs with airport connectors priced by :func:`airport_hours` (both
    ends of a trip alike). In the request's objective: hours count as ``time``; their money and
    CO2e are not in the search."""
    mode = np.asarray(mode)
    if not (mode == M.AIR).any():
        return cost
    scale = objective.factor(ctx.objective, ctx.refs, "time")
    return np.where(mode == M.AIR, airport_hours(km, ctx.profile.params, ctx.profile.cargo) * scale, cost)


def annotate_route(route, net, profile, used) -> None:
    """Air data in use, the air assumptions, each flight's CO2e, and the charge of each air
    journey (freight per kg; passengers by the fare, when one is given)."""
    if "air" not in profile.modes:
        return
    route.network["air"] = air_source(net)
    if "air" not in used:
        return
    params, cargo = profile.params, profile.cargo
    route.legs[:] = join_connections(route.legs, params, cargo)
    route.assumptions += assumptions(used, params, cargo)
    label = route.network["air"]["label"]
    route.notes.append(f"air: {label} network" + (" (links between airports by a documented rule, not real "
                                                   "schedules)" if label.startswith("modelled") else ""))
    if cargo.kind != "passengers":
        route.notes.append(f"air freight: {cargo.describe()}, door to door with export handling before the "
                           "airline's cut-off, a cargo transfer at each hub and import release (air.freight_*)")
    usd = air.journey_usd(cargo, params)
    if usd is None:
        route.notes.append("cost_usd leaves out the air fare: no published fare source was found, so none is "
                           "estimated (assumption 'air.passenger_fare'; give one with --costs)")
    previous = None
    for leg in route.legs:
        if leg.mode == "air":
            c = air.costs([leg.distance_km], cargo, params)
            leg.co2e_ttw_kg, leg.co2e_wtt_kg = float(c.co2e_ttw_kg[0]), float(c.co2e_wtt_kg[0])
            if previous != "air" and usd is not None:
                leg.cost_usd = usd
        if leg.mode != "transfer":
            previous = leg.mode


def by_air(request, plan_request):
    """The same trip by air, or None when air cannot make it: ``plan_request(req)`` plans ``req``.
    A cargo that cannot fly (containers, bulk) is offered as the default air consignment instead
    (:func:`corridor.air.consignment.for_air`), which the answer's cargo shows."""
    from corridor.air.consignment import for_air

    try:
        return plan_request(for_air(request.with_options(modes=("air",), via=(), alternatives=0, pareto=False)))
    except CorridorError:
        return None


def sourced_or_modelled(request, plan_request):
    """``plan_request(request)``; when air is asked for on the sourced network and no route over
    sourced flights (and the other modes asked for) makes the trip, the modelled network's answer
    instead, labelled as such in a note."""
    try:
        return plan_request(request)
    except NoRoute as e:
        if request.air_network != "sourced" or "air" not in tuple(request.modes or ()):
            raise
        why, failed = str(e), e
    try:
        route = plan_request(request.with_options(air_network="modelled"))
    except NoRoute:
        raise failed from None  # the modelled network cannot make it either: the first reason stands
    route.notes.insert(0, f"air: no chain of sourced routes makes this trip ({why}); this answer flies the "
                          "MODELLED network instead (links by a documented rule, not real schedules): check each "
                          "flight; 'corridor data fetch air' adds real routes")
    route.network["air"] = dict(route.network.get("air", {}), fallback_from="sourced")
    return route
