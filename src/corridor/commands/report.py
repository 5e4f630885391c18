"""``corridor report A B``: how goods and people move between two countries (text, JSON, HTML, PNG)."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from corridor import console
from corridor.report.text import text  # the text report (kept importable from here)

HELP = "corridor report for two countries: gateways, options across all modes, what-ifs"


def register(sub) -> None:
    from corridor.request import REPORT

    r = sub.add_parser("report", help=HELP, description=HELP)
    REPORT.add_arguments(r)  # the options as declared in corridor.request.table
    r.add_argument("--out", metavar="FILE", help="write a self-contained HTML report (opens offline); '-' for stdout")
    r.add_argument("--png", metavar="FILE", help="write a static PNG map (needs matplotlib); '-' for stdout")
    r.add_argument("--json", action="store_true", help="print the report as JSON")


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
