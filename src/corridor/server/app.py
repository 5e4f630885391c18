"""The ASGI application: ``create_app(settings)`` wires the services, the error shape, the limits
and the web map around one compiled network.

The network is loaded once per process when the app starts, before it accepts requests,
and shared read-only by every request (:class:`corridor.network.Network` is immutable;
restrictions are per-call arguments). Each uvicorn worker is one such process; its searches
run in its own ``max_inflight`` worker processes (:mod:`corridor.server.pool`), which load the
network too, so that its event loop stays free to refuse, queue and answer ``/health``.

Run it with ``corridor serve`` or ``uvicorn --factory corridor.server.app:create_app``.
"""

from __future__ import annotations

import gc
from contextlib import asynccontextmanager

from fastapi import FastAPI

from corridor import __version__
from corridor.network import cache_root, load_network, network_dir
from corridor.server import errors, web
from corridor.server.admission import (
    Admission,
    AdmissionGate,
    TryLater,
    try_later_response,
)
from corridor.server.answers import AnswerCache
from corridor.server.limits import BodyLimit
from corridor.server.ratelimit import SharedRateLimit, parse_proxies, parse_rate
from corridor.server.services import SERVICES, osrm
from corridor.server.settings import ENV, Settings

COMPUTING_PATHS = ("/route", "/table", "/report")  # their OSRM forms (/route/v1/...) included
GRACE_S = 5.0  # past its deadline, a computation that has not stopped at a check has its worker replaced

DESCRIPTION = """Open multimodal trade-corridor planner over HTTP (today: sea routes).

* `/route`: best route between two places, the JSON of `corridor route --json`
* `/table`: distance and time table between many places
* `/nearest`: ports nearest to a point
* `/places`: look places up; `/passages`: what can be avoided
* `/health`: status, network and limits

Errors are JSON `{"code": ..., "message": ...}`. The web map is at `/`.
"""


def _rate_limit(settings: Settings, field: str, table: str) -> SharedRateLimit | None:
    """The shared per-client limit the setting ``field`` describes (kept in ``table``), or None when off."""
    rate = parse_rate(getattr(settings, field), ENV[field])
    if rate is None:
        return None
    return SharedRateLimit(*rate, settings.rate_db or cache_root() / "ratelimit.sqlite", table)


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
        # a fresh pool and limits per start: the last stop closed the previous ones (an app started twice)
        app.state.admission = Admission(settings.max_inflight, settings.max_queue, GRACE_S, settings.max_wait_s)
        app.state.rate_limit = _rate_limit(settings, "rate_limit", "bucket")
        app.state.signin_limit = _rate_limit(settings, "signin_rate", "signin")
        app.state.answers = AnswerCache(settings.answer_cache_mb * 1_000_000)
        workers_ready = app.state.admission.pool.start(str(network_dir()))  # they load while this process does
        app.state.network = load_network()
        app.state.port_codes = frozenset(str(code) for code in app.state.network.port_code)  # kinds of routes
        await workers_ready
        # A full collection of what start-up made (FastAPI's models, the network's objects) took
        # 0.16 s of the event loop, holding every answer; they live as long as the process.
        gc.collect()
        gc.freeze()
        yield
        app.state.admission.close()
        for limit in (app.state.rate_limit, app.state.signin_limit):
            if limit is not None:
                limit.close()

    # /docs is served by corridor.server.web from local assets (no CDN); ReDoc would need one.
    app = FastAPI(title="corridor", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None)
    app.state.settings = settings
    for field in ("rate_limit", "signin_rate"):  # a wrong setting fails here, before start-up
        parse_rate(getattr(settings, field), ENV[field])
    app.state.trusted_proxies = parse_proxies(settings.trusted_proxies)
    errors.install(app)
    app.add_exception_handler(TryLater, try_later_response)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    # added last, so it runs first: an overloaded server refuses before reading the body
    app.add_middleware(AdmissionGate, paths=COMPUTING_PATHS, max_inflight=settings.max_inflight,
                       max_queue=settings.max_queue, max_wait_s=settings.max_wait_s)
    for service in SERVICES:
        app.include_router(service.router)
    app.include_router(osrm.router)  # OSRM-compatible /route/v1, /table/v1, /nearest/v1
    app.state.web_assets = web.mount(app, settings)
    return app
