"""Spherical geometry used everywhere: distances, great-circle points, antimeridian handling.

All coordinates are degrees; arrays are ``(lon, lat)`` ordered like GeoJSON unless a
function says otherwise. Distances use a spherical Earth of mean radius 6371.0088 km
(IUGG), which is what published sea-distance tables approximate too.
"""

from __future__ import annotations

import math

import numpy as np

EARTH_RADIUS_KM = 6371.0088
KM_PER_NMI = 1.852


def normalize_lon(lon):
    """Wrap longitudes into [-180, 180)."""
    return (np.asarray(lon, dtype=float) + 180.0) % 360.0 - 180.0


def to_unit_vectors(lon, lat) -> np.ndarray:
    """Unit vectors on the sphere, shape ``(n, 3)``, for chord-distance KD-trees."""
    lon = np.radians(np.asarray(lon, dtype=float))
    lat = np.radians(np.asarray(lat, dtype=float))
    cl = np.cos(lat)
    # filled in place: cheaper than np.stack (and a line's two arrays need no broadcasting worked out)
    shape = lon.shape if lon.shape == lat.shape else np.broadcast_shapes(lon.shape, lat.shape)
    out = np.empty((*shape, 3))
    np.multiply(cl, np.cos(lon), out=out[..., 0])
    np.multiply(cl, np.sin(lon), out=out[..., 1])
    out[..., 2] = np.sin(lat)
    return out


