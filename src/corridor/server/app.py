"""The ASGI application: ``create_app(settings)`` wires the services, the error shape, the limits
and the web map around one compiled network.

The network is loaded once per process when the app starts, before it accepts requests,
and shared read-only by every request (:class:`corridor.network.Network` is immutable;
restrictions are per-call arguments). Each uvicorn worker is one such process.

Run it with ``corridor serve`` or ``uvicorn --factory corridor.server.app:create_app``.
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from corridor import __version__
from corridor.matrix import matrix
from corridor.network import load_network
from corridor.planner import plan
from corridor.request import RouteRequest
from corridor.server import errors, web
from corridor.server.limits import BodyLimit
from corridor.server.services import SERVICES, osrm
from corridor.server.settings import Settings

DESCRIPTION = """Open multimodal trade-corridor planner over HTTP (today: sea routes).

* `/route`: best route between two places, the JSON of `corridor route --json`
* `/table`: distance and time table between many places
* `/nearest`: ports nearest to a point
* `/places`: look places up; `/passages`: what can be avoided
* `/health`: status, network and limits

Errors are JSON `{"code": ..., "message": ...}`. The web map is at `/`.
"""


def _warm_up(net) -> None:
    """Load the compiled search kernels now, so the first request is as fast as the rest."""
    plan(RouteRequest.make(origin="NLRTM", destination="BEANR"), network=net)
    matrix(["NLRTM"], ["BEANR"], network=net, threads=1)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The corridor HTTP service.

    Parameters
    ----------
    settings
        Limits and options; default :meth:`Settings.from_env` (``CORRIDOR_*`` variables).

    Returns
    -------
    FastAPI
        The application; OpenAPI docs at ``/docs``, schema at ``/openapi.json``.
    """
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.network = load_network()
        _warm_up(app.state.network)
        yield

    # /docs is served by corridor.server.web from local assets (no CDN); ReDoc would need one.
    app = FastAPI(title="corridor", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None)
    app.state.settings = settings
    errors.install(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    for service in SERVICES:
        app.include_router(service.router)
    app.include_router(osrm.router)  # OSRM-compatible /route/v1, /table/v1, /nearest/v1
    app.state.web_assets = web.mount(app, settings)
    return app
