"""Sea costing: sailing time at the speed of the ship class, freight rate and GLEC intensity.

Interface shared by every mode module: ``allowed(cargo)``, ``costs(km, cargo, params, ...)``
(arrays of hours, USD, kg CO2e TTW and WTT) and ``basis(cargo, params)`` (the keys of the
assumptions behind each figure, for the answer's sources).
"""

from __future__ import annotations

import numpy as np

from corridor.costing import Assumption, Costs, linear
from corridor.errors import BadInput

DEFAULT_SPEED = Assumption(
    "sea speed", 16.0, "kn",
    "planning cruising speed of a containership, 'containership cruising speed of 16 knots' "
    "(porteconomicsmanagement.org); Clarksons fleet average was 13.7-13.9 kn in 2023 (splash247.com)",
)
KM_PER_NMI = 1.852


def speed(speed_kn: float | None, cargo=None, params=None) -> Assumption:
    """The speed assumption for a call: the caller's figure, else the default for the cargo."""
    if speed_kn is None:
        if cargo is None or params is None or cargo.family == "container":
            if params is not None and params.value("sea.speed.container") != DEFAULT_SPEED.value:
                a = params["sea.speed.container"]
                return Assumption("sea speed", a.value, "kn", a.source)
            return DEFAULT_SPEED
        fam = "bulk" if cargo.family == "bulk" else "general"
        a = params[f"sea.speed.{fam}"]
        return Assumption("sea speed", a.value, "kn", a.source)
    if not 1.0 <= float(speed_kn) <= 40.0:
        raise BadInput(f"Sea speed {speed_kn} kn is not plausible: give 1-40 knots.")
    return Assumption("sea speed", float(speed_kn), "kn", "given by the user")


def allowed(cargo) -> bool:
    return cargo.kind != "passengers"


def _family(cargo) -> str:
    return "container" if cargo.kind == "container" else "bulk" if cargo.family == "bulk" else "general"


def unit_factors(cargo, params) -> tuple[float, float, float]:
    """USD, kg TTW, kg WTT per km for the whole consignment."""
    fam = _family(cargo)
    qty = cargo.teu if fam == "container" else (cargo.tonnes or 0.0)
    return (params.value(f"sea.rate.{fam}") * qty, params.value(f"sea.ttw.{fam}") * qty,
            params.value(f"sea.wtt.{fam}") * qty)


def costs(km, cargo, params, speed_kn: float) -> Costs:
    usd, ttw, wtt = unit_factors(cargo, params)
    return linear(km, 1.0 / (speed_kn * KM_PER_NMI), usd, ttw, wtt)


def basis(cargo, params) -> dict[str, list[str]]:
    fam = _family(cargo)
    return {"cost_usd": [f"sea.rate.{fam}"], "co2e_kg": [f"sea.ttw.{fam}", f"sea.wtt.{fam}"]}


def canal(key: str, cargo, params) -> tuple[float, float, list[str]]:
    """Extra hours and USD (dues) for crossing a canal once."""
    if key not in ("suez", "panama"):
        return 0.0, 0.0, []
    per_teu = params.value(f"dues.{key}")
    qty = cargo.teu if cargo.kind == "container" else (cargo.tonnes or 0.0) / params.value("cargo.tonnes_per_teu")
    keys = [f"sea.canal_wait.{key}", f"dues.{key}"] + ([] if cargo.kind == "container" else ["cargo.tonnes_per_teu"])
    return params.value(f"sea.canal_wait.{key}"), per_teu * qty, keys


def hours_per_km(speed_kn: float) -> float:
    return 1.0 / (speed_kn * KM_PER_NMI)


__all__ = ["DEFAULT_SPEED", "speed", "allowed", "costs", "basis", "canal", "np"]
