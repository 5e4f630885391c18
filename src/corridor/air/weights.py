"""Air edges priced for the search: flights, and road access to airports with their handling.

The costing profile (:mod:`corridor.costing.profile`) prices surface modes and terminals; this
module takes its weights and fills in the air edges (which the profile leaves at infinity), so
air needs nothing from the profile's tables. The air costing prices them
(:func:`corridor.costing.air.edge_costs`): flights cost block time plus one connection;
airport access edges cost the road time plus the airport's share of handling.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from corridor import modes as M
from corridor.costing import air
from corridor.network_memo import per_network


def edge_weights(net, profile):
    """The profile's edge weights with air edges priced (surface-only profiles: unchanged)."""
    from corridor.costing.profile import edge_weights as surface_weights

    if "air" not in profile.modes:
        return surface_weights(net, profile)
    return _with_air(net, profile)


@per_network(maxsize=8)
def _with_air(net, profile):
    from corridor.costing.profile import edge_weights as surface_weights

    # The profile prices surface modes only; with air alone it is asked for road too, and every
    # edge needing a mode the request does not allow is shut again in _price.
    base = profile if profile.modes - {"air"} else dataclasses.replace(profile, modes=profile.modes | {"road"})
    return _price(net, profile, surface_weights(net, base))


def _price(net, profile, weights):
    hours = np.array(weights.hours, dtype=np.float64)
    hours[(net.edge_req & ~np.uint8(profile.mode_mask)) != 0] = np.inf
    sel = np.flatnonzero(net.edge_mode == M.AIR)
    h = air.edge_costs(net, sel, profile.cargo, profile.params).hours
    allowed = ((net.edge_req[sel] & ~np.uint8(profile.mode_mask)) == 0) & air.allowed(profile.cargo)
    hours[sel] = np.where(allowed, h, np.inf)
    hours.setflags(write=False)
    fastest = max(air.kmh(profile.params), air.road_kmh(profile.params))
    return dataclasses.replace(weights, hours=hours, hours_per_km=min(weights.hours_per_km, 1.0 / fastest))
