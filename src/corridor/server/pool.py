"""Worker processes that run the searches, so that the server's event loop only does I/O.

Searches are CPU-bound Python and numba: run in threads of the server process they hold the
interpreter lock, and the event loop (refusals, ``/health``) waits behind them. Each worker
here is a separate process that loads the compiled network once (memory-mapped: the workers
share its pages) and warms the search kernels up before it takes work. A job is a
module-level function and its arguments; :data:`THIS_NETWORK` in the arguments stands for
the worker's own network, which is never sent.

A job runs under :func:`corridor.deadline.within` and normally stops at its next deadline
check. A worker still busy ``grace_s`` after its job's deadline (a long kernel call, a bug)
is killed and replaced by a fresh one, so timed-out work never holds a CPU for long.
Everything here runs on the event loop, except one thread per worker that waits for its
answers. A closed pool parks its idle workers, and the next pool of the same process on the
same network takes them over (an app started again, as in tests) instead of starting new ones.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import multiprocessing
import os
import signal
import threading
import time
from typing import Any

from corridor import deadline

WORKER_NICENESS = 2  # a mild preference for the event loop (refusals, /health); more starves the searches on a shared machine
SURFACE_MODES = ("sea", "rail", "road", "ferry")  # the multimodal table a worker warms up
STARTUP_TIMEOUT_S = 600.0  # a first run may build the network (about a minute, more on a busy machine)


class _ThisNetwork:
    """Placeholder for the worker's own network in a job's arguments (pickled by reference)."""

    def __reduce__(self):
        return "THIS_NETWORK"

    def __repr__(self):
        return "THIS_NETWORK"


THIS_NETWORK = _ThisNetwork()
_PARKED: list = []  # idle workers of closed pools, alive, for the next pool of this process


class WorkerLost(Exception):
    """The worker process running a job died (killed, out of memory) before answering."""


def warm_network():
    """The compiled network, with the search kernels and the sea and multimodal hierarchies
    (the transit policy's among them) loaded, so that a worker's first job is as fast as the rest."""
    from corridor.errors import NoRoute
    from corridor.jit import load_numba
    from corridor.network import load_network
    from corridor.planner import plan
    from corridor.policy_table import matrix
    from corridor.request import RouteRequest

    load_numba()  # the warm-up routes then load the compiled kernels, not run their Python first
    net = load_network(progress=False)
    plan(RouteRequest.make(origin="NLRTM", destination="BEANR"), network=net)
    plan(RouteRequest.make(origin="Yerevan", destination="Baku"), network=net)
    # a point, not a place: the first builds the nodes' KD-tree (scipy.spatial), some 25 ms
    plan(RouteRequest.make(origin="40.18,44.51", destination="Baku"), network=net)
    # its fastest way crosses Russia, so the transit policy's second search loads that hierarchy
    # too: half a second a worker would otherwise spend on its first such request, under load
    plan(RouteRequest.make(origin="Almaty", destination="Berlin"), network=net)
    try:  # no sea route from the Caspian: explaining it imports scipy and builds the default
        # metric's sea components (corridor.engine.sea_reach), about 0.25 s on a worker's first such request
        plan(RouteRequest.make(origin="AZBAK", destination="NLRTM"), network=net)
    except NoRoute:
        pass
    matrix(["NLRTM"], ["BEANR"], network=net, threads=1)
    # The km of every edge of the surface hierarchies a multimodal table (/table?modes=...,
    # OSRM's /table/v1/surface) reads: the transit policy's, and (a cell ending in Moscow, in a
    # country the policy avoids) the one with Russia open: about 2 s each a worker would
    # otherwise spend on its first such table, holding one of the slots.
    matrix(["Yerevan", "55.75,37.62"], ["Baku"], modes=SURFACE_MODES, network=net, threads=1)
    # A full collection walks every object the warm-up made (numba's compiler above all): about
    # 0.2 s, every few hundred requests, that stalls the worker and queues the requests behind
    # it. They live as long as the worker, so they go to the permanent generation, never walked.
    gc.collect()
    gc.freeze()
    return net


def _serve(conn, setup) -> None:
    """A worker process: ``setup()`` (the network), say ``ready``, then answer jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which then ends its workers
    os.nice(WORKER_NICENESS)
    try:
        net = setup()
    except BaseException as e:  # noqa: BLE001 - reported to the server, which refuses to start
        conn.send(("failed", f"{type(e).__name__}: {e}"))
        return
    conn.send(("ready", str(getattr(net, "path", ""))))
    while True:
        try:
            fn, args, kwargs, seconds = conn.recv()
        except (EOFError, OSError):  # the server has gone
            return
        args = [net if a is THIS_NETWORK else a for a in args]
        kwargs = {k: net if v is THIS_NETWORK else v for k, v in kwargs.items()}
        try:
            with deadline.within(seconds):
                answer = ("ok", fn(*args, **kwargs))
        except Exception as e:  # noqa: BLE001 - the server raises it in the request's place
            answer = ("error", (type(e), e.args, e.__dict__))
        try:
            conn.send(answer)
        except Exception as e:  # noqa: BLE001 - an answer or error that does not pickle
            conn.send(("error", (RuntimeError, (f"{type(e).__name__}: {e}",), {})))


def _rebuild(kind: type, args: tuple, attributes: dict) -> Exception:
    """The exception a job raised, as it was: its class, arguments and attributes, without calling
    its ``__init__`` (whose signature pickling does not know)."""
    e = kind.__new__(kind, *args)
    e.args = args
    e.__dict__.update(attributes)
    return e


class _Worker:
    """One worker process, its pipe, and the thread that hands its messages to the event loop."""

    _ids = itertools.count()

    def __init__(self, ctx, loop: asyncio.AbstractEventLoop, on_message, setup):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, setup), daemon=True,
                                name=f"corridor-compute-{next(self._ids)}")
        self.proc.start()
        child.close()
        self.job: asyncio.Future | None = None
        self.job_sent = 0.0  # perf_counter when the current job was sent
        self.busy_s = 0.0  # seconds between sending jobs and reading their answers, in all
        self.frees_slot = False
        self.network_path: str | None = None  # set when ready
        self.adopt(loop, on_message)
        threading.Thread(target=self._read, daemon=True, name=f"{self.proc.name}-reader").start()

    def adopt(self, loop: asyncio.AbstractEventLoop, on_message) -> None:
        """Send this worker's messages to ``on_message`` on ``loop`` from now on."""
        self._loop, self._on_message = loop, on_message

    def _read(self) -> None:
        while True:
            try:
                message = self.conn.recv()
            except (EOFError, OSError):
                self.proc.join()
                message = ("dead", self.proc.exitcode)
            except Exception as e:  # noqa: BLE001 - an answer this process cannot unpickle
                message = ("error", (RuntimeError, (f"the answer could not be read ({type(e).__name__}: {e})",), {}))
            try:
                self._loop.call_soon_threadsafe(self._on_message, self, message)
            except RuntimeError:  # the loop has closed: the server is stopping
                return
            if message[0] == "dead":
                return

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()


