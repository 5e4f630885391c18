"""Back-pressure: a bounded number of computations per process and a bounded wait for them.

Two gates. :class:`AdmissionGate`, an ASGI middleware, counts the computing requests a server
process holds, from the moment their headers arrive: beyond ``max_inflight + max_queue``, or
when the wait for a slot it predicts for the request (the requests ahead at the recent seconds
of their kinds of work) exceeds ``max_wait_s``, it answers 503 with ``Retry-After`` before reading
the body, parsing or checking anything. A fixed queue length refused requests behind one
slow computation while the slots were otherwise keeping up; a predicted wait lets a longer
queue in when computations are quick and a shorter one when they are slow. Before
counting, it looks a GET's raw target up in the answer cache (:mod:`corridor.server.answers`):
a request answered before is served from there at once, never counted nor refused. Behind
it, a computing request takes a slot of :class:`Admission` (or waits in the queue for one),
where a long kind of work (a multimodal route beside sea routes) may not take the last slot.
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
from collections.abc import Hashable
from dataclasses import dataclass

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


@dataclass(eq=False)
class Turn:
    """One request's claim on a slot: its kind of work, the seconds predicted for it, and whether
    it runs in the long lanes (:meth:`Admission.is_long`)."""

    kind: Hashable
    work_s: float
    long: bool
    granted: asyncio.Future | None = None  # set while it waits in the queue
    started: float = 0.0  # perf_counter when it took its slot
    queued: float = 0.0  # perf_counter when it joined the queue
    predicted_wait_s: float = 0.0  # the model's wait for it then (before the calibration)


class Admission:
    """Slots for ``max_inflight`` computations and a queue of at most ``max_queue`` waiting ones.

    Each request names its kind of work (e.g. a route between two ports, or one with inland
    ends); the seconds of each kind's computations feed a running mean per kind, which
    predicts how long the requests running and waiting will hold their slots, hence a new
    request's wait. A kind whose computations take :data:`LONG_FACTOR` times those of the
    most frequent kind or more (multimodal routes beside sea routes, tables) is long: long
    requests run in at most ``max_inflight - 1`` slots at once, so that one slot always serves
    the quick ones, which pass a long request waiting for its lane (the queue is otherwise
    first come, first served).

    Parameters
    ----------
    max_inflight : int
        Computations run at once (also the number of worker processes that run them).
    max_queue : int
        Requests allowed to wait for a slot; 0 refuses any request that finds no free slot.
    grace_s : float
        How long past its deadline a computation may run before its worker is replaced.
    max_wait_s : float
        Longest predicted wait for a slot a request is let in for, once its kind is known.
    """

    WORK_WEIGHT = 0.1  # weight of the latest computation in the running means: about the last 10
    CALIBRATION = (0.5, 8.0)  # bounds of the measured / predicted waits factor applied to the predictions
    # seconds over which a calibration not measured again fades back to 1: measured only on
    # queued requests, a high one lets few queue, so it would otherwise stay long after a burst
    CALIBRATION_FADE_S = 5.0
    LONG_FACTOR = 4.0  # a kind this many times slower than the most frequent kind is long

    def __init__(self, max_inflight: int, max_queue: int, grace_s: float, max_wait_s: float = math.inf):
        self.max_inflight, self.max_queue, self.max_wait_s = max_inflight, max_queue, max_wait_s
        self.running = 0  # slots taken: a worker busy, or about to be
        self.long_running = 0  # requests of long kinds among them
        self.work_s = 0.0  # running mean of a computation's seconds in its worker; 0 until one has ended
        self._work: dict[Hashable, float] = {}  # the same by kind
        self._seen: dict[Hashable, int] = {}  # computations ended, by kind
        self._waiting: deque[Turn] = deque()
        self._running: set[Turn] = set()
        self._waits = [0.0, 0.0]  # running means of the waits measured and predicted (queued requests)
        self._waits_at = 0.0  # when they were last measured
        self.pool = ProcessPool(max_inflight, grace_s, on_free=self.release)

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    @property
    def long_lanes(self) -> int:
        """Slots the long kinds may take at once: all but one (with one slot, that one)."""
        return max(1, self.max_inflight - 1)

    def _bulk(self) -> Hashable | None:
        """The most frequent kind of computation so far (None before the first has ended)."""
        return max(self._seen, key=self._seen.__getitem__) if self._seen else None

    def predicted_s(self, kind: Hashable | None) -> float:
        """Seconds a computation of ``kind`` is expected to take: its kind's running mean, or
        every kind's for a kind not seen yet (0 before any computation has ended)."""
        return self._work.get(kind, self.work_s)

    def is_long(self, kind: Hashable) -> bool:
        """Whether ``kind`` takes :data:`LONG_FACTOR` times the most frequent kind's seconds or more."""
        bulk = self._bulk()
        return kind in self._work and kind != bulk and self._work[kind] >= self.LONG_FACTOR * self._work[bulk]

    def _fits(self, turn: Turn) -> bool:
        return self.running < self.max_inflight and (not turn.long or self.long_running < self.long_lanes)

    async def acquire(self, timeout_s: float, kind: Hashable | None = None) -> Turn:
        """Take a slot for a computation of ``kind``, waiting in the queue at most ``timeout_s``.

        Raises
        ------
        TryLater
            503 ``overloaded`` at once when the queue is full, or the wait predicted for the
            request exceeds ``max_wait_s`` (a long request's: that or :data:`LONG_FACTOR` times
            its predicted seconds, whichever is longer).
        TimeoutError
            When no slot came free within ``timeout_s``.
        """
        turn = Turn(kind, self.predicted_s(kind), self.is_long(kind))
        if self._fits(turn):
            self._start(turn)
            return turn
        if self.waiting >= self.max_queue:
            raise overloaded(self.max_inflight, self.max_queue)
        turn.predicted_wait_s = self._wait_s(turn.long, unplaced=0)
        wait_s, limit_s = self.calibration * turn.predicted_wait_s, self.max_wait_s
        if turn.long:  # it delays no quick request: it may wait as long as a few of its own computations
            limit_s = max(limit_s, self.LONG_FACTOR * turn.work_s)
        if wait_s > limit_s:
            raise too_long_a_wait(wait_s, limit_s)
        turn.granted = asyncio.get_running_loop().create_future()
        turn.queued = time.perf_counter()
        self._waiting.append(turn)
        try:
            await asyncio.wait_for(asyncio.shield(turn.granted), timeout_s)
        except BaseException:
            if turn in self._waiting:
                self._waiting.remove(turn)
            else:  # the slot was handed over as we gave up
                self._end(turn)
                self.release()
            raise
        return turn

    def _start(self, turn: Turn) -> None:
        self.running += 1
        self.long_running += turn.long
        turn.started = time.perf_counter()
        self._running.add(turn)
        if turn.queued and turn.predicted_wait_s > 0:
            self._waits = [_mean(m, s, self.WORK_WEIGHT)
                           for m, s in zip(self._waits, (turn.started - turn.queued, turn.predicted_wait_s))]
            self._waits_at = turn.started

    @property
    def calibration(self) -> float:
        """The factor the predicted waits are multiplied by: the recent waits of queued requests
        as measured over the model's (:meth:`_wait_s`), within :data:`CALIBRATION`. On a machine
        shared with other work the computations ahead stall (a worker waits for a CPU) and the
        model alone let sea requests in that then waited 0.1 s and more (12 % of them, predicted
        39 ms at the median); 1 until a queued request has been measured, and back towards 1 over
        :data:`CALIBRATION_FADE_S` seconds when none has been since."""
        measured, predicted = self._waits
        if not predicted:
            return 1.0
        factor = min(max(measured / predicted, self.CALIBRATION[0]), self.CALIBRATION[1])
        return 1.0 + (factor - 1.0) * math.exp((self._waits_at - time.perf_counter()) / self.CALIBRATION_FADE_S)

    def _end(self, turn: Turn) -> None:
        """The request of ``turn`` no longer waits for its worker (its slot is freed by :meth:`release`)."""
        if turn in self._running:
            self._running.remove(turn)
            self.long_running -= turn.long
            self._dispatch()  # a long lane came free

    def release(self) -> None:
        """Free a slot (a worker is free again) and hand the free slots to the first requests
        waiting that may take them."""
        self.running -= 1
        self._dispatch()

    def _dispatch(self) -> None:
        while self.running < self.max_inflight:
            turn = next((t for t in self._waiting if self._fits(t)), None)
            if turn is None:
                return
            self._waiting.remove(turn)
            self._start(turn)
            turn.granted.set_result(None)

    async def run(self, turn: Turn, fn, args: tuple, kwargs: dict, end: float):
        """``fn(*args, **kwargs)`` in a worker process, in the slot ``turn`` took (released when
        the worker is free again, however the job ends); see :meth:`ProcessPool.run`. The seconds
        of each job that ends in time feed the running means behind :meth:`expected_wait_s`."""
        try:
            answer = await self.pool.run(fn, args, kwargs, end)
        except (TimeoutError, asyncio.CancelledError, deadline.DeadlineExceeded, WorkerLost):
            raise  # cut short: no measure of a computation
        except Exception:  # an error answer (no route, bad input) took its worker's time too
            self._took(time.perf_counter() - turn.started, turn.kind)
            raise
        finally:
            self._end(turn)
        self._took(time.perf_counter() - turn.started, turn.kind)
        return answer

    def _took(self, seconds: float, kind: Hashable | None = None) -> None:
        self.work_s = _mean(self.work_s, seconds, self.WORK_WEIGHT)
        self._work[kind] = _mean(self._work.get(kind, 0.0), seconds, self.WORK_WEIGHT)
        self._seen[kind] = self._seen.get(kind, 0) + 1

    def expected_wait_s(self, held: int, kind: Hashable | None = None) -> float:
        """Seconds a request of ``kind`` (default: the most frequent kind) would wait for a slot,
        arriving with ``held`` computing requests not answered yet in this process (those not
        yet running nor waiting counted as the most frequent kind); see :meth:`_wait_s`, times
        :attr:`calibration`."""
        kind = self._bulk() if kind is None else kind
        return self.calibration * self._wait_s(self.is_long(kind), unplaced=held - len(self._running) - self.waiting)

    def _wait_s(self, long: bool, unplaced: int) -> float:
        """The wait of a request of a long kind or not, behind the requests running, those
        waiting, in order, and ``unplaced`` more of the most frequent kind, each placed in the
        slot that comes free first among those its kind may take. A running request is
        predicted its kind's whole seconds still to run, whatever it has run: on a busy machine
        a computation past its mean is often far from done (with the seconds it had run
        subtracted, the sea requests let in on a loaded machine waited 56 ms at the median, past
        a 50 ms ``max_wait_s``). A quick request counts on no slot held by a long one (while
        the slots kept for the quick ones serve it): a long kind's mean says little of one
        computation (multimodal routes: 0.07-0.11 s at the median, 1.5-2 s at the 99th
        percentile on a loaded machine); counting on it freeing, the sea requests let in waited 0.5 s at
        the 99th percentile."""
        never = not long and self.max_inflight > self.long_lanes  # a quick request's view of a long slot
        slots = [[math.inf if never and t.long else t.work_s, t.long] for t in self._running]
        slots += [[self.work_s, False] for _ in range(self.running - len(self._running))]  # a job given up on
        slots += [[0.0, False] for _ in range(self.max_inflight - len(slots))]
        bulk_s = self.predicted_s(self._bulk())
        for work_s, is_long in [(t.work_s, t.long) for t in self._waiting] + [(bulk_s, False)] * max(0, unplaced):
            slot = self._first_free(slots, is_long)
            slot[0] = math.inf if never and is_long else slot[0] + work_s
            slot[1] = is_long
        return self._first_free(slots, long)[0]

    def _first_free(self, slots: list[list], long: bool) -> list:
        lanes_full = long and sum(is_long for _, is_long in slots) >= self.long_lanes
        return min((s for s in slots if s[1] or not lanes_full), key=lambda s: s[0])

    def status(self) -> dict:
        """What ``/health`` shows: computations running and waiting in this process, and its workers."""
        return {"running": self.running, "waiting": self.waiting, "max_inflight": self.max_inflight,
                "max_queue": self.max_queue, "work_ms": round(1000 * self.work_s, 2),
                "long_running": self.long_running, "wait_calibration": round(self.calibration, 2),
                **self.pool.status()}

    def close(self) -> None:
        self.pool.close()


