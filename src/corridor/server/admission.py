"""Back-pressure: a bounded number of computations per process and a bounded wait for them.

Two gates. :class:`AdmissionGate`, an ASGI middleware, counts the computing requests a server
process holds, from the moment their headers arrive: beyond ``max_inflight + max_queue``, or
when the wait for a slot it predicts for the request (the requests ahead at the recent seconds
per computation) exceeds ``max_wait_s``, it answers 503 with ``Retry-After`` before reading
the body, parsing or checking anything. A fixed queue length refused requests behind one
slow computation while the slots were otherwise keeping up; a predicted wait lets a longer
queue in when computations are quick and a shorter one when they are slow. Before
counting, it looks a GET's raw target up in the answer cache (:mod:`corridor.server.answers`):
a request answered before is served from there at once, never counted nor refused. Behind
it, a computing request takes a slot of :class:`Admission` (or waits in the queue for one).
The slot stays taken until the computation has really ended, even when the request was
already answered with a timeout, so the CPUs are never oversubscribed. Everything here runs
on the event loop; the computations run in :class:`~corridor.server.pool.ProcessPool`'s
``max_inflight`` worker processes.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections import deque

from fastapi import Request
from fastapi.responses import JSONResponse

from corridor import deadline
from corridor.server.errors import LimitExceeded, error_body
from corridor.server.pool import ProcessPool, WorkerLost
from corridor.server.trace import Trace

ANSWER_KEY = "corridor.answer_key"  # set in the ASGI scope by a request whose answer the cache keeps
TIMING = "corridor.timing"  # seconds a computed request waited for a slot and for its worker (set by limits.compute)


class TryLater(LimitExceeded):
    """A request refused for now (503 overloaded, 429 rate limited); it names when to retry.

    Parameters
    ----------
    message, limit, value, status, code
        As :class:`~corridor.server.errors.LimitExceeded`.
    retry_after_s
        Seconds after which the client may try again (sent as ``Retry-After``, rounded up).
    """

    def __init__(self, message: str, *, limit: str, value, status: int, code: str, retry_after_s: float):
        super().__init__(message, limit=limit, value=value, status=status, code=code)
        self.retry_after_s = retry_after_s


def try_later_response(request: Request, e: TryLater) -> JSONResponse:
    """The JSON error with its ``Retry-After`` header (whole seconds, at least 1)."""
    return JSONResponse(error_body(e.code, str(e), limit=e.limit, value=e.value,
                                   retry_after_s=max(1, math.ceil(e.retry_after_s))),
                        status_code=e.status, headers={"Retry-After": str(max(1, math.ceil(e.retry_after_s)))})


def overloaded(max_inflight: int, max_queue: int) -> TryLater:
    """The 503 a request gets when every slot and the whole queue are taken."""
    return TryLater(
        f"The server is busy: {max_inflight} computations running and {max_queue} waiting "
        "(max_inflight, max_queue: CORRIDOR_MAX_INFLIGHT, CORRIDOR_MAX_QUEUE); retry in a moment.",
        limit="max_queue", value=max_queue, status=503, code="overloaded", retry_after_s=1)


def too_long_a_wait(wait_s: float, max_wait_s: float) -> TryLater:
    """The 503 a request gets when the wait for a slot predicted at its arrival exceeds ``max_wait_s``."""
    return TryLater(
        f"The server is busy: a computing slot would come free in about {wait_s:.2f} s, longer than its "
        f"limit of {max_wait_s:g} s (max_wait_s: CORRIDOR_MAX_WAIT); retry in a moment.",
        limit="max_wait_s", value=max_wait_s, status=503, code="overloaded", retry_after_s=1)


class Admission:
    """Slots for ``max_inflight`` computations and a queue of at most ``max_queue`` waiting ones.

    Parameters
    ----------
    max_inflight : int
        Computations run at once (also the number of worker processes that run them).
    max_queue : int
        Requests allowed to wait for a slot; 0 refuses any request that finds no free slot.
    grace_s : float
        How long past its deadline a computation may run before its worker is replaced.
    """

    WORK_WEIGHT = 0.1  # weight of the latest computation in the running mean: about the last 10

    def __init__(self, max_inflight: int, max_queue: int, grace_s: float):
        self.max_inflight, self.max_queue = max_inflight, max_queue
        self.running = 0
        self.work_s = 0.0  # running mean of a computation's seconds in its worker; 0 until one has ended
        self._waiting: deque[asyncio.Future] = deque()
        self.pool = ProcessPool(max_inflight, grace_s, on_free=self.release)

    @property
    def waiting(self) -> int:
        return sum(not w.done() for w in self._waiting)

    async def acquire(self, timeout_s: float) -> None:
        """Take a slot, waiting in the queue at most ``timeout_s``.

        Raises
        ------
        TryLater
            503 ``overloaded`` at once when every slot is taken and the queue is full.
        TimeoutError
            When no slot came free within ``timeout_s``.
        """
        if self.running < self.max_inflight and not self.waiting:
            self.running += 1
            return
        if self.waiting >= self.max_queue:
            raise overloaded(self.max_inflight, self.max_queue)
        turn = asyncio.get_running_loop().create_future()
        self._waiting.append(turn)
        try:
            await asyncio.wait_for(turn, timeout_s)
        except BaseException:
            if turn.done() and not turn.cancelled():  # the slot was handed over as we gave up
                self.release()
            raise
        finally:
            if turn in self._waiting:
                self._waiting.remove(turn)

    def release(self) -> None:
        """Hand the slot to the first request still waiting, or free it."""
        while self._waiting:
            turn = self._waiting.popleft()
            if not turn.done():
                turn.set_result(None)
                return
        self.running -= 1

    async def run(self, fn, args: tuple, kwargs: dict, end: float):
        """``fn(*args, **kwargs)`` in a worker process, in a slot already taken (released when the
        worker is free again, however the job ends); see :meth:`ProcessPool.run`. The seconds of
        each job that ends in time feed the running mean behind :meth:`expected_wait_s`."""
        start = time.perf_counter()
        try:
            answer = await self.pool.run(fn, args, kwargs, end)
        except (TimeoutError, asyncio.CancelledError, deadline.DeadlineExceeded, WorkerLost):
            raise  # cut short: no measure of a computation
        except Exception:  # an error answer (no route, bad input) took its worker's time too
            self._took(time.perf_counter() - start)
            raise
        self._took(time.perf_counter() - start)
        return answer

    def _took(self, seconds: float) -> None:
        self.work_s = seconds if self.work_s == 0 else self.work_s + self.WORK_WEIGHT * (seconds - self.work_s)

    def expected_wait_s(self, held: int) -> float:
        """Seconds a request would wait for a slot with ``held`` computing requests ahead of it in
        this process: those beyond the slots, at the recent seconds per computation, shared by the
        slots (0 while no computation has ended: no estimate yet)."""
        return max(0, held + 1 - self.max_inflight) * self.work_s / self.max_inflight

    def status(self) -> dict:
        """What ``/health`` shows: computations running and waiting in this process, and its workers."""
        return {"running": self.running, "waiting": self.waiting, "max_inflight": self.max_inflight,
                "max_queue": self.max_queue, "work_ms": round(1000 * self.work_s, 2), **self.pool.status()}

    def close(self) -> None:
        self.pool.close()


class AdmissionGate:
    """ASGI middleware: 503 at once for a computing request beyond ``max_inflight + max_queue``
    held by this process, or whose wait for a slot, predicted from the requests held and the
    recent seconds per computation (:meth:`Admission.expected_wait_s`), exceeds ``max_wait_s``,
    before its body is read or anything is parsed. Every computing
    answer carries ``Server-Timing: app;dur=MS``, the milliseconds this process held the
    request (what a client measures beyond it is network and client time), and a computed one
    ``wait;dur=MS, work;dur=MS`` too: of those, waiting for a slot and for its worker. A GET whose raw
    target the answer cache has answered before is sent from the cache at once, neither counted
    nor refused (with a rate limit set, it is passed on uncounted, for the limit to count it).

    Parameters
    ----------
    app
        The application behind the gate.
    paths : tuple of str
        Path prefixes of the computing services (``/route``, ``/table``...); other paths pass.
    max_inflight, max_queue : int
        As :class:`Admission`.
    max_wait_s : float
        Longest predicted wait for a slot a request is let in for.
    """

    def __init__(self, app, *, paths: tuple[str, ...], max_inflight: int, max_queue: int, max_wait_s: float):
        self.app, self.paths = app, paths
        self.max_inflight, self.max_queue, self.max_wait_s = max_inflight, max_queue, max_wait_s
        self.held = 0
        self.trace = Trace.from_env()
        self._held_since: dict[int, tuple[str, float]] = {}  # only with the trace on: query and start by request

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not any(scope["path"] == p or scope["path"].startswith(p + "/")
                                              for p in self.paths):
            return await self.app(scope, receive, send)
        start = time.perf_counter()
        timing = scope.setdefault(TIMING, {})
        status = None

        async def timed_send(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                took = _server_timing(time.perf_counter() - start, timing).encode()
                message = {**message, "headers": [*message.get("headers", []), (b"server-timing", took)]}
            await send(message)

        if not self.trace.on:
            return await self._admit(scope, receive, timed_send)
        ahead = self.trace.ahead(self._held_since, start)
        self._held_since[id(scope)] = (_query(scope), start)
        try:
            return await self._admit(scope, receive, timed_send)
        finally:
            del self._held_since[id(scope)]
            self.trace.record(arrived=start, status=status, query=_query(scope),
                              held_s=time.perf_counter() - start, timing=timing, ahead=ahead)

    async def _admit(self, scope, receive, send):
        """Answer from the cache, refuse, or count the request and pass it on."""
        state = scope["app"].state
        target = (scope["path"], scope["query_string"])
        if scope["method"] == "GET" and hasattr(state, "answers"):
            if state.rate_limit is None:
                kept = state.answers.by_target(target)
                if kept is not None:
                    return await _send_kept(send, *kept)
            elif state.answers.by_target(target, count=False) is not None:
                return await self.app(scope, receive, send)  # counted against the client's rate, not a slot
        if self.held >= self.max_inflight + self.max_queue:
            return await self._refuse(send, overloaded(self.max_inflight, self.max_queue))
        wait_s = state.admission.expected_wait_s(self.held) if hasattr(state, "admission") else 0.0
        if wait_s > self.max_wait_s:
            return await self._refuse(send, too_long_a_wait(wait_s, self.max_wait_s))
        self.held += 1
        try:
            return await self.app(scope, receive, _remembering(send, scope, state, target))
        finally:
            self.held -= 1

    async def _refuse(self, send, e: TryLater):
        retry = str(max(1, math.ceil(e.retry_after_s)))
        payload = json.dumps(error_body(e.code, str(e), limit=e.limit, value=e.value,
                                        retry_after_s=int(retry))).encode()
        await send({"type": "http.response.start", "status": e.status,
                    "headers": [(b"content-type", b"application/json"), (b"retry-after", retry.encode()),
                                (b"content-length", str(len(payload)).encode())]})
        await send({"type": "http.response.body", "body": payload})


def _query(scope) -> str:
    return scope["path"] + "?" + scope["query_string"].decode("latin-1")


def _server_timing(held_s: float, timing: dict) -> str:
    """``app;dur=MS`` (the time this process held the request), then, for a computed answer, the
    parts of it spent waiting for a slot (``wait``) and for the worker's answer (``work``)."""
    parts = [f"app;dur={1000 * held_s:.1f}"]
    parts += [f"{name};dur={1000 * timing[name]:.1f}" for name in ("wait", "work") if name in timing]
    return ", ".join(parts)


async def _send_kept(send, answer: bytes, headers: list) -> None:
    """Send an answer the cache kept, with the headers it was first sent with."""
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": answer})


def _remembering(send, scope, state, target: tuple):
    """``send``, which also tells the answer cache the headers of a 200 answer it keeps, so that
    the next request for the same ``target`` is found before admission."""

    async def remembering_send(message):
        if message["type"] == "http.response.start" and message["status"] == 200 and ANSWER_KEY in scope:
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server-timing"]
            state.answers.remember_target(target, scope[ANSWER_KEY], headers)
        await send(message)

    return remembering_send
