"""A route's legs as GeoParquet 1.1 (pyarrow, extra ``[parquet]``): the columns of the CSV export
plus a WKB ``geometry`` column (MultiLineString per moving leg, Point per transfer, in OGC:CRS84,
the GeoJSON export's coordinates). Readable by geopandas, GDAL/QGIS, DuckDB."""

from __future__ import annotations

import io
import json
import struct

from corridor.export.legs_table import FIELDS, NUMBERS, leg_rows

GEOPARQUET_VERSION = "1.1.0"
_WKB_POINT, _WKB_LINESTRING, _WKB_MULTILINESTRING = 1, 2, 5


def wkb(geometry: dict) -> bytes:
    """ISO WKB (little-endian) of a GeoJSON Point, LineString or MultiLineString."""
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind == "Point":
        return struct.pack("<BIdd", 1, _WKB_POINT, *coords)
    if kind == "LineString":
        return struct.pack("<BII", 1, _WKB_LINESTRING, len(coords)) + b"".join(struct.pack("<dd", *p) for p in coords)
    if kind == "MultiLineString":
        return struct.pack("<BII", 1, _WKB_MULTILINESTRING, len(coords)) + b"".join(
            wkb({"type": "LineString", "coordinates": part}) for part in coords)
    raise ValueError(f"no WKB writer for a {kind}")  # routes have no other geometry


def to_geoparquet(route) -> bytes:
    """The legs as a GeoParquet file's bytes (pyarrow must be installed: checked by the caller)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = leg_rows(route)
    geometries = [f["geometry"] for f in route.to_geojson()["features"][:len(rows)]]
    columns = {key: pa.array([r[key] for r in rows], type=pa.float64() if key in NUMBERS else pa.string())
               for key in FIELDS}
    columns["leg"] = pa.array([r["leg"] for r in rows], type=pa.int32())
    columns["geometry"] = pa.array([wkb(g) for g in geometries], type=pa.binary())
    xs = [p[0] for g in geometries for p in _points(g)]
    ys = [p[1] for g in geometries for p in _points(g)]
    column = {"encoding": "WKB", "geometry_types": sorted({g["type"] for g in geometries})}
    if xs:
        column["bbox"] = [min(xs), min(ys), max(xs), max(ys)]
    geo = {"version": GEOPARQUET_VERSION, "primary_column": "geometry", "columns": {"geometry": column}}
    table = pa.table(columns).replace_schema_metadata({"geo": json.dumps(geo)})
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue()


def _points(geometry: dict):
    if geometry["type"] == "Point":
        return [geometry["coordinates"]]
    return [p for part in geometry["coordinates"] for p in part]
