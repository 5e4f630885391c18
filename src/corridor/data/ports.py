"""Ports: the searoute port list (UN/LOCODEs) plus corridor's hand-curated rows.

The list holds river and inland places too (Ulm, Heidelberg); the build keeps as seaports
only those a seagoing ship can reach (``corridor.build.ports``), with the estuary ports of
``curated/seagoing_waterways.csv``.

Curated rows (``curated/ports.csv``) add ports searoute lacks and correct coordinates it
gets wrong; each row names its source. A curated row with a code that searoute also has
replaces searoute's row.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

SEAROUTE_PORTS = "searoute/data/ports.geojson"


@dataclass(frozen=True)
class PortRow:
    code: str
    name: str
    country: str  # ISO 3166-1 alpha-2
    lon: float
    lat: float
    major: bool
    source: str


def searoute_ports_path() -> Path:
    return Path(str(resources.files("searoute"))) / "data" / "ports.geojson"


def curated_ports_path() -> Path:
    return Path(str(resources.files("corridor.data"))) / "curated" / "ports.csv"


def read_ports() -> list[PortRow]:
    """All ports, searoute first then curated overrides/additions, sorted by code."""
    rows: dict[str, PortRow] = {}
    for feature in json.loads(searoute_ports_path().read_text())["features"]:
        props = feature["properties"]
        code = str(props.get("port") or "").upper()
        if len(code) != 5:  # not a UN/LOCODE
            continue
        lon, lat = feature["geometry"]["coordinates"]
        rows[code] = PortRow(code, str(props["name"]).strip(), code[:2], float(lon), float(lat),
                             props.get("t") == 1, "searoute")
    with open(curated_ports_path(), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows[r["code"]] = PortRow(r["code"], r["name"], r["country"], float(r["lon"]),
                                      float(r["lat"]), r["major"] == "1", "curated")
    return [rows[k] for k in sorted(rows)]


def seagoing_waterways_path() -> Path:
    return Path(str(resources.files("corridor.data"))) / "curated" / "seagoing_waterways.csv"


def read_seagoing_waterways() -> dict[str, dict]:
    """Port code -> its row in ``curated/seagoing_waterways.csv``: estuary and river ports that
    seagoing ships reach up a sourced waterway, though the 1 km water mask calls the river land."""
    with open(seagoing_waterways_path(), newline="", encoding="utf-8") as f:
        return {r["code"]: r for r in csv.DictReader(f)}
