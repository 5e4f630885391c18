"""Shallow water the 1 km land mask calls sea: curated, sourced shoal polygons.

GLOBE knows land and water, not depth, and no bathymetry small enough to ship is packaged
for offline install; so ``curated/shoals.csv`` outlines the shoals that open-water
straightening would otherwise cut across (the Wadden Sea, the Jiangsu radial sand ridges,
the Great Bahama Bank), each with its source. The sea build treats them as land.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

CELLS_PER_DEGREE = 120  # the water mask's 30 arc-second grid


@dataclass(frozen=True)
class Shoal:
    key: str
    name: str
    polygon: np.ndarray  # (n, 2) lon, lat; closed implicitly
    source: str


def shoals_path() -> Path:
    return Path(str(resources.files("corridor.data"))) / "curated" / "shoals.csv"


def read_shoals() -> list[Shoal]:
    with open(shoals_path(), newline="", encoding="utf-8") as f:
        return [Shoal(r["key"], r["name"],
                      np.array([[float(v) for v in p.split()] for p in r["polygon"].split(";")], dtype=np.float64),
                      r["source"]) for r in csv.DictReader(f)]


def inside(polygon: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Even-odd test of points against a polygon that does not cross the antimeridian."""
    x, y = polygon[:, 0], polygon[:, 1]
    xn, yn = np.roll(x, -1), np.roll(y, -1)
    out = np.zeros(np.shape(lon), dtype=bool)
    for x0, y0, x1, y1 in zip(x, y, xn, yn):
        spans = (y0 > lat) != (y1 > lat)
        with np.errstate(divide="ignore", invalid="ignore"):
            cross_x = x0 + (lat - y0) * (x1 - x0) / (y1 - y0)
        out ^= spans & (lon < cross_x)
    return out


def cells_of(polygon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of the mask cells whose centres lie inside ``polygon``."""
    lon0, lat0 = polygon.min(axis=0)
    lon1, lat1 = polygon.max(axis=0)
    r = np.arange(int((90.0 - lat1) * CELLS_PER_DEGREE), int(np.ceil((90.0 - lat0) * CELLS_PER_DEGREE)) + 1)
    c = np.arange(int((lon0 + 180.0) * CELLS_PER_DEGREE), int(np.ceil((lon1 + 180.0) * CELLS_PER_DEGREE)) + 1)
    rr, cc = np.meshgrid(r, c, indexing="ij")
    keep = inside(polygon, (cc + 0.5) / CELLS_PER_DEGREE - 180.0, 90.0 - (rr + 0.5) / CELLS_PER_DEGREE)
    return rr[keep], cc[keep]


def clear_cells(bits: np.ndarray, shoals: list[Shoal]) -> np.ndarray:
    """A copy of the packed mask ``bits`` (1 = water) with every shoal cell set to 0."""
    out = np.array(bits, copy=True)
    cols = out.shape[1] * 8
    for s in shoals:
        rows, cc = cells_of(s.polygon)
        cc = cc % cols
        np.bitwise_and.at(out, (rows, cc >> 3), ~(np.uint8(1) << (7 - (cc & 7)).astype(np.uint8)))
    return out
