"""Enforcing the server's limits: request body size (ASGI middleware) and computing time."""

from __future__ import annotations

import asyncio
import functools
import json

from fastapi import Request

from corridor.server.errors import LimitExceeded, error_body


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


async def compute(request: Request, fn, /, *args, **kwargs):
    """Run ``fn(*args, **kwargs)`` in a worker thread, within the request time limit.

    Raises
    ------
    LimitExceeded
        With status 504 when the limit passes first; the thread finishes on its own, and
        its result is dropped.
    """
    settings = request.app.state.settings
    loop = asyncio.get_running_loop()
    job = loop.run_in_executor(None, functools.partial(fn, *args, **kwargs))
    try:
        return await asyncio.wait_for(job, settings.request_timeout_s)
    except TimeoutError:
        raise LimitExceeded(
            f"The request took longer than this server's limit of {settings.request_timeout_s:g} s "
            "(request_timeout_s: --timeout or CORRIDOR_REQUEST_TIMEOUT); ask for less, e.g. a smaller table.",
            limit="request_timeout_s", value=settings.request_timeout_s, status=504, code="timeout") from None
