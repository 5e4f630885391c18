"""``/table``: distances and sailing times between many places (OSRM's ``table``), see
:func:`corridor.matrix.matrix`.

``GET /table?origins=PECHY;CNSHA&destinations=NLRTM;SGSIN`` (places separated by ``;``, as
``lat,lon`` contains a comma) or ``POST /table`` with the same fields as JSON, where a place
may also be a ``[lat, lon]`` pair. Without destinations, the table is origins × origins.
The size is checked against ``max_table_cells`` before any work is done.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from corridor.matrix import matrix
from corridor.server.errors import LimitExceeded
from corridor.server.limits import compute

router = APIRouter(tags=["table"])


class TableRequest(BaseModel):
    """The body of ``POST /table``."""

    origins: list[str | tuple[float, float]] = Field(description="places: names, codes, 'lat,lon' or [lat, lon]")
    destinations: list[str | tuple[float, float]] | None = Field(None, description="default: the origins")
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


@router.get("/table", summary="Distance and time table between places")
async def table_get(
    request: Request,
    origins: str = Query(description="places separated by ';', e.g. PECHY;-33.0,-71.6;Santos"),
    destinations: str | None = Query(None, description="places separated by ';' (default: the origins)"),
    avoid: str | None = Query(None, description="passages to avoid, comma-separated"),
    allow: str | None = Query(None, description="passages closed by default to open"),
    vessel: str = Query("seagoing", description="seagoing or river-sea"),
    speed: float | None = Query(None, description="sea speed in knots (default 16)"),
):
    """``distance_km`` and ``duration_h`` as rows (origins) of columns (destinations), ``null``
    where no route exists, with the resolved places, assumptions and restrictions."""
    return await _table(request, _split(origins), _split(destinations), avoid=avoid, allow=allow,
                        vessel=vessel, speed_kn=speed)


@router.post("/table", summary="Distance and time table between places (JSON body)")
async def table_post(request: Request, body: TableRequest):
    """As ``GET /table``, for long lists; places may be ``[lat, lon]`` pairs."""
    return await _table(request, body.origins, body.destinations, avoid=body.avoid, allow=body.allow,
                        vessel=body.vessel, speed_kn=body.speed)
