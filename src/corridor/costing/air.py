"""Air costing: block time, airport handling and connections; CO2e and freight charges.

Time (used by the search): a flight takes its *block time*, taxi plus distance at the block
speed; changing aircraft at a hub takes the minimum connection time; leaving from an airport
takes check-in, arriving takes deplaning and baggage. Money is charged once per air journey
(:func:`journey_usd`), not per km, so :func:`costs` counts none.

Every figure is an ``air.*`` entry of ``costing/defaults.toml`` (sources and radiative-forcing
notes there), read through the request's parameters, so ``--costs`` overrides them without a
rebuild. Which airports are linked is network structure, decided at build time by
:mod:`corridor.air.model`, and not a costing figure.
"""

from __future__ import annotations

import numpy as np

from corridor.build.air import KIND_ACCESS
from corridor.costing import Costs, tonnes

name = "air"
# The DESNZ passenger factors' own boundary between short and long haul (their labels say it).
DESNZ_SHORT_HAUL_KM = 3_700.0
TRANSFER_KINDS = ("airport", "connection")  # the transfers a trip by air adds
# What a route's time by air rests on, for the answer's list of assumptions.
TIME_KEYS = ("air.cruise_speed", "air.taxi", "air.connection", "air.check_in", "air.arrival",
             "air.road_access_speed")


def kmh(params, cargo=None) -> float:
    return params.value("air.cruise_speed")


def road_kmh(params) -> float:
    """Speed by road to and from an airport."""
    return params.value("air.road_access_speed")


def allowed(cargo) -> bool:
    return True


def block_hours(km, params):
    """Gate-to-gate time of one flight of ``km`` great-circle kilometres."""
    return params.value("air.taxi") + np.asarray(km, dtype=np.float64) / kmh(params)


def flight_edge_hours(km, params):
    """What one flight costs the search: its block time plus one connection (see :mod:`corridor.build.air`)."""
    return block_hours(km, params) + params.value("air.connection")


def airport_edge_hours(params) -> float:
    """Hours of an airport <-> road transfer edge (undirected, so departure and arrival share it):
    half of check-in plus arrival, less the one connection time that the last flight carries."""
    return (params.value("air.check_in") + params.value("air.arrival") - params.value("air.connection")) / 2.0


def chargeable_kg(weight_kg: float, params, volume_m3: float = 0.0) -> float:
    """The greater of actual weight and volumetric weight."""
    return max(float(weight_kg), float(volume_m3) * 1e6 / params.value("air.volumetric_divisor"))


def _passenger_co2e_per_km(km, params):
    return np.where(km <= DESNZ_SHORT_HAUL_KM, params.value("air.passenger_co2e.short"),
                    params.value("air.passenger_co2e.long"))


def costs(km, cargo, params) -> Costs:
    """Block hours and kg CO2e (tank-to-wheel; the passenger factors include radiative forcing,
    the freight factor does not) of flights of ``km``; USD is per journey (:func:`journey_usd`)."""
    km = np.asarray(km, dtype=np.float64)
    if cargo.kind == "passengers":
        co2 = km * _passenger_co2e_per_km(km, params) * max(cargo.passengers, 1)
    else:
        co2 = km * tonnes(cargo, params) * params.value("air.freight_co2e")
    return Costs(block_hours(km, params), np.zeros(len(km)), co2, np.zeros(len(km)))


def edge_costs(net, edges, cargo, params) -> Costs:
    """Flights cost block time plus one connection; airport access edges the road time plus the
    airport's share of handling (:func:`airport_edge_hours`)."""
    km = net.edge_km[edges]
    access = np.asarray(net.edge_kind)[edges] == KIND_ACCESS
    c = costs(km, cargo, params)
    hours = np.where(access, airport_edge_hours(params) + km / road_kmh(params), flight_edge_hours(km, params))
    return Costs(hours, c.usd, np.where(access, 0.0, c.co2e_ttw_kg), c.co2e_wtt_kg)


def journey_usd(cargo, params) -> float | None:
    """USD of one air journey: freight by chargeable weight; passengers by the fare, None while
    the fare is unknown (the default: no published source)."""
    if cargo.kind == "passengers":
        fare = params.value("air.passenger_fare")
        return None if np.isnan(fare) else fare * max(cargo.passengers, 1)
    return chargeable_kg(tonnes(cargo, params) * 1000.0, params) * params.value("air.freight_rate")


def basis(cargo, params) -> dict[str, list[str]]:
    if cargo.kind == "passengers":
        return {"duration_h": ["air.cruise_speed", "air.taxi"],
                "co2e_kg": ["air.passenger_co2e.short", "air.passenger_co2e.long"],
                "cost_usd": ["air.passenger_fare"]}
    return {"duration_h": ["air.cruise_speed", "air.taxi"], "co2e_kg": ["air.freight_co2e"],
            "cost_usd": ["air.freight_rate", "air.volumetric_divisor"]}


def transfer_basis() -> dict[str, list[str]]:
    """Keys behind the hours of an airport or connection transfer (:data:`TRANSFER_KINDS`)."""
    return {"duration_h": ["air.check_in", "air.arrival", "air.connection"]}
