"""Google's encoded polyline algorithm format, as OSRM's ``geometries=polyline|polyline6`` uses it.

Each point is written as latitude then longitude, multiplied by ``10**precision``, rounded, as
the difference to the previous point, zig-zag signed and cut into 5-bit chunks offset by 63
(https://developers.google.com/maps/documentation/utilities/polylinealgorithm).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence


def _round_half_away(x: float) -> int:
    # OSRM and Google's reference code round halves away from zero, Python's round() to even.
    return int(math.copysign(math.floor(abs(x) + 0.5), x))


def _chunks(delta: int) -> str:
    value = ~(delta << 1) if delta < 0 else delta << 1
    out = []
    while value >= 0x20:
        out.append(chr((0x20 | (value & 0x1F)) + 63))
        value >>= 5
    out.append(chr(value + 63))
    return "".join(out)


def encode(coordinates: Iterable[Sequence[float]], precision: int = 5) -> str:
    """Encode ``[lon, lat]`` points (GeoJSON order) as a polyline string.

    Parameters
    ----------
    coordinates
        Points as ``[lon, lat]`` pairs.
    precision
        Decimal places kept: 5 (``polyline``) or 6 (``polyline6``).

    Returns
    -------
    str
        The encoded polyline (latitude first in each point, as the format wants).
    """
    factor = 10 ** precision
    prev_lat = prev_lon = 0
    out = []
    for lon, lat in coordinates:
        lat_i, lon_i = _round_half_away(lat * factor), _round_half_away(lon * factor)
        out.append(_chunks(lat_i - prev_lat))
        out.append(_chunks(lon_i - prev_lon))
        prev_lat, prev_lon = lat_i, lon_i
    return "".join(out)
