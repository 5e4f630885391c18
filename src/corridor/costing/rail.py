"""Rail costing: time at a network-wide service speed in km per day; rate and GLEC intensity per tonne-km."""

from __future__ import annotations

from corridor.costing import Costs, linear, per_km

name = "rail"


def kmh(params, cargo=None) -> float:
    return params.value("rail.speed") / 24.0


def allowed(cargo) -> bool:
    return True


def costs(km, cargo, params) -> Costs:
    usd, ttw, wtt, _, _ = per_km(cargo, params, "rail")
    return linear(km, 1.0 / kmh(params), usd, ttw, wtt)


def edge_costs(net, edges, cargo, params) -> Costs:
    return costs(net.edge_km[edges], cargo, params)


def basis(cargo, params) -> dict[str, list[str]]:
    _, _, _, usd_keys, co2_keys = per_km(cargo, params, "rail")
    return {"duration_h": ["rail.speed"], "cost_usd": usd_keys, "co2e_kg": co2_keys}
