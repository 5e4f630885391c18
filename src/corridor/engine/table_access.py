"""Joining many places to the water at once, for tables: the same answers as
:func:`corridor.snapping.water_connectors` and :func:`corridor.engine.access.direct_crossing`,
computed in one pass over all places instead of one small numpy call chain per place.

A 1,000 x 1,000 table has hundreds of coordinate places and thousands of nearby pairs; per
place and per pair the numpy calls cost about a millisecond each, mostly call overhead on
arrays of a few dozen elements. Here one KD-tree query covers every point, and one compiled
kernel samples the water mask along every great circle, with the same sample points (same
spacing, same formulas), so the connectors and the crossings are the same; only the last bit
of a sample's coordinates may differ (compiled trigonometry), which moves no sample across
a 1 km mask cell in practice (the tests compare both ways on random places).
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from corridor.data.watermask import CELLS_PER_DEGREE
from corridor.geo import (
    EARTH_RADIUS_KM,
    chord_for_km,
    haversine_km,
    km_for_chord,
    to_unit_vectors,
)
from corridor.jit import njit
from corridor.snapping import (
    CANDIDATES,
    COAST_ALLOWANCE_KM,
    SAMPLE_STEP_KM,
    SEARCH_RADIUS_KM,
    TOLERATED_LAND_KM,
    TOLERATED_LAND_SHARE,
    Connectors,
)

CROSSING_STEP_KM = 0.5  # WaterMask.land_km_along's default step, which direct_crossing uses


@njit(cache=True, inline="always")
def _is_land(bits, lon, lat):
    """WaterMask.is_water, negated, for one point."""
    rows = bits.shape[0]
    cols = bits.shape[1] * 8
    r = min(max(np.int64((90.0 - lat) * CELLS_PER_DEGREE), 0), rows - 1)
    c = np.int64(((lon + 180.0) % 360.0) * CELLS_PER_DEGREE) % cols
    return ((bits[r, c >> 3] >> (7 - (c & 7))) & 1) == 0


@njit(cache=True, inline="always")
def _point(ax, ay, az, bx, by, bz, wa, wb):
    """(lon, lat) in degrees of ``wa * a + wb * b``, as geo.from_unit_vectors."""
    x = wa * ax + wb * bx
    y = wa * ay + wb * by
    z = wa * az + wb * bz
    norm = np.sqrt(x * x + y * y + z * z)
    return np.degrees(np.arctan2(y, x)), np.degrees(np.arcsin(min(max(z / norm, -1.0), 1.0)))


@njit(cache=True, nogil=True)
def _land_km(bits, a, b, owner, omega, step_km, skip_start_km, out):
    """``out[k]``: km of land on the great circle from point ``a[owner[k]]`` to ``b[k]`` (unit
    vectors, ``omega[k]`` radians apart), sampled as WaterMask.land_km_to_many, land within
    ``skip_start_km`` of the start not counted."""
    for k in range(b.shape[0]):
        p = a[owner[k]]
        om = omega[k]
        d = om * EARTH_RADIUS_KM
        steps = max(1, np.int64(np.ceil(d / step_km))) + 1
        s = np.sin(om)
        land = 0
        for i in range(steps):
            t = i / (steps - 1)
            if not t * d >= skip_start_km:
                continue
            if s > 1e-12:
                wa, wb = np.sin((1 - t) * om) / s, np.sin(t * om) / s
            else:
                wa, wb = 1.0 - t, t
            lon, lat = _point(p[0], p[1], p[2], b[k, 0], b[k, 1], b[k, 2], wa, wb)
            land += _is_land(bits, lon, lat)
        out[k] = land * d / (steps - 1)


@njit(cache=True, nogil=True)
def _clear(bits, a, b, d, step_km, skip_km, out):
    """``out[k]``: no land on the great circle from ``a[k]`` to ``b[k]`` (unit vectors, ``d[k]``
    km apart) beyond ``skip_km`` from either end, sampled as WaterMask.land_km_along."""
    for k in range(a.shape[0]):
        n = max(2, np.int64(np.ceil(d[k] / step_km)) + 1)
        omega = np.arccos(min(max(a[k, 0] * b[k, 0] + a[k, 1] * b[k, 1] + a[k, 2] * b[k, 2], -1.0), 1.0))
        s = np.sin(omega)
        t_step = 1.0 / (n - 1)
        d_step = d[k] / (n - 1)
        ok = True
        for i in range(n):
            along = d[k] if i == n - 1 else i * d_step
            if along < skip_km or along > d[k] - skip_km:
                continue
            t = 1.0 if i == n - 1 else i * t_step
            if omega < 1e-12:
                wa, wb = 1.0, 0.0
            else:
                wa, wb = np.sin((1 - t) * omega) / s, np.sin(t * omega) / s
            lon, lat = _point(a[k, 0], a[k, 1], a[k, 2], b[k, 0], b[k, 1], b[k, 2], wa, wb)
            if _is_land(bits, lon, lat):
                ok = False
                break
        out[k] = ok


def water_connectors_many(net, lons, lats) -> list[Connectors]:
    """:func:`corridor.snapping.water_connectors` of every point ``(lons[i], lats[i])`` on ``net``'s
    sea nodes, in one pass."""
    lons, lats = np.asarray(lons, float), np.asarray(lats, float)
    if len(lons) == 0:
        return []
    chord, idx = net.tree.query(to_unit_vectors(lons, lats), k=3 * CANDIDATES,
                                distance_upper_bound=chord_for_km(SEARCH_RADIUS_KM))
    found = np.isfinite(chord)
    found[found] &= net.node_joinable[idx[found]]
    found &= np.cumsum(found, axis=1) <= CANDIDATES  # the first CANDIDATES joinable ones
    owner, col = np.nonzero(found)
    nodes, km = idx[owner, col].astype(np.int32), km_for_chord(chord[owner, col])
    bounds = np.searchsorted(owner, np.arange(len(lons) + 1))
    a = to_unit_vectors(lons, lats).reshape(-1, 3)
    b = to_unit_vectors(net.node_lon[nodes], net.node_lat[nodes]).reshape(-1, 3)
    # The angles by the same numpy product per point as land_km_to_many, to the last bit: a
    # connector's land km is compared with a share of its length, and whole sample counts
    # can land exactly on that share.
    omega = np.empty(len(nodes))
    for i, (lo, hi) in enumerate(pairwise(bounds)):
        if hi > lo:
            omega[lo:hi] = np.arccos(np.clip(b[lo:hi].copy() @ a[i].copy(), -1.0, 1.0))
    land = np.empty(len(nodes))
    _land_km(net.water.bits, a, b, owner, omega, SAMPLE_STEP_KM, COAST_ALLOWANCE_KM, land)
    clear = land <= np.maximum(TOLERATED_LAND_KM, TOLERATED_LAND_SHARE * km)
    out = []
    for lo, hi in pairwise(bounds):
        if lo == hi:
            out.append(Connectors(np.empty(0, np.int32), np.empty(0), float("inf")))
        elif clear[lo:hi].any():
            ok = lo + np.flatnonzero(clear[lo:hi])
            out.append(Connectors(nodes[ok], km[ok], float(land[ok].min())))
        else:
            best = lo + int(np.argmin(land[lo:hi]))
            out.append(Connectors(nodes[best:best + 1], km[best:best + 1], float(land[best])))
    return out


def clear_crossings(net, lon1, lat1, lon2, lat2) -> tuple[np.ndarray, np.ndarray]:
    """Great-circle km between each pair of points and whether the straight crossing is open
    water (no land beyond COAST_ALLOWANCE_KM of either end): the test
    :func:`corridor.engine.access.direct_crossing` applies to each pair of candidates."""
    d = np.asarray(haversine_km(lon1, lat1, lon2, lat2), float).reshape(-1)
    ok = np.zeros(len(d), np.bool_)
    _clear(net.water.bits, to_unit_vectors(lon1, lat1).reshape(-1, 3), to_unit_vectors(lon2, lat2).reshape(-1, 3),
           d, CROSSING_STEP_KM, COAST_ALLOWANCE_KM, ok)
    return d, ok
