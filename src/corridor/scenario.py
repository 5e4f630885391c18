"""What-if scenarios: a TOML file (or the same keys as a dict) that closes passages, borders or
ports, opens borders closed by default, changes speeds, dwell times or rates, or adds a service
such as a direct liner.

```toml
name = "Suez closed"
close = {passages = ["suez"], borders = ["RU"], ports = ["PECLL"]}
open = {borders = ["AM-AZ", "AM-TR"]}   # country pairs closed in data/policy/borders.csv
[speeds]          # sea (kn, every ship class), rail (km/day), road (km/h)
sea = 14
[dwell]           # hours: port, ferry_terminal, sea_ferry, rail_road (transfers); border_road, border_rail, border_gauge, border_ferry
                  # (the border ones apply where data/policy/borders.csv gives no typical wait)
port = 48
[rates]           # any key under the rate tables of defaults.toml, e.g. sea.container (USD/TEU-km)
"sea.container" = 0.30
[costs]           # any key of defaults.toml, nested as there
[[services]]      # a fixed-time service between two ports
from = "PECHY"
to = "CNSHA"
days = 23
usd_per_teu = 2500   # optional; default: the sea rate x distance
```
"""

from __future__ import annotations

from dataclasses import dataclass, field

from corridor.costing.params import defaults, read_toml
from corridor.data import borders as border_table
from corridor.data import passages as P
from corridor.errors import BadInput

_DWELL = {"port": "dwell.port", "ferry_terminal": "dwell.ferry_terminal", "sea_ferry": "dwell.sea_ferry",
          "rail_road": "dwell.rail_road", "border_road": "border.road", "border_rail": "border.rail",
          "border_gauge": "border.gauge", "border_ferry": "border.ferry"}
# a scenario's speed replaces every default speed of its mode: each cargo's and class's at sea,
# the per-country ones on rail (costing/rail.py)
_SPEEDS = {"sea": ("sea.speed.",), "rail": ("rail.speed", "rail.speed_by_country."), "road": ("road.speed",)}


def _speed_keys(mode: str) -> list[str]:
    """The default keys a scenario's ``[speeds] mode`` replaces, read from the defaults so that a
    speed added there (a class, a country) is never left out; a prefix ending in "." takes all."""
    return [k for k in defaults()
            if any(k == p or (p.endswith(".") and k.startswith(p)) for p in _SPEEDS[mode])]


@dataclass(frozen=True)
class Service:
    origin: str
    destination: str
    days: float
    usd_per_teu: float | None = None
    name: str = ""


@dataclass
class Scenario:
    name: str = "scenario"
    passages: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    ports: list[str] = field(default_factory=list)
    opened_borders: list[str] = field(default_factory=list)  # "AM-AZ": pairs closed by default, opened
    costs: dict = field(default_factory=dict)  # flat key -> value
    services: list[Service] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"name": self.name, "close": {"passages": [P.BY_KEY[k].name for k in self.passages],
                                             "countries": self.countries, "ports": self.ports},
                "open": {"borders": self.opened_borders},
                "costs": self.costs, "services": [s.__dict__ for s in self.services]}


def _nest(flat: dict) -> dict:
    out: dict = {}
    for key, v in flat.items():
        d = out
        parts = key.split(".")
        for p in parts[:-1]:
            d = d.setdefault(p, {})
        d[parts[-1]] = v
    return out


