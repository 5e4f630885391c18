"""Where data a user imports lives (air routes, the World Port Index): ``CORRIDOR_DATA_DIR``,
else the platform's user data folder. The compiled network lives in the cache instead."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    env = os.environ.get("CORRIDOR_DATA_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("corridor"))
