"""``corridor route ORIGIN DESTINATION``: the best route, as a table or JSON, and as files
(GeoJSON, KML, CSV, GeoParquet, HTML map, PNG map: declared in :mod:`corridor.export`)."""

from __future__ import annotations

import json

from corridor.usd import usd_cell, usd_words

HELP = "best route between two places"


def register(sub) -> None:
    from corridor.request import ROUTE

    r = sub.add_parser("route", help=HELP, description=HELP)
    from corridor.export import add_arguments

    ROUTE.add_arguments(r)  # every option as declared in corridor.request.route
    r.add_argument("--json", action="store_true", help="print the route as JSON (documented in README)")
    add_arguments(r)  # the file outputs, as declared in corridor.export.OUTPUTS


def fmt_hours(h: float) -> str:
    return f"{h / 24:.1f} d" if h >= 48 else f"{h:.1f} h"


def fmt_range(h: float, fast_slow) -> str:
    """Planning time with its fast-slow range in the same unit, e.g. "12.1 d (9.8–17.5)"."""
    if round(fast_slow[0], 1) == round(fast_slow[1], 1) == round(h, 1):
        return fmt_hours(h)
    days = h >= 48
    fast, slow = (x / 24 if days else x for x in fast_slow)
    return f"{fmt_hours(h)} ({fast:.1f}–{slow:.1f})"


def _cargo_text(cargo: dict, modes: list[str]) -> str:
    kind = cargo.get("kind")
    if kind == "passengers":
        text = f"{cargo.get('passengers')} passengers"
    elif kind == "container":
        text = f"{cargo.get('teu'):g} TEU of containers"
    else:
        text = f"{cargo.get('tonnes', 0):g} t of {kind} cargo"
    return f"{text} (vessel class {cargo.get('vessel_class')})" if "sea" in modes else text


_WATER = ("sea", "ferry")  # nautical miles mean something only on water


def _nmi(leg: dict) -> str:
    return f"{leg['distance_nmi']:,.0f}" if leg["mode"] in _WATER else "-"


def print_table(route) -> None:
    d = route.to_dict()
    o, t = route.origin, route.destination
    print(f"{o.label} ({o.code or o.kind}) -> {t.label} ({t.code or t.kind})")
    rows = [("mode", "from", "to", "km", "nmi (water)", "time", "USD", "kg CO2e", "passages")]
    for leg in d["legs"]:
        rows.append((leg["mode"], leg["from"], leg["to"], f"{leg['distance_km']:,.0f}",
                     _nmi(leg), fmt_range(leg["duration_h"], leg["duration_h_range"]), f"{leg['cost_usd']:,.0f}",
                     f"{leg['co2e_kg']:,.0f}", ", ".join(leg["passages"]) or "-"))
    water = [leg["distance_nmi"] for leg in d["legs"] if leg["mode"] in _WATER]
    rows.append(("total", "", "", f"{d['distance_km']:,.0f}", f"{sum(water):,.0f}" if water else "-",
                 fmt_range(d["duration_h"], d["duration_h_range"]), usd_cell(d["cost_usd"]), f"{d['co2e_kg']:,.0f}",
                 ", ".join(d["passages"]) or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for k, row in enumerate(rows):
        cells = (c.ljust(w) if i < 3 or i == 8 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
        print("  ".join(cells).rstrip())
        if k == 0 or k == len(rows) - 2:
            print("  ".join("-" * w for w in widths))
    print("time: planning figure (fast–slow): every speed, wait and dwell at its published low or high "
          "bound, a min-max envelope, not percentiles (costing/defaults.toml, range.*)")
    print(f"cargo: {_cargo_text(route.cargo, route.modes)}; CO2e well-to-wheel {d['co2e_kg']:,.0f} kg "
          f"(WTT {d['co2e_wtt_kg']:,.0f} + TTW {d['co2e_ttw_kg']:,.0f}); sources per leg in --json 'basis'")
    for leg in route.legs:  # liner services (corridor.liner): where the box changes ship, on which service
        if leg.service is not None and leg.mode == "transfer":
            print(f"liner: transship at {leg.origin.label} (service {leg.service.name}, {leg.service.carrier})")
        elif leg.service is not None:
            print(f"liner: {leg.origin.label} -> {leg.destination.label} on {leg.service.name} ({leg.service.carrier})")
    for a in d["assumptions"]:
        print(f"assumption: {a['name']} {a['value']:g} {a['unit']} ({a['source']})")
    if d["restrictions"]["avoided"]:
        print(f"avoided: {', '.join(d['restrictions']['avoided'])}")
    for note in d["notes"]:
        print(f"note: {note}")
    for name in ("alternatives", "pareto"):
        if name in d:
            print(f"{name}:")
            for i, alt in enumerate(d[name]):
                via = alt["passages"] + ["–".join(b["countries"]) for b in alt["border_crossings"]]
                print(f"  {i + 1}. {alt['duration_days']:.1f} d  {usd_words(alt['cost_usd'])}  {alt['co2e_kg']:,.0f} kg CO2e  "
                      f"{alt['distance_km']:,.0f} km  modes {','.join(alt['modes'])}  via {', '.join(via) or '-'}")
    if "difference" in d:
        diff, base = d["difference"], d["baseline"]
        print(f"scenario {d['scenario']['name']!r} vs baseline ({base['duration_days']:.1f} d, {usd_words(base['cost_usd'])}, "
              f"{base['co2e_kg']:,.0f} kg CO2e, via {', '.join(base['passages']) or '-'}): "
              f"{diff['duration_days']:+.1f} days, {usd_words(diff['cost_usd'], '+,.0f')}, {diff['co2e_kg']:+,.0f} kg CO2e")
    print(f"network: {d['network']['fingerprint']} (sources: {'; '.join(d['network']['sources'])})")


def run(args) -> int:
    from corridor import export
    from corridor.request import ROUTE, RouteRequest
    from corridor.whatif import solve

    outputs = export.requested(args)
    export.check(outputs, args.json)  # before the search: a missing package or two stdout answers
    request = RouteRequest.make(**ROUTE.from_args(args))
    route = solve(request)
    if args.json:
        print(json.dumps(route.to_dict(), ensure_ascii=False, allow_nan=False))
    elif not outputs:
        print_table(route)
    written = export.write(route, outputs)
    if written and not args.json and all(target != "-" for _, target in outputs):
        for path in written:  # stdout carries nothing else: say what was written
            print(f"wrote {path}: {route.distance_km:,.0f} km, {fmt_hours(route.duration_h)}, "
                  f"passages: {', '.join(route.passages) or 'none'}")
    return 0
