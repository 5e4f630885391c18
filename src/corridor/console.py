"""How much the command line says on stderr besides errors: progress bars and notes.

One setting per command run, set by :func:`corridor.cli.main` from ``-q``/``-v``; every
progress bar or stderr note of the CLI asks this module before writing. A context variable,
not a module global, so commands run in-process one after another (tests) never leak it.
"""

from __future__ import annotations

import sys
from contextvars import ContextVar

QUIET, NORMAL, VERBOSE = 0, 1, 2
_LEVEL: ContextVar[int] = ContextVar("corridor_verbosity", default=NORMAL)


def set_level(level: int):
    """Set the verbosity; returns the token that :func:`reset_level` takes back."""
    return _LEVEL.set(max(QUIET, min(VERBOSE, level)))


def reset_level(token) -> None:
    _LEVEL.reset(token)


def level() -> int:
    return _LEVEL.get()


def progress() -> bool:
    """Whether progress bars and stage lines are shown (not with ``-q``)."""
    return level() >= NORMAL


def note(text: str) -> None:
    """A note on stderr, silenced by ``-q``."""
    if level() >= NORMAL:
        print(f"corridor: {text}", file=sys.stderr, flush=True)


def detail(text: str) -> None:
    """A detail on stderr shown only with ``-v`` (timings, the network used)."""
    if level() >= VERBOSE:
        print(f"corridor: {text}", file=sys.stderr, flush=True)
