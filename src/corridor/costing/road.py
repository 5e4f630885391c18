"""Road costing: truck time including the rest that driving-time rules impose; rate per truck-km and GLEC intensity."""

from __future__ import annotations

from corridor.costing import Costs, linear, per_km

name = "road"


def kmh(params, cargo=None) -> float:
    """Average speed over whole days: the daily driving hours in every 24."""
    return params.value("road.speed") * params.value("road.hours_per_day") / 24.0


def allowed(cargo) -> bool:
    return True


def costs(km, cargo, params) -> Costs:
    usd, ttw, wtt, _, _ = per_km(cargo, params, "road")
    return linear(km, 1.0 / kmh(params), usd, ttw, wtt)


def edge_costs(net, edges, cargo, params) -> Costs:
    return costs(net.edge_km[edges], cargo, params)


def basis(cargo, params) -> dict[str, list[str]]:
    _, _, _, usd_keys, co2_keys = per_km(cargo, params, "road")
    return {"duration_h": ["road.speed", "road.hours_per_day"], "cost_usd": usd_keys, "co2e_kg": co2_keys}
