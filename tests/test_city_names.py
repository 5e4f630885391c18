"""The folded-name index of the GeoNames cities answers as folding the names would."""

import numpy as np
import pytest

from corridor.data.cities import read_cities
from corridor.data.city_names import (
    build_index,
    city_name_index,
    fold,
    load_index,
    save_index,
)

NAMES = ["Köln", "Xi'an", "Москва", "北京", "Cologne", "Xian"]
ALTERNATES = [["Cologne", "Koeln", "Kōln"], ["Xi’an", "西安"], ["Moskva", "Moscou"], ["Beijing", ""],
              ["köln"], []]
QUERIES = ["Москва", "北京", "Köln", "Xi'an", "xian", "Shanghai", "Baku", "Rotterdam", "Santiago"]


def _plain_fold(names, alternates) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, (name, others) in enumerate(zip(names, alternates)):
        for folded in {fold(n) for n in (name, *others)}:
            out.setdefault(folded, []).append(i)
    return out


def test_index_answers_as_the_plain_fold():
    index = build_index(NAMES, ALTERNATES)
    expected = _plain_fold(NAMES, ALTERNATES)
    assert {"koln", "xian", "москва", "北京", ""} <= expected.keys()
    for folded, cities in expected.items():
        assert index.cities(folded) == cities
    assert index.cities("köln") == []  # lookups take folded names
    assert index.cities("zzz") == index.cities("a") == []


def test_saved_index_reads_back_and_a_damaged_one_is_refused(tmp_path):
    index = build_index(NAMES, ALTERNATES)
    path = tmp_path / "cache" / "city-names-test.npz"
    save_index(index, path)
    read = load_index(path)
    for name, array in index.arrays().items():
        assert np.array_equal(read.arrays()[name], array)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left
    path.write_bytes(path.read_bytes()[:100])
    assert load_index(path) is None
    assert load_index(tmp_path / "missing.npz") is None


@pytest.fixture(scope="module")
def cities():
    return read_cities("15000")


def _folded_names(cities, i) -> set[str]:
    return {fold(str(n)) for n in (cities.name[i], *cities.alternates[i])}


def test_the_cities_index_matches_folding_a_sample(cities):
    index = city_name_index()
    sample = range(0, len(cities.name), 400)
    queries = {fold(q) for q in QUERIES} | {f for i in sample for f in _folded_names(cities, i)}
    for folded in queries:
        found = index.cities(folded)
        assert found == sorted(set(found))  # most populous first, each city once
        assert all(folded in _folded_names(cities, j) for j in found)
    for i in sample:  # every name of a sampled city leads back to it
        assert all(i in index.cities(f) for f in _folded_names(cities, i))
    assert cities.name[index.cities(fold("Москва"))[0]] == "Moscow"
    assert index.cities(fold("Xi'an")) == index.cities("xian") != []