class ProcessPool:
    """``size`` worker processes; :meth:`run` hands a job to an idle one.

    The caller bounds the jobs in flight to ``size`` (one per worker); a job finds a worker
    idle, or one being replaced that will be shortly.

    Parameters
    ----------
    size : int
        Worker processes.
    grace_s : float
        How long past its deadline a job may still run before its worker is killed and replaced.
    on_free : callable
        Called (on the event loop) each time a job's worker is free for the next job, or was
        replaced: the caller's slot accounting.
    setup : callable
        Run once in each worker (a module-level function): what :data:`THIS_NETWORK` stands
        for in the jobs; default :func:`warm_network`.
    """

    def __init__(self, size: int, grace_s: float, on_free=lambda: None, setup=warm_network):
        self.size, self.grace_s, self._on_free, self._setup = size, grace_s, on_free, setup
        self._ctx = multiprocessing.get_context("spawn")  # no fork: the server process has threads
        self._idle: asyncio.Queue | None = None
        self._workers: set[_Worker] = set()
        self._starting: dict[_Worker, asyncio.Future] = {}
        self._closed = False
        self.replaced = 0

    def start(self, network_path: str):
        """Start the workers now (taking over those a closed pool parked on the same
        ``network_path``); await the result until each has loaded the network.

        Raises
        ------
        RuntimeError
            When awaited, if a worker cannot load the network (its message says why) or takes too long.
        """
        self._idle = asyncio.Queue()
        loop = asyncio.get_running_loop()
        for worker in [w for w in _PARKED if w.network_path == network_path][:self.size]:
            _PARKED.remove(worker)
            if worker.proc.is_alive():
                worker.adopt(loop, self._on_message)
                self._workers.add(worker)
                self._idle.put_nowait(worker)
        return self._ready([self._spawn(frees_slot=False) for _ in range(self.size - len(self._workers))])

    async def _ready(self, starts: list) -> None:
        try:
            await asyncio.wait_for(asyncio.gather(*starts), STARTUP_TIMEOUT_S)
        except BaseException:
            self.close()
            raise

    def _spawn(self, *, frees_slot: bool) -> asyncio.Future:
        """A new worker; ``frees_slot``: it replaces one lost during a job, whose slot it frees when ready."""
        loop = asyncio.get_running_loop()
        worker = _Worker(self._ctx, loop, self._on_message, self._setup)
        worker.frees_slot = frees_slot
        self._workers.add(worker)
        ready = loop.create_future()
        self._starting[worker] = ready
        return ready

    def _on_message(self, worker: _Worker, message: tuple) -> None:
        kind, value = message
        if kind == "ready":
            worker.network_path = value
            ready = self._starting.pop(worker)
            if not ready.done():
                ready.set_result(None)
            self._free(worker, worker.frees_slot)
        elif kind in ("ok", "error"):
            if worker not in self._workers:  # an answer sent just before the worker was killed
                return
            job, worker.job = worker.job, None
            worker.busy_s += time.perf_counter() - worker.job_sent
            if job is not None and not job.done():
                if kind == "ok":
                    job.set_result(value)
                else:
                    job.set_exception(_rebuild(*value))
            self._free(worker, True)
        elif worker in self._workers or worker in self._starting:  # "failed" (no network) or "dead"
            self._workers.discard(worker)
            ready = self._starting.pop(worker, None)
            if ready is not None and not ready.done():
                ready.set_exception(RuntimeError(f"a compute worker could not start: {value}"))
            in_job = worker.job is not None
            if in_job and not worker.job.done():
                worker.job.set_exception(WorkerLost(f"the compute worker ended (exit code {value})"))
            if kind == "dead" and ready is None and not self._closed:  # lost while serving: replace it
                self.replaced += 1
                self._spawn(frees_slot=in_job)

    def _free(self, worker: _Worker, frees_slot: bool) -> None:
        if self._closed:
            return
        self._idle.put_nowait(worker)
        if frees_slot:
            self._on_free()

    async def run(self, fn, args: tuple, kwargs: dict, end: float) -> Any:
        """``fn(*args, **kwargs)`` in a worker, with the deadline ``end`` (``time.monotonic()``).

        Raises
        ------
        TimeoutError
            At ``end``; the worker goes on until the job stops at its deadline check, or is
            replaced ``grace_s`` later.
        WorkerLost
            When the worker died during the job.
        Exception
            Whatever the job raised (:class:`corridor.errors.BadInput`, ...).
        """
        try:
            worker = await asyncio.wait_for(self._idle.get(), max(0.0, end - time.monotonic()))
        except BaseException:
            self._on_free()  # the slot taken for this job is not going to a worker
            raise
        if worker not in self._workers:  # died while idle; its replacement is on its way
            return await self.run(fn, args, kwargs, end)
        loop = asyncio.get_running_loop()
        worker.job = job = loop.create_future()
        worker.job_sent = time.perf_counter()
        try:
            worker.conn.send((fn, args, kwargs, max(0.0, end - time.monotonic())))
        except BaseException:  # e.g. an argument that does not pickle: the worker never saw the job
            worker.job = None
            self._free(worker, True)
            raise
        try:
            return await asyncio.wait_for(asyncio.shield(job), max(0.0, end - time.monotonic()))
        except (TimeoutError, asyncio.CancelledError):  # the worker goes on for now
            job.add_done_callback(lambda f: f.cancelled() or f.exception())  # nobody awaits it now
            loop.call_later(max(0.0, end - time.monotonic()) + self.grace_s, self._end_if_stuck, worker, job)
            raise

    def _end_if_stuck(self, worker: _Worker, job: asyncio.Future) -> None:
        """Kill the worker if it is still on the job that timed out, and free its slot now: the
        work has stopped (its reader then starts a replacement, which the next job waits for)."""
        if worker.job is job and not job.done():
            worker.kill()
            worker.job = None
            if self._closed:
                return
            self._workers.discard(worker)
            self.replaced += 1
            self._spawn(frees_slot=False)
            self._on_free()

    def status(self) -> dict:
        return {"workers": len(self._workers) - len(self._starting), "starting": len(self._starting),
                "replaced": self.replaced,
                "busy_s": sorted(round(w.busy_s, 3) for w in self._workers if w not in self._starting)}

    def close(self) -> None:
        """Park the idle workers for a next pool of this process and stop the others (all stop
        on their own when this process ends)."""
        self._closed = True
        while self._idle is not None and not self._idle.empty():
            worker = self._idle.get_nowait()
            if worker in self._workers and worker.job is None and worker.proc.is_alive():
                self._workers.discard(worker)
                _PARKED.append(worker)
        for worker in self._workers:
            worker.kill()
        self._workers.clear()
