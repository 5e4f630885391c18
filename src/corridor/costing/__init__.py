"""Costing: what traversing the network costs, applied at query time (no rebuild needed).

One module per mode. Every figure comes with the :class:`Assumption` behind it, so each
number the product prints can name its source.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class Assumption:
    name: str
    value: float | None  # None or NaN (as defaults.toml can say): no figure found, none estimated
    unit: str
    source: str

    def to_dict(self) -> dict:
        d = asdict(self)
        if d["value"] is not None and not math.isfinite(d["value"]):
            d["value"] = None  # JSON has no NaN: a missing figure is null
        return d


@dataclass(frozen=True)
class Costs:
    """What moving (or a transfer) costs, per element: hours, USD and kg CO2e (ISO 14083:
    well-to-wheel = well-to-tank + tank-to-wheel, both kept)."""

    hours: np.ndarray
    usd: np.ndarray
    co2e_ttw_kg: np.ndarray
    co2e_wtt_kg: np.ndarray

    @property
    def co2e_kg(self) -> np.ndarray:
        return self.co2e_ttw_kg + self.co2e_wtt_kg


def tonnes(cargo, params) -> float:
    """Mass the per-tonne-km factors apply to."""
    if cargo.kind == "container":
        return cargo.tonnes or cargo.teu * params.value("cargo.tonnes_per_teu")
    if cargo.kind == "passengers":
        return cargo.passengers * params.value("cargo.tonnes_per_passenger")
    return cargo.tonnes


def per_km(cargo, params, mode: str) -> tuple[float, float, float, list[str], list[str]]:
    """USD, kg CO2e TTW and WTT per km of a land or ferry mode (per-tonne factors), and the
    keys of the assumptions behind the money and the CO2e."""
    t = tonnes(cargo, params)
    ttw, wtt = params.value(f"{mode}.ttw") * t, params.value(f"{mode}.wtt") * t
    co2_keys = [f"{mode}.ttw", f"{mode}.wtt"] + (["cargo.tonnes_per_teu"] if cargo.kind == "container" and not cargo.tonnes else [])
    if cargo.kind == "passengers":
        co2_keys.append("cargo.tonnes_per_passenger")
        return params.value("passenger.rate") * cargo.passengers, ttw, wtt, ["passenger.rate"], co2_keys
    if mode == "road":
        trucks = (cargo.teu / params.value("cargo.teu_per_truck") if cargo.kind == "container"
                  else cargo.tonnes / params.value("cargo.tonnes_per_truck"))
        key = "cargo.teu_per_truck" if cargo.kind == "container" else "cargo.tonnes_per_truck"
        return params.value("road.rate.truck") * trucks, ttw, wtt, ["road.rate.truck", key], co2_keys
    if cargo.kind == "container":
        return params.value(f"{mode}.rate.container") * cargo.teu, ttw, wtt, [f"{mode}.rate.container"], co2_keys
    return params.value(f"{mode}.rate.tonne") * t, ttw, wtt, [f"{mode}.rate.tonne"], co2_keys


def linear(km, hours_per_km: float, usd: float, ttw: float, wtt: float) -> Costs:
    km = np.asarray(km, dtype=np.float64)
    return Costs(km * hours_per_km, km * usd, km * ttw, km * wtt)
