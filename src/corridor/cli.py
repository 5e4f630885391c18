"""The ``corridor`` command line: route, places, network."""

from __future__ import annotations

import argparse
import json
import os
import sys

from corridor.errors import CorridorError

EPILOG = """examples:
  corridor route PECHY CNSHA
  corridor route Rotterdam Singapore --avoid suez --json
  corridor route "-11.6,-77.3" Shanghai --geojson route.geojson
  corridor places chancai
"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="corridor", description="Open multimodal trade-corridor planner.",
                                epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("route", help="best route between two places")
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

    pl = sub.add_parser("places", help="look up ports, countries and coordinates")
    pl.add_argument("query")
    pl.add_argument("--limit", type=int, default=10)
    pl.add_argument("--json", action="store_true")

    n = sub.add_parser("network", help="show (or rebuild) the compiled network and its sources")
    n.add_argument("--rebuild", action="store_true", help="compile again from the installed sources")
    return p


def _fmt_hours(h: float) -> str:
    return f"{h / 24:.1f} d" if h >= 48 else f"{h:.1f} h"


def _print_route(route) -> None:
    d = route.to_dict()
    o, t = route.origin, route.destination
    print(f"{o.label} ({o.code or o.kind}) -> {t.label} ({t.code or t.kind})")
    rows = [("mode", "from", "to", "km", "nmi", "time", "passages")]
    for leg in d["legs"]:
        rows.append((leg["mode"], leg["from"], leg["to"], f"{leg['distance_km']:,.0f}",
                     f"{leg['distance_nmi']:,.0f}", _fmt_hours(leg["duration_h"]),
                     ", ".join(leg["passages"]) or "-"))
    rows.append(("total", "", "", f"{d['distance_km']:,.0f}", f"{d['distance_nmi']:,.0f}",
                 _fmt_hours(d["duration_h"]), ", ".join(d["passages"]) or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for k, row in enumerate(rows):
        print("  ".join(c.ljust(w) if i < 3 or i == 6 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
        if k == 0 or k == len(rows) - 2:
            print("  ".join("-" * w for w in widths))
    for a in d["assumptions"]:
        print(f"assumption: {a['name']} {a['value']:g} {a['unit']} ({a['source']})")
    if d["restrictions"]["avoided"]:
        print(f"avoided: {', '.join(d['restrictions']['avoided'])}")
    for note in d["notes"]:
        print(f"note: {note}")
    print(f"network: {d['network']['fingerprint']} (sources: {'; '.join(d['network']['sources'])})")


def _route(args) -> int:
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
            print(f"wrote {args.geojson}: {route.distance_km:,.0f} km, {_fmt_hours(route.duration_h)}, "
                  f"passages: {', '.join(route.passages) or 'none'}")
    else:
        _print_route(route)
    return 0


def _places(args) -> int:
    import corridor

    rows = corridor.places(args.query, limit=args.limit)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    if not rows:
        print(f"no place matches {args.query!r}")
        return 2
    print(f"{'code':7} {'name':32} {'country':7} {'lat':>9} {'lon':>10}")
    for r in rows:
        print(f"{(r['code'] or '-'):7} {r['name'][:32]:32} {(r['country'] or '-'):7} {r['lat']:9.4f} {r['lon']:10.4f}")
    return 0


def _network(args) -> int:
    from corridor import network

    path = network.network_dir()
    if args.rebuild and path.exists():
        import shutil

        shutil.rmtree(path)
    net = network.load_network()
    m = net.manifest
    print(f"network {m['fingerprint']} at {net.path} (built {m['built_at']} in {m['build_seconds']} s)")
    for s in m["sources"]:
        print(f"  source: {s['name']}: {s['package']} {s['version']} ({s['licence']})")
    print(f"  sea: {json.dumps(m['sea'])}")
    print(f"  ports: {json.dumps(m['ports'])}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handler = {"route": _route, "places": _places, "network": _network}[args.command]
    try:
        return handler(args)
    except CorridorError as e:
        print(f"corridor: error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("corridor: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # a bug, not the user's fault: one line, traceback on request
        if os.environ.get("CORRIDOR_DEBUG"):
            raise
        print(f"corridor: internal error ({type(e).__name__}: {e}); please report it, "
              "and set CORRIDOR_DEBUG=1 to see the traceback", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
