"""Every error the service returns is JSON ``{"code": ..., "message": ...}`` a person can act on.

=====================  ======  ==========================================================
error                  status  extra fields
=====================  ======  ==========================================================
PlaceNotFound          404     ``query``, ``suggestions`` (closest matches)
BadInput               400
NoRoute                422     ``cut_by`` (keys of the passages that cut every route)
LimitExceeded          413/400 ``limit``, ``value`` (the setting and its configured value)
invalid parameter      422     ``errors`` (one line per bad parameter)
timeout                504     ``limit``, ``value``
unknown endpoint       404
internal error         500     (logged on the server, never a traceback in the answer)
=====================  ======  ==========================================================
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from corridor.errors import BadInput, CorridorError, NoRoute, PlaceNotFound

log = logging.getLogger("corridor.server")


class LimitExceeded(Exception):
    """A request over one of the server's limits (:class:`~corridor.server.settings.Settings`).

    Parameters
    ----------
    message
        What was asked and what to do instead.
    limit
        The setting's name, e.g. ``"max_table_cells"``.
    value
        The setting's configured value.
    status
        413 for sizes (table, body), 400 for counts in the query (alternatives), 504 for time.
    code
        The error code, ``"limit_exceeded"`` or ``"timeout"``.
    """

    def __init__(self, message: str, *, limit: str, value, status: int = 413, code: str = "limit_exceeded"):
        super().__init__(message)
        self.limit, self.value, self.status, self.code = limit, value, status, code


def error_body(code: str, message: str, **extra) -> dict:
    """The JSON shape of every error."""
    return {"code": code, "message": message, **extra}


def _json(status: int, code: str, message: str, **extra) -> JSONResponse:
    return JSONResponse(error_body(code, message, **extra), status_code=status)


def _place_not_found(request: Request, e: PlaceNotFound) -> JSONResponse:
    hint = f" Closest matches: {', '.join(e.suggestions)}." if e.suggestions else ""
    return _json(404, "place_not_found",
                 f"Unknown place {e.query!r}.{hint} Look it up with /places?q=... or give 'lat,lon'.",
                 query=e.query, suggestions=e.suggestions)


def _no_route(request: Request, e: NoRoute) -> JSONResponse:
    return _json(422, "no_route", str(e), cut_by=e.cut_by)


def _bad_input(request: Request, e: CorridorError) -> JSONResponse:
    return _json(400, "bad_input", str(e))


def _limit(request: Request, e: LimitExceeded) -> JSONResponse:
    return _json(e.status, e.code, str(e), limit=e.limit, value=e.value)


def _validation(request: Request, e: RequestValidationError) -> JSONResponse:
    lines = []
    for err in e.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "body"))
        given = f" (got {err['input']!r})" if "input" in err and not isinstance(err["input"], dict) else ""
        lines.append(f"{where or 'request'}: {err.get('msg', 'invalid')}{given}")
    return _json(422, "invalid_parameter", "Invalid request: " + "; ".join(lines) + ". See /docs.",
                 errors=lines)


def _http(request: Request, e: HTTPException) -> JSONResponse:
    if e.status_code == 404:
        return _json(404, "not_found", f"No endpoint at {request.url.path}; the endpoints are listed at /docs.")
    if e.status_code == 405:
        return _json(405, "method_not_allowed",
                     f"{request.method} is not accepted at {request.url.path}; see /docs.")
    return _json(e.status_code, "http_error", str(e.detail))


def _internal(request: Request, e: Exception) -> JSONResponse:
    log.exception("internal error on %s", request.url)
    return _json(500, "internal_error", f"Internal error ({type(e).__name__}); it is logged on the server. "
                 "Please report it with the request URL.")


def install(app: FastAPI) -> None:
    """Register the handlers that turn every exception into the JSON error shape."""
    app.add_exception_handler(PlaceNotFound, _place_not_found)
    app.add_exception_handler(NoRoute, _no_route)
    app.add_exception_handler(BadInput, _bad_input)
    app.add_exception_handler(CorridorError, _bad_input)
    app.add_exception_handler(LimitExceeded, _limit)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, _internal)