def from_unit_vectors(xyz: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of :func:`to_unit_vectors`: ``(lon, lat)`` in degrees."""
    xyz = np.asarray(xyz, dtype=float)
    lon = np.degrees(np.arctan2(xyz[..., 1], xyz[..., 0]))
    norm = np.sqrt(np.add.reduce(xyz * xyz, axis=-1))  # np.linalg.norm's sum, without its checks
    lat = np.degrees(np.arcsin(np.clip(xyz[..., 2] / norm, -1, 1)))
    return lon, lat


def haversine_km(lon1, lat1, lon2, lat2):
    """Great-circle distance in km (vectorised)."""
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def haversine_km_one(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """:func:`haversine_km` of one pair of points, by the math module: about ten times faster
    than numpy on scalars, the same figure within a few units in the last place."""
    lon1, lat1, lon2, lat2 = math.radians(lon1), math.radians(lat1), math.radians(lon2), math.radians(lat2)
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(max(a, 0.0), 1.0)))


def chord_for_km(km: float) -> float:
    """Chord length on the unit sphere for a great-circle distance in km."""
    return 2.0 * np.sin(km / EARTH_RADIUS_KM / 2.0)


def km_for_chord(chord):
    """Great-circle distance in km for a chord length on the unit sphere."""
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.clip(np.asarray(chord) / 2.0, 0.0, 1.0))


def great_circle_points(lon1, lat1, lon2, lat2, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` >= 2 points evenly spaced along the great circle from point 1 to point 2."""
    a = to_unit_vectors(lon1, lat1)
    b = to_unit_vectors(lon2, lat2)
    omega = np.arccos(np.clip(np.dot(a, b), -1.0, 1.0))
    t = np.linspace(0.0, 1.0, n)
    if omega < 1e-12:
        pts = np.repeat(a[None, :], n, axis=0)
    else:
        s = np.sin(omega)
        pts = (np.sin((1 - t) * omega) / s)[:, None] * a + (np.sin(t * omega) / s)[:, None] * b
    return from_unit_vectors(pts)


def densify(lons, lats, max_step_km: float = 100.0) -> tuple[np.ndarray, np.ndarray]:
    """Insert great-circle points so no step of the polyline exceeds ``max_step_km``.

    The given vertices are kept exactly; only the steps longer than ``max_step_km`` get points
    (on a network path most steps are shorter and cost nothing but their length).
    """
    lons = np.asarray(lons, dtype=float)
    lats = np.asarray(lats, dtype=float)
    if len(lons) < 2:
        return lons, lats
    xyz = to_unit_vectors(lons, lats)
    a, b = xyz[:-1], xyz[1:]
    omega = np.arccos(np.clip(np.einsum("ij,ij->i", a, b), -1.0, 1.0))
    steps = np.maximum(1, np.ceil(omega * EARTH_RADIUS_KM / max_step_km)).astype(int)
    long_steps = np.flatnonzero(steps > 1)
    if not len(long_steps):
        return lons.copy(), lats.copy()
    added = steps[long_steps] - 1
    seg = np.repeat(long_steps, added)
    t = (np.arange(added.sum()) - np.repeat(np.cumsum(added) - added, added) + 1) / steps[seg]
    om = omega[seg]
    s = np.sin(om)
    if s.min() > 1e-12:  # no step of (nearly) half the Earth: no point to guard
        wa, wb = np.sin((1 - t) * om) / s, np.sin(t * om) / s
    else:
        safe = s > 1e-12
        wa = np.where(safe, np.sin((1 - t) * om) / np.where(safe, s, 1.0), 1.0 - t)
        wb = np.where(safe, np.sin(t * om) / np.where(safe, s, 1.0), t)
    new_lon, new_lat = from_unit_vectors(wa[:, None] * a[seg] + wb[:, None] * b[seg])
    vertex_at = np.concatenate([[0], np.cumsum(steps)])  # where each given vertex lands in the output
    is_new = np.ones(vertex_at[-1] + 1, bool)
    is_new[vertex_at] = False
    out_lon, out_lat = np.empty(len(is_new)), np.empty(len(is_new))
    out_lon[vertex_at], out_lat[vertex_at] = lons, lats
    out_lon[is_new], out_lat[is_new] = new_lon, new_lat
    return out_lon, out_lat


def antimeridian_parts(lons, lats) -> list[np.ndarray]:
    """:func:`split_antimeridian`'s parts as ``(n, 2)`` float arrays of lon, lat (C order).

    For code that keeps or reads a line as numbers (the planner keeps legs as arrays' bytes):
    the ``[lon, lat]`` lists are made once, when an answer needs them, not here.
    """
    lons = np.asarray(lons, dtype=float)
    lats = np.asarray(lats, dtype=float)
    if len(lons) < 2:
        return [np.array([[lons[0], lats[0]]] * 2, float)] if len(lons) else []
    crossings = np.flatnonzero(np.abs(np.diff(lons)) > 180.0)  # the short way round crosses +-180
    if not len(crossings):
        return [np.column_stack([lons, lats])]
    parts, start, carry = [], 0, None
    for i in crossings.tolist():
        x0, y0, x1, y1 = lons[i], lats[i], lons[i + 1], lats[i + 1]
        edge = 180.0 if x0 > 0 else -180.0
        x1u = x1 + 360.0 if x0 > 0 else x1 - 360.0
        # From +180 to -180 (the same meridian) there is nothing to interpolate: cross at once.
        ycross = float(y0 if x1u == x0 else y0 + (edge - x0) / (x1u - x0) * (y1 - y0))
        parts.append(_part(carry, lons[start:i + 1], lats[start:i + 1], (edge, ycross)))
        carry, start = (-edge, ycross), i + 1
    parts.append(_part(carry, lons[start:], lats[start:], None))
    return [p for p in parts if len(p) >= 2]


def _part(first, lons: np.ndarray, lats: np.ndarray, last) -> np.ndarray:
    """The points ``lons``, ``lats`` as an ``(n, 2)`` array, after the point ``first`` and before
    ``last`` where they are not None."""
    n = len(lons) + (first is not None) + (last is not None)
    out = np.empty((n, 2))
    at = 0
    if first is not None:
        out[0] = first
        at = 1
    out[at:at + len(lons), 0] = lons
    out[at:at + len(lons), 1] = lats
    if last is not None:
        out[-1] = last
    return out


def split_antimeridian(lons, lats) -> list[list[list[float]]]:
    """Split a polyline where it crosses the antimeridian.

    Returns a list of parts, each a list of ``[lon, lat]`` with every longitude in
    [-180, 180]; a crossing gets an interpolated point on both sides (at +180 and -180)
    so maps draw the line continuously instead of across the whole world.
    """
    return [part.tolist() for part in antimeridian_parts(lons, lats)]
