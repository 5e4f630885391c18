"""Airports: every airport with an IATA code (airportsdata), and which have scheduled service (airports-py).

``airportsdata`` (MIT) lists about 28,000 airports keyed by ICAO, about 7,900 of them with an IATA
code, each with coordinates, country and time zone. ``airports-py`` (MIT; its data is from
OurAirports) marks each airport's *type* (large, medium or small airport, heliport, seaplane
base) and whether it has *scheduled service*. corridor keeps every IATA airport as a place and a
node of the network (so an imported route file may name any of them) and flies the modelled
network only from airports with scheduled service (see :mod:`corridor.air.model`).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

LARGE, MEDIUM, OTHER = 2, 1, 0


@dataclass(frozen=True)
class Airports:
    iata: np.ndarray  # str, sorted
    icao: np.ndarray
    name: np.ndarray
    city: np.ndarray
    country: np.ndarray  # ISO 3166 alpha-2
    lon: np.ndarray
    lat: np.ndarray
    size: np.ndarray  # LARGE, MEDIUM or OTHER (airports-py type)
    scheduled: np.ndarray  # bool: airports-py scheduled_service

    def index(self) -> dict[str, int]:
        return {str(c): i for i, c in enumerate(self.iata)}


def _airports_py_rows() -> dict[str, dict]:
    """IATA -> airports-py record (type, scheduled_service, ...)."""
    path = resources.files("airports") / "data" / "airports.gz"
    rows = json.loads(gzip.decompress(path.read_bytes()))
    return {r["iata"]: r for r in rows if r.get("iata")}


@lru_cache(maxsize=1)
def read_airports() -> Airports:
    import airportsdata

    by_iata = airportsdata.load("IATA")
    extra = _airports_py_rows()
    codes = sorted(c for c in by_iata if len(c) == 3 and c.isalpha() and c.isupper())
    sizes, scheduled = [], []
    for c in codes:
        r = extra.get(c, {})
        kind = r.get("type", "")
        sizes.append(LARGE if kind == "large_airport" else MEDIUM if kind == "medium_airport" else OTHER)
        # airports-py leaves the flag empty for a few airports; a large airport is taken to be served.
        flag = r.get("scheduled_service", "")
        scheduled.append(flag == "TRUE" or (flag == "" and kind == "large_airport"))
    a = [by_iata[c] for c in codes]
    return Airports(
        iata=np.array(codes), icao=np.array([r["icao"] for r in a]), name=np.array([r["name"] for r in a]),
        city=np.array([r["city"] for r in a]), country=np.array([r["country"] for r in a]),
        lon=np.array([float(r["lon"]) for r in a]), lat=np.array([float(r["lat"]) for r in a]),
        size=np.array(sizes, np.uint8), scheduled=np.array(scheduled, bool),
    )


def icao_to_iata() -> dict[str, str]:
    a = read_airports()
    return {str(i): str(c) for i, c in zip(a.icao, a.iata) if i}
