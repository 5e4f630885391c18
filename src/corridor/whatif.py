"""What-if requests: a scenario (closed passages, borders, ports; borders closed by default
opened; other speeds, dwell, rates; an added service) planned beside its baseline, with the
difference between them.

This sits on top of the planner (:mod:`corridor.planner`), which knows nothing of scenarios:
:func:`route` decides whether a request is planned as it is or beside its baseline."""

from __future__ import annotations

from corridor import scenario as scenario_mod
from corridor.air import plan as air_plan
from corridor.costing import Assumption
from corridor.costing import objective as objective_mod
from corridor.errors import CorridorError
from corridor.network import load_network
from corridor.places import resolve
from corridor.planner import plan
from corridor.route import Leg, Route


def solve(request, *, network=None) -> Route:
    """The route for a checked :class:`~corridor.request.RouteRequest`, planned under its
    scenario when it names one: the one entry every front end calls.

    Parameters
    ----------
    request : corridor.request.RouteRequest
        The checked request.
    network : corridor.network.Network, optional
        The compiled network (default: the installed one).

    Returns
    -------
    Route
        :func:`corridor.planner.plan`'s route without a scenario; with one,
        :func:`plan_with_scenario`'s.
    """
    if request.scenario is None:
        return plan(request, network=network)
    net = air_plan.network_for(network or load_network(), request.modes, request.air_network)  # once for all
    return plan_with_scenario(request, network=net)


def plan_with_scenario(request, *, network) -> Route:
    """The route ``request`` asks for under its scenario, with ``extra`` baseline, scenario and
    difference; the baseline is the same request without the scenario."""
    sc = request.parsed_scenario()
    baseline = plan(request.with_options(scenario=None, alternatives=0), network=network)
    merged = request.with_options(
        scenario=None,
        avoid=(*request.avoid, *sc.passages),
        avoid_countries=tuple(sorted(set(request.avoid_countries) | set(sc.countries))),
        close_ports=(*request.close_ports, *sc.ports),
        costs=request.params().override(scenario_mod.costs_table(sc), f"scenario {sc.name}"))
    opened = scenario_mod.opened_pairs(sc)
    route = plan(merged, network=network, open_borders=opened)
    objective, refs = request.objective(), route.objective.get("reference", {})
    for service in sc.services:
        serviced = with_service(route, service, merged.with_options(via=(), alternatives=0, pareto=False), network,
                                opened)
        if serviced is not None and (objective_mod.value(serviced.totals(), objective, refs)
                                     < objective_mod.value(route.totals(), objective, refs)):
            serviced.extra = route.extra
            route = serviced
    route.extra = dict(route.extra, scenario=sc.to_dict(), baseline=baseline.to_dict(),
                       difference=difference(route, baseline))
    return route


def difference(route: Route, baseline: Route) -> dict:
    return {"duration_h": round(route.duration_h - baseline.duration_h, 1),
            "duration_days": round((route.duration_h - baseline.duration_h) / 24.0, 2),
            # no difference of prices where one has no source (passenger fares): never a made-up 0
            "cost_usd": round(route.cost_usd - baseline.cost_usd, 2) if route.priced and baseline.priced else None,
            "co2e_kg": round(route.co2e_kg - baseline.co2e_kg, 2),
            "distance_km": round(route.distance_km - baseline.distance_km, 1)}


def with_service(route: Route, service, request, net, open_borders: frozenset = frozenset()) -> Route | None:
    """The route that uses a fixed-time service (e.g. a direct liner) between two ports, if any
    (``open_borders``: the scenario's opened border pairs, for the land legs)."""
    a, b = resolve(service.origin, net), resolve(service.destination, net)
    o, d = route.origin, route.destination
    parts = []
    same = lambda x, y: x.kind == y.kind and x.code == y.code and round(x.lon, 4) == round(y.lon, 4)  # noqa: E731
    try:
        if not same(o, a):
            parts += plan(request.with_options(origin=o, destination=a), network=net, open_borders=open_borders).legs
        sea = plan(request.with_options(origin=a, destination=b, modes=("sea",)), network=net)
        if not same(b, d):
            tail = plan(request.with_options(origin=b, destination=d), network=net, open_borders=open_borders).legs
        else:
            tail = []
    except CorridorError:
        return None
    hours = service.days * 24.0
    for leg in sea.legs:
        share = leg.distance_km / max(sea.distance_km, 1e-9)
        usd = (service.usd_per_teu * (route.cargo.get("teu") or 0) * share if service.usd_per_teu is not None
               else leg.cost_usd)
        src = f"scenario service {service.name or service.origin + '-' + service.destination}: {service.days:g} days"
        basis = dict(leg.basis, duration_h=[Assumption("service transit time", service.days, "days", src)])
        if service.usd_per_teu is not None:
            basis["cost_usd"] = [Assumption("service rate", service.usd_per_teu, "USD/TEU", src)]
        parts.append(Leg(leg.mode, leg.origin, leg.destination, leg.distance_km, hours * share, leg.passages,
                         leg.passage_names, leg.geometry, cost_usd=usd, co2e_ttw_kg=leg.co2e_ttw_kg,
                         co2e_wtt_kg=leg.co2e_wtt_kg, basis=basis))
    parts += tail
    return Route(route.origin, route.destination, parts, route.assumptions, route.restrictions, route.network,
                 route.notes + [f"uses the scenario service {service.origin} -> {service.destination} "
                                f"({service.days:g} days)"], route.cargo, route.objective)
