"""Rail costing: time at a network-wide service speed in km per day; rate and GLEC intensity per tonne-km."""

from __future__ import annotations

from corridor.costing import Assumption, Costs, linear, per_km
from corridor.costing.params import defaults

SPEED = Assumption(
    "rail service speed", 800.0, "km/day",
    "Kazakhstan rail container service speed rose 'from 800km/day to 1,500km/day' after the "
    "Dostyk-Moyinty second track (en.inform.kz); the lower figure is used network-wide",
)


def kmh(params=None) -> float:
    return (params.value("rail.speed") if params is not None else SPEED.value) / 24.0


def allowed(cargo) -> bool:
    return True


def costs(km, cargo, params=None) -> Costs:
    params = params or defaults()
    usd, ttw, wtt, _, _ = per_km(cargo, params, "rail")
    return linear(km, 1.0 / kmh(params), usd, ttw, wtt)


def basis(cargo, params) -> dict[str, list[str]]:
    _, _, _, usd_keys, co2_keys = per_km(cargo, params, "rail")
    return {"duration_h": ["rail.speed"], "cost_usd": usd_keys, "co2e_kg": co2_keys}
