"""Worker processes that never outlive the process that started them.

The background hierarchy build runs its contractions in spawned worker processes, each busy
for minutes. Killing the build (SIGTERM, or SIGKILL) must not leave them running: on Linux
each worker asks the kernel to kill it when its parent dies (``PR_SET_PDEATHSIG``); elsewhere
a thread in the worker watches its parent and ends the worker once it is gone (between
compiled kernel calls: a numba kernel holds the interpreter until it returns). A parent that
ends on an exception (a failed worker, SIGTERM through :func:`exit_on_sigterm`, Ctrl-C) kills
its workers rather than wait for them to finish. Light on imports: every worker imports it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WATCH_S = 1.0  # how often the portable watch looks at the parent


def _ask_kernel_to_end_with_parent() -> bool:
    """Linux: have the kernel SIGKILL this process when its parent dies. False elsewhere."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_S)
    os._exit(1)  # orphaned: reparented to init or a subreaper


def end_with_parent(parent: int) -> None:
    """Worker initializer: end this process when process ``parent`` dies."""
    if not _ask_kernel_to_end_with_parent():
        threading.Thread(target=_watch, args=(parent,), name="end-with-parent", daemon=True).start()
    if os.getppid() != parent:  # it died before the request above took effect
        os._exit(1)


def run_in_workers(task: Callable, calls: list[tuple], workers: int) -> None:
    """Run ``task(*args)`` for every ``args`` of ``calls`` in ``workers`` spawned processes
    (spawn, not fork: a fresh interpreter each; numba's threads do not survive a fork).

    Raises whatever a call raised, after killing the workers still running.
    """
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=end_with_parent, initargs=(os.getpid(),))
    try:
        for done in [pool.submit(task, *args) for args in calls]:
            done.result()
    except BaseException:
        # shutdown() alone would wait minutes for the running calls; the pool offers no public kill before 3.14
        for process in list(pool._processes.values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def exit_on_sigterm() -> None:
    """Make SIGTERM end this (main-thread) process through ``SystemExit``, so that cleanups run:
    :func:`run_in_workers` kills its workers, locks are released."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
