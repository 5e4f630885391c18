"""Limits and options of the HTTP service, from ``CORRIDOR_*`` environment variables or flags.

``corridor serve`` turns its flags into these environment variables, so that every worker
process uvicorn starts builds the same :class:`Settings` (see :func:`Settings.from_env`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

ENV = {"max_table_cells": "CORRIDOR_MAX_TABLE", "max_alternatives": "CORRIDOR_MAX_ALTERNATIVES",
       "max_body_bytes": "CORRIDOR_MAX_BODY", "request_timeout_s": "CORRIDOR_REQUEST_TIMEOUT",
       "web_assets": "CORRIDOR_WEB_ASSETS", "max_inflight": "CORRIDOR_MAX_INFLIGHT",
       "max_queue": "CORRIDOR_MAX_QUEUE", "max_wait_s": "CORRIDOR_MAX_WAIT", "rate_limit": "CORRIDOR_RATE_LIMIT",
       "rate_db": "CORRIDOR_RATE_DB", "trusted_proxies": "CORRIDOR_TRUSTED_PROXIES",
       "signin_rate": "CORRIDOR_SIGNIN_RATE", "answer_cache_mb": "CORRIDOR_ANSWER_CACHE_MB"}
# Fields read as text (checked where they are used) and the counts that may be 0.
QUEUE_PER_SLOT = 16  # default max_queue per computing slot: a bound; the predicted wait (max_wait_s) refuses first
_TEXT = {"rate_limit", "trusted_proxies", "signin_rate"}
_MAY_BE_ZERO = {"max_alternatives", "max_queue", "answer_cache_mb"}


def cpu_count() -> int:
    """CPUs this process may run on (its affinity, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Settings:
    """What one server enforces; each field is read from the environment variable :data:`ENV` names.

    Attributes
    ----------
    max_table_cells : int
        Largest ``/table``: origins × destinations.
    max_alternatives : int
        Most alternative routes one ``/route`` call may ask for.
    max_body_bytes : int
        Largest request body.
    request_timeout_s : float
        Longest time a request may wait and compute before it is answered with a timeout error;
        its computation stops then too (at its next deadline check; a worker still busy a grace
        period later is replaced).
    web_assets : Path or None
        A ``node_modules`` folder holding the map library and country shapes; default (None)
        the copies shipped with corridor (``corridor/web/vendor/``).
    max_inflight : int
        Computations one server process runs at once, each in its own worker process
        (:mod:`corridor.server.pool`); default its number of CPUs.
    max_queue : int
        Most computing requests one process lets wait for a free slot; beyond it, 503 at once.
    max_wait_s : float
        Longest wait for a slot a request is let in for, as predicted when it arrives (the
        requests ahead of it at the recent seconds of their kinds of work, placed in the slots,
        times the recent ratio of measured to predicted waits; see
        :class:`~corridor.server.admission.Admission`); a longer predicted wait is answered 503
        at once (a long kind of request may wait a few of its own computations). A refused client waits a second
        (``Retry-After``), so a wait shorter than that serves it sooner.
    rate_limit : str
        Per-client limit on the computing services, ``N/second``, ``N/minute`` or ``N/hour``,
        kept in a SQLite file shared by every worker; ``off`` (the default) for none.
    rate_db : Path or None
        That SQLite file; default ``ratelimit.sqlite`` in the cache folder.
    trusted_proxies : str
        Comma-separated addresses or networks (CIDR) of reverse proxies whose
        ``X-Forwarded-For`` names the client; empty (the default) trusts none.
    signin_rate : str
        Per-client limit on admin sign-in attempts (``POST /admin/login``), as ``rate_limit``
        and in the same SQLite file; default ``5/minute``, so a token cannot be guessed by trying.
    answer_cache_mb : int
        Megabytes of encoded answers one process keeps for identical requests
        (:mod:`corridor.server.answers`); 0 keeps none.
    """

    max_table_cells: int = 10_000
    max_alternatives: int = 3
    max_body_bytes: int = 1_000_000
    request_timeout_s: float = 30.0
    web_assets: Path | None = None
    max_inflight: int = field(default_factory=cpu_count)
    max_queue: int = field(default_factory=lambda: QUEUE_PER_SLOT * cpu_count())
    max_wait_s: float = 0.05
    rate_limit: str = "off"
    rate_db: Path | None = None
    trusted_proxies: str = ""
    signin_rate: str = "5/minute"
    answer_cache_mb: int = 64

    @classmethod
    def from_env(cls, environ=None) -> Settings:
        """Settings from ``CORRIDOR_*`` variables; unset ones keep their defaults.

        Raises
        ------
        ValueError
            When a variable is not a positive number, naming the variable.
        """
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = environ.get(ENV[f.name])
            if raw is None or raw == "":
                continue
            if f.name in _TEXT:
                values[f.name] = raw.strip()
                continue
            if f.name in ("web_assets", "rate_db"):
                values[f.name] = Path(raw)
                continue
            kind = float if f.name in ("request_timeout_s", "max_wait_s") else int
            least = 0 if f.name in _MAY_BE_ZERO else 1e-9
            try:
                values[f.name] = kind(raw)
            except ValueError:
                values[f.name] = -1
            if values[f.name] < least:
                raise ValueError(f"{ENV[f.name]}={raw!r} must be a {'whole ' if kind is int else ''}number "
                                 f"{'>= 0' if least == 0 else '> 0'}")
        return cls(**values)

    def to_env(self) -> dict[str, str]:
        """The environment variables that reproduce these settings in another process."""
        env = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                env[ENV[f.name]] = str(value)
        return env

    def limits(self) -> dict:
        """The limits as ``/health`` reports them."""
        return {"max_table_cells": self.max_table_cells, "max_alternatives": self.max_alternatives,
                "max_body_bytes": self.max_body_bytes, "request_timeout_s": self.request_timeout_s,
                "max_inflight": self.max_inflight, "max_queue": self.max_queue, "max_wait_s": self.max_wait_s,
                "rate_limit": self.rate_limit,
                "signin_rate": self.signin_rate}
