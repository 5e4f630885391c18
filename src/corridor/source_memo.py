"""Values computed from a file shipped with corridor, remembered in the cache folder by that
file's bytes, so a new process reads them instead of computing them again (issue #17).

:data:`corridor.build.contraction.CODE_HASH` hashes the source of the functions that build a
hierarchy, as :func:`inspect.getsource` gives it (tokenizing them: tens of ms); the costing
defaults are ``defaults.toml`` parsed (several ms, and the TOML parser's import). Each value
depends on the file's bytes and on the Python that reads them, and on nothing else, so a value
remembered for exactly these bytes and this Python is the value the computation would give;
the memo carries its own SHA-256, so a damaged one (a flipped digit in a figure) is never
used. Anything else (another file, another Python, a damaged or missing memo) computes it again.
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
from typing import Any

from corridor.data.userdir import cache_root


def memo_path(name: str) -> Path:
    """The file that remembers the value called ``name`` (one value: its source's latest bytes)."""
    return cache_root() / f"source-memo-{name}.json"


def remembered(name: str, source: Path, compute: Callable[[], Any], valid: Callable[[Any], bool]) -> Any:
    """``compute()``, a function of ``source``'s bytes alone, read from its memo when one was
    written for these bytes of ``source`` by this Python.

    Parameters
    ----------
    name
        The value's name (its memo's file name).
    source
        The file ``compute`` reads.
    compute
        Computes the value from ``source``: JSON data (str, numbers, lists, dicts).
    valid
        Whether a value read back is of the kind ``compute`` gives (a memo another code
        wrote under the same name is ignored).

    Returns
    -------
    Any
        The value. It is remembered only when the cache folder exists and ``source`` is
        unchanged after computing it; a read-only folder just computes it every time.
    """
    try:
        key = _key(source)
    except OSError:  # the source is not a file to read (a zipped install): nothing to key a memo by
        return compute()
    path = memo_path(name)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc["key"] == key and doc["sha256"] == _checksum(key, doc["value"]) and valid(doc["value"]):
            return doc["value"]
    except (OSError, ValueError, KeyError, TypeError):  # no memo yet, or not one this code wrote
        pass
    value = compute()
    try:
        unchanged = _key(source) == key  # the file computed from is the one keyed
    except OSError:
        unchanged = False
    if unchanged and path.parent.is_dir():
        _write(path, {"key": key, "value": value, "sha256": _checksum(key, value)})
    return value


def hex_digits(n: int) -> Callable[[Any], bool]:
    """A ``valid`` test for :func:`remembered`: a string of ``n`` lowercase hex digits."""
    return lambda v: isinstance(v, str) and re.fullmatch(f"[0-9a-f]{{{n}}}", v) is not None


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


def _checksum(key: str, value: Any) -> str:
    return hashlib.sha256(json.dumps([key, value], sort_keys=True).encode()).hexdigest()


def _key(source: Path) -> str:
    return f"{sys.version} | {hashlib.sha256(source.read_bytes()).hexdigest()}"
