"""A static PNG map of the options (matplotlib; drawn by :mod:`corridor.export.mapdraw`)."""

from __future__ import annotations

from corridor.export.mapdraw import Line, Marker
from corridor.export.mapdraw import write_png as draw_png


def write_png(report: dict, path: str) -> None:
    try:
        import matplotlib  # noqa: F401  (checked here: the drawing needs it)
    except ImportError as e:  # pragma: no cover - depends on the install
        from corridor.errors import BadInput

        raise BadInput("--png needs matplotlib: pip install 'corridor[report]' (or pip install matplotlib).") from e
    lines = [Line(opt["option"]["key"], opt["option"]["label"], [(leg["mode"], leg["parts"]) for leg in opt["map"]])
             for opt in report["options"]]
    markers = [Marker(p["lon"], p["lat"], p["name"], p.get("code") or p.get("iata"))
               for g in report["gateways"] for p in g["seaports"][:2] + g["airports"][:1]]
    g0, g1 = report["gateways"]
    draw_png(lines, markers, f"{g0['name']} → {g1['name']}: {len(report['options'])} corridor options", path)
