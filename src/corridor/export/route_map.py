"""The map of one route: a self-contained HTML page (inline SVG map, legs table, assumptions and
sources; nothing fetched, it opens offline) and a static PNG, drawn as the report's maps are."""

from __future__ import annotations

import html
import io

from corridor.export.legs_table import leg_priced
from corridor.export.mapdraw import Line, Marker, legend_html, svg_map, write_png
from corridor.report.shapes import source


def _line(route) -> Line:
    return Line("route", _title(route), [(leg.mode, leg.geometry) for leg in route.legs if leg.mode != "transfer"])


def _markers(route) -> list[Marker]:
    """The origin and destination, and each transfer (port, terminal, border) on the way."""
    stops = [(leg.origin, leg.name or leg.origin.label) for leg in route.legs if leg.mode == "transfer"]
    ends = [(route.origin, f"origin: {route.origin.label}"), (route.destination, f"destination: {route.destination.label}")]
    return [Marker(p.lon, p.lat, title, p.code or "") for p, title in ends + stops]


def _title(route) -> str:
    return f"{route.origin.label} → {route.destination.label}"


def _days(hours: float) -> str:
    return f"{hours / 24:.1f} d"


def _summary(route) -> str:
    fast, slow = route.duration_h_range
    usd = f"{route.cost_usd:,.0f} USD" if route.priced else "USD not priced"
    return (f"{route.distance_km:,.0f} km, {_days(route.duration_h)} ({_days(fast)}–{_days(slow)}), {usd}, "
            f"{route.co2e_kg:,.0f} kg CO2e; modes {', '.join(route.modes)}; passages "
            f"{', '.join(route.passages) or 'none'}; borders {', '.join(route.borders) or 'none'}")


def _legs_table(route) -> str:
    heads = ("mode", "from", "to", "km", "hours", "USD", "kg CO2e", "passages")
    rows = []
    for d, leg in zip((leg.to_dict() for leg in route.legs), route.legs):
        usd = f"{d['cost_usd']:,.0f}" if leg_priced(leg) else "not priced"
        cells = (d["mode"] if leg.mode != "transfer" else f"transfer ({d['kind']})", d["from"], d["to"],
                 f"{d['distance_km']:,.0f}", f"{d['duration_h']:,.1f}", usd, f"{d['co2e_kg']:,.0f}",
                 ", ".join(d["passages"]) or "-")
        rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    return (f'<table id="legs"><thead><tr>{"".join(f"<th>{h}</th>" for h in heads)}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def render_html(route) -> str:
    """The route as one self-contained HTML page (no script, no request leaves it).

    Parameters
    ----------
    route : corridor.Route
        The route to draw.

    Returns
    -------
    str
        The page: title, totals with the time range, the SVG map (``#map``, one ``path`` per
        drawn part with its ``data-mode``), the legs table (``#legs``), notes, assumptions with
        their sources, and the map's data source.
    """
    title = f"Corridor route {_title(route)}"
    assumptions = "".join(f"<li>{html.escape(f'{a.name} {a.value:g} {a.unit} ({a.source})')}</li>"
                          for a in route.assumptions)
    notes = "".join(f'<p class="note">{html.escape(n)}</p>' for n in route.notes)
    fp = html.escape(str(route.network.get("fingerprint", "")))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta name="corridor-data-version" content="{fp}">
<style>body{{font:14px system-ui,sans-serif;margin:1rem 2rem;color:#1b1b1b}}svg{{width:100%;height:auto;border:1px solid #ccc}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:3px 6px;vertical-align:top}}th{{background:#f2f2f2}}
.note{{color:#8a4b00}}</style></head>
<body>
<h1>{html.escape(title)}</h1>
<p id="summary">{html.escape(_summary(route))}. {legend_html()}</p>
{svg_map([_line(route)], _markers(route), label=f"map of the route {_title(route)}")}
<p><small>Map: {html.escape(source())}; equirectangular projection.</small></p>
<h2>Legs</h2>{_legs_table(route)}
<p><small>Time: planning figure (fast–slow range: every speed, wait and dwell at its published low or high bound).</small></p>
{notes}
<h2>Assumptions and sources</h2><ul>{assumptions}</ul>
<p><small>network {fp}</small></p>
</body></html>
"""


def to_png(route) -> bytes:
    """The route's static map as PNG bytes (matplotlib must be installed: checked by the caller)."""
    out = io.BytesIO()
    write_png([_line(route)], _markers(route), f"{_title(route)}: {route.distance_km:,.0f} km, "
              f"{_days(route.duration_h)}", out)
    return out.getvalue()
