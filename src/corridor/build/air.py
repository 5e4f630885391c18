"""Compile the air layer: a node at every IATA airport, the modelled flights, road access.

Airport nodes (mode AIR) follow the sorted IATA order of :func:`corridor.data.airports.read_airports`,
so node ``first + i`` is airport ``i`` (the loaded network finds them by ``node_mode``). Every
airport is a node, served or not, so that imported routes (kept outside the compiled network,
see :mod:`corridor.air.overlay`) may name any of them without a rebuild.

Edges:

* modelled flights (mode AIR, ``edge_kind`` :data:`KIND_MODELLED`), great-circle km, per
  :mod:`corridor.air.model`;
* airport <-> nearest road node within :data:`ROAD_REACH_KM` (mode AIR, ``edge_kind``
  :data:`KIND_ACCESS`, needs air and road): road access from a city to its airport, priced with
  the airport's handling by :mod:`corridor.air.weights`. (They are air edges rather than
  terminal transfers so that the costing tables of terminals need no airport row.)
"""

from __future__ import annotations

import numpy as np

from corridor import modes as M
from corridor.air.model import modelled_links
from corridor.data.airports import read_airports

KIND_MODELLED, KIND_IMPORTED, KIND_ACCESS = 0, 1, 2
ROAD_REACH_KM = 30.0


def add_air_layer(g, road_near, terminals: list, stats: dict) -> None:
    """Add airports, modelled flights and road access to the graph builder ``g``."""
    a = read_airports()
    first = g.add_nodes(a.lon, a.lat, M.AIR)
    i, j = modelled_links(a)
    g.add_edges(first + i, first + j, mode=M.AIR, req=M.bit(M.AIR), kind=KIND_MODELLED)
    road, _ = road_near(a.lon, a.lat, ROAD_REACH_KM)
    k = np.flatnonzero(road >= 0)
    g.add_edges(first + k, road[k], mode=M.AIR, req=M.bit(M.AIR) | M.bit(M.ROAD), kind=KIND_ACCESS)
    joined = len(k)
    stats["air"] = {"airports": int(len(a.iata)), "served": int(a.scheduled.sum()),
                    "modelled_links": int(len(i)), "road_access": joined}
