"""Country outlines for the report's maps: Natural Earth 1:110m admin-0 countries (public
domain), the ``naturalearth_lowres`` shapefile that the pyogrio wheel ships (a dependency of
corridor), so a pip-only install draws them. Read here with numpy: polygon records only, no
GDAL call. Without the file the maps are drawn with a graticule only, and say so."""

from __future__ import annotations

import struct
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

import numpy as np

SHAPEFILE = "tests/fixtures/naturalearth_lowres/naturalearth_lowres.shp"
POLYGON = 5  # shapefile shape type


def shapefile_path() -> Path | None:
    try:
        p = resources.files("pyogrio").joinpath(SHAPEFILE)
    except ModuleNotFoundError:
        return None
    return Path(str(p)) if p.is_file() else None


def source() -> str:
    """Provenance line printed under every map."""
    try:
        version = metadata.version("pyogrio")
    except metadata.PackageNotFoundError:
        version = "not installed"
    return f"Natural Earth 1:110m countries (public domain; naturalearth_lowres as shipped in pyogrio {version})"


def read_polygons(path: Path) -> list[list[tuple[float, float]]]:
    """Every ring of every polygon record of an ESRI shapefile, as (lon, lat) points."""
    data = path.read_bytes()
    rings: list[list[tuple[float, float]]] = []
    pos = 100  # the main file header
    while pos + 8 <= len(data):
        _, words = struct.unpack(">ii", data[pos:pos + 8])
        rec = data[pos + 8:pos + 8 + 2 * words]
        pos += 8 + 2 * words
        if struct.unpack("<i", rec[:4])[0] != POLYGON:
            continue  # null shapes carry no outline
        n_parts, n_points = struct.unpack("<ii", rec[36:44])
        parts = np.frombuffer(rec, "<i4", n_parts, 44)
        xy = np.frombuffer(rec, "<f8", 2 * n_points, 44 + 4 * n_parts).reshape(-1, 2)
        for a, b in zip(parts, [*parts[1:], n_points]):
            rings.append([(float(x), float(y)) for x, y in xy[a:b]])
    return rings


@lru_cache(maxsize=1)
def country_rings() -> list[list[tuple[float, float]]]:
    """Every ring of every country as (lon, lat) points; [] when the shapefile is not installed."""
    path = shapefile_path()
    return read_polygons(path) if path is not None else []
