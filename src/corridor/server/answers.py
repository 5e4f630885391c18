"""Answers already computed, kept as their encoded bytes for identical requests.

A server process plans on one network that never changes while it runs, and a request
object (:class:`corridor.request.RouteRequest`) is a frozen dataclass compared by value, so
the same request always gets the same answer: it is kept here, keyed by the service, the
network fingerprint and the request's values (never an object id), and sent again without a
worker process or a slot. The bytes are the encoded JSON, so a hit costs no encoding either.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


def encode_json(body: Any) -> bytes:
    """``body`` as the bytes FastAPI's ``JSONResponse`` sends (compact UTF-8, no NaN); done in
    the worker process, so that the server's event loop only copies the bytes out."""
    return json.dumps(body, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode()


class AnswerCache:
    """The most recently used encoded answers, at most ``max_bytes`` of them in all.

    Parameters
    ----------
    max_bytes : int
        Total size of the answers kept; 0 keeps none. An answer larger than a tenth of it
        (a big table) is not kept, so that one answer never flushes all the others.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = self.misses = 0
        self._answers: OrderedDict[Hashable, bytes] = OrderedDict()

    def get(self, key: Hashable) -> bytes | None:
        """The answer kept for ``key`` (now the most recently used), or None."""
        answer = self._answers.get(key)
        if answer is None:
            self.misses += 1
            return None
        self.hits += 1
        self._answers.move_to_end(key)
        return answer

    def put(self, key: Hashable, answer: bytes) -> None:
        """Keep ``answer`` for ``key``, dropping the least recently used ones beyond ``max_bytes``."""
        if len(answer) > self.max_bytes // 10:
            return
        old = self._answers.pop(key, None)
        if old is not None:
            self.size -= len(old)
        self._answers[key] = answer
        self.size += len(answer)
        while self.size > self.max_bytes:
            self.size -= len(self._answers.popitem(last=False)[1])

    def status(self) -> dict:
        """What ``/health`` shows: answers kept, their bytes, hits and misses since start."""
        return {"answers": len(self._answers), "bytes": self.size, "max_bytes": self.max_bytes,
                "hits": self.hits, "misses": self.misses}