def parse(value) -> Scenario:
    """A :class:`Scenario` from a path to a TOML file, a dict, or a Scenario."""
    if value is None or isinstance(value, Scenario):
        return value
    data = value if isinstance(value, dict) else read_toml(value)
    where = "scenario" if isinstance(value, dict) else str(value)
    known = {"name", "close", "open", "speeds", "dwell", "rates", "costs", "services"}
    unknown = set(data) - known
    if unknown:
        raise BadInput(f"{where}: unknown scenario entries {', '.join(sorted(unknown))}; "
                       f"known: {', '.join(sorted(known))}.")
    _check_shape(data, where)
    close = data.get("close", {})
    if not isinstance(close, dict) or set(close) - {"passages", "borders", "countries", "ports"}:
        raise BadInput(f"{where}: close must be a table with passages, borders (country codes) and ports.")
    for key, items in close.items():
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise BadInput(f"{where}: close.{key} must be a list of names, e.g. {key} = [\"...\"].")
    sc = Scenario(name=str(data.get("name", "scenario")))
    sc.opened_borders = _opened_borders(data.get("open", {}), where)
    sc.passages = P.parse_passage_list(close.get("passages"))
    sc.countries = [str(c).strip().upper() for c in [*close.get("borders", []), *close.get("countries", [])]]
    sc.ports = [str(c).strip().upper().replace(" ", "") for c in close.get("ports", [])]
    flat: dict = {}
    for k, v in data.get("speeds", {}).items():
        if k not in _SPEEDS:
            raise BadInput(f"{where}: [speeds] takes sea (kn), rail (km/day) and road (km/h), not {k!r}.")
        for key in _speed_keys(k):
            flat[key] = v
    for k, v in data.get("dwell", {}).items():
        if k not in _DWELL:
            raise BadInput(f"{where}: [dwell] takes {', '.join(_DWELL)}, not {k!r}.")
        flat[_DWELL[k]] = v
    for k, v in _flat(data.get("rates", {})).items():
        mode, _, unit = k.partition(".")
        flat[f"{mode}.rate.{unit}" if unit else f"{mode}.rate"] = v
    flat.update(_flat(data.get("costs", {})))
    sc.costs = flat
    for row in data.get("services", []):
        try:
            sc.services.append(Service(str(row["from"]), str(row["to"]), float(row["days"]),
                                       float(row["usd_per_teu"]) if "usd_per_teu" in row else None,
                                       str(row.get("name", ""))))
        except (KeyError, TypeError, ValueError):
            raise BadInput(f"{where}: each [[services]] needs from, to and days (and optionally usd_per_teu).") from None
        if not 0 < sc.services[-1].days <= 365:
            raise BadInput(f"{where}: a service's days must be more than 0 and at most 365.")
    return sc


def _opened_borders(table, where: str) -> list[str]:
    """The ``open.borders`` pairs ("AM-AZ"), each one the border table closes."""
    if not isinstance(table, dict) or set(table) - {"borders"}:
        raise BadInput(f"{where}: open must be a table with borders (country pairs), e.g. "
                       "open = {borders = [\"AM-AZ\"]}.")
    items = table.get("borders", [])
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise BadInput(f"{where}: open.borders must be a list of country pairs, e.g. borders = [\"AM-AZ\"].")
    closed = sorted("-".join(sorted(p)) for p in border_table.closed_pairs())
    out = []
    for item in items:
        try:
            key = "-".join(border_table.parse_pair(item))
        except BadInput as e:
            raise BadInput(f"{where}: open.borders: {e}") from None
        if key not in closed:
            raise BadInput(f"{where}: open.borders: {key} is not closed in data/policy/borders.csv; "
                           f"closed: {', '.join(closed)}.")
        out.append(key)
    return sorted(set(out))


def opened_pairs(sc: Scenario) -> frozenset:
    """The scenario's opened borders as frozensets of two codes (what the planner takes)."""
    return frozenset(frozenset(k.split("-")) for k in sc.opened_borders)


def _check_shape(data: dict, where: str) -> None:
    """Each entry of the file has the shape the docstring above shows, or a message says which."""
    if not isinstance(data.get("name", ""), str):
        raise BadInput(f"{where}: name must be text.")
    for key in ("speeds", "dwell", "rates", "costs"):
        if not isinstance(data.get(key, {}), dict):
            raise BadInput(f"{where}: {key} must be a table ([{key}]), not {type(data[key]).__name__}.")
    services = data.get("services", [])
    if not isinstance(services, list) or not all(isinstance(row, dict) for row in services):
        raise BadInput(f"{where}: services must be [[services]] tables with from, to and days.")


def _flat(table: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in table.items():
        if isinstance(v, dict) and "value" not in v:
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def costs_table(sc: Scenario) -> dict:
    return _nest(sc.costs)
