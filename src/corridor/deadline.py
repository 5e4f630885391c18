"""A deadline for the work of one call, checked between searches, so that a server can stop
work it has already answered with a timeout.

The search kernels cannot be interrupted, but each one is bounded; the planner's loops
(alternatives, Pareto front, transit policy, what-if) all start their searches through
:func:`corridor.engine.search.best_path`, which calls :func:`check` first. A call outside
:func:`within` has no deadline and :func:`check` costs one context-variable read.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar

_DEADLINE: ContextVar[float | None] = ContextVar("corridor_deadline", default=None)


class DeadlineExceeded(Exception):
    """The work passed its deadline and was stopped."""


@contextmanager
def within(seconds: float):
    """Run the enclosed work with a deadline ``seconds`` from now (in this thread's context)."""
    token = _DEADLINE.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def check() -> None:
    """Raise :class:`DeadlineExceeded` when the current deadline has passed.

    Raises
    ------
    DeadlineExceeded
        Past the deadline set by :func:`within`.
    """
    deadline = _DEADLINE.get()
    if deadline is not None and time.monotonic() > deadline:
        raise DeadlineExceeded(f"past the deadline by {time.monotonic() - deadline:.3f} s")
