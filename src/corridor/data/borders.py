"""Border crossings as data: which land borders are closed, restricted or open, by mode, with
the published wait where a source gives one (``data/policy/borders.csv``, read at query time:
changing it needs no network rebuild).

A row is a country pair and a mode (road or rail), optionally one named crossing of that pair
(with its coordinates when a source gives them). A pair is closed for a mode when every row
of it is closed; a restricted or open row carries its note and, when it gives a typical wait,
sets the wait of its crossings (else the default of ``costing/defaults.toml`` applies).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from corridor.errors import BadInput
from corridor.geo import haversine_km

TABLE = "data/policy/borders.csv"
STATUSES = ("open", "restricted", "closed")
MODES = ("road", "rail")
NEAR_KM = 75.0  # a border edge this close to a named crossing's coordinates is that crossing


@dataclass(frozen=True)
class BorderRow:
    """One row of the table: a country pair (sorted ISO alpha-2 codes), a mode, a status."""

    countries: tuple[str, str]
    mode: str
    status: str
    note: str
    source: str
    date: str
    crossing: str = ""
    lon: float | None = None
    lat: float | None = None
    wait_low_h: float | None = None
    wait_typical_h: float | None = None
    wait_high_h: float | None = None

    @property
    def key(self) -> str:
        return "-".join(self.countries)

    @property
    def label(self) -> str:
        """How an answer names the row: 'GE–TR road border (Sarp)'."""
        where = f" ({self.crossing})" if self.crossing else ""
        return f"{'–'.join(self.countries)} {self.mode} border{where}"

    def wait_text(self) -> str:
        """The published range, e.g. 'low 2 h, typical 6 h, high 120 h' (only the figures given)."""
        parts = [f"{name} {v:g} h" for name, v in (("low", self.wait_low_h), ("typical", self.wait_typical_h),
                                                   ("high", self.wait_high_h)) if v is not None]
        return ", ".join(parts)

    def to_dict(self) -> dict:
        d = {"countries": self.key, "mode": self.mode, "status": self.status, "note": self.note,
             "source": self.source, "date": self.date}
        if self.crossing:
            d["crossing"] = self.crossing
        if self.wait_text():
            d["wait_h"] = {k: v for k, v in (("low", self.wait_low_h), ("typical", self.wait_typical_h),
                                             ("high", self.wait_high_h)) if v is not None}
        return d


def _number(text: str) -> float | None:
    return float(text) if text.strip() else None


def parse_pair(text: str) -> tuple[str, str]:
    """'AM-AZ' (or 'az-am', 'AM–AZ') as a sorted pair of upper-case codes.

    Raises
    ------
    BadInput
        If the text is not two distinct two-letter codes joined by a dash.
    """
    parts = [p.strip().upper() for p in str(text).replace("–", "-").split("-")]
    if len(parts) != 2 or not all(len(p) == 2 and p.isalpha() for p in parts) or parts[0] == parts[1]:
        raise BadInput(f"{text!r} is not a border: give two ISO country codes joined by a dash, e.g. AM-AZ.")
    return tuple(sorted(parts))


def _row(r: dict) -> BorderRow:
    return BorderRow(parse_pair(r["countries"]), r["mode"].strip(), r["status"].strip(), r["note"].strip(),
                     r["source"].strip(), r["date"].strip(), r["crossing"].strip(), _number(r["lon"]),
                     _number(r["lat"]), _number(r["wait_low_h"]), _number(r["wait_typical_h"]),
                     _number(r["wait_high_h"]))


@lru_cache(maxsize=1)
def rows() -> tuple[BorderRow, ...]:
    """Every row of the table (read once; the file ships with the package)."""
    with resources.files("corridor").joinpath(TABLE).open(newline="", encoding="utf-8") as f:
        return tuple(_row(r) for r in csv.DictReader(f))


@lru_cache(maxsize=1)
def closed() -> frozenset[tuple[frozenset, str]]:
    """(country pair, mode) of the borders closed for that mode: every row of it is closed."""
    by_key: dict = {}
    for r in rows():
        by_key.setdefault((frozenset(r.countries), r.mode), []).append(r.status)
    return frozenset(k for k, statuses in by_key.items() if all(s == "closed" for s in statuses))


def closed_pairs() -> frozenset[frozenset]:
    """The country pairs closed for at least one mode."""
    return frozenset(pair for pair, _ in closed())


def closed_for(opened: frozenset = frozenset()) -> frozenset[tuple[frozenset, str]]:
    """:func:`closed` less the country pairs a scenario opens (``opened``: frozensets of two codes)."""
    return frozenset(k for k in closed() if k[0] not in opened)


def row_for(countries, mode: str, lon: float, lat: float) -> BorderRow | None:
    """The row that describes a crossing of ``countries`` by ``mode`` at (lon, lat): the nearest
    named crossing within :data:`NEAR_KM`, else the row of the whole pair, else None."""
    pair = tuple(sorted(countries))
    candidates = [r for r in rows() if r.countries == pair and r.mode == mode]
    located = [(float(haversine_km(lon, lat, r.lon, r.lat)), i) for i, r in enumerate(candidates)
               if r.lon is not None and r.lat is not None]
    near = [(d, i) for d, i in located if d <= NEAR_KM]
    if near:
        return candidates[min(near)[1]]
    whole = [r for r in candidates if r.lon is None]
    if len(whole) == 1:
        return whole[0]
    # several rows without coordinates: the whole pair's (no crossing name) describes it
    return next((r for r in whole if not r.crossing), None)
