"""Offline maps of routes, shared by ``corridor route --html/--png`` and the country-pair report:
an inline SVG and a matplotlib figure on Natural Earth country shapes shipped with corridor,
equirectangular, lines coloured by mode. Nothing is fetched: the page opens without a network.

A map is drawn from :class:`Line` groups (one per route or report option) and :class:`Marker` points.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from corridor.report.shapes import country_rings, source

COLOURS = {"sea": "#1f77b4", "rail": "#d62728", "road": "#8c564b", "ferry": "#17becf", "air": "#9467bd",
           "transfer": "#7f7f7f"}
W, H = 1200, 600

Parts = Sequence[Sequence[Sequence[float]]]  # lines of (lon, lat) points


@dataclass(frozen=True)
class Line:
    """One drawn group (a route, or a report option): its key, title and each leg's mode and parts."""

    key: str
    title: str
    legs: Sequence[tuple[str, Parts]]


@dataclass(frozen=True)
class Marker:
    """A labelled point: a gateway, a terminal, an origin."""

    lon: float
    lat: float
    title: str
    label: str = ""  # short text printed beside it on the PNG (a code); none on the SVG (hover shows the title)


def _xy(lon: float, lat: float) -> tuple[float, float]:
    return (lon + 180.0) / 360.0 * W, (90.0 - lat) / 180.0 * H


def _path(points) -> str:
    return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in (_xy(lo, la) for lo, la, *_ in points))


def split_at_antimeridian(parts: Parts) -> Iterator[list]:
    """The parts of a leg's geometry, cut where a step jumps across the antimeridian (so no line
    is drawn across the whole map)."""
    for part in parts or []:
        if not part:
            continue
        out = [part[0]]
        for a, b in itertools.pairwise(part):
            if abs(b[0] - a[0]) > 180:
                yield out
                out = []
            out.append(b)
        yield out


def svg_map(lines: Iterable[Line], markers: Iterable[Marker], label: str = "map of the options") -> str:
    """An inline ``<svg id="map">``: sea, country shapes, a 30-degree graticule, one
    ``<g class="option">`` per line (a ``<path data-mode>`` per drawn part) and the markers."""
    parts = [(f'<svg id="map" viewBox="0 0 {W} {H}" xmlns="http://www.w3.org/2000/svg" role="img" '
              f'aria-label="{html.escape(label)}"><rect width="{W}" height="{H}" fill="#eaf2f8"/>')]
    parts.append('<g fill="#f4f1e8" stroke="#b9b3a4" stroke-width="0.5">' +
                 "".join(f'<path d="{_path(r)}Z"/>' for r in country_rings() if len(r) > 2) + "</g>")
    for lon in range(-180, 181, 30):
        x, _ = _xy(lon, 0)
        parts.append(f'<line x1="{x:.0f}" y1="0" x2="{x:.0f}" y2="{H}" stroke="#c8d6e5" stroke-width="0.4"/>')
    for lat in range(-60, 61, 30):
        _, y = _xy(0, lat)
        parts.append(f'<line x1="0" y1="{y:.0f}" x2="{W}" y2="{y:.0f}" stroke="#c8d6e5" stroke-width="0.4"/>')
    for line in lines:
        g = [f'<g class="option" data-option="{html.escape(line.key)}"><title>{html.escape(line.title)}</title>']
        for mode, leg_parts in line.legs:
            for part in split_at_antimeridian(leg_parts):
                if len(part) > 1:
                    g.append(f'<path d="{_path(part)}" fill="none" stroke="{COLOURS.get(mode, "#000")}" '
                             f'stroke-width="2" stroke-opacity="0.8" data-mode="{html.escape(mode)}"/>')
        g.append("</g>")
        parts.append("".join(g))
    for m in markers:
        x, y = _xy(m.lon, m.lat)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#000"><title>{html.escape(m.title)}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


def legend_html() -> str:
    """The colour of each mode, as inline HTML."""
    return " ".join(f'<span style="color:{c}">&#9632; {m}</span>' for m, c in COLOURS.items() if m != "transfer")


def write_png(lines: Iterable[Line], markers: Iterable[Marker], title: str, path: str,
              extent: tuple[float, float, float, float] = (-180.0, 180.0, -60.0, 80.0)) -> None:
    """A static PNG of the same map (matplotlib, which the caller has checked is installed).

    Parameters
    ----------
    lines, markers
        What to draw, as for :func:`svg_map`.
    title
        Printed above the map.
    path
        The PNG file written.
    extent
        ``(west, east, south, north)`` in degrees.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import PolyCollection

    fig, ax = plt.subplots(figsize=(14, 7.5), dpi=100)
    ax.set_facecolor("#eaf2f8")
    ax.add_collection(PolyCollection([r for r in country_rings() if len(r) > 2], facecolors="#f4f1e8",
                                     edgecolors="#b9b3a4", linewidths=0.4))
    for line in lines:
        for mode, leg_parts in line.legs:
            for seg in split_at_antimeridian(leg_parts):
                ax.plot([p[0] for p in seg], [p[1] for p in seg], color=COLOURS.get(mode, "#000"), lw=1.6, alpha=0.8)
    for m in markers:
        ax.plot(m.lon, m.lat, "ko", ms=3)
        if m.label:
            ax.annotate(m.label, (m.lon, m.lat), fontsize=8, xytext=(3, 3), textcoords="offset points")
    for mode, colour in COLOURS.items():
        if mode != "transfer":
            ax.plot([], [], color=colour, lw=3, label=mode)
    ax.legend(loc="lower left", fontsize=9)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_aspect("equal")
    ax.set_title(title)
    ax.text(0.99, 0.01, source(), transform=ax.transAxes, ha="right", va="bottom", fontsize=7, color="#555")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
