"""Countries whose land transit is avoided unless the caller allows it (a query-time policy).

Since 2022 many shippers keep goods between China, Central Asia, the Caucasus and Europe off
the Northern route through Russia and Belarus (sanctions compliance, insurance, payment); the
Middle Corridor exists as the route around them. So a multimodal answer avoids transit through
the countries in ``data/policy/transit_restrictions.csv`` by default, says so, and states what
the route through them would have given; ``allow_countries`` (``--allow-countries RU``) lifts
the policy. Places the request starts, calls or ends in are never avoided, and sea-only
requests are not affected (ships passing a coast do not transit the country).

The table is read at query time: changing it needs no network rebuild.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

TABLE = "data/policy/transit_restrictions.csv"


@dataclass(frozen=True)
class Restriction:
    country: str  # ISO 3166 alpha-2
    name: str
    measure: str
    why_avoided: str
    source: str

    def to_dict(self) -> dict:
        return {"country": self.country, "name": self.name, "measure": self.measure,
                "why_avoided": self.why_avoided, "source": self.source}


@lru_cache(maxsize=1)
def restrictions() -> dict[str, Restriction]:
    """The curated table, by country code (read once; the file ships with the package)."""
    path = resources.files("corridor").joinpath(TABLE)
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return {r["country"]: Restriction(r["country"], r["name"], r["measure"], r["why_avoided"], r["source"])
            for r in rows}


def avoided_by_default(stop_countries, allowed: frozenset, avoided: frozenset) -> frozenset:
    """Policy countries for one request: the table's, less the stops' own countries, those the
    caller allows, and those the caller already avoids (they need no note)."""
    return frozenset(restrictions()) - {c for c in stop_countries if c} - allowed - avoided


def countries_crossed(route) -> set[str]:
    """Countries a route sets foot in: its legs' end places and both sides of each border crossing."""
    out = {p.country for leg in route.legs for p in (leg.origin, leg.destination) if p.country}
    for crossing in route.border_crossings:
        out |= set(crossing.countries)
    return out


def summary(route, hit: frozenset, policy: frozenset) -> dict:
    """The ``restrictions.transit_policy`` entry: what was avoided, why, and the route it cost."""
    rows = restrictions()
    return {
        "avoided": sorted(policy),
        "crossed_without_policy": sorted(hit),
        "why": [rows[c].to_dict() for c in sorted(hit)],
        "lift_with": f"--allow-countries {','.join(sorted(hit))}",
        "route_without_policy": {
            "duration_days": round(route.duration_h / 24.0, 2), "cost_usd": round(route.cost_usd, 2),
            "co2e_kg": round(route.co2e_kg, 2), "distance_km": round(route.distance_km, 1),
            "modes": route.modes, "borders": route.borders,
        },
    }


def note(entry: dict) -> str:
    """One line for the table output."""
    names = ", ".join(r["name"] for r in entry["why"])
    w = entry["route_without_policy"]
    return (f"transit through {names} avoided by default (sanctions risk; "
            f"data/policy/transit_restrictions.csv); through it: {w['duration_days']:.1f} d, "
            f"{w['cost_usd']:,.0f} USD, {w['co2e_kg']:,.0f} kg CO2e, {w['distance_km']:,.0f} km; "
            f"add {entry['lift_with']} to take it")


def kept_note(hit: frozenset) -> str:
    """When no route avoids the policy countries: the answer crosses them, and says so."""
    names = ", ".join(restrictions()[c].name for c in sorted(hit))
    return (f"no route avoids {names} (avoided by default for sanctions risk): this route crosses it; "
            "see data/policy/transit_restrictions.csv")
