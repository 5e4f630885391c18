"""Air chains over real routes, for the country report: no invented flights.

The planner's air network is *modelled* (large airports linked within range), so a shortest path
there may name a flight nobody flies (Lima -> Malaga). The report instead picks its airports from
routes known to be flown:

* ``curated/air_routes.csv``: hub-to-hub routes, each row naming its carriers and a source
  (an airline or airport announcement, dated);
* the OpenFlights routes the user imported (``corridor data fetch air`` or ``import-air``), when present
  (never shipped: the user's own file).

Airports that have closed (``curated/closed_airports.csv``, sourced: Berlin-Tegel) are never used.
Air freight door to door adds the handling a forwarder plans for (:data:`FREIGHT_TIMES`).
"""

from __future__ import annotations

import csv
import heapq
from functools import lru_cache
from importlib import resources

from corridor.costing import Assumption
from corridor.geo import haversine_km

MAX_FLIGHTS = 3  # at most two connections: longer chains are not what a forwarder books

FREIGHT_ORIGIN = Assumption(
    "air freight: export handling, screening, export clearance and build-up at the origin airport", 24.0, "h",
    "'security screening, weighing and measuring ... Export customs clearance ... consolidated into Unit Load "
    "Devices, a stage that typically requires between 12 and 24 hours' (climbtheladder.com, 'How Long Does Air "
    "Freight Take'); the upper figure, as cargo must meet the airline's cut-off before departure")
FREIGHT_HUB = Assumption(
    "air freight: cargo transfer at a hub (unload, sort, reload)", 8.0, "h",
    "'Major hubs: Airports like Dubai, Amsterdam, and Seoul typically process transfers in 4-8 hours' "
    "(56ok.com, air cargo transit timelines); the upper figure; replaces the passenger connection time")
FREIGHT_DESTINATION = Assumption(
    "air freight: unloading, import clearance and release at the destination airport", 24.0, "h",
    "assumption: taken equal to the origin handling (no published figure for import release found)")
FREIGHT_TIMES = (FREIGHT_ORIGIN, FREIGHT_HUB, FREIGHT_DESTINATION)


def _curated(name: str) -> list[dict]:
    path = resources.files("corridor.data") / "curated" / name
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=1)
def closed_airports() -> dict[str, dict]:
    """Closed airports by IATA code, each with its closing date and source."""
    return {r["iata"]: r for r in _curated("closed_airports.csv")}


def routes() -> tuple[dict[frozenset, str], str]:
    """Flown routes as {frozenset({a, b}): source} and which data they come from. Curated routes
    always; the user's OpenFlights import added when present. Closed airports are left out."""
    from corridor.air.openflights import load_imported

    closed = closed_airports()
    out = {frozenset((r["from"], r["to"])): f"{r['carriers']}: {r['source']}" for r in _curated("air_routes.csv")}
    label = "curated hub routes (curated/air_routes.csv, each sourced)"
    imported = load_imported()
    if imported is not None:
        for a, b, _airlines in imported["pairs"]:
            out.setdefault(frozenset((a, b)), f"OpenFlights import ({imported.get('file', 'routes.dat')})")
        label += f" and the imported OpenFlights routes ({imported.get('file', 'routes.dat')})"
    return {k: v for k, v in out.items() if len(k) == 2 and not (k & closed.keys())}, label


def best_chain(origins: list[str], destinations: list[str], coords: dict[str, tuple[float, float]],
               start: tuple[float, float] | None = None, end: tuple[float, float] | None = None) -> list[str] | None:
    """The shortest chain of flown routes (at most :data:`MAX_FLIGHTS` flights) from one of
    ``origins`` to one of ``destinations`` (IATA codes), as the airports in order; None when the
    routes known do not connect them. ``coords``: IATA -> (lon, lat). Length is great-circle km,
    counting the way from ``start`` to the first airport and from the last to ``end`` (lon, lat)
    too, so a chain does not begin at an airport across the country from the capital."""
    flown, _ = routes()
    links: dict[str, list[str]] = {}
    for pair in flown:
        a, b = tuple(pair)
        if a in coords and b in coords:
            links.setdefault(a, []).append(b)
            links.setdefault(b, []).append(a)

    def km(p, q) -> float:
        return 0.0 if p is None or q is None else float(haversine_km(p[0], p[1], q[0], q[1]))
    goal = set(destinations)
    heap = [(km(start, coords[o]), False, [o]) for o in origins if o in links]
    heapq.heapify(heap)
    done = set()
    while heap:
        length, arrived, chain = heapq.heappop(heap)
        here = chain[-1]
        if arrived:
            return chain
        if here in goal and len(chain) > 1:
            heapq.heappush(heap, (length + km(coords[here], end), True, chain))
        if (here, len(chain)) in done or len(chain) > MAX_FLIGHTS:
            continue
        done.add((here, len(chain)))
        for nxt in links.get(here, []):
            if nxt not in chain:
                heapq.heappush(heap, (length + km(coords[here], coords[nxt]), False, chain + [nxt]))
    return None
