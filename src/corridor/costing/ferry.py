"""Ferry costing: published crossing time plus the wait for the next sailing; rate and GLEC RoPax intensity."""

from __future__ import annotations

import numpy as np

from corridor.costing import Assumption, Costs, per_km
from corridor.costing.params import defaults

WAIT = Assumption("wait for a ferry", 0.5, "of the interval between sailings",
                  "assumption: cargo arrives at a random time, so it waits half the interval on average")


def hours(row: dict, params=None) -> float:
    """Crossing time (the table's source) plus the expected wait."""
    interval = 168.0 / float(row["sailings_per_week"])
    share = params.value("ferry.wait_share") if params is not None else WAIT.value
    return float(row["crossing_h"]) + share * interval


def kmh_upper_bound(rows: list[dict]) -> float:
    """The fastest crossing speed, for the search's lower bound on time."""
    return max(float(r["distance_km"]) / float(r["crossing_h"]) for r in rows)


def allowed(cargo) -> bool:
    return True


def costs(km, cargo, params=None, rows: list[dict] | None = None) -> Costs:
    """Costs of crossings of ``km`` (the rows give their published times)."""
    params = params or defaults()
    km = np.asarray(km, dtype=np.float64)
    usd, ttw, wtt, _, _ = per_km(cargo, params, "ferry")
    h = np.array([hours(r, params) for r in rows]) if rows is not None else np.zeros(len(km))
    return Costs(h, km * usd, km * ttw, km * wtt)


def basis(cargo, params) -> dict[str, list[str]]:
    _, _, _, usd_keys, co2_keys = per_km(cargo, params, "ferry")
    return {"duration_h": ["ferry.wait_share"], "cost_usd": usd_keys, "co2e_kg": co2_keys}
