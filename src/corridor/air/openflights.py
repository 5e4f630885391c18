"""Real air routes: the OpenFlights ``routes.dat`` format, its download and its import.

``routes.dat`` (OpenFlights, Open Database License 1.0) has one route per line, comma-separated,
nine columns: airline, airline_id, source_airport, source_airport_id, destination_airport,
destination_airport_id, codeshare, stops, equipment. ``\\N`` marks an unknown id.

:func:`import_air` validates *every* line and rejects the whole file at the first bad one
(``line N: reason``); a valid file is written to the user data folder as a compact
``air-routes.json`` (a temporary file in the same folder, checked by reading it back, then
renamed over the old one), so a rejected or interrupted import never loses the previous one.
Routes with stops, from an airport to itself, and routes naming an airport that airportsdata does not know, are counted
and left out, not rejected.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import tempfile
import time
from pathlib import Path

from corridor.data.userdir import data_dir
from corridor.errors import CorridorError

ROUTES_URL = "https://raw.githubusercontent.com/jpatokal/openflights/master/data/routes.dat"
FILE_NAME = "air-routes.json"
FORMAT = 1
COLUMNS = ("airline", "airline_id", "source_airport", "source_airport_id", "destination_airport",
           "destination_airport_id", "codeshare", "stops", "equipment")
_AIRLINE = re.compile(r"^[A-Z0-9]{2,3}$|^[A-Z0-9][A-Z0-9*]$")
_AIRPORT = re.compile(r"^[A-Z0-9]{3,4}$")
_ID = re.compile(r"^(\d+|\\N)$")


class AirDataError(CorridorError):
    """A routes file that cannot be imported, or a download that failed; the message says why."""


def imported_path() -> Path:
    return data_dir() / FILE_NAME


def parse_line(line: str, number: int) -> tuple[str, str, str, int] | None:
    """(airline, source, destination, stops) of one line; :class:`AirDataError` ``line N: reason``."""
    if not line.strip():
        return None
    try:
        row = next(csv.reader([line]))
    except csv.Error as e:
        raise AirDataError(f"line {number}: not comma-separated values ({e})") from None
    if len(row) != len(COLUMNS):
        raise AirDataError(f"line {number}: {len(row)} columns, expected {len(COLUMNS)} "
                           f"({', '.join(COLUMNS)})")
    airline, airline_id, src, src_id, dst, dst_id, codeshare, stops, _equipment = (c.strip() for c in row)
    if not _AIRLINE.match(airline):
        raise AirDataError(f"line {number}: airline {airline!r} is not a 2-letter IATA or 3-letter ICAO code")
    for name, value in (("airline_id", airline_id), ("source_airport_id", src_id), ("destination_airport_id", dst_id)):
        if not _ID.match(value):
            raise AirDataError(f"line {number}: {name} {value!r} is not a number or \\N")
    for name, value in (("source_airport", src), ("destination_airport", dst)):
        if not _AIRPORT.match(value):
            raise AirDataError(f"line {number}: {name} {value!r} is not a 3-letter IATA or 4-letter ICAO code")
    if codeshare not in ("", "Y"):
        raise AirDataError(f"line {number}: codeshare {codeshare!r} must be empty or Y")
    if not stops.isdigit():
        raise AirDataError(f"line {number}: stops {stops!r} is not a whole number")
    return airline, src, dst, int(stops)


def read_routes(path: Path) -> dict:
    """Validate a routes file and reduce it to direct airport pairs (IATA), with counts."""
    from corridor.data.airports import icao_to_iata, read_airports

    path = Path(path)
    if not path.is_file():
        raise AirDataError(f"{path}: no such file")
    known = set(read_airports().iata.tolist())
    icao = icao_to_iata()
    pairs: dict[tuple[str, str], set] = {}
    counts = {"lines": 0, "routes": 0, "with_stops": 0, "same_airport": 0, "unknown_airport": 0}
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise AirDataError(f"line {line}: not UTF-8 text") from None
    for number, line in enumerate(text.splitlines(), start=1):
        parsed = parse_line(line, number)
        if parsed is None:
            continue
        counts["lines"] += 1
        airline, src, dst, stops = parsed
        if stops:
            counts["with_stops"] += 1
            continue
        if src == dst:  # the real file has a few (sightseeing or data errors): left out, counted
            counts["same_airport"] += 1
            continue
        src, dst = (icao.get(c, c) if len(c) == 4 else c for c in (src, dst))
        if src not in known or dst not in known:
            counts["unknown_airport"] += 1
            continue
        counts["routes"] += 1
        pairs.setdefault((src, dst), set()).add(airline)
    if not counts["lines"]:
        raise AirDataError(f"{path}: no routes in the file")
    if not pairs:
        raise AirDataError(f"{path}: no direct route between airports corridor knows")
    return {
        "format": FORMAT, "source": "OpenFlights routes.dat format (ODbL 1.0)", "file": path.name,
        "file_date": time.strftime("%Y-%m-%d", time.gmtime(path.stat().st_mtime)),
        "sha256": hashlib.sha256(raw).hexdigest(),
        "imported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "counts": dict(counts, pairs=len(pairs)),
        "pairs": [[s, d, len(a)] for (s, d), a in sorted(pairs.items())],
    }


def _check(doc: dict) -> None:
    if doc.get("format") != FORMAT or not isinstance(doc.get("pairs"), list) or not doc["pairs"]:
        raise AirDataError("the imported routes file is not in the expected format")
    for p in doc["pairs"]:
        if not (isinstance(p, list) and len(p) == 3 and all(isinstance(c, str) and len(c) == 3 for c in p[:2])):
            raise AirDataError(f"the imported routes file has a malformed pair: {p!r}")


def import_air(path) -> dict:
    """Validate ``path`` and make it the air routes corridor uses; returns the summary written.

    Atomic: the previous import stays in place unless the new one is complete and valid."""
    doc = read_routes(Path(path))
    target = imported_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".air-routes-", suffix=".json", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(doc, f, separators=(",", ":"))
            f.flush()
            os.fsync(f.fileno())
        _check(json.loads(Path(tmp).read_text(encoding="utf-8")))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return {k: v for k, v in doc.items() if k != "pairs"}


def load_imported() -> dict | None:
    """The imported routes (as :func:`read_routes` returns them), or None when nothing is imported."""
    path = imported_path()
    if not path.is_file():
        return None
    doc = json.loads(path.read_text(encoding="utf-8"))
    _check(doc)
    return doc


def fetch(dest=None, *, url: str = ROUTES_URL, timeout: float = 60.0) -> Path:
    """Download OpenFlights ``routes.dat`` to ``dest`` (default: the user data folder); needs internet."""
    import urllib.error
    import urllib.request

    dest = Path(dest) if dest else data_dir() / "openflights-routes.dat"
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            body = r.read()
    except (urllib.error.URLError, OSError) as e:
        raise AirDataError(f"could not download {url} ({getattr(e, 'reason', e)}): this needs internet access; "
                           "on a machine without it, copy routes.dat here and run "
                           "'corridor data import-air FILE'") from None
    fd, tmp = tempfile.mkstemp(prefix=".routes-", dir=dest.parent)
    with os.fdopen(fd, "wb") as f:
        f.write(body)
    os.replace(tmp, dest)
    return dest
