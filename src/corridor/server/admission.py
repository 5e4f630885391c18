"""Back-pressure: a bounded number of computations per process and a bounded wait queue.

A computing request takes a slot (or waits in the queue for one); when the queue is full it
is refused at once with 503 and ``Retry-After``, instead of waiting behind work the server
cannot finish in time. The slot stays taken until the computation has really ended, even
when the request was already answered with a timeout, so the CPUs are never oversubscribed.
Everything here runs on the event loop except the computations, which run in this
process's own pool of ``max_inflight`` threads.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor

from fastapi import Request
from fastapi.responses import JSONResponse

from corridor.server.errors import LimitExceeded, error_body


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


class Admission:
    """Slots for ``max_inflight`` computations and a queue of at most ``max_queue`` waiting ones.

    Parameters
    ----------
    max_inflight : int
        Computations run at once (also the number of threads that run them).
    max_queue : int
        Requests allowed to wait for a slot; 0 refuses any request that finds no free slot.
    """

    def __init__(self, max_inflight: int, max_queue: int):
        self.max_inflight, self.max_queue = max_inflight, max_queue
        self.running = 0
        self._waiting: deque[asyncio.Future] = deque()
        self.executor = ThreadPoolExecutor(max_inflight, thread_name_prefix="corridor-compute")

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
            raise TryLater(
                f"The server is busy: {self.max_inflight} computations running and {self.max_queue} waiting "
                "(max_inflight, max_queue: CORRIDOR_MAX_INFLIGHT, CORRIDOR_MAX_QUEUE); retry in a moment.",
                limit="max_queue", value=self.max_queue, status=503, code="overloaded", retry_after_s=1)
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

    def start(self, job) -> Future:
        """Run ``job()`` in a slot already taken; the slot is released when it ends, however it ends."""
        loop = asyncio.get_running_loop()
        done = self.executor.submit(job)
        done.add_done_callback(lambda _: loop.call_soon_threadsafe(self.release))
        return done

    def status(self) -> dict:
        """What ``/health`` shows: computations running and waiting in this process."""
        return {"running": self.running, "waiting": self.waiting, "max_inflight": self.max_inflight,
                "max_queue": self.max_queue}

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
