"""``GET /route``: the best route between two places, as ``corridor route --json`` prints it.

Query parameters mirror :func:`corridor.route`. ``alternatives=N`` adds up to N other
routes, each the best one that also keeps out one passage the best route crosses (Suez ->
the Cape), so the alternatives are the real choices a planner weighs.
"""

from __future__ import annotations

import re
from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from corridor.data import passages as P
from corridor.errors import BadInput, NoRoute
from corridor.planner import plan
from corridor.route import Route
from corridor.server.errors import LimitExceeded
from corridor.server.limits import compute

router = APIRouter(tags=["route"])

PLACE_HELP = "UN/LOCODE (PECHY), port name (Chancay, typos tolerated), ISO country code or name, or 'lat,lon'"


def alternatives(best: Route, count: int, *, options: dict, network) -> list[Route]:
    """Up to ``count`` other routes, shortest first, each avoiding one more passage of ``best``.

    Parameters
    ----------
    best
        The best route for the request.
    count
        How many alternatives at most.
    options
        The request's keyword options for :func:`corridor.planner.plan`, ``avoid`` included.
    network
        The compiled network.
    """
    avoided = P.parse_passage_list(options.get("avoid"))
    seen = {tuple(best.passages)}
    found: list[Route] = []
    crossed = [k for leg in best.legs for k in leg.passages]
    for key in dict.fromkeys(crossed):
        try:
            other = plan(**dict(options, avoid=[*avoided, key]), network=network)
        except NoRoute:
            continue
        if tuple(other.passages) not in seen:
            seen.add(tuple(other.passages))
            found.append(other)
    return sorted(found, key=lambda r: r.distance_km)[:count]


def _answer(net, origin, destination, options: dict, count: int, fmt: str):
    best = plan(origin, destination, **options, network=net)
    if fmt == "geojson":
        return best.to_geojson()
    d = best.to_dict()
    if count:
        d["alternatives"] = [r.to_dict() for r in alternatives(
            best, count, options=dict(options, origin=origin, destination=destination), network=net)]
    return d


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:40] or "place"


@router.get("/route", summary="Best route between two places")
async def route(
    request: Request,
    origin: str = Query(alias="from", description=PLACE_HELP, examples=["PECHY"]),
    destination: str = Query(alias="to", description=PLACE_HELP, examples=["CNSHA"]),
    via: list[str] = Query([], description="call at this place on the way (repeatable, in order)"),
    avoid: list[str] = Query([], description="passages to avoid: comma-separated or repeated (suez, panama, ...)"),
    allow: list[str] = Query([], description="passages closed by default to open (northwest, northeast)"),
    modes: str | None = Query(None, description="modes to use, comma-separated (default: sea, rail, road, ferry)"),
    vessel: str = Query("seagoing", description="seagoing or river-sea (may use the Volga-Don)"),
    speed: float | None = Query(None, description="sea speed in knots (default 16)"),
    cargo: str | None = Query(None, max_length=40, description="container, dry-bulk, liquid-bulk, general, passengers"),
    teu: float | None = Query(None, gt=0, le=100_000, description="containers, in TEU"),
    tonnes: float | None = Query(None, gt=0, le=10_000_000, description="bulk or general cargo, in tonnes"),
    optimize: str | None = Query(None, max_length=80, description="time, cost, co2, distance or a mix (time=1,co2=1)"),
    avoid_countries: str | None = Query(None, max_length=200, description="ISO codes of countries to keep out, e.g. IR"),
    allow_countries: str | None = Query(None, max_length=200,
                                        description="ISO codes lifted from the default transit policy (RU, BY)"),
    alternatives: int = Query(0, ge=0, description="how many alternative routes to add (JSON only)"),
    format: Literal["json", "geojson"] = Query("json", description="json (corridor route --json) or geojson"),
):
    """The same JSON as ``corridor route --json`` (see the README); with ``format=geojson`` a
    FeatureCollection, one feature per leg, offered as a file download. With ``alternatives=N``
    the answer gains an ``alternatives`` list of routes in the same shape."""
    limit = request.app.state.settings.max_alternatives
    if alternatives > limit:
        raise LimitExceeded(f"{alternatives} alternatives asked; this server's limit is {limit} "
                            "(max_alternatives: --max-alternatives or CORRIDOR_MAX_ALTERNATIVES).",
                            limit="max_alternatives", value=limit, status=400)
    if alternatives and format == "geojson":
        raise BadInput("Alternatives come in JSON only; export an alternative as GeoJSON by passing its "
                       "avoided passages in `avoid`.")
    options = {"via": via or None, "avoid": ",".join(avoid) or None, "allow": ",".join(allow) or None,
               "modes": modes, "vessel": vessel, "speed_kn": speed, "cargo": cargo, "teu": teu,
               "tonnes": tonnes, "optimize": optimize, "avoid_countries": avoid_countries,
               "allow_countries": allow_countries}
    body = await compute(request, _answer, request.app.state.network, origin, destination, options,
                         alternatives, format)
    if format == "geojson":
        name = f"corridor-{_slug(origin)}-{_slug(destination)}.geojson"
        return JSONResponse(body, media_type="application/geo+json",
                            headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return JSONResponse(body)
