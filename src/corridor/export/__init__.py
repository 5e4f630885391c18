"""File outputs of ``corridor route``: map and export formats, each declared once in :data:`OUTPUTS`.

The CLI flags (``--geojson FILE``, ``--kml FILE``, ...) are generated from the declarations;
each output is text or bytes made from a :class:`corridor.Route`, written to a file or to stdout
(``-``). What an output needs (matplotlib, pyarrow) is checked before any routing starts.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from corridor.errors import BadInput


def _geojson(route) -> str:
    return json.dumps(route.to_geojson(), ensure_ascii=False, allow_nan=False)


def _kml(route) -> str:
    from corridor.export.kml import to_kml

    return to_kml(route)


def _csv(route) -> str:
    from corridor.export.legs_table import to_csv

    return to_csv(route)


def _geoparquet(route) -> bytes:
    from corridor.export.geoparquet import to_geoparquet

    return to_geoparquet(route)


def _html(route) -> str:
    from corridor.export.route_map import render_html

    return render_html(route)


def _png(route) -> bytes:
    from corridor.export.route_map import to_png

    return to_png(route)


@dataclass(frozen=True)
class Output:
    """One file output: its flag, what it writes, how, and the package it needs (with its extra)."""

    name: str  # the flag without dashes, and the argparse dest
    help: str
    make: Callable[..., str | bytes]  # route -> the file's text or bytes
    needs: tuple[str, str] | None = None  # (module, corridor extra)

    @property
    def flag(self) -> str:
        return f"--{self.name}"


OUTPUTS = (
    Output("geojson", "write the route as GeoJSON (a feature per leg, then origin and destination; 6 decimals)",
           _geojson),
    Output("kml", "write the route as KML 2.2 (Google Earth, QGIS): a placemark per leg with its figures", _kml),
    Output("csv", "write the legs as CSV: one row per leg, every field (figures as in --json)", _csv),
    Output("geoparquet", "write the legs as GeoParquet 1.1 (WKB geometry, the CSV's columns); needs pyarrow",
           _geoparquet, ("pyarrow", "parquet")),
    Output("html", "write a self-contained HTML page with the route's map and legs (opens offline)", _html),
    Output("png", "write a static PNG map of the route; needs matplotlib", _png, ("matplotlib", "report")),
)


def add_arguments(parser) -> None:
    """One ``--NAME FILE`` option per output on an argparse parser."""
    for out in OUTPUTS:
        parser.add_argument(out.flag, metavar="FILE", help=f"{out.help}; '-' for stdout")


def requested(args) -> list[tuple[Output, str]]:
    """The outputs asked for on the command line, with their targets."""
    return [(out, getattr(args, out.name)) for out in OUTPUTS if getattr(args, out.name, None)]


def check(outputs: list[tuple[Output, str]], json_on_stdout: bool) -> None:
    """Refuse before any routing what would fail after it: two answers on stdout, or an output
    whose package is missing (:class:`corridor.extras.MissingExtra`, naming the extra).

    Raises
    ------
    BadInput
        If more than one answer would go to stdout, or a file's folder does not exist.
    """
    from corridor.extras import require

    on_stdout = (["--json"] if json_on_stdout else []) + [f"{out.flag} -" for out, target in outputs if target == "-"]
    if len(on_stdout) > 1:
        raise BadInput(f"{' and '.join(on_stdout)} would all write to stdout; send all but one to a file")
    for out, target in outputs:
        folder = Path(target).parent
        if target != "-" and not folder.is_dir():
            raise BadInput(f"{out.flag} {target}: the folder {str(folder)!r} does not exist")
        if out.needs:
            require(out.needs[0], out.needs[1], f"corridor route {out.flag}")


def write(route, outputs: list[tuple[Output, str]]) -> list[str]:
    """Write each output to its file or stdout; returns the files written."""
    written = []
    for out, target in outputs:
        data = out.make(route)
        if target == "-":
            if isinstance(data, bytes):
                sys.stdout.flush()
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
            else:
                sys.stdout.write(data if data.endswith("\n") else data + "\n")
            continue
        mode, encoding = ("wb", None) if isinstance(data, bytes) else ("w", "utf-8")
        try:
            with open(target, mode, encoding=encoding, newline="" if encoding else None) as f:
                f.write(data)
        except OSError as e:
            raise BadInput(f"{out.flag} {target}: cannot write the file ({e.strerror})") from None
        written.append(target)
    return written