def _mean(mean: float, seconds: float, weight: float) -> float:
    """The running mean ``mean`` (0: none yet) with one more computation of ``seconds``."""
    return seconds if mean == 0 else mean + weight * (seconds - mean)


class AdmissionGate:
    """ASGI middleware: 503 at once for a computing request beyond ``max_inflight + max_queue``
    held by this process, or whose wait for a slot, predicted from the requests held and not
    answered yet and the recent seconds of their kinds (:meth:`Admission.expected_wait_s`), exceeds ``max_wait_s``,
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
        # Of those, the ones not answered yet: the prediction's. Requests answered but still
        # sending counted as computations ahead, a phantom wait of a computation each.
        self.unanswered = 0
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
        wait_s = state.admission.expected_wait_s(self.unanswered) if hasattr(state, "admission") else 0.0
        scope[TIMING]["predicted"] = wait_s  # for the trace
        if wait_s > self.max_wait_s:
            return await self._refuse(send, too_long_a_wait(wait_s, self.max_wait_s))
        self.held += 1
        self.unanswered += 1
        answered = False

        async def answering_send(message):
            nonlocal answered
            if not answered and message["type"] == "http.response.start":
                answered = True
                self.unanswered -= 1
            await send(message)

        try:
            return await self.app(scope, receive, _remembering(answering_send, scope, state, target))
        finally:
            self.held -= 1
            self.unanswered -= not answered

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
