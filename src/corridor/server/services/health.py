"""``GET /health``: the service is up, which network it serves, what it offers and its limits."""

from __future__ import annotations

from functools import cache

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from corridor import __version__
from corridor.mode_options import AVAILABLE_MODES, VESSELS
from corridor.request import REPORT, ROUTE, TABLE

router = APIRouter(tags=["health"])


@cache
def _options() -> dict:
    """The declared options of each service: the same while the process runs, so described once
    (and sent as plain JSON: FastAPI's generic encoder took about 5 ms per ``/health`` over them)."""
    return {s.name: s.describe() for s in (ROUTE, TABLE, REPORT)}


@router.get("/health", summary="Status, network and limits")
async def health(request: Request):
    """``status``, corridor's ``version``, the ``network`` fingerprint and sources, the
    ``available_modes`` and ``vessels``, the server's ``limits``, its ``load`` (computations
    running and waiting in this process), its ``answer_cache`` (answers kept for identical
    requests, hits and misses), whether the web map's assets are installed (``web_assets``) and the ``options`` of each service as declared in
    :mod:`corridor.request` (name, query name, kind, help, default, unit, range, choices): the
    web map builds its form from them."""
    net = request.app.state.network
    m = net.manifest
    return JSONResponse({
        "status": "ok", "version": __version__,
        "network": {"fingerprint": m["fingerprint"], "built_at": m["built_at"], "nodes": net.n_nodes,
                    "ports": len(net.port_code),
                    "sources": [f"{s['package']} {s['version']}: {s['name']}" for s in m["sources"]]},
        "available_modes": list(AVAILABLE_MODES), "vessels": list(VESSELS),
        "limits": request.app.state.settings.limits(),
        "load": request.app.state.admission.status(),
        "answer_cache": request.app.state.answers.status(),
        "web_assets": request.app.state.web_assets,
        "options": _options(),
    })
