"""``/table``: distances and times between many places (OSRM's ``table``; by sea unless
``modes`` names others), see :func:`corridor.matrix`.

``GET /table?origins=PECHY;CNSHA&destinations=NLRTM;SGSIN`` (places separated by ``;``, as
``lat,lon`` contains a comma) or ``POST /table`` with the same fields as JSON, where a place
may also be a ``[lat, lon]`` pair. Without destinations, the table is origins × origins.
The size is checked against ``max_table_cells`` before any work is done.
"""

from __future__ import annotations

import inspect

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from corridor.policy_table import matrix
from corridor.request import TABLE
from corridor.server.errors import LimitExceeded
from corridor.server.limits import compute

router = APIRouter(tags=["table"])


class TableBody(BaseModel):
    """The body of ``POST /table``."""

    origins: list[str | tuple[float, float]] = Field(description="places: names, codes, 'lat,lon' or [lat, lon]")
    destinations: list[str | tuple[float, float]] | None = Field(None, description="default: the origins")
    modes: str | list[str] | None = Field(None, description=TABLE["modes"].help)
    avoid: str | list[str] | None = Field(None, description="passages to avoid")
    allow: str | list[str] | None = Field(None, description="passages closed by default to open")
    vessel: str = "seagoing"
    speed: float | None = Field(None, description="sea speed in knots (default 16)")


def _split(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").split(";") if p.strip()]


def _check_size(request: Request, n_origins: int, n_destinations: int) -> None:
    limit = request.app.state.settings.max_table_cells
    cells = n_origins * n_destinations
    if cells > limit:
        raise LimitExceeded(
            f"The table has {n_origins} x {n_destinations} = {cells:,} cells; this server's limit is "
            f"{limit:,} (max_table_cells: --max-table or CORRIDOR_MAX_TABLE). Split it into smaller tables.",
            limit="max_table_cells", value=limit)


async def _table(request: Request, origins, destinations, **options) -> JSONResponse:
    destinations = destinations or origins
    _check_size(request, len(origins), len(destinations))
    result = await compute(request, matrix, origins, destinations, network=request.app.state.network, **options)
    return JSONResponse(result.to_dict())


async def table_get(request: Request, origins: str, destinations: str | None = None, **options):
    """``distance_km`` and ``duration_h`` as rows (origins) of columns (destinations), ``null``
    where no route exists, with the resolved places, assumptions and restrictions."""
    return await _table(request, _split(origins), _split(destinations), **TABLE.from_query(options))


table_get.__signature__ = inspect.Signature([  # the declared options, typed and ranged for OpenAPI
    inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request),
    inspect.Parameter("origins", inspect.Parameter.KEYWORD_ONLY, annotation=str, default=Query(
        description="places separated by ';', e.g. PECHY;-33.0,-71.6;Santos")),
    inspect.Parameter("destinations", inspect.Parameter.KEYWORD_ONLY, annotation=str | None, default=Query(
        None, description="places separated by ';' (default: the origins)")),
    *TABLE.query_parameters(skip=("origins", "destinations")),
])
router.get("/table", summary="Distance and time table between places")(table_get)


@router.post("/table", summary="Distance and time table between places (JSON body)")
async def table_post(request: Request, body: TableBody):
    """As ``GET /table``, for long lists; places may be ``[lat, lon]`` pairs."""
    return await _table(request, body.origins, body.destinations, modes=body.modes, avoid=body.avoid,
                        allow=body.allow, vessel=body.vessel, speed_kn=body.speed)
