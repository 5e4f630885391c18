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

from corridor.air.consignment import GROUNDED
from corridor.build.air import KIND_ACCESS
from corridor.costing import Costs, tonnes

name = "air"
# The DESNZ passenger factors' own boundary between short and long haul (their labels say it).
DESNZ_SHORT_HAUL_KM = 3_700.0
TRANSFER_KINDS = ("airport", "connection")  # the transfers a trip by air adds
# Departure, change of aircraft and arrival: a passenger's, and air freight's handling and cut-off.
PASSENGER_HANDLING = ("air.check_in", "air.connection", "air.arrival")
FREIGHT_HANDLING = ("air.freight_export", "air.freight_hub", "air.freight_import")


def kmh(params, cargo=None) -> float:
    return params.value("air.cruise_speed")


def road_kmh(params) -> float:
    """Speed by road to and from an airport."""
    return params.value("air.road_access_speed")


def allowed(cargo) -> bool:
    """Passengers and general cargo fly; containers and bulk do not (:data:`GROUNDED`)."""
    return cargo.kind not in GROUNDED


def handling_keys(cargo) -> tuple[str, str, str]:
    """Keys of the departure, change-of-aircraft and arrival times for ``cargo``: air freight is
    handled and cut off hours before a passenger checks in (:data:`FREIGHT_HANDLING`)."""
    return PASSENGER_HANDLING if cargo is None or cargo.kind == "passengers" else FREIGHT_HANDLING


def handling_hours(params, cargo) -> tuple[float, float, float]:
    """Hours of departure, change of aircraft and arrival for ``cargo``."""
    return tuple(params.value(k) for k in handling_keys(cargo))


def time_keys(cargo) -> tuple[str, ...]:
    """What a route's time by air rests on, for the answer's list of assumptions."""
    return ("air.cruise_speed", "air.taxi", *handling_keys(cargo), "air.road_access_speed")


def block_hours(km, params):
    """Gate-to-gate time of one flight of ``km`` great-circle kilometres."""
    return params.value("air.taxi") + np.asarray(km, dtype=np.float64) / kmh(params)


def flight_edge_hours(km, params, cargo=None):
    """What one flight costs the search: its block time plus one change of aircraft (see :mod:`corridor.build.air`)."""
    return block_hours(km, params) + handling_hours(params, cargo)[1]


def airport_edge_hours(params, cargo=None) -> float:
    """Hours of an airport <-> road transfer edge (undirected, so departure and arrival share it):
    half of departure plus arrival handling, less the one change of aircraft the last flight carries."""
    departure, change, arrival = handling_hours(params, cargo)
    return (departure + arrival - change) / 2.0


def chargeable_kg(weight_kg: float, params, volume_m3: float = 0.0) -> float:
    """The greater of actual weight and volumetric weight."""
    return max(float(weight_kg), float(volume_m3) * 1e6 / params.value("air.volumetric_divisor"))


def _passenger_co2e_per_km(km, params):
    return np.where(km <= DESNZ_SHORT_HAUL_KM, params.value("air.passenger_co2e.short"),
                    params.value("air.passenger_co2e.long"))


def costs(km, cargo, params) -> Costs:
    """Block hours and kg CO2e of flights of ``km``, tank-to-wheel and well-to-tank apart; USD is
    per journey (:func:`journey_usd`).

    Tank-to-wheel: the passenger factors include radiative forcing, the freight factor does not.
    Well-to-tank is the fuel's upstream share (``air.wtt_per_ttw``) of the combustion CO2e, taken
    without the radiative-forcing uplift (``air.rf_multiplier``), which concerns burning at altitude only.
    """
    km = np.asarray(km, dtype=np.float64)
    if cargo.kind == "passengers":
        ttw = km * _passenger_co2e_per_km(km, params) * max(cargo.passengers, 1)
        burnt = ttw / params.value("air.rf_multiplier")
    else:
        ttw = km * tonnes(cargo, params) * params.value("air.freight_co2e")
        burnt = ttw
    return Costs(block_hours(km, params), np.zeros(len(km)), ttw, burnt * params.value("air.wtt_per_ttw"))


def edge_costs(net, edges, cargo, params) -> Costs:
    """Flights cost block time plus one connection; airport access edges the road time plus the
    airport's share of handling (:func:`airport_edge_hours`)."""
    km = net.edge_km[edges]
    access = np.asarray(net.edge_kind)[edges] == KIND_ACCESS
    c = costs(km, cargo, params)
    hours = np.where(access, airport_edge_hours(params, cargo) + km / road_kmh(params),
                     flight_edge_hours(km, params, cargo))
    return Costs(hours, c.usd, np.where(access, 0.0, c.co2e_ttw_kg), np.where(access, 0.0, c.co2e_wtt_kg))


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
                "co2e_kg": ["air.passenger_co2e.short", "air.passenger_co2e.long", "air.rf_multiplier",
                            "air.wtt_per_ttw"],
                "cost_usd": ["air.passenger_fare"]}
    return {"duration_h": ["air.cruise_speed", "air.taxi"], "co2e_kg": ["air.freight_co2e", "air.wtt_per_ttw"],
            "cost_usd": ["air.freight_rate", "air.volumetric_divisor"]}


def transfer_basis(cargo=None) -> dict[str, list[str]]:
    """Keys behind the hours of an airport or connection transfer (:data:`TRANSFER_KINDS`)."""
    return {"duration_h": list(handling_keys(cargo))}
