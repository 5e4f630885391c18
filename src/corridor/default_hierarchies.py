"""The hierarchies that come with the network, built ahead so that :func:`corridor.route` with
the default cargo, speed, costs and objective finds one (``corridor network --hierarchies``,
or ``python -m corridor.default_hierarchies``). Every other request (another speed, cost or
CO2e objective, closed ports or countries, extra closed passages) runs A*.

Kept apart from the construction (:mod:`corridor.build.contraction`) and the store
(:mod:`corridor.engine.hierarchies`): naming the default requests takes the planner's
search setting (:class:`~corridor.engine.restrictions.Ctx`) and the transit policy.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from corridor import modes as M
from corridor import transit_policy
from corridor.build.contraction import Hierarchy
from corridor.costing import params as params_mod
from corridor.costing import sea as sea_costing
from corridor.costing.cargo import make_cargo
from corridor.costing.profile import Profile
from corridor.data import passages as P
from corridor.engine.hierarchies import hierarchy
from corridor.engine.restrictions import Ctx, blocked_mask


def default_requests(net) -> list[tuple[str, str, np.ndarray | None, int]]:
    """(name, layer, weight, closed passages) of the requests whose hierarchies come with the
    network: tables (km on the sea layer), and routes with the default cargo, speed, costs and
    objective (time) by sea and over every surface mode, the latter also with the transit
    policy's countries closed (the second search of a route the policy reroutes), as
    :func:`corridor.planner.plan` sets them up."""
    cargo, params = make_cargo(None), params_mod.load(None)
    blocked = blocked_mask([], [], "seagoing")
    closed = P.mask_of(set(cargo.closed_passages()))
    speed = sea_costing.speed(None, cargo, params)

    def hours(modes, countries=frozenset()) -> np.ndarray:
        return Ctx(net, Profile(frozenset(modes), speed, cargo, params), countries=countries).weight()[0]

    policy = frozenset(transit_policy.restrictions())  # the second search of routes the policy reroutes
    return [("tables (km)", "sea", None, blocked),
            ("sea routes (default request, hours)", "sea", hours({"sea"}), blocked | closed),
            ("surface routes (default request, hours)", "all", hours(M.SURFACE), blocked | closed),
            ("surface routes under the transit policy (hours)", "all", hours(M.SURFACE, policy), blocked | closed)]


def build_default_hierarchies(net, *, progress: bool = True) -> list[Hierarchy]:
    """Build (or load) the hierarchies of :func:`default_requests`, saying so on stderr.

    On 2 CPUs: about 2 min for each sea one and 4 min for each of the whole network's, once
    per network (then cached, loaded in well under a second)."""
    out = []
    for name, layer, weight, blocked in default_requests(net):
        t = time.perf_counter()
        h = hierarchy(net, layer, blocked, weight, build=False)
        if h is None or (layer == "sea" and h.labels is None):
            if progress:
                what = "hub labels" if h is not None else "contraction hierarchy"
                print(f"corridor: building the {what} for {name} ...", file=sys.stderr, flush=True)
            h = hierarchy(net, layer, blocked, weight, quiet=True, labels=layer == "sea")
        if progress:
            print(f"corridor: contraction hierarchy for {name}: {h.stats['upward_edges']:,} upward edges, "
                  f"ready in {time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)
        out.append(h)
    return out


if __name__ == "__main__":  # python -m corridor.default_hierarchies: build them ahead for the installed network
    from corridor.network import load_network

    build_default_hierarchies(load_network())
