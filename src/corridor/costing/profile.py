"""A costing profile: what each edge of the network costs for one kind of request.

The profile is applied at query time (nothing is rebuilt): each mode's module prices its
own edges, edges needing a mode the request does not allow cost infinity, and border
crossings add their wait. The arrays are computed once per (network, profile) and then
shared read-only; they depend on nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from corridor import modes as M
from corridor.costing import Assumption, ferry, rail, road, sea, transfer


@dataclass(frozen=True)
class Profile:
    modes: frozenset  # names of the allowed modes
    sea_speed: Assumption = sea.DEFAULT_SPEED

    @property
    def mode_mask(self) -> int:
        return M.mask_of(self.modes)

    @property
    def landmarks(self) -> str:
        return "sea" if self.modes == frozenset({"sea"}) else "all"

    def kmh(self, mode: int) -> float:
        return {M.SEA: self.sea_speed.value * 1.852, M.RAIL: rail.kmh(), M.ROAD: road.kmh()}[mode]


@dataclass(frozen=True)
class Weights:
    hours: np.ndarray  # per edge, inf where not allowed
    border_wait_h: np.ndarray  # per edge: the part of ``hours`` spent waiting at a border
    hours_per_km: float  # lower bound of hours per km over allowed edges (search heuristic)


def edge_weights(net, profile: Profile) -> Weights:
    return _edge_weights(net, profile)


@lru_cache(maxsize=16)
def _edge_weights(net, profile: Profile) -> Weights:
    km, mode = net.edge_km, net.edge_mode
    hours = np.full(len(km), np.inf)
    for m in (M.SEA, M.RAIL, M.ROAD):
        sel = mode == m
        hours[sel] = km[sel] / profile.kmh(m)
    ferries = net.tables["ferries"]
    sel = np.flatnonzero(mode == M.FERRY)
    hours[sel] = [ferry.hours(ferries[int(r)]) for r in net.edge_ref[sel]]
    sel = np.flatnonzero(mode == M.TRANSFER)
    hours[sel] = [transfer_hours(net, int(e)) for e in sel]
    wait = np.zeros(len(km))
    sel = np.flatnonzero(net.edge_border >= 0)
    borders = net.tables["borders"]
    wait[sel] = [transfer.border(borders[int(b)]).value for b in net.edge_border[sel]]
    hours += wait
    allowed = (net.edge_req & ~np.uint8(profile.mode_mask)) == 0
    hours[~allowed] = np.inf
    speeds = [profile.kmh(m) for m in (M.SEA, M.RAIL, M.ROAD) if M.NAMES[m] in profile.modes]
    if "ferry" in profile.modes:
        speeds.append(ferry.kmh_upper_bound(ferries))
    hours.setflags(write=False)
    wait.setflags(write=False)
    return Weights(hours, wait, 1.0 / max(speeds))


def transfer_hours(net, e: int) -> float:
    terminal = net.tables["terminals"][int(net.edge_ref[e])]
    req = int(net.edge_req[e])
    if terminal["kind"] == "ferry terminal" and req & M.bit(M.SEA):
        return transfer.SEA_FERRY.value
    return transfer.TERMINAL[terminal["kind"]].value


def assumptions_for(profile: Profile, used_modes: set[str], transfer_kinds: set[str]) -> list[Assumption]:
    """The assumptions behind a route's figures, for the answer's ``assumptions`` list."""
    out = []
    if "sea" in used_modes:
        out.append(profile.sea_speed)
    if "rail" in used_modes:
        out.append(rail.SPEED)
    if "road" in used_modes:
        out += [road.DRIVING_SPEED, road.DRIVING_PER_DAY]
    if "ferry" in used_modes:
        out.append(ferry.WAIT)
    kinds = {"port": transfer.PORT, "ferry terminal": transfer.FERRY_TERMINAL,
             "ship-ferry transshipment": transfer.SEA_FERRY, "rail-road terminal": transfer.RAIL_ROAD,
             "road border": transfer.BORDER_ROAD, "rail border": transfer.BORDER_RAIL,
             "break of gauge": transfer.BREAK_OF_GAUGE, "ferry border": transfer.BORDER_FERRY,
             "open border": transfer.OPEN_BORDER}
    out += [kinds[k] for k in sorted(transfer_kinds) if k in kinds]
    return out
