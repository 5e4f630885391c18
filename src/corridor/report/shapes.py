"""Country outlines for the report's maps: Natural Earth 1:110m from the npm ``world-atlas``
files the web map uses (``web/node_modules``), decoded from TopoJSON here. Without them the
maps are drawn with a graticule only (and say so)."""

from __future__ import annotations

import json
from pathlib import Path

SOURCE = "Natural Earth 1:110m countries (npm world-atlas, countries-110m.json)"


def atlas_path() -> Path | None:
    from corridor.server.web import _checkout_assets

    p = _checkout_assets() / "world-atlas" / "countries-110m.json"
    return p if p.is_file() else None


def country_rings() -> list[list[tuple[float, float]]]:
    """Every ring of every country as (lon, lat) points; [] when world-atlas is not installed."""
    path = atlas_path()
    if path is None:
        return []
    topo = json.loads(path.read_text(encoding="utf-8"))
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)

    def ring(idx):
        out = []
        for i in idx:
            pts = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(pts[1:] if out else pts)
        return out

    rings = []
    for geom in topo["objects"]["countries"]["geometries"]:
        if geom["type"] == "Polygon":
            rings += [ring(r) for r in geom["arcs"]]
        elif geom["type"] == "MultiPolygon":
            rings += [ring(r) for poly in geom["arcs"] for r in poly]
    return rings
