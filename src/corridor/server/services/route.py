"""``GET /route``: the best route between two places, as ``corridor route --json`` prints it.

The query parameters are the route request's options as declared in
:mod:`corridor.request.route` (names, types, ranges and help), so this service, the CLI and
:func:`corridor.route` accept the same options and check them the same way. Tables
(``scenario``, ``costs``) are files on the server's machine and are not taken over HTTP.
``alternatives=N`` adds the planner's own alternatives, as the CLI's ``--alternatives``.
"""

from __future__ import annotations

import inspect
import re
from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from corridor.errors import BadInput
from corridor.request import ROUTE, RouteRequest
from corridor.server.answers import encode_json
from corridor.server.errors import LimitExceeded
from corridor.server.limits import compute
from corridor.whatif import solve

router = APIRouter(tags=["route"])


def _answer(net, request: RouteRequest, fmt: str) -> bytes:
    best = solve(request, network=net)
    return encode_json(best.to_geojson() if fmt == "geojson" else best.to_dict())


def _kind(request: Request, req: RouteRequest) -> tuple[str, bool]:
    """The kind of computation, for the admission's prediction and lanes: quick when it is one
    sea route between two ports of the network (mostly a few ms), not when it may go inland,
    passes a via, or asks for alternatives or a Pareto front (tens of ms and more)."""
    if req.via or req.alternatives or req.pareto or not (req.modes is None or frozenset(req.modes) == {"sea"}):
        return "route", False
    ports = request.app.state.port_codes
    return "route", all(isinstance(end, str) and end.strip().upper() in ports for end in (req.origin, req.destination))


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:40] or "place"


async def route(request: Request, format: str = "json", **options):
    """The same JSON as ``corridor route --json`` (see the README); with ``format=geojson`` a
    FeatureCollection, one feature per leg, offered as a file download. With ``alternatives=N``
    the answer gains an ``alternatives`` list of routes in the same shape."""
    req = RouteRequest.make(**ROUTE.from_query(options))
    limit = request.app.state.settings.max_alternatives
    if req.alternatives > limit:
        raise LimitExceeded(f"{req.alternatives} alternatives asked; this server's limit is {limit} "
                            "(max_alternatives: --max-alternatives or CORRIDOR_MAX_ALTERNATIVES).",
                            limit="max_alternatives", value=limit, status=400)
    if (req.alternatives or req.pareto) and format == "geojson":
        raise BadInput("Alternatives and the Pareto front come in JSON only; export an alternative as GeoJSON "
                       "by passing its avoided passages in `avoid`.")
    body = await compute(request, _answer, request.app.state.network, req, format, answer_key=(req, format),
                         kind=_kind(request, req))
    if format == "geojson":
        name = f"corridor-{_slug(str(req.origin))}-{_slug(str(req.destination))}.geojson"
        return Response(body, media_type="application/geo+json",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return Response(body, media_type="application/json")


route.__signature__ = inspect.Signature([  # the declared options, typed and ranged for OpenAPI
    inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request),
    inspect.Parameter("format", inspect.Parameter.KEYWORD_ONLY, annotation=Literal["json", "geojson"],
                      default=Query("json", description="json (corridor route --json) or geojson")),
    *ROUTE.query_parameters(),
])
router.get("/route", summary="Best route between two places")(route)
