"""``corridor data``: real air routes. ``fetch air`` downloads OpenFlights routes.dat (needs
internet), ``import-air FILE`` imports a file in that format, ``status`` says which air data is in use."""

from __future__ import annotations

import json

HELP = "air route data: fetch, import, status"


def register(sub) -> None:
    d = sub.add_parser("data", help=HELP, description=HELP)
    s = d.add_subparsers(dest="data_command", required=True)
    f = s.add_parser("fetch", help="download a dataset (needs internet): air = OpenFlights routes.dat (ODbL)")
    f.add_argument("dataset", choices=["air"])
    f.add_argument("--no-import", action="store_true", help="only download, do not import")
    i = s.add_parser("import-air", help="import air routes from a file in the OpenFlights routes.dat format")
    i.add_argument("file")
    s.add_parser("status", help="which air data routes use: modelled, or imported (which file)")
    for p in (f, i, s.choices["status"]):
        p.add_argument("--json", action="store_true", help="print JSON")


def _print(doc: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(doc, ensure_ascii=False))
        return
    for k, v in doc.items():
        print(f"{k}: {json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v}")


def run(args) -> int:
    from corridor.air import openflights

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
        _print({"air": "modelled", "note": "no routes imported; 'corridor data import-air FILE' or "
                                           "'corridor data fetch air' to use real routes"}, args.json)
    else:
        _print({"air": "imported", "stored": str(openflights.imported_path()),
                **{k: v for k, v in doc.items() if k != "pairs"}}, args.json)
    return 0
