"""Enforcing the server's limits: request body size (ASGI middleware), computing slots, time and rate."""

from __future__ import annotations

import json
import time
from collections.abc import Hashable

from fastapi import Request

from corridor import deadline
from corridor.server.admission import ANSWER_KEY, TIMING, TryLater
from corridor.server.errors import LimitExceeded, error_body
from corridor.server.pool import THIS_NETWORK, WorkerLost
from corridor.server.ratelimit import client_address


class BodyLimit:
    """ASGI middleware: answer 413 to any request whose body exceeds ``max_bytes``.

    The body is read before the application sees it (from ``Content-Length`` at once, or
    while it streams in), so an oversized upload is refused without being parsed.
    """

    def __init__(self, app, *, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            return await self._refuse(send)
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_bytes:
                return await self._refuse(send)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)

    async def _refuse(self, send):
        payload = json.dumps(error_body(
            "limit_exceeded",
            f"The request body is larger than this server's limit of {self.max_bytes:,} bytes "
            "(max_body_bytes: --max-body or CORRIDOR_MAX_BODY); send a smaller request, e.g. split a table.",
            limit="max_body_bytes", value=self.max_bytes)).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(payload)).encode())]})
        await send({"type": "http.response.body", "body": payload})


def _client(request: Request) -> str:
    """The address a request counts against (behind trusted proxies, the client they name)."""
    return client_address(request.client.host if request.client else "unknown",
                          request.headers.get("x-forwarded-for"), request.app.state.trusted_proxies)


def signin_wait(request: Request) -> float:
    """Take one sign-in attempt from the client's bucket (``signin_rate``): 0 when it may go
    ahead, else the seconds until it may try again."""
    limit = request.app.state.signin_limit
    return 0.0 if limit is None else limit.acquire(_client(request))


def rate_limit(request: Request) -> None:
    """Take one request from the client's bucket of the shared rate limit, when one is set.

    Raises
    ------
    TryLater
        429 ``rate_limited`` with the seconds to wait.
    """
    app = request.app
    if app.state.rate_limit is None:
        return
    who = _client(request)
    wait = app.state.rate_limit.acquire(who)
    if wait > 0:
        raise TryLater(f"Too many requests from {who}: this server allows {app.state.settings.rate_limit} per "
                       "client (rate_limit: CORRIDOR_RATE_LIMIT); retry later.",
                       limit="rate_limit", value=app.state.settings.rate_limit, status=429, code="rate_limited",
                       retry_after_s=wait)


async def compute(request: Request, fn, /, *args, answer_key: Hashable | None = None, kind: Hashable = None,
                  **kwargs):
    """Run ``fn(*args, **kwargs)`` in a worker process, within the request time limit.

    In order: the client's rate limit (when one is set), the answer kept for an identical
    request (when ``answer_key`` is given: the request's values, which with ``fn`` and the
    network decide the answer, and ``fn`` returns encoded bytes), a slot of
    :class:`~corridor.server.admission.Admission` for a computation of ``kind`` (default
    ``fn``'s name; what its seconds are predicted from), waiting in its queue if need be, then the
    work in a worker process under a :mod:`corridor.deadline` that ends with the time limit,
    so that work answered with a timeout stops at its next check (or its worker is replaced)
    and frees its slot. ``fn`` is a module-level function; an argument that is the server's
    network is passed as the worker's own. Only answers are kept, never errors.

    Raises
    ------
    TryLater
        429 ``rate_limited`` or 503 ``overloaded``, at once, with the seconds to wait; 503
        ``worker_lost`` when the worker process died during the work.
    LimitExceeded
        With status 504 when the time limit passes first (waiting for a slot included).
    """
    app = request.app
    settings = app.state.settings
    end = time.monotonic() + settings.request_timeout_s
    rate_limit(request)
    net = app.state.network
    key = _answer_key(fn, net, answer_key)
    if key is not None:
        request.scope[ANSWER_KEY] = key  # the admission gate then finds the answer by the request's target too
        if (kept := app.state.answers.get(key)) is not None:
            return kept
    args = tuple(THIS_NETWORK if a is net else a for a in args)
    kwargs = {k: THIS_NETWORK if v is net else v for k, v in kwargs.items()}
    admission = app.state.admission
    timing = request.scope.setdefault(TIMING, {})
    try:
        queued = time.perf_counter()
        turn = await admission.acquire(end - time.monotonic(), kind or f"{fn.__module__}.{fn.__qualname__}")
        started = time.perf_counter()
        timing["wait"] = started - queued
        answer = await admission.run(turn, fn, args, kwargs, end)
        timing["work"] = time.perf_counter() - started
    except (TimeoutError, deadline.DeadlineExceeded):
        raise LimitExceeded(
            f"The request took longer than this server's limit of {settings.request_timeout_s:g} s "
            "(request_timeout_s: --timeout or CORRIDOR_REQUEST_TIMEOUT); ask for less, e.g. a smaller table.",
            limit="request_timeout_s", value=settings.request_timeout_s, status=504, code="timeout") from None
    except WorkerLost as e:
        raise TryLater(f"The computation was lost ({e}); retry in a moment.", limit="max_inflight",
                       value=settings.max_inflight, status=503, code="worker_lost", retry_after_s=1) from None
    if key is not None:
        app.state.answers.put(key, answer)
    return answer


def _answer_key(fn, net, values: Hashable | None) -> tuple | None:
    """The answer cache's key: the job, the network and the request's values; None when there
    are no values or they do not hash (a list inside: such requests are not kept)."""
    if values is None:
        return None
    key = (fn.__module__, fn.__qualname__, net.manifest["fingerprint"], values)
    try:
        hash(key)
    except TypeError:
        return None
    return key
