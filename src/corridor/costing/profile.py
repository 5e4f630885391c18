"""A costing profile: what each edge of the network costs for one kind of request.

The profile is applied at query time (nothing is rebuilt): each surface mode's costing
(:mod:`corridor.costing.registry`) prices its own edges in hours, USD and kg CO2e (TTW and
WTT) for the cargo, edges needing a mode the request does not allow cost infinity,
transfers and border crossings add their dwell, handling and hub emissions, and canals add
their wait and dues. The prices are computed once per (network, cargo, parameters) and
shared by every set of modes, which only shuts edges and sets the search's speed bound; the
arrays are read-only and depend on nothing else.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from corridor import modes as M
from corridor.costing import Assumption, sea, transfer
from corridor.costing.cargo import DEFAULT as DEFAULT_CARGO
from corridor.costing.cargo import Cargo
from corridor.costing.params import Params, defaults
from corridor.costing.registry import COSTING, costing_for
from corridor.data import passages as P
from corridor.network_memo import per_network


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
        return _unit(M.NAMES[mode], self.cargo, self.in_force)


@lru_cache(maxsize=64)  # asked for every connector of every search: a function of these values alone
def _unit(mode: str, cargo: Cargo, params: Params) -> tuple[float, float, float, float]:
    costing = costing_for(mode)
    c = costing.costs(np.ones(1), cargo, params)
    if not costing.allowed(cargo):
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
    """The per-edge weights of ``profile`` on ``net``: one shared read-only object per
    (network, profile) while cached."""
    return _priced(net, profile.cargo, profile.in_force).weights(net, profile)


# A report asks for a few cargoes and parameter sets and several mode sets of each. The
# prices (about 107 MB over 1.9 M edges) depend on the cargo and parameters only, so each is
# computed once and every mode set reuses it, adding just its own masked hours (15 MB).
_PRICES_KEPT = 6  # (network, cargo, parameters): a report uses 6 (air runs on an overlay network)
_MODE_SETS_KEPT = 3  # weights kept per pricing: a report uses up to 3


@dataclass
class _Prices:
    """What every edge costs for one cargo and set of parameters, whichever modes are allowed:
    ``hours`` before shutting edges the request's modes do not allow."""

    hours: np.ndarray
    border_wait_h: np.ndarray
    usd: np.ndarray
    co2e_ttw_kg: np.ndarray
    co2e_wtt_kg: np.ndarray
    border_usd: np.ndarray
    border_co2e_kg: np.ndarray
    kmh: dict[str, float]  # per surface mode: the fastest moving edge's speed
    forbidden: int  # mask of the modes that may not carry the cargo
    by_profile: OrderedDict = field(default_factory=OrderedDict)  # Profile -> Weights, oldest first
    lock: threading.Lock = field(default_factory=threading.Lock)

    def weights(self, net, profile: Profile) -> Weights:
        """The weights of ``profile`` (whose cargo and parameters these prices are): edges
        needing a mode it does not allow, or one that may not carry the cargo, cost infinity."""
        with self.lock:  # one object per profile: later caches key on the arrays' identity
            w = self.by_profile.get(profile)
            if w is None:
                w = self._masked(net, profile)
                self.by_profile[profile] = w
                while len(self.by_profile) > _MODE_SETS_KEPT:
                    self.by_profile.popitem(last=False)
            self.by_profile.move_to_end(profile)
            return w

    def _masked(self, net, profile: Profile) -> Weights:
        usable = np.uint8(profile.mode_mask & ~self.forbidden)
        hours = np.where((net.edge_req & ~usable) == 0, self.hours, np.inf)
        hours.setflags(write=False)
        fastest = max((self.kmh[name] for name in M.SURFACE if name in profile.modes), default=0.0)
        return Weights(hours, self.border_wait_h, 1.0 / fastest if fastest else 0.0, self.usd, self.co2e_ttw_kg,
                       self.co2e_wtt_kg, self.border_usd, self.border_co2e_kg, profile)


@per_network(maxsize=4)
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


@per_network(maxsize=_PRICES_KEPT)
def _priced(net, cargo: Cargo, params: Params) -> _Prices:
    km, mode = net.edge_km, net.edge_mode
    n = len(km)
    hours = np.full(n, np.inf)
    usd, ttw, wtt = np.zeros(n), np.zeros(n), np.zeros(n)
    kmh = {}  # the search's lower bound on time comes from the allowed modes' fastest edges
    for name in M.SURFACE:  # air edges are priced by the air layer (corridor.air.weights)
        sel = np.flatnonzero(mode == M.BY_NAME[name])
        c = costing_for(name).edge_costs(net, sel, cargo, params)
        hours[sel], usd[sel], ttw[sel], wtt[sel] = c.hours, c.usd, c.co2e_ttw_kg, c.co2e_wtt_kg
        moving = c.hours > 0
        kmh[name] = float(np.max(km[sel][moving] / c.hours[moving])) if moving.any() else 0.0
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
    for a in (hours, wait, usd, ttw, wtt, b_usd, b_co2):
        a.setflags(write=False)
    forbidden = M.mask_of(name for name, costing in COSTING.items() if not costing.allowed(cargo))
    return _Prices(hours, wait, usd, ttw, wtt, b_usd, b_co2, kmh, forbidden)


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
