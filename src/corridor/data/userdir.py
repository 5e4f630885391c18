"""The user's folders: imported data (air routes, the World Port Index) in ``CORRIDOR_DATA_DIR``,
else the platform's user data folder; the compiled network and its speed-ups in
``CORRIDOR_CACHE_DIR``, else the platform's user cache folder."""

from __future__ import annotations

import os
from pathlib import Path

from corridor.errors import CorridorError


class CacheError(CorridorError):
    """The cache folder cannot be written (read-only, full, not a folder)."""


def data_dir() -> Path:
    env = os.environ.get("CORRIDOR_DATA_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("corridor"))


def cache_root() -> Path:
    env = os.environ.get("CORRIDOR_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("corridor"))


def cache_error(folder: Path, error: OSError, doing: str) -> CacheError:
    """A plain message for an OS error while writing the cache, with the way out."""
    reason = error.strerror or type(error).__name__
    return CacheError(f"cannot {doing} in {folder} ({reason}); free space or make it writable, or set "
                      "CORRIDOR_CACHE_DIR to a writable folder with about 1 GB free")
