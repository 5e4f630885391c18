"""Probing the build lock files that the network build and the background hierarchy build share."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


def lock_path(root: Path, name: str) -> Path:
    """The build lock file of network ``name`` in ``root``: ``root/.<name>.lock``."""
    return Path(root) / f".{name}.lock"


def lock_is_free(root: Path, name: str) -> bool:
    """Whether no process holds :func:`lock_path` (False too when the file cannot be opened)."""
    try:
        fd = os.open(lock_path(root, name), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing the descriptor releases the lock
