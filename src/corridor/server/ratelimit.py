"""A per-client rate limit on the computing services that holds across worker processes.

Each client (its address) has a token bucket of ``N`` requests that refills over the period
of ``CORRIDOR_RATE_LIMIT`` (``N/second``, ``N/minute`` or ``N/hour``; ``off`` by default).
The buckets are rows of a SQLite file (``CORRIDOR_RATE_DB``, default ``ratelimit.sqlite``
in the cache folder) updated in one short write transaction per request, so every
``corridor serve`` worker on the machine counts against the same bucket.

The client is the connection's peer address, unless that peer is one of
``CORRIDOR_TRUSTED_PROXIES``: then the ``X-Forwarded-For`` hops are read from the right and
the first address that is not a trusted proxy is the client (a client cannot forge the hops
its trusted proxies appended).
"""

from __future__ import annotations

import ipaddress
import sqlite3
import time
from pathlib import Path

PERIODS = {"second": 1.0, "minute": 60.0, "hour": 3600.0}
_SCHEMA = "CREATE TABLE IF NOT EXISTS {table} (client TEXT PRIMARY KEY, tokens REAL NOT NULL, at REAL NOT NULL)"
_PRUNE_EVERY = 1000  # requests between sweeps of the buckets that have refilled


def parse_rate(text: str, variable: str = "CORRIDOR_RATE_LIMIT") -> tuple[int, float] | None:
    """``"60/minute"`` as ``(60, 60.0)``; None for ``"off"``; errors name ``variable``.

    Raises
    ------
    ValueError
        When the text is neither ``off`` nor ``N/second``, ``N/minute``, ``N/hour`` with N >= 1.
    """
    text = text.strip().lower()
    if text == "off":
        return None
    count, _, period = text.partition("/")
    if not count.isdigit() or int(count) < 1 or period not in PERIODS:
        raise ValueError(f"{variable}={text!r}: write N/second, N/minute, N/hour or off")
    return int(count), PERIODS[period]


def parse_proxies(text: str) -> tuple:
    """The networks of ``CORRIDOR_TRUSTED_PROXIES`` (comma-separated addresses or CIDRs).

    Raises
    ------
    ValueError
        Naming the entry that is not an address or network.
    """
    nets = []
    for item in filter(None, (s.strip() for s in text.split(","))):
        try:
            nets.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"CORRIDOR_TRUSTED_PROXIES: {item!r} is not an IP address or network") from None
    return tuple(nets)


def _trusted(address: str, proxies: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def client_address(peer: str, forwarded_for: str | None, proxies: tuple) -> str:
    """The address a request is counted against.

    Parameters
    ----------
    peer
        The connection's remote address.
    forwarded_for
        The ``X-Forwarded-For`` header, or None.
    proxies
        Trusted proxy networks (:func:`parse_proxies`); the header is ignored unless ``peer``
        is one of them.
    """
    if not forwarded_for or not _trusted(peer, proxies):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            return hop
    return hops[0] if hops else peer


class SharedRateLimit:
    """Token buckets in a SQLite file shared by the server's worker processes.

    Parameters
    ----------
    burst : int
        Requests a client may send in a row.
    period_s : float
        Time in which a bucket refills completely.
    path : Path
        The SQLite file (created with its folder when missing).
    table : str
        The table of buckets: one per limit, so that limits sharing the file keep apart.
    """

    def __init__(self, burst: int, period_s: float, path: Path, table: str = "bucket"):
        if not table.isidentifier():
            raise ValueError(f"rate-limit table {table!r} is not a plain name")
        self.burst, self.period_s, self.rate, self.table = burst, period_s, burst / period_s, table
        path.parent.mkdir(parents=True, exist_ok=True)
        # autocommit mode: each acquire is its own BEGIN IMMEDIATE ... COMMIT
        self._db = sqlite3.connect(path, timeout=2.0, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # a lost bucket after a power cut is harmless
        self._db.execute(_SCHEMA.format(table=table))
        self._calls = 0

    def acquire(self, client: str) -> float:
        """Take one request from ``client``'s bucket.

        Returns
        -------
        float
            0 when the request may go ahead, else the seconds until the next one may.
        """
        now = time.time()  # wall clock: the processes share it, not a monotonic clock
        self._db.execute("BEGIN IMMEDIATE")
        try:
            row = self._db.execute(f"SELECT tokens, at FROM {self.table} WHERE client = ?", (client,)).fetchone()
            tokens = float(self.burst) if row is None else min(float(self.burst), row[0] + max(0.0, now - row[1]) * self.rate)
            wait = 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate
            self._db.execute(f"INSERT OR REPLACE INTO {self.table} VALUES (?, ?, ?)",
                             (client, tokens - 1.0 if wait == 0.0 else tokens, now))
            self._calls += 1
            if self._calls % _PRUNE_EVERY == 0:  # bounds the file: a full bucket is as good as none
                self._db.execute(f"DELETE FROM {self.table} WHERE at < ?", (now - self.period_s,))
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return wait

    def close(self) -> None:
        self._db.close()
