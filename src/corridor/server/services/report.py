"""``GET /report``: the country-pair corridor report, as JSON or as the self-contained page."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from corridor.report.build import build_report
from corridor.report.html import render
from corridor.server.limits import compute

router = APIRouter(tags=["report"])


def _report(origin: str, destination: str, *, network, **options) -> dict:
    return build_report(origin, destination, network=network, progress=False, **options)


@router.get("/report", summary="Country-pair corridor report")
async def report(
    request: Request,
    origin: str = Query(alias="from", min_length=2, max_length=60, description="origin country: ISO code or name"),
    destination: str = Query(alias="to", min_length=2, max_length=60, description="destination country"),
    cargo: str | None = Query(None, max_length=40, description="cargo kind, as `corridor report --cargo`"),
    teu: float | None = Query(None, gt=0, le=100_000),
    tonnes: float | None = Query(None, gt=0, le=10_000_000),
    format: Literal["json", "html"] = Query("json", description="json, or html for the report page"),
):
    """What ``corridor report FROM TO --json`` prints; ``format=html`` gives the offline page."""
    data = await compute(request, _report, origin, destination, network=request.app.state.network,
                         cargo=cargo, teu=teu, tonnes=tonnes)
    return HTMLResponse(render(data)) if format == "html" else JSONResponse(data)
