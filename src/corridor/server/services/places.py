"""``GET /places?q=``: ports, countries and coordinates matching a query, as :func:`corridor.places`."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from corridor.places import lookup

router = APIRouter(tags=["places"])


@router.get("/places", summary="Look up places")
async def places(
    request: Request,
    q: str = Query(min_length=1, max_length=200, description="port name or code, country, or 'lat,lon'"),
    limit: int = Query(10, ge=1, le=50, description="how many matches"),
):
    """A list of places, best first (what ``corridor places Q --json`` prints)."""
    return JSONResponse(lookup(q, request.app.state.network, limit=limit))
