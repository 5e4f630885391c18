"""Which GeoNames cities bear a name, as people type it: an index from folded name to cities.

Folding the 387,000 names and alternate names of ``cities15000`` takes seconds, so the index is
folded once and kept in the cache folder (``city-names-<key>.npz``), keyed by what it is made
from: the city table, this module's code (the fold) and Python's Unicode database. A first name
lookup then reads it and binary-searches it instead of folding the gazetteer.
"""

from __future__ import annotations

import hashlib
import unicodedata
import zipfile
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from corridor.atomic_npz import write_npz
from corridor.data.cities import read_cities, table_path
from corridor.data.userdir import cache_root

_ARRAYS = ("name_bytes", "name_start", "city_start", "city_ids")


def fold(text: str) -> str:
    """Lower case without accents or apostrophes: "Xi’an" and "xian" match."""
    if text.isascii():  # most gazetteer names: the same result, without the costly decomposition
        return text.strip().lower().replace("'", "").replace("`", "")
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch) and ch not in "'’`ʼ")


class _Names:
    """The sorted folded names as a sequence of UTF-8 bytes, for :func:`bisect.bisect_left`."""

    def __init__(self, name_bytes: np.ndarray, name_start: np.ndarray):
        self._bytes, self._start = name_bytes, name_start

    def __len__(self) -> int:
        return len(self._start) - 1

    def __getitem__(self, k: int) -> bytes:
        return self._bytes[self._start[k]:self._start[k + 1]].tobytes()


@dataclass(frozen=True, eq=False)
class CityNameIndex:
    """Folded names, sorted by their UTF-8 bytes, each with the cities bearing it.

    Attributes
    ----------
    name_bytes : numpy.ndarray
        The folded names' UTF-8 bytes, one after the other (uint8).
    name_start : numpy.ndarray
        Where each name starts in ``name_bytes``, and where the last ends (int64, names + 1).
    city_start : numpy.ndarray
        Where each name's cities start in ``city_ids``, and where the last end (int64, names + 1).
    city_ids : numpy.ndarray
        Indexes into :func:`read_cities` of the cities bearing each name, most populous first (int32).
    """

    name_bytes: np.ndarray
    name_start: np.ndarray
    city_start: np.ndarray
    city_ids: np.ndarray

    def cities(self, folded: str) -> list[int]:
        """Indexes of every city whose folded name or alternate name is ``folded``, most populous first."""
        key = folded.encode("utf-8")
        names = _Names(self.name_bytes, self.name_start)
        k = bisect_left(names, key)
        if k == len(names) or names[k] != key:
            return []
        return self.city_ids[self.city_start[k]:self.city_start[k + 1]].tolist()

    def arrays(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in _ARRAYS}


def build_index(names: Sequence[str], alternates: Sequence[Sequence[str]]) -> CityNameIndex:
    """Fold each city's name and alternate names (the slow part: seconds for cities15000); cities
    are given most populous first, as :func:`read_cities` has them."""
    by_name: dict[bytes, list[int]] = {}
    for i, (name_, others) in enumerate(zip(names, alternates, strict=True)):
        for name in {fold(str(n)) for n in (name_, *others)}:
            by_name.setdefault(name.encode("utf-8"), []).append(i)
    keys = sorted(by_name)
    ids = [by_name[k] for k in keys]
    return CityNameIndex(
        name_bytes=np.frombuffer(b"".join(keys), dtype=np.uint8),
        name_start=np.cumsum([0, *map(len, keys)], dtype=np.int64),
        city_start=np.cumsum([0, *map(len, ids)], dtype=np.int64),
        city_ids=np.fromiter((i for found in ids for i in found), dtype=np.int32))


def index_key() -> str:
    """Hash of what the index is made from: the city table, the fold's code, the Unicode version."""
    h = hashlib.sha256(unicodedata.unidata_version.encode())
    h.update(Path(__file__).read_bytes())
    h.update(table_path().read_bytes())
    return h.hexdigest()[:16]


def index_path(folder: Path) -> Path:
    return folder / f"city-names-{index_key()}.npz"


def load_index(path: Path) -> CityNameIndex | None:
    """The index saved at ``path``, or None when it is missing or unreadable."""
    try:
        with np.load(path) as npz:
            index = CityNameIndex(**{name: npz[name] for name in _ARRAYS})
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return None
    sound = (len(index.name_start) == len(index.city_start) and index.name_start[-1] == len(index.name_bytes)
             and index.city_start[-1] == len(index.city_ids))
    return index if sound else None


def save_index(index: CityNameIndex, path: Path) -> None:
    """Write the index whole or not at all (a temporary file renamed), so readers never see half."""
    write_npz(path, index.arrays())


@lru_cache(maxsize=1)
def city_name_index() -> CityNameIndex:
    """The index of :func:`read_cities`, read from the cache folder, else folded and saved there
    (best effort: a read-only cache folder only costs the fold in each process)."""
    path = index_path(cache_root())
    index = load_index(path)
    if index is None:
        cities = read_cities("15000")
        index = build_index(cities.name, cities.alternates)
        try:
            save_index(index, path)
        except OSError:
            pass
    return index
