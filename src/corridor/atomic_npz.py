"""Write a set of arrays to an ``.npz`` file whole or not at all: readers of a cache file (other
processes, a later run) never see half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` to ``path`` through a temporary file of its own in the same folder, then
    a rename; on any failure the temporary file is removed and the error raised (OSError for a
    read-only or full folder)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
