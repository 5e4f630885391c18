"""A costing profile: what each edge of the network costs for one kind of request.

The profile is applied at query time (nothing is rebuilt): each surface mode's costing
(:mod:`corridor.costing.registry`) prices its own edges in hours, USD and kg CO2e (TTW and
WTT) for the cargo, edges needing a mode the request does not allow cost infinity,
transfers and border crossings add their dwell, handling and hub emissions, and canals add
their wait and dues. The prices are computed once per (network, cargo, parameters), one edge
mode at a time as requests first allow it, and shared by every set of modes, which only shuts
edges and sets the search's speed bound; the arrays are read-only and depend on nothing else.
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
# computed once and every mode set reuses it, adding just its own masked hours (15 MB). They
# are computed one edge mode at a time, when a request first allows that mode's edges: a sea
# route prices the half million sea edges, not the 1.4 million rail, road and transfer ones.
_PRICES_KEPT = 6  # (network, cargo, parameters): a report uses 6 (air runs on an overlay network)
_MODE_SETS_KEPT = 3  # weights kept per pricing: a report uses up to 3
_PRICED_MODES = (*(M.BY_NAME[name] for name in M.SURFACE), M.TRANSFER)  # air edges: corridor.air.weights


@dataclass
class _Prices:
    """What every edge costs for one cargo and set of parameters, whichever modes are allowed:
    ``hours`` before shutting edges the request's modes do not allow. The arrays are read-only
    views of one buffer each, filled in one edge mode at a time (:meth:`_price`, under
    ``lock``); an edge whose mode is not priced yet costs inf and nothing else, and no weights
    allow it."""

    cargo: Cargo
    params: Params
    n_edges: int
    forbidden: int  # mask of the modes that may not carry the cargo
    kmh: dict[str, float] = field(default_factory=dict)  # per priced surface mode: its fastest moving edge's speed
    priced: set = field(default_factory=set)  # edge modes (corridor.modes) priced so far
    by_profile: OrderedDict = field(default_factory=OrderedDict)  # Profile -> Weights, oldest first
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self):
        n = self.n_edges
        self._buffers = {"hours": np.full(n, np.inf), **{name: np.zeros(n) for name in _PRICE_FIELDS[1:]}}
        for name, buffer in self._buffers.items():
            view = buffer.view()
            view.flags.writeable = False
            setattr(self, name, view)

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
        allowed = (net.edge_req & ~np.uint8(profile.mode_mask & ~self.forbidden)) == 0
        used = np.bincount(net.edge_mode[allowed], minlength=max(_PRICED_MODES) + 1)  # allowed edges per mode
        for mode in _PRICED_MODES:
            # a surface mode the profile names is priced even if the cargo may not use it: its
            # speed still sets the search's bound below
            if mode not in self.priced and (M.NAMES[mode] in profile.modes or used[mode]):
                self._price(net, mode)
                self.priced.add(mode)
        hours = np.where(allowed, self.hours, np.inf)
        hours.setflags(write=False)
        fastest = max((self.kmh[name] for name in M.SURFACE if name in profile.modes), default=0.0)
        return Weights(hours, self.border_wait_h, 1.0 / fastest if fastest else 0.0, self.usd, self.co2e_ttw_kg,
                       self.co2e_wtt_kg, self.border_usd, self.border_co2e_kg, profile)

    def _price(self, net, mode: int) -> None:
        """Price the edges of ``mode`` (a surface mode, or transfers) into the buffers: the
        mode's costing (a transfer: its terminal's), canal waits and dues, border crossings."""
        hours, wait, usd, ttw, wtt, b_usd, b_co2 = (self._buffers[name] for name in _PRICE_FIELDS)
        sel = edges_of(net, mode)
        cargo, params = self.cargo, self.params
        if mode == M.TRANSFER:
            table = _kind_costs(cargo, params)
            kind = _transfer_kinds(net)
            hours[sel], usd[sel], ttw[sel], wtt[sel] = table[kind, 0], table[kind, 1], table[kind, 2], 0.0
        else:
            name = M.NAMES[mode]
            c = costing_for(name).edge_costs(net, sel, cargo, params)
            hours[sel], usd[sel], ttw[sel], wtt[sel] = c.hours, c.usd, c.co2e_ttw_kg, c.co2e_wtt_kg
            moving = c.hours > 0  # the search's lower bound on time comes from the allowed modes' fastest edges
            self.kmh[name] = float(np.max(net.edge_km[sel][moving] / c.hours[moving])) if moving.any() else 0.0
            # Canals: a wait and dues on every edge that crosses their gate (one per crossing).
            for key in ("suez", "panama"):
                gate = sel[(net.edge_flags[sel] & np.uint32(P.BIT[key])) != 0]
                h, dues, _ = sea.canal(key, cargo, params)
                hours[gate] += h
                usd[gate] += dues
        crossing = sel[np.asarray(net.edge_border)[sel] >= 0]
        if len(crossing):
            table = _kind_costs(cargo, params)
            kind = _border_kinds(net)[net.edge_border[crossing]]
            wait[crossing], b_usd[crossing], b_co2[crossing] = table[kind, 0], table[kind, 1], table[kind, 2]
            published = transfer.table_waits(net)[crossing]  # crossings with a typical wait in data/policy/borders.csv
            wait[crossing] = np.where(np.isnan(published), wait[crossing], published)
            hours[crossing] += wait[crossing]
            usd[crossing] += b_usd[crossing]
            ttw[crossing] += b_co2[crossing]


_PRICE_FIELDS = ("hours", "border_wait_h", "usd", "co2e_ttw_kg", "co2e_wtt_kg", "border_usd", "border_co2e_kg")


def _kind_costs(cargo: Cargo, params: Params) -> np.ndarray:
    """Hours, USD and kg CO2e of one step of each transfer kind (rows in transfer.KINDS' order)."""
    return np.array([transfer.costs(k, cargo, params) for k in transfer.KINDS])


@per_network(maxsize=4 * len(_PRICED_MODES))
def edges_of(net, mode: int) -> np.ndarray:
    """The edges of ``mode``, in order (read-only); once per network and mode."""
    out = np.flatnonzero(net.edge_mode == mode)
    out.setflags(write=False)
    return out


@per_network(maxsize=4)
def _transfer_kinds(net) -> np.ndarray:
    """Per transfer edge (:func:`edges_of` ``TRANSFER``): its kind, an index in transfer.KINDS."""
    terminals = net.tables["terminals"]
    kinds = []
    for e in edges_of(net, M.TRANSFER):
        t = terminals[int(net.edge_ref[e])]
        ship_to_ferry = t["kind"] == "ferry terminal" and int(net.edge_req[e]) & M.bit(M.SEA)
        kinds.append(transfer.KINDS.index("ship-ferry transshipment" if ship_to_ferry else t["kind"]))
    return np.array(kinds, np.intp)


@per_network(maxsize=4)
def _border_kinds(net) -> np.ndarray:
    """Per border crossing of the network's table: its kind, an index in transfer.KINDS."""
    return np.array([transfer.KINDS.index(transfer.border_kind(b)) for b in net.tables["borders"]], np.intp)


@per_network(maxsize=_PRICES_KEPT)
def _priced(net, cargo: Cargo, params: Params) -> _Prices:
    forbidden = M.mask_of(name for name, costing in COSTING.items() if not costing.allowed(cargo))
    return _Prices(cargo, params, len(net.edge_km), forbidden)


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
