"""``corridor report A B``: how goods and people move between two countries (text, JSON, HTML, PNG)."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from corridor import console

HELP = "corridor report for two countries: gateways, options across all modes, what-ifs"


def register(sub) -> None:
    from corridor.request import REPORT

    r = sub.add_parser("report", help=HELP, description=HELP)
    REPORT.add_arguments(r)  # the options as declared in corridor.request.table
    r.add_argument("--out", metavar="FILE", help="write a self-contained HTML report (opens offline); '-' for stdout")
    r.add_argument("--png", metavar="FILE", help="write a static PNG map (needs matplotlib); '-' for stdout")
    r.add_argument("--json", action="store_true", help="print the report as JSON")


def _usd(value, spec: str = ",.0f") -> str:
    return "USD not priced" if value is None else f"{value:{spec}} USD"


def _check_outputs(args) -> None:
    """Refuse, before the report is computed, what would fail after it: two answers on stdout,
    a PNG without matplotlib (the report itself would be lost with it)."""
    from corridor.errors import BadInput
    from corridor.extras import require

    on_stdout = [flag for flag, used in (("--json", args.json), ("--out -", args.out == "-"),
                                          ("--png -", args.png == "-")) if used]
    if len(on_stdout) > 1:
        raise BadInput(f"{' and '.join(on_stdout)} would both write to stdout; send one of them to a file")
    if args.png:
        require("matplotlib", "report", "corridor report --png")


def _write_files(rep: dict, args) -> None:
    """The HTML report and the PNG map, after the text or JSON report is out."""
    if args.out:
        from corridor.report.html import render

        html = render(rep)
        if args.out == "-":
            sys.stdout.write(html)
        else:
            with open(args.out, "w", encoding="utf-8") as f:
                f.write(html)
    if args.png:
        from corridor.report.png import write_png

        if args.png != "-":
            write_png(rep, args.png)
            return
        with tempfile.TemporaryDirectory(prefix="corridor-png-") as tmp:
            write_png(rep, str(Path(tmp) / "map.png"))
            sys.stdout.flush()
            sys.stdout.buffer.write((Path(tmp) / "map.png").read_bytes())


def run(args) -> int:
    from corridor.report import build_report
    from corridor.request import REPORT

    _check_outputs(args)
    rep = build_report(**REPORT.from_args(args), progress=console.progress())
    if args.json:
        print(json.dumps(rep, ensure_ascii=False, allow_nan=False))
    elif "-" not in (args.out, args.png):
        print(text(rep))
    _write_files(rep, args)
    for name, path in (("HTML report", args.out), ("PNG map", args.png)):
        if path and path != "-":
            (console.note if args.json else print)(f"wrote {name}: {path}")
    return 0


def text(rep: dict) -> str:
    """The report as text: gateways, one list per consignment group, what-ifs, assumptions."""
    from corridor.report.build import assumption_text

    out: list[str] = []
    g0, g1 = rep["gateways"]
    c = rep["cargo"]
    amount = f"{c['teu']:g} TEU" if "teu" in c else f"{c.get('tonnes', 0):,.0f} t"
    out.append(f"Corridor report {g0['name']} -> {g1['name']} (cargo: {c['kind']}, {amount}, "
               f"vessel class {c.get('vessel_class')})")
    for g in (g0, g1):
        out.append(f"gateways of {g['name']}: seaports {', '.join(p['name'] for p in g['seaports'][:4]) or 'none'}; "
                   f"airports {', '.join(a['iata'] for a in g['airports'][:4]) or 'none'}; "
                   f"{len(g['borders'])} land border points")
        for n in g["notes"]:
            out.append(f"  note: {n}")
    rows = {s["key"]: s for s in rep["summary"]}
    for grp in rep["groups"]:  # never ranked across consignments
        out.append(f"options: {grp['title']} ({', '.join(grp['consignments'])}), fastest first:")
        for i, s in enumerate((rows[k] for k in grp["options"]), 1):
            best = f"  [{', '.join(s['best'])}]" if s["best"] else ""
            out.append(f"  {i}. {s['label']}{best}\n     {s['duration_days']:.1f} d  {_usd(s['cost_usd'])}  "
                       f"{s['co2e_kg']:,.0f} kg CO2e  "
                       f"{s['distance_km']:,.0f} km  transshipments {s['transshipments']}  "
                       f"chokepoints {', '.join(s['chokepoints']) or '-'}  borders {len(s['borders'])}\n"
                       f"     {' -> '.join(s['gateway_chain'])}")
    for w in rep["whatif"]:
        out.append(f"what if: {w['name']}")
        for r in w["options"]:
            if r["option"] in w.get("rerun", []):
                d = r.get("difference")
                out.append(f"  {r['label']}: " + ("no longer possible" if not r.get("possible") else
                           f"{d['duration_days']:+.1f} d, {_usd(d['cost_usd'], '+,.0f')}, {d['co2e_kg']:+,.0f} kg CO2e"))
    out.append("assumptions and sources:")
    for a in rep["assumptions"]:
        out.append(f"  {assumption_text(a)}")
    return "\n".join(out)
