"""``GET /report``: the country-pair corridor report, as JSON or as the self-contained page."""

from __future__ import annotations

import inspect
from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from corridor.report.build import build_report
from corridor.report.html import render
from corridor.request import REPORT, ReportRequest
from corridor.server.limits import compute

router = APIRouter(tags=["report"])


def _report(origin: str, destination: str, *, network, **options) -> dict:
    return build_report(origin, destination, network=network, progress=False, **options)


async def report(request: Request, format: str = "json", **options):
    """What ``corridor report FROM TO --json`` prints; ``format=html`` gives the offline page."""
    req = ReportRequest.make(**REPORT.from_query(options))
    data = await compute(request, _report, req.origin, req.destination, network=request.app.state.network,
                         cargo=req.cargo, teu=req.teu, tonnes=req.tonnes, whatif=req.whatif)
    return HTMLResponse(render(data)) if format == "html" else JSONResponse(data)


report.__signature__ = inspect.Signature([  # the declared options, typed and ranged for OpenAPI
    inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request),
    inspect.Parameter("format", inspect.Parameter.KEYWORD_ONLY, annotation=Literal["json", "html"],
                      default=Query("json", description="json, or html for the report page")),
    *REPORT.query_parameters(),
])
router.get("/report", summary="Country-pair corridor report")(report)
