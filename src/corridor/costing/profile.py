"""A costing profile: what each edge of the network costs for one kind of request.

The profile is applied at query time (nothing is rebuilt): each surface mode's costing
(:mod:`corridor.costing.registry`) prices its own edges in hours, USD and kg CO2e (TTW and
WTT) for the cargo, edges needing a mode the request does not allow cost infinity,
transfers and border crossings add their dwell, handling and hub emissions, and canals add
their wait and dues. The arrays are computed once
per (network, profile) and then shared read-only; they depend on nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from corridor import modes as M
from corridor.costing import Assumption, sea, transfer
from corridor.costing.cargo import DEFAULT as DEFAULT_CARGO, Cargo
from corridor.costing.params import Params, defaults
from corridor.costing.registry import COSTING, costing_for
from corridor.data import passages as P


@dataclass(frozen=True)
class Profile:
    modes: frozenset  # names of the allowed modes
    sea_speed: Assumption = field(default_factory=lambda: sea.speed(None))
    cargo: Cargo = DEFAULT_CARGO
    params: Params = field(default_factory=defaults)

    @property
    def in_force(self) -> Params:
        """The parameters with this profile's sea speed in force (a speed the user gave
        replaces the cargo's default), which every mode's costing reads."""
        return _in_force(self.params, self.cargo, self.sea_speed)

    @property
    def mode_mask(self) -> int:
        return M.mask_of(self.modes)

    @property
    def landmarks(self) -> str:
        return "sea" if self.modes == frozenset({"sea"}) else "all"

    def kmh(self, mode: int) -> float:
        return costing_for(M.NAMES[mode]).kmh(self.in_force, self.cargo)

    def unit(self, mode: int) -> tuple[float, float, float, float]:
        """Hours, USD, kg CO2e TTW, WTT per km of a connector of ``mode`` (a mode that may not
        carry the cargo counts its time only)."""
        costing = costing_for(M.NAMES[mode])
        c = costing.costs(np.ones(1), self.cargo, self.in_force)
        if not costing.allowed(self.cargo):
            return float(c.hours[0]), 0.0, 0.0, 0.0
        return float(c.hours[0]), float(c.usd[0]), float(c.co2e_ttw_kg[0]), float(c.co2e_wtt_kg[0])


@lru_cache(maxsize=16)
def _in_force(params: Params, cargo: Cargo, sea_speed: Assumption) -> Params:
    return sea.with_speed(params, cargo, sea_speed)


@dataclass(frozen=True)
class Weights:
    hours: np.ndarray  # per edge, inf where not allowed
    border_wait_h: np.ndarray  # per edge: the part of ``hours`` spent waiting at a border
    hours_per_km: float  # lower bound of hours per km over allowed edges (search heuristic)
    usd: np.ndarray = None  # per edge, USD (canal dues included; border part in border_usd)
    co2e_ttw_kg: np.ndarray = None
    co2e_wtt_kg: np.ndarray = None
    border_usd: np.ndarray = None
    border_co2e_kg: np.ndarray = None  # counted TTW
    profile: Profile = None

    @property
    def co2e_kg(self) -> np.ndarray:
        return self.co2e_ttw_kg + self.co2e_wtt_kg

    def connector(self, mode: int, km: float) -> tuple[float, float, float, float]:
        return tuple(u * km for u in self.profile.unit(mode))


def edge_weights(net, profile: Profile) -> Weights:
    return _edge_weights(net, profile)


@lru_cache(maxsize=4)
def _structure(net) -> tuple[np.ndarray, np.ndarray]:
    """Per edge: the transfer kind (index in transfer.KINDS, -1 if none) of transfer edges and
    border crossings; computed once per network."""
    kind = np.full(len(net.edge_km), -1, np.int8)
    terminals = net.tables["terminals"]
    for e in np.flatnonzero(net.edge_mode == M.TRANSFER):
        t = terminals[int(net.edge_ref[e])]
        req = int(net.edge_req[e])
        k = ("ship-ferry transshipment" if t["kind"] == "ferry terminal" and req & M.bit(M.SEA) else t["kind"])
        kind[e] = transfer.KINDS.index(k)
    border = np.full(len(net.edge_km), -1, np.int8)
    sel = np.flatnonzero(net.edge_border >= 0)
    borders = net.tables["borders"]
    border[sel] = [transfer.KINDS.index(transfer.border_kind(borders[int(b)])) for b in net.edge_border[sel]]
    return kind, border


@lru_cache(maxsize=6)
def _edge_weights(net, profile: Profile) -> Weights:
    km, mode = net.edge_km, net.edge_mode
    cargo, params = profile.cargo, profile.in_force
    n = len(km)
    hours = np.full(n, np.inf)
    usd, ttw, wtt = np.zeros(n), np.zeros(n), np.zeros(n)
    fastest = 0.0  # km/h over the allowed modes' moving edges: the search's lower bound on time
    for name in M.SURFACE:  # air edges are priced by the air layer (corridor.air.weights)
        sel = np.flatnonzero(mode == M.BY_NAME[name])
        c = costing_for(name).edge_costs(net, sel, cargo, params)
        hours[sel], usd[sel], ttw[sel], wtt[sel] = c.hours, c.usd, c.co2e_ttw_kg, c.co2e_wtt_kg
        moving = c.hours > 0
        if name in profile.modes and moving.any():
            fastest = max(fastest, float(np.max(km[sel][moving] / c.hours[moving])))
    # Canals: a wait and dues on every edge that crosses their gate (one per crossing).
    for key in ("suez", "panama"):
        sel = (net.edge_flags & np.uint32(P.BIT[key])) != 0
        h, dues, _ = sea.canal(key, cargo, params)
        hours[sel] += h
        usd[sel] += dues
    kind, border = _structure(net)
    table = np.array([transfer.costs(k, cargo, params) for k in transfer.KINDS])  # (kinds, 3)
    sel = kind >= 0
    hours[sel], usd[sel], ttw[sel], wtt[sel] = table[kind[sel], 0], table[kind[sel], 1], table[kind[sel], 2], 0.0
    wait, b_usd, b_co2 = np.zeros(n), np.zeros(n), np.zeros(n)
    sel = border >= 0
    wait[sel], b_usd[sel], b_co2[sel] = table[border[sel], 0], table[border[sel], 1], table[border[sel], 2]
    published = transfer.table_waits(net)  # crossings with a typical wait in data/policy/borders.csv
    wait = np.where(np.isnan(published), wait, published)
    hours += wait
    usd += b_usd
    ttw += b_co2
    allowed = (net.edge_req & ~np.uint8(profile.mode_mask)) == 0
    for name, costing in COSTING.items():
        if not costing.allowed(cargo):
            allowed &= (net.edge_req & np.uint8(M.bit(M.BY_NAME[name]))) == 0
    hours[~allowed] = np.inf
    for a in (hours, wait, usd, ttw, wtt, b_usd, b_co2):
        a.setflags(write=False)
    return Weights(hours, wait, 1.0 / fastest if fastest else 0.0, usd, ttw, wtt, b_usd, b_co2, profile)


def assumptions_for(profile: Profile, used_modes: set[str], transfer_kinds: set[str]) -> list[Assumption]:
    """The assumptions behind a route's times, for the answer's ``assumptions`` list (the
    sea speed first); money and CO2e sources are named per leg under ``basis``. Air adds its
    own (:func:`corridor.air.plan.annotate_route`)."""
    p = profile.params
    out = [profile.sea_speed] if "sea" in used_modes else []
    for name in M.SURFACE:
        if name in used_modes and name != "sea":
            out += [p.labelled(key) for key in costing_for(name).basis(profile.cargo, p)["duration_h"]]
    out += [p.labelled(transfer.KEYS[k][0]) for k in sorted(transfer_kinds) if k in transfer.KEYS]
    return out
