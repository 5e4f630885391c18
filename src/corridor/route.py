"""The answer to a routing query: a :class:`Route` made of :class:`Leg` objects.

``Route.to_dict()`` is the documented ``--json`` shape (see README); ``to_geojson()`` gives a
FeatureCollection with one feature per leg, the mode as a property.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

from corridor.costing import Assumption
from corridor.geo import KM_PER_NMI
from corridor.optional import require
from corridor.places import Place


def _label(p: Place) -> str:
    return f"{p.label} ({p.code})" if p.code and p.kind == "port" else p.label


class TransferKind(StrEnum):
    """What a transfer step is. The values are the strings of the JSON output (``leg["kind"]``),
    so comparing a kind with its old string still holds."""

    PORT = "port"
    FERRY_TERMINAL = "ferry terminal"
    SHIP_FERRY = "ship-ferry transshipment"
    RAIL_ROAD_TERMINAL = "rail-road terminal"
    BREAK_OF_GAUGE = "break of gauge"
    OPEN_BORDER = "open border"
    RAIL_BORDER = "rail border"
    ROAD_BORDER = "road border"
    FERRY_BORDER = "ferry border"
    AIRPORT = "airport"
    CONNECTION = "connection"
    TRANSSHIPMENT = "transshipment"  # a box changing ship at a liner hub (corridor/liner.py)

    @property
    def is_border(self) -> bool:
        """A crossing between two countries (customs, open border or break of gauge)."""
        return self in _BORDER_KINDS


_BORDER_KINDS = frozenset({TransferKind.BREAK_OF_GAUGE, TransferKind.OPEN_BORDER, TransferKind.RAIL_BORDER,
                           TransferKind.ROAD_BORDER, TransferKind.FERRY_BORDER})


@dataclass(frozen=True)
class Border:
    """A border crossing: the two countries (ISO 3166 alpha-2, sorted), its name and kind.

    Raises
    ------
    ValueError
        If the countries are not two distinct upper-case alpha-2 codes or the kind is no border
        kind (a programming error: crossings come from the network's border table).
    """

    countries: tuple[str, str]
    name: str
    kind: TransferKind

    def __post_init__(self) -> None:
        codes = tuple(self.countries)
        if len(codes) != 2 or len(set(codes)) != 2 or not all(
                isinstance(c, str) and len(c) == 2 and c.isalpha() and c.isupper() for c in codes):
            raise ValueError(f"a border joins two distinct ISO alpha-2 countries, not {self.countries!r}")
        kind = TransferKind(self.kind)
        if not kind.is_border:
            raise ValueError(f"{kind.value!r} is not a border kind")
        # frozen: the normalised values are set once, here
        object.__setattr__(self, "countries", tuple(sorted(codes)))
        object.__setattr__(self, "kind", kind)

    def to_dict(self) -> dict:
        return {"countries": list(self.countries), "name": self.name, "kind": self.kind.value}


@dataclass(frozen=True)
class LinerService:
    """A published liner service a sea leg sails on (``data/liner/services.csv``): its name,
    carrier, source and the source's date."""

    name: str
    carrier: str
    source: str
    date: str

    def to_dict(self) -> dict:
        return {"name": self.name, "carrier": self.carrier, "source": self.source, "date": self.date}


@dataclass
class Leg:
    """One step of a route: a move by one mode, or a transfer (port, terminal, border, airport).

    Attributes
    ----------
    mode : str
        "sea", "rail", "road", "ferry", "air", or "transfer".
    origin, destination : Place
        Where the leg starts and ends.
    distance_km, duration_h : float
        Length and planning time; ``time_range`` gives the fast and slow hours.
    kind : TransferKind or None
        What a transfer is; ``border`` holds the crossing of a border transfer.
    cost_usd, co2e_ttw_kg, co2e_wtt_kg : float
        Money and emissions (``co2e_kg`` is their well-to-wheel sum); ``basis`` names the
        assumptions behind each figure.
    """

    mode: str
    origin: Place
    destination: Place
    distance_km: float
    duration_h: float
    passages: list[str]  # passage keys in the order crossed
    passage_names: list[str]
    geometry: list[list[list[float]]]  # parts of [lon, lat], split at the antimeridian
    kind: TransferKind | None = None  # transfers only; a known kind string is accepted and converted
    name: str | None = None  # transfers: the terminal or border crossing
    assumption: str | None = None  # transfers: the assumption that sets their duration
    cost_usd: float = 0.0
    co2e_ttw_kg: float = 0.0  # tank-to-wheel (ISO 14083); hub emissions are counted here
    co2e_wtt_kg: float = 0.0  # well-to-tank
    basis: dict = field(default_factory=dict)  # figure -> [Assumption] behind it
    border: Border | None = None  # border transfers: the crossing, from the network's border table
    sailing_interval_h: float = 0.0  # ferry legs: hours between sailings (168 / sailings a week), summed
    # (fast, slow) hours, set by costing/ranges.py; None for legs made elsewhere (scenario services,
    # report hand-overs), whose range is their planning time
    duration_h_range: tuple[float, float] | None = None
    # container sea legs and transshipments: the sourced liner service (None on a sea leg: no
    # sourced service, a direct call is assumed); see corridor/liner.py
    service: LinerService | None = None

    def __post_init__(self) -> None:
        # An unknown kind or a border without its crossing is a bug in the code building legs.
        if self.kind is not None:
            self.kind = TransferKind(self.kind)
            if self.mode != "transfer":
                raise ValueError(f"a {self.mode} leg has no transfer kind (got {self.kind.value!r})")
        is_border_kind = self.kind is not None and self.kind.is_border
        if is_border_kind != (self.border is not None):
            raise ValueError("a border transfer needs its Border, and only a border transfer has one")
        if self.border is not None and self.border.kind != self.kind:
            raise ValueError(f"border kind {self.border.kind.value!r} differs from leg kind {self.kind.value!r}")

    @property
    def co2e_kg(self) -> float:
        """Well-to-wheel: WTT + TTW."""
        return self.co2e_ttw_kg + self.co2e_wtt_kg

    @property
    def time_range(self) -> tuple[float, float]:
        """Fast and slow hours (see costing/ranges.py); the planning time when no range was set."""
        return self.duration_h_range if self.duration_h_range is not None else (self.duration_h, self.duration_h)

    @property
    def is_border(self) -> bool:
        """A border crossing (customs, open border or break of gauge)."""
        return self.border is not None

    @property
    def border_countries(self) -> frozenset[str]:
        """The two ISO codes of a border crossing (from its :class:`Border`), else empty."""
        return frozenset(self.border.countries) if self.border is not None else frozenset()

    def to_dict(self) -> dict:
        d = {
            "mode": self.mode, "from": _label(self.origin), "to": _label(self.destination),
            "from_place": self.origin.to_dict(), "to_place": self.destination.to_dict(),
            "distance_km": round(self.distance_km, 1),
            "distance_nmi": round(self.distance_km / KM_PER_NMI, 1),
            "duration_h": round(self.duration_h, 1),
            "duration_h_range": [round(h, 1) for h in self.time_range],
            "passages": list(self.passage_names), "passage_keys": list(self.passages),
            "cost_usd": round(self.cost_usd, 2), "co2e_kg": round(self.co2e_kg, 2),
            "co2e_wtt_kg": round(self.co2e_wtt_kg, 2), "co2e_ttw_kg": round(self.co2e_ttw_kg, 2),
            "basis": {k: [a.to_dict() for a in v] for k, v in self.basis.items()},
        }
        if self.mode == "transfer":
            d.update(kind=self.kind.value if self.kind else None, name=self.name, assumption=self.assumption)
        if self.border is not None:
            d["border"] = self.border.to_dict()
        if self.mode == "sea" or self.kind == TransferKind.TRANSSHIPMENT:
            d["service"] = self.service.to_dict() if self.service is not None else None
        return d


@dataclass
class Route:
    """The answer to :func:`corridor.route`: legs in order, with totals, restrictions and sources.

    Attributes
    ----------
    origin, destination : Place
        The places as resolved (a note says which reading of the query was taken).
    legs : list of Leg
        Moves and transfers in order; totals (``distance_km``, ``duration_h``, ``cost_usd``,
        ``co2e_kg``) are their sums.
    assumptions : list
        The sourced figures the costing used.
    restrictions : dict
        Passages and countries avoided, and the transit policy applied.
    notes : list of str
        What the user should know about this answer.
    """

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
    def priced(self) -> bool:
        """False when a leg's price rests on a figure with no source (NaN, e.g. the air passenger fare)."""
        return all(a.value is not None and math.isfinite(a.value)
                   for leg in self.legs for a in leg.basis.get("cost_usd", []))

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
    def duration_h_range(self) -> tuple[float, float]:
        """Fast and slow hours: the sums of the legs' bounds (every figure at its fast, or slow, bound)."""
        return (sum(leg.time_range[0] for leg in self.legs), sum(leg.time_range[1] for leg in self.legs))

    @property
    def passages(self) -> list[str]:
        """Names of the passages crossed, in order, each once."""
        names: list[str] = []
        for leg in self.legs:
            names += [n for n in leg.passage_names if n not in names]
        return names

    @property
    def border_crossings(self) -> list[Border]:
        """Border crossings, in order."""
        return [leg.border for leg in self.legs if leg.border is not None]

    @property
    def borders(self) -> list[str]:
        """Names of the border crossings, in order."""
        return [b.name for b in self.border_crossings]

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
            "duration_h_range": [round(h, 1) for h in self.duration_h_range],
            "duration_days_range": [round(h / 24.0, 2) for h in self.duration_h_range],
            "cost_usd": round(self.cost_usd, 2) if self.priced else None, "co2e_kg": round(self.co2e_kg, 2),
            "co2e_wtt_kg": round(self.co2e_wtt_kg, 2), "co2e_ttw_kg": round(self.co2e_ttw_kg, 2),
            "cargo": json_copy(self.cargo), "objective": json_copy(self.objective),
            "passages": self.passages, "borders": self.borders,
            "border_crossings": [b.to_dict() for b in self.border_crossings], "modes": self.modes,
            "legs": [leg.to_dict() for leg in self.legs],
            "geometry": {"type": "MultiLineString",  # the points copied: the dict is the caller's to edit
                         "coordinates": [list(map(list, part)) for part in self.geometry["coordinates"]]},
            "restrictions": json_copy(self.restrictions),
            "assumptions": [a.to_dict() for a in self.assumptions],
            "notes": list(self.notes),
            "network": json_copy(self.network),
            **({k: ([r.to_dict(extra=False) for r in v] if isinstance(v, list) else json_copy(v))
                for k, v in self.extra.items()} if extra else {}),
        }

    def to_geojson(self) -> dict:
        """FeatureCollection: one feature per leg (transfers as points), then the origin and the
        destination; coordinates rounded to 6 decimals (about 0.1 m)."""
        features = []
        for i, leg in enumerate(self.legs):
            props = leg.to_dict()
            props.pop("from_place")
            props.pop("to_place")
            props["leg"] = i
            geometry = ({"type": "Point", "coordinates": _point(leg.origin)} if leg.mode == "transfer"
                        else {"type": "MultiLineString",
                              "coordinates": [[_rounded(p) for p in part] for part in leg.geometry]})
            features.append({"type": "Feature", "properties": props, "geometry": geometry})
        for role, place in (("origin", self.origin), ("destination", self.destination)):
            features.append({"type": "Feature", "properties": dict(place.to_dict(), role=role),
                             "geometry": {"type": "Point", "coordinates": _point(place)}})
        return {"type": "FeatureCollection", "features": features,
                "properties": {"distance_km": round(self.distance_km, 1),
                               "duration_h": round(self.duration_h, 1), "passages": self.passages}}

    @property
    def __geo_interface__(self) -> dict:
        """The :meth:`to_geojson` FeatureCollection, so ``geopandas.GeoDataFrame.from_features(route)``
        gives one row per leg; for one shapely geometry use ``shapely.geometry.shape(route.geometry)``."""
        return self.to_geojson()

    def to_geodataframe(self):
        """The legs and both ends as a geopandas GeoDataFrame in EPSG:4326 (geopandas is needed).

        Returns
        -------
        geopandas.GeoDataFrame
            One row per feature of :meth:`to_geojson`: the legs in order, then the origin and
            the destination, with the same properties as columns.

        Raises
        ------
        BadInput
            If geopandas is not installed.
        """
        gpd = require("geopandas", "Route.to_geodataframe()")
        return gpd.GeoDataFrame.from_features(self.to_geojson()["features"], crs="EPSG:4326")

    def legs_frame(self):
        """The legs as a pandas DataFrame, one row per leg in order (pandas is needed).

        Returns
        -------
        pandas.DataFrame
            Columns ``leg``, ``mode``, ``from``, ``to``, their ``*_lat``/``*_lon``, ``kind`` and
            ``name`` (transfers), ``border`` (name of a border crossing), ``distance_km``,
            ``duration_h``, ``cost_usd``, ``co2e_kg``, ``co2e_wtt_kg``, ``co2e_ttw_kg`` and
            ``passages`` (list of names), unrounded.

        Raises
        ------
        BadInput
            If pandas is not installed.
        """
        pd = require("pandas", "Route.legs_frame()")
        rows = [{
            "leg": i, "mode": leg.mode, "from": _label(leg.origin), "to": _label(leg.destination),
            "from_lat": leg.origin.lat, "from_lon": leg.origin.lon,
            "to_lat": leg.destination.lat, "to_lon": leg.destination.lon,
            "kind": leg.kind.value if leg.kind else None, "name": leg.name,
            "border": leg.border.name if leg.border else None,
            "distance_km": leg.distance_km, "duration_h": leg.duration_h, "cost_usd": leg.cost_usd,
            "co2e_kg": leg.co2e_kg, "co2e_wtt_kg": leg.co2e_wtt_kg, "co2e_ttw_kg": leg.co2e_ttw_kg,
            "passages": list(leg.passage_names),
        } for i, leg in enumerate(self.legs)]
        return pd.DataFrame(rows, columns=_LEG_COLUMNS)


_LEG_COLUMNS = ["leg", "mode", "from", "to", "from_lat", "from_lon", "to_lat", "to_lon", "kind", "name", "border",
                "distance_km", "duration_h", "cost_usd", "co2e_kg", "co2e_wtt_kg", "co2e_ttw_kg", "passages"]
GEOJSON_DECIMALS = 6  # about 0.1 m: finer digits are noise, and they triple the file


def json_copy(value):
    """A JSON-like value (dicts, lists, scalars) with its dicts and lists copied, so that editing
    an answer's dictionary leaves the route (which a cache may keep) as it was."""
    if isinstance(value, dict):  # a scalar item is taken as it is, without a call (a kept answer copies many)
        return {k: json_copy(v) if isinstance(v, _CONTAINERS) else v for k, v in value.items()}
    if isinstance(value, list):
        return [json_copy(v) if isinstance(v, _CONTAINERS) else v for v in value]
    return value


_CONTAINERS = (dict, list)


def _rounded(point) -> list[float]:
    return [round(point[0], GEOJSON_DECIMALS), round(point[1], GEOJSON_DECIMALS)]


def _point(place: Place) -> list[float]:
    return _rounded((place.lon, place.lat))
