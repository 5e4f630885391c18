"""Road costing: truck time including the rest that driving-time rules impose; rate per truck-km and GLEC intensity."""

from __future__ import annotations

from corridor.costing import Assumption, Costs, linear, per_km
from corridor.costing.params import defaults

DRIVING_SPEED = Assumption("truck driving speed", 60.0, "km/h",
                           "assumption: average long-haul driving speed; no published figure found")
DRIVING_PER_DAY = Assumption("truck driving time per day", 9.0, "h/day",
                             "EU Regulation (EC) No 561/2006, Art. 6: daily driving time shall not exceed nine hours")


def kmh(params=None) -> float:
    """Average speed over whole days: nine hours of driving in every 24."""
    if params is None:
        return DRIVING_SPEED.value * DRIVING_PER_DAY.value / 24.0
    return params.value("road.speed") * params.value("road.hours_per_day") / 24.0


def allowed(cargo) -> bool:
    return True


def costs(km, cargo, params=None) -> Costs:
    params = params or defaults()
    usd, ttw, wtt, _, _ = per_km(cargo, params, "road")
    return linear(km, 1.0 / kmh(params), usd, ttw, wtt)


def basis(cargo, params) -> dict[str, list[str]]:
    _, _, _, usd_keys, co2_keys = per_km(cargo, params, "road")
    return {"duration_h": ["road.speed", "road.hours_per_day"], "cost_usd": usd_keys, "co2e_kg": co2_keys}
