"""Joining a point (a port, a user's coordinates) to the network by water, not over land.

A point gets *connectors*: straight great-circle legs to nearby network nodes. A connector
is accepted when, beyond ``COAST_ALLOWANCE_KM`` from the point (port coordinates often sit
on the coast's land cell), it crosses little land (see the tolerances below). When no connector is clear (river ports,
the Caspian, which the mask calls land), the one crossing the least land is used and its
land length reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from corridor.geo import chord_for_km, km_for_chord, to_unit_vectors

CANDIDATES = 12
SEARCH_RADIUS_KM = 500.0
COAST_ALLOWANCE_KM = 5.0
SAMPLE_STEP_KM = 1.0  # about one mask cell
TOLERATED_LAND_KM = 1.0  # channels narrower than the mask's 1 km cells read as land
# Harbour mouths narrower than a cell close whole harbours (Wellington, Aden): a connector
# may cross land for a fifth of its length, a few km at most, rather than force a detour.
TOLERATED_LAND_SHARE = 0.2


@dataclass(frozen=True)
class Connectors:
    nodes: np.ndarray  # int32 node ids
    km: np.ndarray  # float64 connector lengths
    land_km: float  # land crossed by the best connector (0 when clear)

    @property
    def empty(self) -> bool:
        return len(self.nodes) == 0


def water_connectors(lon: float, lat: float, *, tree, node_lon, node_lat, joinable, mask) -> Connectors:
    """Connectors from (lon, lat) to the joinable network nodes indexed by ``tree`` (unit vectors)."""
    chord, idx = tree.query(to_unit_vectors(lon, lat), k=3 * CANDIDATES,
                            distance_upper_bound=chord_for_km(SEARCH_RADIUS_KM))
    found = np.isfinite(chord)
    found[found] &= joinable[idx[found]]
    idx, km = idx[found][:CANDIDATES], km_for_chord(chord[found])[:CANDIDATES]
    if len(idx) == 0:
        return Connectors(np.empty(0, np.int32), np.empty(0), float("inf"))
    land = mask.land_km_to_many(lon, lat, node_lon[idx], node_lat[idx], step_km=SAMPLE_STEP_KM,
                                skip_start_km=COAST_ALLOWANCE_KM)
    clear = land <= np.maximum(TOLERATED_LAND_KM, TOLERATED_LAND_SHARE * km)
    if clear.any():
        return Connectors(idx[clear].astype(np.int32), km[clear], float(land[clear].min()))
    best = int(np.argmin(land))
    return Connectors(idx[best:best + 1].astype(np.int32), km[best:best + 1], float(land[best]))
