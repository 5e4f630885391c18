"""The modelled air network: which airports are linked when no real route data is imported.

Rule (documented in the README and DATA.md; every answer that uses it says "modelled"):

* airports *with scheduled service* (airports-py) of type large or medium fly; small airports,
  heliports and seaplane bases do not;
* every large airport is linked to every other large airport up to the range of a typical
  long-haul type (:data:`LONG_HAUL_RANGE`, the A330-300's 11,750 km);
* every medium airport is linked to the large airports within
  :data:`REGIONAL_RADIUS` (1,000 km), or, when there is none, to its
  nearest large airport within long-haul range (islands, remote regions).

These two distances decide which links the compiled network has, so they are build constants
(changing one is a rebuild), not costing figures.

Medium airports are not linked to each other, so a trip between two of them goes through a hub.
The model knows nothing about airlines, frequencies or traffic rights: it says where a flight
*could* plausibly go, not where one does.
"""

from __future__ import annotations

import numpy as np

from corridor.costing import Assumption
from corridor.data.airports import LARGE, MEDIUM, Airports
from corridor.geo import chord_for_km, to_unit_vectors

LONG_HAUL_RANGE = Assumption(
    "modelled long-haul range (Airbus A330-300)", 11_750.0, "km",
    "'The A330-300 has a range of 11,750 km (6,340 nmi; 7,300 mi) with 277 passengers' (Wikipedia, Airbus A330); "
    "modelled links between two large airports are no longer than this")
REGIONAL_RADIUS = Assumption("modelled regional links: medium airport to large airports within", 1_000.0, "km",
                             "assumption (hub-and-spoke feeder flights)")


def modelled_links(a: Airports) -> tuple[np.ndarray, np.ndarray]:
    """(i, j) index pairs into ``a``, each unordered pair once."""
    # build time only: routes import this module, and scipy is slow to import
    from scipy.spatial import cKDTree

    large = np.flatnonzero((a.size == LARGE) & a.scheduled)
    medium = np.flatnonzero((a.size == MEDIUM) & a.scheduled)
    xyz = to_unit_vectors(a.lon, a.lat)
    t_large = cKDTree(xyz[large])
    pairs = t_large.query_pairs(chord_for_km(LONG_HAUL_RANGE.value), output_type="ndarray")
    ii, jj = [large[pairs[:, 0]]], [large[pairs[:, 1]]]
    near = t_large.query_ball_point(xyz[medium], chord_for_km(REGIONAL_RADIUS.value))
    lonely = []
    for m, hubs in zip(medium, near):
        if hubs:
            ii.append(np.full(len(hubs), m))
            jj.append(large[np.asarray(hubs)])
        else:
            lonely.append(m)
    if lonely:
        chord, k = t_large.query(xyz[lonely], distance_upper_bound=chord_for_km(LONG_HAUL_RANGE.value))
        ok = np.isfinite(chord)
        ii.append(np.asarray(lonely)[ok])
        jj.append(large[k[ok]])
    return np.concatenate(ii).astype(np.int64), np.concatenate(jj).astype(np.int64)
