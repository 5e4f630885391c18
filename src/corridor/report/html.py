"""A self-contained HTML report: inline SVG map (every option drawn, coloured by its main mode),
sortable table, gateways, what-ifs and assumptions with sources. No request leaves the page."""

from __future__ import annotations

import html
import json
from pathlib import Path

from corridor.export.mapdraw import Line, Marker, legend_html
from corridor.export.mapdraw import svg_map as draw_svg
from corridor.report.build import assumption_text
from corridor.report.shapes import source
from corridor.report.text import change_words


def svg_map(report: dict) -> str:
    """The report's map: every option drawn, coloured by mode, and the main gateways."""
    lines = [Line(opt["option"]["key"], opt["option"]["label"], [(leg["mode"], leg.get("parts")) for leg in opt["map"]])
             for opt in report["options"]]
    markers = [Marker(p["lon"], p["lat"], p["name"]) for gw in report["gateways"]
               for p in gw["seaports"][:2] + gw["airports"][:1]]
    return draw_svg(lines, markers)


def _port_text(p: dict) -> str:
    """'Callao (PECLL; WPI Medium; container)': the World Port Index size and facilities when imported."""
    extra = [p["code"]]
    if p.get("wpi"):
        extra.append(f"WPI {p['wpi']['harbor_size'] or 'size not given'}")
        extra += [f.lower() for f in p["wpi"]["facilities"]]
    if p.get("curated"):
        extra.append("curated")
    return f"{p['name']} ({'; '.join(extra)})"


def _cargo_text(c: dict) -> str:
    amount = f"{c['teu']:g} TEU" if "teu" in c else f"{c.get('tonnes', 0):,.0f} t"
    return f"{c['kind']}, {amount}, vessel class {c.get('vessel_class')} (air options state their own)"


def _cell(v) -> str:
    if v is None:
        return "not priced"  # e.g. passenger air fares: no sourced figure (see the assumptions)
    return html.escape(", ".join(v) if isinstance(v, list) else str(v))


def _row(s: dict) -> str:
    """One option's table row; its best marks (fastest, cheapest, lowest CO2e) after the label."""
    cells = []
    for k in ("label", "modes", "distance_km", "duration_days", "cost_usd", "co2e_kg", "transshipments",
              "chokepoints", "borders"):
        v = s[k]
        text = f"{v:,.1f}" if isinstance(v, float) else _cell(v)
        if k == "duration_days" and s.get("duration_days_range"):
            text += " ({:.1f}&ndash;{:.1f})".format(*s["duration_days_range"])  # the time range, fast to slow
        if k == "label" and s.get("best"):
            text += f' <strong class="best">({html.escape(", ".join(s["best"]))})</strong>'
        cells.append(f'<td data-v="{html.escape(str(v)) if v is not None else ""}">{text}</td>')
    chain = " &rarr; ".join(html.escape(x) for x in s["gateway_chain"])
    return "<tr>" + "".join(cells) + f"<td>{chain}</td></tr>"


def render(report: dict) -> str:
    widget = (Path(__file__).resolve().parents[1] / "web" / "report-widget.js").read_text(encoding="utf-8")
    g0, g1 = report["gateways"]
    heads = ["option", "modes", "km", "days (range)", "USD", "kg CO2e", "transshipments", "chokepoints", "borders",
             "gateway chain"]
    rows_by_key = {s["key"]: s for s in report["summary"]}
    tables = []
    for grp in report["groups"]:  # one table per consignment: never ranked together
        rows = "".join(_row(rows_by_key[k]) for k in grp["options"])
        tables.append(f"<h3>{html.escape(grp['title'])} ({html.escape(', '.join(grp['consignments']))})</h3>"
                      f'<table class="options"><thead><tr>{"".join(f"<th>{h}</th>" for h in heads)}</tr></thead>'
                      f"<tbody>{rows}</tbody></table>")
    whatifs = []
    for w in report["whatif"]:
        items = "".join(
            f"<li>{html.escape(r['label'])}: {html.escape(change_words(r, 'days'))}</li>" for r in w["options"])
        best = w.get("best")
        if best:
            items += (f"<li>fastest under it: {html.escape(best['label'])}: {best['duration_days']:.1f} days; "
                      f"{html.escape(change_words(best, 'days', ' against the fastest today'))}</li>")
        whatifs.append(f"<h3>{html.escape(w['name'])}</h3><ul>{items or '<li>no option changes</li>'}</ul>")
    gw = []
    for g in (g0, g1):
        gw.append(f"<h3>{html.escape(g['name'])}</h3><p>seaports: {_cell([_port_text(p) for p in g['seaports']]) or 'none'}"
                  f"<br>airports: {_cell([a['name'] + ' (' + a['iata'] + ', ' + a['type'] + ')' for a in g['airports']]) or 'none'}"
                  f"<br>land border points: {len(g['borders'])} ({_cell(sorted({b['neighbour'] + ' ' + b['mode'] for b in g['borders']}))})</p>"
                  + "".join(f"<p class=note>{html.escape(n)}</p>" for n in g["notes"]))
    assumptions = "".join(f"<li>{html.escape(assumption_text(a))}</li>" for a in report["assumptions"])
    legend = legend_html()
    data = json.dumps(report["summary"], ensure_ascii=False).replace("</", "<\\/")
    fp = html.escape(str(report.get("network", {}).get("fingerprint", "")))
    title = f"Corridor report {g0['name']} → {g1['name']}"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta name="corridor-data-version" content="{fp}">
<style>body{{font:14px system-ui,sans-serif;margin:1rem 2rem;color:#1b1b1b}}svg{{width:100%;height:auto;border:1px solid #ccc}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:3px 6px;vertical-align:top}}th{{cursor:pointer;background:#f2f2f2}}
.note{{color:#8a4b00}}</style></head>
<body data-query="corridor report {html.escape(report['origin'])} {html.escape(report['destination'])}">
<h1>{html.escape(title)}</h1>
<p>cargo: {html.escape(_cargo_text(report['cargo']))}; {len(report['summary'])} options. {legend}</p>
{svg_map(report)}
<p><small>Map: {html.escape(source())}; equirectangular projection.</small></p>
<h2>Options</h2><p>Options are compared only within a group: each moves a different consignment.</p>{''.join(tables)}
<h2>Gateways</h2>{''.join(gw)}
<h2>What if</h2>{''.join(whatifs)}
<h2>Assumptions and sources</h2><ul>{assumptions}</ul>
<p><small>network {fp}</small></p>
<script type="application/json" id="report-data">{data}</script>
<script>
document.querySelectorAll("table.options th").forEach(function (th) {{
  th.addEventListener("click", function () {{
    var body = th.closest("table").querySelector("tbody");
    var rows = Array.prototype.slice.call(body.rows);
    var asc = th.dataset.asc !== "1"; th.dataset.asc = asc ? "1" : "0";
    rows.sort(function (a, b) {{
      var i = th.cellIndex, x = a.cells[i].dataset.v, y = b.cells[i].dataset.v, nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return asc ? c : -c; }});
    rows.forEach(function (r) {{ body.appendChild(r); }});
  }});
}});
</script>
<script data-auto="false">
{widget}
corridorReportWidget.init({{endpoint: null}});
</script>
</body></html>
"""
