"""``corridor places QUERY``: ports, countries and coordinates matching a query."""

from __future__ import annotations

import json

HELP = "look up ports, countries and coordinates"


def register(sub) -> None:
    p = sub.add_parser("places", help=HELP, description=HELP)
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true")


def run(args) -> int:
    import corridor

    rows = corridor.places(args.query, limit=args.limit)
    if args.json:
        print(json.dumps([r.to_dict() for r in rows], ensure_ascii=False))
        return 0
    if not rows:
        print(f"no place matches {args.query!r}")
        return 2
    print(f"{'code':7} {'name':32} {'country':7} {'lat':>9} {'lon':>10}")
    for r in rows:
        print(f"{(r.code or '-'):7} {r.name[:32]:32} {(r.country or '-'):7} {r.lat:9.4f} {r.lon:10.4f}")
    return 0
