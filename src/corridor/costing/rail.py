"""Rail costing: time at a service speed in km per day, per country where a published operating
figure exists (``rail.speed_by_country.*``), else the network-wide ``rail.speed``; rate and GLEC
intensity per tonne-km.

A country key is an ISO code (``rail.speed_by_country.KZ``) or ``EU``, which applies to the
members of the European Union row of ``data/curated/customs_unions.csv``. An edge runs at the
speed of the country of its first node.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

import numpy as np

from corridor.costing import Costs, linear, per_km

name = "rail"
BY_COUNTRY = "rail.speed_by_country."


def kmh(params, cargo=None) -> float:
    """The network-wide planning speed (countries without their own figure)."""
    return params.value("rail.speed") / 24.0


def allowed(cargo) -> bool:
    return True


def costs(km, cargo, params) -> Costs:
    usd, ttw, wtt, _, _ = per_km(cargo, params, "rail")
    return linear(km, 1.0 / kmh(params), usd, ttw, wtt)


@lru_cache(maxsize=1)
def _eu_members() -> frozenset[str]:
    path = resources.files("corridor.data").joinpath("curated/customs_unions.csv")
    with path.open(newline="", encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["union"] == "European Union")
    return frozenset(row["members"].split())


def _speed_keys(params) -> list[str]:
    """The keys of the per-country speeds, sorted (Params is not a mapping: read its key view)."""
    names = params.keys()
    return sorted(k for k in names if k.startswith(BY_COUNTRY))


def country_keys(params) -> dict[str, str]:
    """ISO country code -> the key of its own rail speed (EU members -> the EU key)."""
    keys = _speed_keys(params)
    out = {c: k for k in keys if k.endswith(".EU") for c in _eu_members()}
    out.update({k[len(BY_COUNTRY):]: k for k in keys if not k.endswith(".EU")})
    return out


def edge_costs(net, edges, cargo, params) -> Costs:
    usd, ttw, wtt, _, _ = per_km(cargo, params, "rail")
    km = net.edge_km[edges]
    speed_of = np.full(len(net.tables["countries"]) + 1, params.value("rail.speed"))  # last: no country
    for country, key in country_keys(params).items():
        if country in net.tables["countries"]:
            speed_of[net.tables["countries"].index(country)] = params.value(key)
    day_km = speed_of[net.node_country[net.edge_u[edges]]]  # NO_COUNTRY (-1) takes the last entry
    return Costs(km * 24.0 / day_km, km * usd, km * ttw, km * wtt)


def basis(cargo, params) -> dict[str, list[str]]:
    _, _, _, usd_keys, co2_keys = per_km(cargo, params, "rail")
    speeds = ["rail.speed", *_speed_keys(params)]
    return {"duration_h": speeds, "cost_usd": usd_keys, "co2e_kg": co2_keys}
