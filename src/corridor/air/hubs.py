"""Air chains over routes known to be flown, for the country report: no invented flights.

The routes are those of the ``sourced`` air network (:mod:`corridor.air.overlay`):

* ``curated/air_routes.csv``: hub-to-hub routes, each row naming its carriers and a source
  (an airline or airport announcement, dated);
* the OpenFlights routes the user imported (``corridor data fetch air`` or ``import-air``), when present
  (never shipped: the user's own file).

Closed airports (``curated/closed_airports.csv``, sourced: Berlin-Tegel) are never used, and
domestic-only airports (``curated/domestic_airports.csv``) only within their country. Air freight
door to door adds the handling a forwarder plans for (:data:`FREIGHT_TIMES`); ``corridor route
--modes air`` adds the same to a consignment's legs, so a report built on it needs nothing more.
"""

from __future__ import annotations

import heapq

from corridor.air.overlay import (
    CURATED_LABEL,
    closed_airports,
    curated_routes,
    flies_between,
    import_stamp,
)
from corridor.costing.params import defaults
from corridor.geo import haversine_km

MAX_FLIGHTS = 3  # at most two connections: longer chains are not what a forwarder books

_DEFAULTS = defaults()
FREIGHT_ORIGIN, FREIGHT_HUB, FREIGHT_DESTINATION = FREIGHT_TIMES = tuple(
    _DEFAULTS.labelled(k) for k in ("air.freight_export", "air.freight_hub", "air.freight_import"))
__all__ = ["FREIGHT_TIMES", "MAX_FLIGHTS", "best_chain", "closed_airports", "routes"]


_ROUTES: dict = {}  # import stamp -> routes(): a report asks several times per country pair


def routes() -> tuple[dict[frozenset, str], str]:
    """Flown routes as {frozenset({a, b}): source} and which data they come from. Curated routes
    always; the user's OpenFlights import added when present. Closed airports are left out, and
    domestic-only airports' routes abroad. Read once per import (callers must not change it)."""
    stamp = import_stamp()
    if stamp not in _ROUTES:
        _ROUTES[stamp] = _read_routes()
    return _ROUTES[stamp]


def _read_routes() -> tuple[dict[frozenset, str], str]:
    from corridor.air.openflights import load_imported
    from corridor.data.airports import read_airports

    out = dict(curated_routes())
    label = CURATED_LABEL
    imported = load_imported()
    if imported is not None:
        for a, b, _airlines in imported["pairs"]:
            out.setdefault(frozenset((a, b)), f"OpenFlights import ({imported.get('file', 'routes.dat')})")
        label += f" and the imported OpenFlights routes ({imported.get('file', 'routes.dat')})"
    ap = read_airports()
    country = dict(zip(ap.iata.tolist(), ap.country.tolist()))
    return {k: v for k, v in out.items() if len(k) == 2 and flies_between(*k, country)}, label


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
