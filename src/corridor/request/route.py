"""``RouteRequest``: every option of a route, declared once and checked once.

The Python API (:func:`corridor.route`), ``corridor route``, ``GET /route``, the stored-report
re-check and the web page all build this object; the planner takes it as it is.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, fields
from typing import Any

from corridor.air.consignment import AIR_NETWORKS
from corridor.costing import cargo as cargo_mod
from corridor.errors import BadInput
from corridor.mode_options import AVAILABLE_MODES, VESSELS
from corridor.request import checks
from corridor.request.options import MAX_ITEMS, Option
from corridor.request.service import Service

PLACE_HELP = "UN/LOCODE (PECHY), port or city name, ISO country code or name, or 'lat,lon'"
_CLASSES = tuple(dict.fromkeys(c for family in cargo_mod.CLASSES.values() for c in family))

ROUTE = Service("route", (
    Option("origin", "place", f"where the route starts: {PLACE_HELP}", http="from"),
    Option("destination", "place", f"where the route ends: {PLACE_HELP}", http="to"),
    Option("via", "places", "call at PLACE on the way, in order (repeatable); a passage name (suez) "
           "calls at the passage", default=(), cli="--via", max_items=10),
    Option("modes", "list", "modes to use (default: sea, rail, road, ferry; port to port: sea)",
           choices=AVAILABLE_MODES, cli="--modes"),
    Option("avoid", "list", "passages to avoid for this call (suez, panama, bab-el-mandeb, ...)",
           default=(), item=checks.passage, cli="--avoid"),
    Option("allow", "list", "passages closed by default to open (northwest, northeast, volga-don)",
           default=(), item=checks.passage, cli="--allow"),
    Option("vessel", "choice", "river-sea ships may use the Volga-Don inland waterway", default="seagoing",
           choices=VESSELS, cli="--vessel"),
    Option("speed_kn", "number", "sea speed (default by cargo: 16 kn container ships, 11 kn bulk carriers)",
           unit="kn", low=1, high=40, cli="--speed", http="speed"),
    Option("cargo", "choice", "what is carried (default container)", choices=cargo_mod.KINDS,
           aliases=tuple(cargo_mod._ALIASES.items()), cli="--cargo"),
    Option("teu", "number", "containers, in TEU (default 1)", unit="TEU", low=0, low_open=True, high=100_000,
           cli="--teu"),
    Option("feu", "number", "containers, in FEU (1 FEU = 2 TEU)", unit="FEU", low=0, low_open=True,
           high=50_000, cli="--feu"),
    Option("tonnes", "number", "bulk or general cargo (containers: gross weight)", unit="t", low=0,
           low_open=True, high=10_000_000, cli="--tonnes"),
    Option("passengers", "integer", "number of passengers (cargo passengers)", unit="passengers", low=1,
           high=100_000, cli="--passengers"),
    Option("vessel_class", "choice", "ship class: feeder, panamax, neopanamax (default), ulcv; handysize, "
           "supramax, panamax, capesize; river-sea", choices=_CLASSES, cli="--vessel-class"),
    Option("optimize", "weights", "time (default), cost, co2, distance or a mix such as time=1,co2=1",
           cli="--optimize"),
    Option("alternatives", "integer", "add up to K genuinely different corridors", default=0, low=0, high=10,
           cli="--alternatives"),
    Option("pareto", "flag", "add the time / cost / CO2e Pareto front", default=False, cli="--pareto"),
    Option("scenario", "table", "what-if TOML file (or table): the answer states the difference to the "
           "baseline", cli="--scenario"),
    Option("costs", "table", "TOML file (or table) overriding costing defaults (keys of costing/defaults.toml)",
           cli="--costs"),
    Option("avoid_countries", "list", "ISO country codes whose land, ports and borders to keep out, e.g. IR",
           default=(), item=checks.country, cli="--avoid-countries"),
    Option("close_ports", "list", "UN/LOCODEs of ports closed for this call", default=(), item=checks.locode,
           cli="--close-ports"),
    Option("allow_countries", "list", "ISO codes lifted from the transit policy (land routes avoid RU, BY "
           "and war zones unless allowed)", default=(), item=checks.country, cli="--allow-countries"),
    Option("air_network", "choice", "flights air may take: sourced (routes with a published source, plus "
           "your OpenFlights import), modelled (links by a documented rule), imported (your import only)",
           default="sourced", choices=AIR_NETWORKS, cli="--air-network"),
    Option("policy", "table", "transit policy TOML file (or table) over the default one, e.g. [countries] "
           "IR = \"avoid\", RU = \"allow\"", cli="--policy"),
    Option("services", "choice", "containers by sea: liner (default) sails each leg on a sourced liner "
           "service, changing ship at its hubs; direct assumes a direct call (bulk is always direct)",
           default="liner", choices=("liner", "direct"), cli="--services"),
))


# Checked requests by their options' values: a request is a value, and a server or a loop asks
# the same options again and again (checking them is a tenth of a repeated sea route's time).
_MADE: OrderedDict = OrderedDict()
_MADE_LOCK = threading.Lock()
_MADE_SIZE = 1024
_MAX_KEPT_ITEMS = MAX_ITEMS  # a longer list is refused: not worth a key
_PLAIN = (str, int, bool, type(None))
_TABLES = frozenset(o.name for o in ROUTE.options if o.kind == "table")


def _value_key(options: dict[str, Any]) -> tuple | None:
    """``options`` as a key that equals another only for the same values of the same types
    (``1``, ``1.0`` and ``True`` differ: the checks treat them differently; so do ``0.0`` and
    ``-0.0``), or None when a value cannot be kept that way: a dict, a Place, a path, or a table
    named by its file (read again on each request: the file may change)."""
    items = []
    for name, value in options.items():
        if value is None:  # most options: not given
            items.append((name, None))
            continue
        typed = None if name in _TABLES else _typed(value)
        if typed is None:
            return None
        items.append((name, typed))
    return tuple(items)


def _typed(value: Any) -> tuple | None:
    if type(value) in _PLAIN:
        return (type(value), value)
    if type(value) is float:
        return (float, value.hex())
    if type(value) in (tuple, list) and len(value) <= _MAX_KEPT_ITEMS:  # the items as they are now: a copy
        items = tuple(_typed(v) for v in value)
        return None if None in items else (type(value), items)
    return None


@dataclass(frozen=True)
class RouteRequest:
    """A checked route request: every field typed and within its declared range.

    Build it with :meth:`make` (from keyword options as :func:`corridor.route` takes them);
    :meth:`with_options` derives a variant (a scenario's closures, the air option) and checks
    it again.
    """

    origin: Any
    destination: Any
    via: tuple = ()
    modes: tuple[str, ...] | None = None
    avoid: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    vessel: str = "seagoing"
    speed_kn: float | None = None
    cargo: str | None = None
    teu: float | None = None
    feu: float | None = None
    tonnes: float | None = None
    passengers: int | None = None
    vessel_class: str | None = None
    optimize: Any = None
    alternatives: int = 0
    pareto: bool = False
    scenario: Any = None
    costs: Any = None
    avoid_countries: tuple[str, ...] = ()
    close_ports: tuple[str, ...] = ()
    allow_countries: tuple[str, ...] = ()
    policy: Any = None
    services: str = "liner"
    air_network: str = "sourced"

    @classmethod
    def make(cls, **options: Any) -> "RouteRequest":
        """Check ``options`` (keyword options of :func:`corridor.route`) and build the request.

        Raises
        ------
        BadInput
            Naming the option, the value and what is allowed.
        """
        key = _value_key(options) if cls is RouteRequest else None
        if key is not None:
            with _MADE_LOCK:
                req = _MADE.get(key)
                if req is not None:
                    _MADE.move_to_end(key)
                    return req
        values = ROUTE.check(options)
        req = cls(**values)
        req.is_valid()
        if key is not None:
            with _MADE_LOCK:
                _MADE[key] = req
                while len(_MADE) > _MADE_SIZE:
                    _MADE.popitem(last=False)
        return req

    def is_valid(self) -> None:
        """Checks across options (cargo quantities against the cargo kind, objective, tables):
        raises :class:`BadInput`, else returns."""
        from corridor.air import consignment

        consignment.check(self.modes, self.load())
        self.objective()
        if self.modes is not None and not self.modes:
            raise BadInput(f"No mode given; available modes: {', '.join(AVAILABLE_MODES)}.")
        if self.scenario is not None:
            self.parsed_scenario()
        if self.costs is not None:
            self.params()
        if self.policy is not None:
            from corridor import transit_policy

            transit_policy.check(self.policy)

    def load(self) -> cargo_mod.Cargo:
        """What is carried, from cargo, teu, feu, tonnes, passengers and vessel class."""
        from corridor.air.consignment import default_tonnes

        return cargo_mod.make_cargo(self.cargo, teu=self.teu, feu=self.feu, tonnes=default_tonnes(self),
                                    passengers=self.passengers, vessel_class=self.vessel_class)

    def objective(self) -> dict[str, float]:
        from corridor.costing import objective as objective_mod

        return objective_mod.parse(self.optimize)

    def params(self):
        from corridor.costing import params as params_mod

        return params_mod.load(self.costs)

    def parsed_scenario(self):
        from corridor import scenario as scenario_mod

        return scenario_mod.parse(self.scenario)

    def with_options(self, **changes: Any) -> "RouteRequest":
        """A copy with ``changes`` applied, checked again."""
        return RouteRequest.make(**{**self.options(), **changes})

    def options(self) -> dict[str, Any]:
        """The request as keyword options (what :meth:`make` takes)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}
