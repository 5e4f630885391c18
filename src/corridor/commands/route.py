"""``corridor route ORIGIN DESTINATION``: the best route, as a table, JSON or GeoJSON."""

from __future__ import annotations

import json

HELP = "best route between two places"


def register(sub) -> None:
    r = sub.add_parser("route", help=HELP, description=HELP)
    r.add_argument("origin", help="UN/LOCODE, port name, country code or 'lat,lon'")
    r.add_argument("destination", help="UN/LOCODE, port name, country code or 'lat,lon'")
    r.add_argument("--via", action="append", metavar="PLACE", help="call at PLACE on the way (repeatable)")
    r.add_argument("--avoid", metavar="LIST", help="passages to avoid, comma-separated (e.g. suez,bab-el-mandeb)")
    r.add_argument("--allow", metavar="LIST", help="passages closed by default to open (northwest, northeast)")
    r.add_argument("--modes", metavar="LIST", help="modes to use, comma-separated (default: all; now: sea)")
    r.add_argument("--vessel", default="seagoing", choices=["seagoing", "river-sea"],
                   help="river-sea ships may use the Volga-Don inland waterway")
    r.add_argument("--speed", type=float, metavar="KN", help="sea speed in knots (default 16)")
    out = r.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the route as JSON (documented in README)")
    out.add_argument("--geojson", metavar="FILE", help="write the route as GeoJSON to FILE ('-' for stdout)")


def fmt_hours(h: float) -> str:
    return f"{h / 24:.1f} d" if h >= 48 else f"{h:.1f} h"


def print_table(route) -> None:
    d = route.to_dict()
    o, t = route.origin, route.destination
    print(f"{o.label} ({o.code or o.kind}) -> {t.label} ({t.code or t.kind})")
    rows = [("mode", "from", "to", "km", "nmi", "time", "passages")]
    for leg in d["legs"]:
        rows.append((leg["mode"], leg["from"], leg["to"], f"{leg['distance_km']:,.0f}",
                     f"{leg['distance_nmi']:,.0f}", fmt_hours(leg["duration_h"]),
                     ", ".join(leg["passages"]) or "-"))
    rows.append(("total", "", "", f"{d['distance_km']:,.0f}", f"{d['distance_nmi']:,.0f}",
                 fmt_hours(d["duration_h"]), ", ".join(d["passages"]) or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for k, row in enumerate(rows):
        cells = (c.ljust(w) if i < 3 or i == 6 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
        print("  ".join(cells).rstrip())
        if k == 0 or k == len(rows) - 2:
            print("  ".join("-" * w for w in widths))
    for a in d["assumptions"]:
        print(f"assumption: {a['name']} {a['value']:g} {a['unit']} ({a['source']})")
    if d["restrictions"]["avoided"]:
        print(f"avoided: {', '.join(d['restrictions']['avoided'])}")
    for note in d["notes"]:
        print(f"note: {note}")
    print(f"network: {d['network']['fingerprint']} (sources: {'; '.join(d['network']['sources'])})")


def run(args) -> int:
    import corridor

    route = corridor.route(args.origin, args.destination, modes=args.modes, via=args.via,
                           avoid=args.avoid, allow=args.allow, vessel=args.vessel, speed_kn=args.speed)
    if args.json:
        print(json.dumps(route.to_dict(), ensure_ascii=False))
    elif args.geojson:
        text = json.dumps(route.to_geojson(), ensure_ascii=False)
        if args.geojson == "-":
            print(text)
        else:
            with open(args.geojson, "w", encoding="utf-8") as f:
                f.write(text)
            print(f"wrote {args.geojson}: {route.distance_km:,.0f} km, {fmt_hours(route.duration_h)}, "
                  f"passages: {', '.join(route.passages) or 'none'}")
    else:
        print_table(route)
    return 0
