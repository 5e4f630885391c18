"""Values computed from a module's source text, remembered in the cache folder by that source's
bytes, so a new process reads them instead of computing them again.

:data:`corridor.build.contraction.CODE_HASH` hashes the source of the functions that build a
hierarchy, as :func:`inspect.getsource` gives it: tokenizing them costs tens of ms, a fifth
of what a whole first route may take (issue #17). The value depends on the file's bytes and
on the Python that tokenizes them, and on nothing else, so a value remembered for exactly
these bytes and this Python is the value the computation would give; anything else (another
file, another Python, a damaged or missing memo) computes it again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from corridor.data.userdir import cache_root


def memo_path(name: str) -> Path:
    """The file that remembers the value called ``name`` (one value: its source's latest bytes)."""
    return cache_root() / f"source-memo-{name}.json"


def remembered(name: str, source: Path, compute: Callable[[], str], pattern: str) -> str:
    """``compute()``, a function of ``source``'s text alone, read from its memo when one was
    written for these bytes of ``source`` by this Python.

    Parameters
    ----------
    name
        The value's name (its memo's file name).
    source
        The file whose text ``compute`` reads.
    compute
        Computes the value from ``source`` (e.g. with :func:`inspect.getsource`).
    pattern
        A regular expression every valid value matches in full: a memo that does not holds
        something else and is ignored.

    Returns
    -------
    str
        The value. It is remembered only when the cache folder exists and ``source`` is
        unchanged after computing it; a read-only folder just computes it every time.
    """
    key = _key(source)
    path = memo_path(name)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc["key"] == key and isinstance(doc["value"], str) and re.fullmatch(pattern, doc["value"]):
            return doc["value"]
    except (OSError, ValueError, KeyError, TypeError):  # no memo yet, or not one this code wrote
        pass
    value = compute()
    if _key(source) == key and path.parent.is_dir():  # the file computed from is the one keyed
        _write(path, {"key": key, "value": value})
    return value


def _write(path: Path, doc: dict) -> None:
    """Write ``doc`` to ``path`` at once (a temporary file moved into place); on a read-only or
    full cache folder, nothing (the value is computed again next time)."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(doc, f)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)


def _key(source: Path) -> str:
    return f"{sys.version} | {hashlib.sha256(source.read_bytes()).hexdigest()}"
