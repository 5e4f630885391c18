"""A costing profile: what each edge of the network costs for one kind of request.

The profile is applied at query time (nothing is rebuilt): each mode's module prices its
own edges in hours, USD and kg CO2e (TTW and WTT) for the cargo, edges needing a mode the
request does not allow cost infinity, transfers and border crossings add their dwell,
handling and hub emissions, and canals add their wait and dues. The arrays are computed once
per (network, profile) and then shared read-only; they depend on nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from corridor import modes as M
from corridor.costing import Assumption, ferry, rail, road, sea, transfer
from corridor.costing.cargo import DEFAULT as DEFAULT_CARGO, Cargo
from corridor.costing.params import Params, defaults
from corridor.data import passages as P


@dataclass(frozen=True)
class Profile:
    modes: frozenset  # names of the allowed modes
    sea_speed: Assumption = sea.DEFAULT_SPEED
    cargo: Cargo = DEFAULT_CARGO
    params: Params = field(default_factory=defaults)

    @property
    def mode_mask(self) -> int:
        return M.mask_of(self.modes)

    @property
    def landmarks(self) -> str:
        return "sea" if self.modes == frozenset({"sea"}) else "all"

    def kmh(self, mode: int) -> float:
        return {M.SEA: self.sea_speed.value * 1.852, M.RAIL: rail.kmh(self.params),
                M.ROAD: road.kmh(self.params)}[mode]

    def unit(self, mode: int) -> tuple[float, float, float, float]:
        """Hours, USD, kg CO2e TTW, WTT per km of a connector of ``mode`` (sea or road; ferry: 0)."""
        if mode == M.FERRY:
            return 0.0, 0.0, 0.0, 0.0
        if mode == M.SEA:
            usd, ttw, wtt = sea.unit_factors(self.cargo, self.params) if sea.allowed(self.cargo) else (0, 0, 0)
            return sea.hours_per_km(self.sea_speed.value), usd, ttw, wtt
        c = (road if mode == M.ROAD else rail).costs(np.ones(1), self.cargo, self.params)
        return float(c.hours[0]), float(c.usd[0]), float(c.co2e_ttw_kg[0]), float(c.co2e_wtt_kg[0])


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
    cargo, params = profile.cargo, profile.params
    n = len(km)
    hours = np.full(n, np.inf)
    usd, ttw, wtt = np.zeros(n), np.zeros(n), np.zeros(n)
    movers = {M.SEA: lambda k: sea.costs(k, cargo, params, profile.sea_speed.value),
              M.RAIL: lambda k: rail.costs(k, cargo, params), M.ROAD: lambda k: road.costs(k, cargo, params)}
    for m, price in movers.items():
        sel = mode == m
        c = price(km[sel])
        hours[sel], usd[sel], ttw[sel], wtt[sel] = c.hours, c.usd, c.co2e_ttw_kg, c.co2e_wtt_kg
    ferries = net.tables["ferries"]
    sel = np.flatnonzero(mode == M.FERRY)
    c = ferry.costs(km[sel], cargo, params, [ferries[int(r)] for r in net.edge_ref[sel]])
    hours[sel], usd[sel], ttw[sel], wtt[sel] = c.hours, c.usd, c.co2e_ttw_kg, c.co2e_wtt_kg
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
    for m, module in ((M.SEA, sea), (M.RAIL, rail), (M.ROAD, road), (M.FERRY, ferry)):
        if not module.allowed(cargo):
            allowed &= (net.edge_req & np.uint8(M.bit(m))) == 0
    hours[~allowed] = np.inf
    speeds = [profile.kmh(m) for m in (M.SEA, M.RAIL, M.ROAD) if M.NAMES[m] in profile.modes]
    if "ferry" in profile.modes:
        speeds.append(ferry.kmh_upper_bound(ferries))
    for a in (hours, wait, usd, ttw, wtt, b_usd, b_co2):
        a.setflags(write=False)
    return Weights(hours, wait, 1.0 / max(speeds), usd, ttw, wtt, b_usd, b_co2, profile)


def transfer_hours(net, e: int, params: Params | None = None) -> float:
    terminal = net.tables["terminals"][int(net.edge_ref[e])]
    req = int(net.edge_req[e])
    kind = "ship-ferry transshipment" if terminal["kind"] == "ferry terminal" and req & M.bit(M.SEA) else terminal["kind"]
    return transfer.costs(kind, DEFAULT_CARGO, params or defaults())[0]


def _named(params: Params, key: str, name: str) -> Assumption:
    a = params[key]
    return Assumption(name, a.value, a.unit, a.source)


def assumptions_for(profile: Profile, used_modes: set[str], transfer_kinds: set[str]) -> list[Assumption]:
    """The assumptions behind a route's times, for the answer's ``assumptions`` list (the
    sea speed first); money and CO2e sources are named per leg under ``basis``."""
    p = profile.params
    out = []
    if "sea" in used_modes:
        out.append(profile.sea_speed)
    if "rail" in used_modes:
        out.append(_named(p, "rail.speed", rail.SPEED.name))
    if "road" in used_modes:
        out += [_named(p, "road.speed", road.DRIVING_SPEED.name), _named(p, "road.hours_per_day", road.DRIVING_PER_DAY.name)]
    if "ferry" in used_modes:
        out.append(_named(p, "ferry.wait_share", ferry.WAIT.name))
    kinds = {"port": transfer.PORT, "ferry terminal": transfer.FERRY_TERMINAL,
             "ship-ferry transshipment": transfer.SEA_FERRY, "rail-road terminal": transfer.RAIL_ROAD,
             "road border": transfer.BORDER_ROAD, "rail border": transfer.BORDER_RAIL,
             "break of gauge": transfer.BREAK_OF_GAUGE, "ferry border": transfer.BORDER_FERRY,
             "open border": transfer.OPEN_BORDER}
    for k in sorted(transfer_kinds):
        if k in kinds:
            key = transfer.KEYS[k][0]
            out.append(_named(p, key, kinds[k].name) if key else kinds[k])
    return out
