"""The answer to a routing query: a :class:`Route` made of :class:`Leg` objects.

``Route.to_dict()`` is the documented ``--json`` shape (see README); ``to_geojson()`` gives a
FeatureCollection with one feature per leg, the mode as a property.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from corridor.costing import Assumption
from corridor.geo import KM_PER_NMI
from corridor.places import Place


def _label(p: Place) -> str:
    return f"{p.label} ({p.code})" if p.code and p.kind == "port" else p.label


@dataclass
class Leg:
    mode: str
    origin: Place
    destination: Place
    distance_km: float
    duration_h: float
    passages: list[str]  # passage keys in the order crossed
    passage_names: list[str]
    geometry: list[list[list[float]]]  # parts of [lon, lat], split at the antimeridian
    kind: str | None = None  # transfers: "port", "ferry terminal", "rail border", "break of gauge", ...
    name: str | None = None  # transfers: the terminal or border crossing
    assumption: str | None = None  # transfers: the assumption that sets their duration
    cost_usd: float = 0.0
    co2e_ttw_kg: float = 0.0  # tank-to-wheel (ISO 14083); hub emissions are counted here
    co2e_wtt_kg: float = 0.0  # well-to-tank
    basis: dict = field(default_factory=dict)  # figure -> [Assumption] behind it

    @property
    def co2e_kg(self) -> float:
        """Well-to-wheel: WTT + TTW."""
        return self.co2e_ttw_kg + self.co2e_wtt_kg

    @property
    def is_border(self) -> bool:
        """A border crossing (customs, open border or break of gauge)."""
        return self.mode == "transfer" and bool(self.kind) and ("border" in self.kind or self.kind == "break of gauge")

    @property
    def border_countries(self) -> frozenset[str]:
        """The two ISO codes of a border crossing, from its name ("CN–KZ border near Bole (CN)"), else empty."""
        return frozenset(self.name.split(" ")[0].split("–")) if self.is_border else frozenset()

    def to_dict(self) -> dict:
        d = {
            "mode": self.mode, "from": _label(self.origin), "to": _label(self.destination),
            "from_place": self.origin.to_dict(), "to_place": self.destination.to_dict(),
            "distance_km": round(self.distance_km, 1),
            "distance_nmi": round(self.distance_km / KM_PER_NMI, 1),
            "duration_h": round(self.duration_h, 1),
            "passages": self.passage_names, "passage_keys": self.passages,
            "cost_usd": round(self.cost_usd, 2), "co2e_kg": round(self.co2e_kg, 2),
            "co2e_wtt_kg": round(self.co2e_wtt_kg, 2), "co2e_ttw_kg": round(self.co2e_ttw_kg, 2),
            "basis": {k: [a.to_dict() for a in v] for k, v in self.basis.items()},
        }
        if self.mode == "transfer":
            d.update(kind=self.kind, name=self.name, assumption=self.assumption)
        return d


@dataclass
class Route:
    origin: Place
    destination: Place
    legs: list[Leg]
    assumptions: list[Assumption]
    restrictions: dict
    network: dict
    notes: list[str] = field(default_factory=list)
    cargo: dict = field(default_factory=dict)
    objective: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)  # alternatives, baseline, difference, scenario

    @property
    def cost_usd(self) -> float:
        return sum(leg.cost_usd for leg in self.legs)

    @property
    def co2e_kg(self) -> float:
        return sum(leg.co2e_kg for leg in self.legs)

    @property
    def co2e_wtt_kg(self) -> float:
        return sum(leg.co2e_wtt_kg for leg in self.legs)

    @property
    def co2e_ttw_kg(self) -> float:
        return sum(leg.co2e_ttw_kg for leg in self.legs)

    def totals(self) -> dict:
        return {"duration_h": self.duration_h, "cost_usd": self.cost_usd, "co2e_kg": self.co2e_kg,
                "distance_km": self.distance_km}

    @property
    def distance_km(self) -> float:
        return sum(leg.distance_km for leg in self.legs)

    @property
    def distance_nmi(self) -> float:
        return self.distance_km / KM_PER_NMI

    @property
    def duration_h(self) -> float:
        return sum(leg.duration_h for leg in self.legs)

    @property
    def passages(self) -> list[str]:
        """Names of the passages crossed, in order, each once."""
        names: list[str] = []
        for leg in self.legs:
            names += [n for n in leg.passage_names if n not in names]
        return names

    @property
    def borders(self) -> list[str]:
        """Border crossings, in order."""
        return [leg.name for leg in self.legs if leg.is_border]

    @property
    def modes(self) -> list[str]:
        """Modes moved on, in order of first use."""
        out: list[str] = []
        for leg in self.legs:
            if leg.mode != "transfer" and leg.mode not in out:
                out.append(leg.mode)
        return out

    @property
    def geometry(self) -> dict:
        """GeoJSON MultiLineString of the whole route, longitudes in [-180, 180]."""
        return {"type": "MultiLineString",
                "coordinates": [part for leg in self.legs if leg.mode != "transfer" for part in leg.geometry]}

    def to_dict(self, extra: bool = True) -> dict:
        """The documented JSON; ``extra`` adds alternatives, Pareto front, scenario baseline and difference
        (routes inside them are given without their own extras)."""
        return {
            "origin": self.origin.to_dict(), "destination": self.destination.to_dict(),
            "distance_km": round(self.distance_km, 1), "distance_nmi": round(self.distance_nmi, 1),
            "duration_h": round(self.duration_h, 1), "duration_days": round(self.duration_h / 24.0, 2),
            "cost_usd": round(self.cost_usd, 2), "co2e_kg": round(self.co2e_kg, 2),
            "co2e_wtt_kg": round(self.co2e_wtt_kg, 2), "co2e_ttw_kg": round(self.co2e_ttw_kg, 2),
            "cargo": self.cargo, "objective": self.objective,
            "passages": self.passages, "borders": self.borders, "modes": self.modes,
            "legs": [leg.to_dict() for leg in self.legs],
            "geometry": self.geometry,
            "restrictions": self.restrictions,
            "assumptions": [a.to_dict() for a in self.assumptions],
            "notes": self.notes,
            "network": self.network,
            **({k: ([r.to_dict(extra=False) for r in v] if isinstance(v, list) else v)
                for k, v in self.extra.items()} if extra else {}),
        }

    def to_geojson(self) -> dict:
        features = []
        for i, leg in enumerate(self.legs):
            props = leg.to_dict()
            props.pop("from_place")
            props.pop("to_place")
            props["leg"] = i
            geometry = ({"type": "Point", "coordinates": [leg.origin.lon, leg.origin.lat]} if leg.mode == "transfer"
                        else {"type": "MultiLineString", "coordinates": leg.geometry})
            features.append({"type": "Feature", "properties": props, "geometry": geometry})
        for role, place in (("origin", self.origin), ("destination", self.destination)):
            features.append({"type": "Feature", "properties": dict(place.to_dict(), role=role),
                             "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]}})
        return {"type": "FeatureCollection", "features": features,
                "properties": {"distance_km": round(self.distance_km, 1),
                               "duration_h": round(self.duration_h, 1), "passages": self.passages}}
