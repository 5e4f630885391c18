"""Objectives: what the search minimises, as a per-edge weight with a true lower bound per km.

``time`` (hours), ``cost`` (USD), ``co2`` (kg CO2e well-to-wheel), ``distance`` (km), or a
weighted mix such as ``time=1,co2=1``: each criterion divided by its value on the fastest route
(the reference), so the weights say how much a fraction of each matters.
"""

from __future__ import annotations

import numpy as np

from corridor import modes as M
from corridor.errors import BadInput

CRITERIA = ("time", "cost", "co2", "distance")
_ALIASES = {"duration": "time", "hours": "time", "usd": "cost", "money": "cost", "co2e": "co2",
            "emissions": "co2", "km": "distance", "length": "distance"}
FIELD = {"time": "duration_h", "cost": "cost_usd", "co2": "co2e_kg", "distance": "distance_km"}


def parse(value) -> dict[str, float]:
    """``"time"`` -> {"time": 1}; ``"time=2,co2=1"`` or a dict -> those weights."""
    if value is None:
        return {"time": 1.0}
    items = value.items() if isinstance(value, dict) else None
    if items is None:
        parts = [p.strip() for p in str(value).split(",") if p.strip()]
        items = [(p.split("=", 1)[0], p.split("=", 1)[1]) if "=" in p else (p, 1.0) for p in parts]
    out: dict[str, float] = {}
    for name, w in items:
        key = _ALIASES.get(str(name).strip().lower(), str(name).strip().lower())
        if key not in CRITERIA:
            raise BadInput(f"Unknown objective {name!r}; choose time, cost, co2 or distance, or a mix such "
                           "as time=1,co2=1.")
        try:
            wf = float(w)
        except ValueError:
            raise BadInput(f"Objective weight for {key} must be a number, not {w!r}.") from None
        if wf < 0 or wf != wf:
            raise BadInput(f"Objective weight for {key} must be zero or more, not {w!r}.")
        out[key] = out.get(key, 0.0) + wf
    if not out or sum(out.values()) <= 0:
        raise BadInput("Give an objective: time, cost, co2, distance or a mix such as time=1,co2=1.")
    return {k: v for k, v in out.items() if v > 0}


def arrays(net, weights) -> dict[str, np.ndarray]:
    finite = np.isfinite(weights.hours)
    return {"time": weights.hours, "cost": np.where(finite, weights.usd, np.inf),
            "co2": np.where(finite, weights.co2e_kg, np.inf), "distance": np.where(finite, net.edge_km, np.inf)}


def edge_weight(net, weights, objective: dict[str, float], refs: dict[str, float]) -> np.ndarray:
    if list(objective) == ["time"]:
        return weights.hours
    arr = arrays(net, weights)
    w = np.zeros(len(net.edge_km))
    for k, a in objective.items():
        w = w + arr[k] * (a / refs.get(k, 1.0))
    return w


def factor(objective: dict[str, float], refs: dict[str, float], key: str) -> float:
    """What one unit of ``key`` weighs in the search. Time alone stays in hours, as
    :func:`edge_weight` gives it, whatever the references: connectors scaled otherwise would
    cost next to nothing beside the edges."""
    if list(objective) == ["time"]:
        return 1.0 if key == "time" else 0.0
    return objective.get(key, 0.0) / refs.get(key, 1.0)


def connector_weight(profile, mode: int, km: np.ndarray, objective, refs) -> np.ndarray:
    h, usd, ttw, wtt = profile.unit(mode)
    per = {"time": h, "cost": usd, "co2": ttw + wtt, "distance": 1.0}
    return np.asarray(km, np.float64) * sum(per[k] * factor(objective, refs, k) for k in objective)


def value(totals: dict, objective: dict[str, float], refs: dict[str, float]) -> float:
    return sum(totals[FIELD[k]] * a / refs.get(k, 1.0) for k, a in objective.items())


def lower_bound_per_km(net, weight: np.ndarray, profile, objective, refs) -> float:
    """min over allowed edges (and connector modes) of weight / km: the heuristic's scale.
    Exact by construction, so A* stays exact for every objective."""
    km = net.edge_km
    ok = np.isfinite(weight) & (km > 0)
    bound = float(np.min(weight[ok] / km[ok])) if ok.any() else 0.0
    for m in (M.SEA, M.ROAD):
        bound = min(bound, float(connector_weight(profile, m, np.ones(1), objective, refs)[0]))
    return max(bound, 0.0)
