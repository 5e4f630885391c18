"""Fast and slow times of each leg: the planning time with every figure at its published bound.

A planning figure ``KEY`` of ``defaults.toml`` (a speed, a dwell, a wait) has its bounds in
``range.KEY.fast`` and ``range.KEY.slow``. A leg's fast time is its time with the fast bounds,
its slow time with the slow bounds: a min/max envelope of published figures, not percentiles.
Times proportional to distance scale with the speed; waits and dwells take the bound itself; a
border with published waits (``data/policy/borders.csv``) takes its own low and high figures; a
ferry waits from nothing to the whole interval between sailings. A sea speed the caller gave
is kept (no speed range). Air handling (freight export, hub transfer and import; a passenger's
check-in and connection) takes its published bounds (``range.air.*``); a flight and a passenger's
arrival have no published variability here: their range is their planning time.
"""

from __future__ import annotations

from functools import lru_cache

from corridor.costing import air, sea, transfer
from corridor.data import borders as border_table
from corridor.errors import BadInput

FAST, SLOW = "fast", "slow"
CHOSEN_SPEED = sea.speed(1.0).source  # the source of a sea speed the caller gave: it has no range


def bound(params, key: str, side: str) -> float:
    """The ``side`` ("fast" or "slow") bound of the planning figure ``key``."""
    return params.value(f"range.{key}.{side}")


def _speed_scaled(hours: float, params, key: str) -> tuple[float, float]:
    """Hours at the planning speed ``key``, re-timed at its fast and slow bounds (never slower
    than planned for the fast bound, never faster for the slow one)."""
    v = params.value(key)
    fast_v, slow_v = max(v, bound(params, key, FAST)), min(v, bound(params, key, SLOW))
    if slow_v <= 0:
        raise BadInput(f"Costing parameters {key} and range.{key}.slow must be speeds above 0.")
    return hours * v / fast_v, hours * v / slow_v


def _rail(leg, params) -> tuple[float, float]:
    """Rail runs at each country's planning speed (``rail.speed_by_country``): its fast time is
    the distance at the fast bound and its slow time at the slow bound of ``rail.speed``, never
    faster or slower than planned (a country planned outside the bounds keeps its own time)."""
    fast_v, slow_v = bound(params, "rail.speed", FAST), bound(params, "rail.speed", SLOW)
    if slow_v <= 0 or fast_v <= 0:
        raise BadInput("Costing parameters range.rail.speed.fast and range.rail.speed.slow must be speeds above 0.")
    return min(leg.duration_h, leg.distance_km * 24.0 / fast_v), max(leg.duration_h, leg.distance_km * 24.0 / slow_v)


@lru_cache(maxsize=4096)  # a function of these values: each route's sea legs ask it again
def _sea(passages: tuple[str, ...], duration_h: float, cargo, params) -> tuple[float, float]:
    canal_keys = [keys[0] for keys in (sea.canal(p, cargo, params)[2] for p in passages) if keys]
    waits = sum(params.value(k) for k in canal_keys)
    key = sea.speed_key(cargo)
    sailing = duration_h - waits
    fast, slow = (sailing, sailing) if params[key].source == CHOSEN_SPEED else _speed_scaled(sailing, params, key)
    return (fast + sum(min(params.value(k), bound(params, k, FAST)) for k in canal_keys),
            slow + sum(max(params.value(k), bound(params, k, SLOW)) for k in canal_keys))


def _ferry(leg, params) -> tuple[float, float]:
    share, interval = params.value("ferry.wait_share"), leg.sailing_interval_h
    return (leg.duration_h - (share - min(share, bound(params, "ferry.wait_share", FAST))) * interval,
            leg.duration_h + (max(share, bound(params, "ferry.wait_share", SLOW)) - share) * interval)


def _border_row(leg):
    """The border table row of the leg's crossing, or None (open border, or no row)."""
    mode = transfer.border_mode(leg.kind)
    return None if mode is None else border_table.row_for(leg.border.countries, mode, leg.origin.lon, leg.origin.lat)


def _transfer(leg, params) -> tuple[float, float]:
    if leg.kind not in transfer.KEYS:
        return leg.duration_h, leg.duration_h
    key = transfer.KEYS[leg.kind][0]
    row = _border_row(leg) if leg.border is not None else None
    if row is not None:  # the crossing's published waits (even a high one alone), else the kind's bounds
        low = row.wait_low_h if row.wait_low_h is not None else bound(params, key, FAST)
        high = row.wait_high_h if row.wait_high_h is not None else bound(params, key, SLOW)
    else:
        low, high = bound(params, key, FAST), bound(params, key, SLOW)
    return min(leg.duration_h, low), max(leg.duration_h, high)


def _air_transfer(leg, params, cargo) -> tuple[float, float]:
    """An airport departure, connection or arrival: the bounds of the handling figure it was
    timed with (recognised by its assumption, the figure's label), else its planning time."""
    for key in air.handling_keys(cargo):
        if leg.assumption == params.label(key) and f"range.{key}.fast" in params:
            return min(leg.duration_h, bound(params, key, FAST)), max(leg.duration_h, bound(params, key, SLOW))
    return leg.duration_h, leg.duration_h


def leg_range(leg, profile) -> tuple[float, float]:
    """Fast and slow hours of ``leg`` under the request's parameters (``profile.in_force``)."""
    return _leg_range(leg, profile.in_force, profile.cargo)


def _leg_range(leg, params, cargo) -> tuple[float, float]:
    if leg.mode == "transfer" and leg.kind in air.TRANSFER_KINDS:
        return _air_transfer(leg, params, cargo)
    if leg.mode == "transfer":
        return _transfer(leg, params)
    if leg.mode == "sea":
        return _sea(tuple(leg.passages), leg.duration_h, cargo, params)
    if leg.mode == "ferry":
        return _ferry(leg, params)
    if leg.mode == "rail":
        return _rail(leg, params)
    if leg.mode == "road":
        return _speed_scaled(leg.duration_h, params, "road.speed")
    return leg.duration_h, leg.duration_h


def set_ranges(legs, profile) -> None:
    """Set ``duration_h_range`` (fast, slow) on every leg."""
    params, cargo = profile.in_force, profile.cargo
    for leg in legs:
        leg.duration_h_range = _leg_range(leg, params, cargo)
