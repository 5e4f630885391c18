"""Build ``src/corridor/report/countries_110m.npz``: the report maps' country outlines.

Source: Natural Earth 1:110m admin-0 countries (public domain), the ``naturalearth_lowres``
shapefile in pyogrio's test fixtures (``pyogrio/tests/fixtures/naturalearth_lowres/``). pyogrio
is not a dependency of corridor; install the pinned version only to run this script:

    pip install pyogrio==0.13.0 && python scripts/build_country_shapes.py

The shapefile is read here with numpy (polygon records of the ``.shp``, no GDAL call) and every
ring written unchanged as float64 (lon, lat) points, so the maps are drawn from the same
coordinates as before. Record a new source version in DATA.md.
"""

from __future__ import annotations

import struct
from importlib import metadata, resources
from pathlib import Path

import numpy as np

SOURCE_PACKAGE, SOURCE_VERSION = "pyogrio", "0.13.0"
SHAPEFILE = "tests/fixtures/naturalearth_lowres/naturalearth_lowres.shp"
OUT = Path(__file__).resolve().parents[1] / "src" / "corridor" / "report" / "countries_110m.npz"
POLYGON = 5  # shapefile shape type


def read_rings(path: Path) -> list[np.ndarray]:
    """Every ring of every polygon record of an ESRI shapefile, each an (n, 2) array of (lon, lat)."""
    data = path.read_bytes()
    rings: list[np.ndarray] = []
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
        rings.extend(xy[a:b] for a, b in zip(parts, [*parts[1:], n_points]))
    return rings


def main() -> None:
    version = metadata.version(SOURCE_PACKAGE)
    if version != SOURCE_VERSION:
        raise SystemExit(f"expected {SOURCE_PACKAGE} {SOURCE_VERSION}, found {version}: "
                         f"install it, or update SOURCE_VERSION and DATA.md")
    rings = read_rings(Path(str(resources.files(SOURCE_PACKAGE).joinpath(SHAPEFILE))))
    starts = np.cumsum([0] + [len(r) for r in rings])
    source = (f"Natural Earth 1:110m countries (public domain; naturalearth_lowres as shipped in "
              f"{SOURCE_PACKAGE} {version})")
    np.savez_compressed(OUT, points=np.concatenate(rings).astype("<f8"), starts=starts.astype("<i8"),
                        source=np.array(source))
    print(f"wrote {OUT}: {len(rings)} rings, {starts[-1]} points, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
