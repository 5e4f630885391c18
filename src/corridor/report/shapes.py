"""Country outlines for the report's maps: Natural Earth 1:110m admin-0 countries (public
domain), shipped with corridor as ``countries_110m.npz`` (built by
``scripts/build_country_shapes.py``; source and version in DATA.md). The file holds every ring's
(lon, lat) points end to end (``points``), where each ring starts (``starts``) and the
provenance line (``source``)."""

from __future__ import annotations

import itertools
from functools import lru_cache
from importlib import resources

import numpy as np

DATA_FILE = "countries_110m.npz"


@lru_cache(maxsize=1)
def _load() -> dict[str, np.ndarray]:
    with resources.files(__package__).joinpath(DATA_FILE).open("rb") as f, np.load(f) as data:
        return {k: data[k] for k in data.files}


def source() -> str:
    """Provenance line printed under every map."""
    return str(_load()["source"])


@lru_cache(maxsize=1)
def country_rings() -> list[list[tuple[float, float]]]:
    """Every ring of every country as (lon, lat) points."""
    data = _load()
    points, starts = data["points"], data["starts"]
    return [[(float(x), float(y)) for x, y in points[a:b]] for a, b in itertools.pairwise(starts)]
