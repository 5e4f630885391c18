"""Air costing: block time, airport handling and connections; CO2e and freight charges for the costing layer.

Time (used by the search): a flight takes its *block time*, taxi plus distance at a block
speed; changing aircraft at a hub takes the minimum connection time; leaving from an airport
takes check-in, arriving takes deplaning and baggage. Money and CO2e are not in the search
yet: :func:`costs` gives them per flight for the costing layer (issue 4) to add up.

Radiative forcing: the passenger factor *includes* the non-CO2 effects of flying at altitude
(DESNZ multiplies the CO2 by 1.9, after Lee et al. 2021); the freight factor (GLEC, ISO 14083)
*excludes* them, as ISO 14083 does. Each :class:`Assumption` says which.
"""

from __future__ import annotations

from corridor.costing import Assumption

CRUISE_SPEED = Assumption(
    "air block speed (cruise)", 870.0, "km/h",
    "470 kn, the average speed of the Boeing 787's 2011 round-the-world record flight "
    "('The plane traveled at 470 knots/hour', AP via sandiegouniontribune.com 2012-02-29); "
    "its cruise is Mach 0.85")
TAXI = Assumption("air taxi, climb and approach allowance per flight", 0.5, "h",
                  "assumption (taxi out and in, climb and approach beyond cruise speed)")
CONNECTION = Assumption(
    "minimum connection time at a hub", 1.0, "h",
    "'The minimum time to connect between two international flights is 1 h' (Istanbul Atatürk, "
    "connectionreview.com); 'about 60 min at Istanbul IST, 45 min at Frankfurt, 60-90 min at Dubai' (viaviq.com)")
CHECK_IN = Assumption("airport departure: check-in, security, boarding", 2.0, "h",
                      "assumption (airlines commonly ask for arrival 2-3 h before an international flight)")
ARRIVAL = Assumption("airport arrival: deplaning, passport control, baggage", 1.0, "h", "assumption")
ROAD_ACCESS_SPEED = Assumption("road to and from the airport", 60.0, "km/h",
                               "the truck driving speed assumption (costing/road.py), no rest needed on trips this short")
AIRPORT_REACH = Assumption("a place is served by airports up to", 100.0, "km", "assumption (ground access by road)")
LONG_HAUL_RANGE = Assumption(
    "modelled long-haul range (Airbus A330-300)", 11_750.0, "km",
    "'The A330-300 has a range of 11,750 km (6,340 nmi; 7,300 mi) with 277 passengers' (Wikipedia, Airbus A330); "
    "modelled links between two large airports are no longer than this")
REGIONAL_RADIUS = Assumption("modelled regional links: medium airport to large airports within", 1_000.0, "km",
                             "assumption (hub-and-spoke feeder flights)")

PASSENGER_CO2E_SHORT = Assumption(
    "air passenger CO2e, short-haul economy (up to 3,700 km), with RF", 0.156, "kg CO2e/passenger-km",
    "UK DESNZ 2024 GHG conversion factors (condensed set), via airmilescalc.com/methodology/defra-emission-factors; "
    "includes radiative forcing (x1.9, Lee et al. 2021) and DESNZ's 8 % great-circle uplift")
PASSENGER_CO2E_LONG = Assumption(
    "air passenger CO2e, long-haul economy (over 3,700 km), with RF", 0.150, "kg CO2e/passenger-km",
    "UK DESNZ 2024 GHG conversion factors (condensed set), via airmilescalc.com/methodology/defra-emission-factors; "
    "includes radiative forcing (x1.9, Lee et al. 2021) and DESNZ's 8 % great-circle uplift")
SHORT_HAUL_KM = 3_700.0
FREIGHT_CO2E = Assumption(
    "air freight CO2e (freighter, over 1,500 km), tank-to-wheel, without RF", 0.498, "kg CO2e/tonne-km",
    "GLEC Framework v3.0 (2023) Table 1 (IATA RP1678, great-circle basis), via climatiq.io "
    "emission factor 3b4ed1c0; radiative forcing not included (ISO 14083)")
FREIGHT_RATE = Assumption(
    "air freight rate", 3.95, "USD/kg chargeable weight",
    "one forwarder's published example, New York JFK - Vilnius: '$2.70/kg + charges for fuel and security "
    "$1.25/kg, the total overall rate is $3.95/kg' (atlantic-freight.com); not an index, rates vary by lane and season")
VOLUMETRIC_DIVISOR = Assumption(
    "air volumetric weight divisor", 6_000.0, "cm3/kg",
    "IATA convention: volume weight (kg) = L x W x H (cm) / 6,000, i.e. 167 kg per m3 (itg.de; midotatsu.com)")
PASSENGER_FARE = Assumption("air passenger fare", None, "USD/passenger",  # None, not NaN: NaN is no JSON
                            "not found: no published fare source; not estimated")


def block_hours(km):
    """Gate-to-gate time of one flight of ``km`` great-circle kilometres."""
    return TAXI.value + km / CRUISE_SPEED.value


def flight_edge_hours(km):
    """What one flight costs the search: its block time plus one connection (see :mod:`corridor.build.air`)."""
    return block_hours(km) + CONNECTION.value


def airport_edge_hours() -> float:
    """Hours of an airport <-> road transfer edge (undirected, so departure and arrival share it):
    half of check-in plus arrival, less the one connection time that the last flight carries."""
    return (CHECK_IN.value + ARRIVAL.value - CONNECTION.value) / 2.0


def chargeable_kg(weight_kg: float, volume_m3: float = 0.0) -> float:
    """The greater of actual weight and volumetric weight."""
    return max(float(weight_kg), float(volume_m3) * 1e6 / VOLUMETRIC_DIVISOR.value)


def passenger_co2e_kg(km: float) -> float:
    factor = PASSENGER_CO2E_SHORT if km <= SHORT_HAUL_KM else PASSENGER_CO2E_LONG
    return km * factor.value


def costs(km: float, cargo: str = "passengers", *, weight_kg: float = 1000.0, volume_m3: float = 0.0) -> dict:
    """USD and CO2e of one flight of ``km`` for ``cargo`` ("passengers": per passenger; otherwise
    air freight of ``weight_kg`` and ``volume_m3``), with the assumptions behind them.

    USD is None where no sourced figure exists (passenger fares)."""
    if cargo in ("passenger", "passengers"):
        factor = PASSENGER_CO2E_SHORT if km <= SHORT_HAUL_KM else PASSENGER_CO2E_LONG
        return {"unit": "per passenger", "usd": None, "co2e_kg": km * factor.value,
                "assumptions": [factor, PASSENGER_FARE]}
    chargeable = chargeable_kg(weight_kg, volume_m3)
    return {"unit": f"per {chargeable:g} kg chargeable", "usd": chargeable * FREIGHT_RATE.value,
            "co2e_kg": km * float(weight_kg) / 1000.0 * FREIGHT_CO2E.value,
            "assumptions": [FREIGHT_RATE, VOLUMETRIC_DIVISOR, FREIGHT_CO2E]}


TIME_ASSUMPTIONS = (CRUISE_SPEED, TAXI, CONNECTION, CHECK_IN, ARRIVAL)
