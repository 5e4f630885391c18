"""Compiled inner loops of the network build (numba): water clearance and gate crossings."""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

CELLS_PER_DEGREE = 120.0


@njit(cache=True, inline="always")
def _is_water(bits, lon, lat):
    rows = bits.shape[0]
    cols = bits.shape[1] * 8
    r = int((90.0 - lat) * CELLS_PER_DEGREE)
    r = min(max(r, 0), rows - 1)
    c = int(((lon + 180.0) % 360.0) * CELLS_PER_DEGREE) % cols
    return (bits[r, c >> 3] >> (7 - (c & 7))) & 1


@njit(cache=True, inline="always")
def _slerp(ax, ay, az, bx, by, bz, omega, t):
    if omega < 1e-12:
        return ax, ay, az
    s = math.sin(omega)
    wa = math.sin((1.0 - t) * omega) / s
    wb = math.sin(t * omega) / s
    return wa * ax + wb * bx, wa * ay + wb * by, wa * az + wb * bz


@njit(cache=True)
def _is_water_at(bits, ax, ay, az, bx, by, bz, omega, t):
    x, y, z = _slerp(ax, ay, az, bx, by, bz, omega, t)
    lon = math.degrees(math.atan2(y, x))
    lat = math.degrees(math.asin(min(1.0, max(-1.0, z))))
    return _is_water(bits, lon, lat)


@njit(cache=True, parallel=True)
def segments_clear(a_xyz, b_xyz, bits, step_rad, skip_a_rad, max_land_run):
    """For each pair, True when the great circle a->b is open water.

    Runs of at most ``max_land_run`` land samples are tolerated: the 1 km mask closes
    channels narrower than a cell (Hong Kong, the Danish straits). Samples closer than
    ``skip_a_rad[i]`` to end a are not checked (a port's own harbour).
    """
    n = a_xyz.shape[0]
    out = np.zeros(n, dtype=np.bool_)
    for i in prange(n):
        ax, ay, az = a_xyz[i, 0], a_xyz[i, 1], a_xyz[i, 2]
        bx, by, bz = b_xyz[i, 0], b_xyz[i, 1], b_xyz[i, 2]
        omega = math.acos(min(1.0, max(-1.0, ax * bx + ay * by + az * bz)))
        m = int(omega / step_rad) + 1
        first = 0
        while first <= m and omega * first / m < skip_a_rad[i]:
            first += 1
        ok = True
        # Coarse probes first (most land is found at once), then every sample.
        for stride in (64, 8, 1):
            k = first
            while k <= m:
                if _is_water_at(bits, ax, ay, az, bx, by, bz, omega, k / m) == 0:
                    lo = k
                    while lo > first and _is_water_at(bits, ax, ay, az, bx, by, bz, omega, (lo - 1) / m) == 0:
                        lo -= 1
                    hi = k
                    while hi < m and _is_water_at(bits, ax, ay, az, bx, by, bz, omega, (hi + 1) / m) == 0:
                        hi += 1
                        if hi - lo >= max_land_run:
                            break
                    if hi - lo + 1 > max_land_run:
                        ok = False
                        break
                    k = hi + 1
                    continue
                k += stride
            if not ok:
                break
        out[i] = ok
    return out


@njit(cache=True, inline="always")
def _cross(px, py, qx, qy, rx, ry, sx, sy):
    """Do segments p-q and r-s intersect (proper or touching)?"""
    if (max(px, qx) < min(rx, sx) or max(rx, sx) < min(px, qx)
            or max(py, qy) < min(ry, sy) or max(ry, sy) < min(py, qy)):
        return False  # also rules out collinear segments that do not overlap
    d1 = (sx - rx) * (py - ry) - (sy - ry) * (px - rx)
    d2 = (sx - rx) * (qy - ry) - (sy - ry) * (qx - rx)
    d3 = (qx - px) * (ry - py) - (qy - py) * (rx - px)
    d4 = (qx - px) * (sy - py) - (qy - py) * (sx - px)
    return (d1 * d2 <= 0.0) and (d3 * d4 <= 0.0)


@njit(cache=True, parallel=True)
def gate_flags(a_xyz, b_xyz, gate_segs, gate_bits, piece_rad):
    """Passage bits of every edge a->b that crosses a gate segment.

    The edge is followed along its great circle in pieces of at most ``piece_rad``;
    each piece is tested as a straight segment in (lon, lat), unwrapped across +-180.
    ``gate_segs`` rows are (lon1, lat1, lon2, lat2).
    """
    n = a_xyz.shape[0]
    out = np.zeros(n, dtype=np.uint32)
    for i in prange(n):
        ax, ay, az = a_xyz[i, 0], a_xyz[i, 1], a_xyz[i, 2]
        bx, by, bz = b_xyz[i, 0], b_xyz[i, 1], b_xyz[i, 2]
        omega = math.acos(min(1.0, max(-1.0, ax * bx + ay * by + az * bz)))
        m = int(omega / piece_rad) + 1
        px = math.degrees(math.atan2(ay, ax))
        py = math.degrees(math.asin(min(1.0, max(-1.0, az))))
        flags = np.uint32(0)
        for k in range(1, m + 1):
            x, y, z = _slerp(ax, ay, az, bx, by, bz, omega, k / m)
            qx = math.degrees(math.atan2(y, x))
            qy = math.degrees(math.asin(min(1.0, max(-1.0, z))))
            while qx - px > 180.0:
                qx -= 360.0
            while qx - px < -180.0:
                qx += 360.0
            for g in range(gate_segs.shape[0]):
                for shift in (-360.0, 0.0, 360.0):  # gates near +-180 after unwrapping
                    if _cross(px, py, qx, qy, gate_segs[g, 0] + shift, gate_segs[g, 1],
                              gate_segs[g, 2] + shift, gate_segs[g, 3]):
                        flags |= gate_bits[g]
            px = qx if -180.0 <= qx < 180.0 else ((qx + 180.0) % 360.0) - 180.0
            py = qy
        out[i] = flags
    return out
