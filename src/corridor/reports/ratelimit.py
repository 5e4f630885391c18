"""A per-client token bucket, in process: each client may send ``burst`` reports at once, then
one every ``period / burst`` seconds.

Set the limit with ``CORRIDOR_REPORTS_RATE`` as ``N/second``, ``N/minute`` or ``N/hour``
(default ``10/minute``), or ``off`` to disable it. Each server process counts on its own.
"""

from __future__ import annotations

import os
import threading
import time

from corridor.reports.model import ReportError

DEFAULT_RATE = "10/minute"
_PERIODS = {"second": 1.0, "minute": 60.0, "hour": 3600.0}
_MAX_CLIENTS = 10_000


class RateLimiter:
    """Token buckets keyed by client.

    Parameters
    ----------
    burst : int
        Bucket size: how many reports a client may send in a row.
    period_s : float
        Time in which a client's bucket refills completely.
    """

    def __init__(self, burst: int, period_s: float):
        self.burst = burst
        self.rate = burst / period_s
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_env(cls) -> RateLimiter | None:
        """The limiter ``CORRIDOR_REPORTS_RATE`` describes, or None when it says ``off``.

        Raises
        ------
        ReportError
            ``misconfigured`` when the setting cannot be read.
        """
        text = os.environ.get("CORRIDOR_REPORTS_RATE", DEFAULT_RATE).strip().lower()
        if text == "off":
            return None
        count, _, period = text.partition("/")
        if not count.isdigit() or int(count) < 1 or period not in _PERIODS:
            raise ReportError("misconfigured",
                              f"CORRIDOR_REPORTS_RATE={text!r}: write N/second, N/minute, N/hour or off")
        return cls(int(count), _PERIODS[period])

    def acquire(self, client: str) -> float:
        """Take one token from ``client``'s bucket.

        Returns
        -------
        float
            0 when a token was taken (the report may go ahead), else the seconds to wait
            before the next one will be available.
        """
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens < 1.0:
                self._buckets[client] = (tokens, now)
                return (1.0 - tokens) / self.rate
            self._buckets[client] = (tokens - 1.0, now)
            if len(self._buckets) > _MAX_CLIENTS:
                self._forget_full(now)
            return 0.0

    def _forget_full(self, now: float) -> None:
        """Drop the buckets that have refilled (their clients are as good as new), bounding memory."""
        full = [k for k, (t, last) in self._buckets.items() if t + (now - last) * self.rate >= self.burst]
        for k in full:
            del self._buckets[k]
