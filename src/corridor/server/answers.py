"""Answers already computed, kept as their encoded bytes for identical requests.

A server process plans on one network that never changes while it runs, and a request
object (:class:`corridor.request.RouteRequest`) is a frozen dataclass compared by value, so
the same request always gets the same answer: it is kept here, keyed by the service, the
network fingerprint and the request's values (never an object id), and sent again without a
worker process or a slot. The bytes are the encoded JSON, so a hit costs no encoding either.

Each answer is also found by the raw request targets (path and query string) it was sent
for, with the headers it was sent with: the admission gate looks a GET up by its target
before it counts the request, so a request the cache can answer is never refused for want
of a computing slot, and is answered without parsing or checking its options again (the
same target always parses to the same request, on a network that does not change).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

TARGET_BYTES = 4096  # one remembered request target per this many bytes of cache (about 16,000 for 64 MB)


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
        self._targets: OrderedDict[tuple, tuple[Hashable, list]] = OrderedDict()
        self.max_targets = max_bytes // TARGET_BYTES

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

    def remember_target(self, target: tuple, key: Hashable, headers: list) -> None:
        """Find the answer kept for ``key`` by the raw request ``target`` too, to be sent with
        ``headers`` (ASGI pairs of bytes); the least recently used targets go beyond ``max_targets``."""
        if key not in self._answers or self.max_targets == 0:
            return
        self._targets[target] = (key, headers)
        self._targets.move_to_end(target)
        while len(self._targets) > self.max_targets:
            self._targets.popitem(last=False)

    def by_target(self, target: tuple, *, count: bool = True) -> tuple[bytes, list] | None:
        """The answer and headers sent before for the raw request ``target``, or None (a target
        never seen, or whose answer has been dropped since). A found answer counts as a hit
        unless ``count`` is false; a miss is not counted: the request is looked up again by its
        values, and counted there."""
        found = self._targets.get(target)
        if found is None:
            return None
        key, headers = found
        answer = self._answers.get(key)
        if answer is None:
            del self._targets[target]
            return None
        if count:
            self.hits += 1
            self._answers.move_to_end(key)
        return answer, headers

    def status(self) -> dict:
        """What ``/health`` shows: answers kept, their bytes, hits and misses since start."""
        return {"answers": len(self._answers), "bytes": self.size, "max_bytes": self.max_bytes,
                "hits": self.hits, "misses": self.misses}
