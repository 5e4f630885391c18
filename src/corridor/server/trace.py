"""A record of every computing request, for finding what slow and refused requests waited behind.

Off unless ``CORRIDOR_SERVER_TRACE`` names a file: then the admission gate appends one JSON
line per computing request of this process, when it has answered: its arrival (seconds since
the process's first request), status, raw query, how long the process held it (``held_ms``),
waited for a slot (``wait_ms``) and waited for its worker's answer (``work_ms``), the wait the
admission gate predicted for it (``predicted_wait_ms``; none for an answer kept), and
``ahead``: the computing requests this process held when it arrived, each as its query and
how long it had been held by then (ms). ``bench/load.py --trace`` reads it back and counts.
It costs a write per request, so it is for measuring, not for production.
"""

from __future__ import annotations

import json
import os
import time

TRACE_ENV = "CORRIDOR_SERVER_TRACE"


class Trace:
    """The JSON-lines file :data:`TRACE_ENV` names, or a no-op when it is unset.

    Parameters
    ----------
    path : str or None
        The file (appended to, one line a request); None records nothing.
    """

    def __init__(self, path: str | None):
        self._file = open(path, "a", buffering=1) if path else None  # noqa: SIM115 - open while the process serves
        self._start = time.perf_counter()

    @classmethod
    def from_env(cls) -> Trace:
        return cls(os.environ.get(TRACE_ENV) or None)

    @property
    def on(self) -> bool:
        return self._file is not None

    def ahead(self, held: dict, now: float) -> list:
        """The requests ``held`` (started time by query) as ``[query, ms held so far]`` pairs."""
        return [[query, round(1000 * (now - since), 1)] for query, since in held.values()]

    def record(self, *, arrived: float, status: int, query: str, held_s: float, timing: dict, ahead: list) -> None:
        """Append one request's line (see the module's docstring)."""
        ms = lambda s: None if s is None else round(1000 * s, 2)  # noqa: E731
        self._file.write(json.dumps({
            "t": round(arrived - self._start, 4), "status": status, "q": query, "held_ms": ms(held_s),
            "wait_ms": ms(timing.get("wait")), "work_ms": ms(timing.get("work")),
            "predicted_wait_ms": ms(timing.get("predicted")), "ahead": ahead}) + "\n")
