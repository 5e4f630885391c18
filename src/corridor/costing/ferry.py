"""Ferry costing: published crossing time plus the wait for the next sailing; rate and GLEC RoPax intensity."""

from __future__ import annotations

import math

import numpy as np

from corridor.costing import Costs, per_km

name = "ferry"


def interval_h(row: dict) -> float:
    """Hours between two sailings of the service."""
    return 168.0 / float(row["sailings_per_week"])


def hours(row: dict, params) -> float:
    """Crossing time (the table's source) plus the expected wait."""
    return float(row["crossing_h"]) + params.value("ferry.wait_share") * interval_h(row)


def kmh(params, cargo=None) -> float:
    """No planning speed: a crossing takes its published time (see :func:`edge_costs`), and the
    connectors that reach a ferry terminal have no length."""
    return math.inf


def allowed(cargo) -> bool:
    return True


def costs(km, cargo, params, rows: list[dict] | None = None) -> Costs:
    """Costs of crossings of ``km``; their hours come from ``rows`` (the services' published
    times), without them only money and CO2e are counted."""
    km = np.asarray(km, dtype=np.float64)
    usd, ttw, wtt, _, _ = per_km(cargo, params, "ferry")
    h = np.array([hours(r, params) for r in rows]) if rows is not None else np.zeros(len(km))
    return Costs(h, km * usd, km * ttw, km * wtt)


def edge_costs(net, edges, cargo, params) -> Costs:
    ferries = net.tables["ferries"]
    return costs(net.edge_km[edges], cargo, params, [ferries[int(r)] for r in net.edge_ref[edges]])


def basis(cargo, params) -> dict[str, list[str]]:
    _, _, _, usd_keys, co2_keys = per_km(cargo, params, "ferry")
    return {"duration_h": ["ferry.wait_share"], "cost_usd": usd_keys, "co2e_kg": co2_keys}
