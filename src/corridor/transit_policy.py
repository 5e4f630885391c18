"""The transit risk policy: countries whose land transit is avoided or flagged (a query-time policy).

Since 2022 many shippers keep goods between China, Central Asia, the Caucasus and Europe off
the Northern route through Russia and Belarus (sanctions compliance, insurance, payment); other
countries are war zones, or carry sanctions that do not forbid transit but call for a check.
``data/policy/transit_restrictions.csv`` lists them, each with a category (:data:`CATEGORIES`),
a default action and its legal or published source:

- ``avoid``: a multimodal answer keeps out of the country when another route exists, says so,
  and states what the route through it would have given (``restrictions["transit_policy"]``);
- ``flag``: the answer may cross it, and says so (``restrictions["transit_risk"]`` and a note).

``data/policy/transit_not_listed.csv`` names countries considered and left out, with the reason.

The caller changes the policy in layers, each over the one before: the table; a policy file
read by default (``$CORRIDOR_POLICY``, else ``<user config dir>/corridor/policy.toml`` when it
exists); the ``policy`` option (a TOML file or table); ``allow_countries``. Places the request
starts, calls or ends in are never avoided nor flagged, and sea-only requests are not affected
(ships passing a coast do not transit the country).

Everything is read at query time: changing the table or a policy file needs no network rebuild.
"""

from __future__ import annotations

import csv
import hashlib
import os
import stat
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from corridor.errors import BadInput

TABLE = "data/policy/transit_restrictions.csv"
NOT_LISTED = "data/policy/transit_not_listed.csv"
POLICY_ENV = "CORRIDOR_POLICY"

CATEGORIES = {
    "sanctions": "sanctions or restrictive measures (UN, EU, UK, US) that reach transit, payment or insurance",
    "conflict": "war or armed conflict on or near the transit routes",
    "closed": "borders closed to commercial transit",
    "user": "named by the caller's policy without a category",
}
ACTIONS = ("avoid", "flag")  # what the table may say
POLICY_ACTIONS = (*ACTIONS, "allow")  # what a policy may say: allow lifts avoid and flag both
_POLICY_KEYS = ("replace", "countries")
_ROW_KEYS = ("action", "category", "why", "source")


@dataclass(frozen=True)
class Restriction:
    """One country's row of the effective policy; ``set_by`` names the table or policy file it comes from."""

    country: str  # ISO 3166 alpha-2
    name: str
    category: str
    action: str
    measure: str
    why: str
    source: str
    source_date: str = ""
    set_by: str = TABLE

    def to_dict(self) -> dict:
        return {"country": self.country, "name": self.name, "category": self.category, "action": self.action,
                "measure": self.measure, "why": self.why, "source": self.source,
                "source_date": self.source_date, "set_by": self.set_by}


def check_row(row: Restriction, where: str) -> None:
    """Raise :class:`BadInput` naming ``where`` when a row has an unknown category or action, a
    code that is not ISO 3166 alpha-2, or no source."""
    from corridor.request.checks import country

    try:
        country(row.country)
    except BadInput as e:
        raise BadInput(f"Policy {where}: {e}") from None
    if row.category not in CATEGORIES:
        raise BadInput(f"Policy {where}: {row.country} has category {row.category!r}; "
                       f"give one of {', '.join(CATEGORIES)}.")
    if row.action not in POLICY_ACTIONS:
        raise BadInput(f"Policy {where}: {row.country} has action {row.action!r}; "
                       f"give one of {', '.join(POLICY_ACTIONS)}.")
    if not row.source.strip():
        raise BadInput(f"Policy {where}: {row.country} names no source.")


def _read_csv(name: str) -> list[dict]:
    with resources.files("corridor").joinpath(name).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=1)
def table() -> dict[str, Restriction]:
    """The curated table, by country code (read once; the file ships with the package)."""
    rows = {r["country"]: Restriction(r["country"], r["name"], r["category"], r["action"], r["measure"],
                                      r["why"], r["source"], r["source_date"]) for r in _read_csv(TABLE)}
    for row in rows.values():
        check_row(row, TABLE)
    return rows


def restrictions() -> dict[str, Restriction]:
    """The table's countries avoided by default (the transit policy every caller gets unless
    a policy file changes it): what the prebuilt hierarchies and the report's corridors assume."""
    return {c: r for c, r in table().items() if r.action == "avoid"}


def not_listed() -> list[dict]:
    """Countries considered for the table and left out, with the reason and its source."""
    return _read_csv(NOT_LISTED)


@dataclass(frozen=True)
class Policy:
    """The effective policy of one request: rows by country, and the policy files it read."""

    rows: Mapping[str, Restriction]
    files: tuple[str, ...] = field(default=())

    def avoided(self) -> frozenset:
        return frozenset(c for c, r in self.rows.items() if r.action == "avoid")


def config_file() -> Path | None:
    """The policy file read by default: ``$CORRIDOR_POLICY`` (which must exist), else
    ``<user config dir>/corridor/policy.toml`` when it exists."""
    found = _config_stat()
    return Path(found[0]) if found is not None else None


def _config_stat() -> tuple[str, tuple] | None:
    """The policy file read by default and what says whether it changed (:func:`_file_version`);
    None when there is none."""
    named = os.environ.get(POLICY_ENV)
    if named:
        version = _file_version(named)
        if version is None:
            raise BadInput(f"{POLICY_ENV}={named}: no such policy file; fix or unset it.")
        return str(Path(named)), version
    import platformdirs

    path = _default_config_path(platformdirs.user_config_dir, os.environ.get("XDG_CONFIG_HOME"),
                                os.environ.get("HOME"), os.environ.get("APPDATA"))
    version = _file_version(path)
    return (path, version) if version is not None else None


# A file changed within this many ns of its last version's stat may show the same inode, size
# and mtime (the kernel stamps files from a clock that ticks every few ms): its bytes say more.
_RACY_NS = 2_000_000_000


def _file_version(path: str) -> tuple | None:
    """(inode, size, mtime in ns) of the regular file ``path``, and its bytes' hash when it was
    written in the last :data:`_RACY_NS` (an edit within one clock tick keeps the other three),
    or None when there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    if time.time_ns() - st.st_mtime_ns >= _RACY_NS:
        return st.st_ino, st.st_size, st.st_mtime_ns
    try:
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns, digest


@lru_cache(maxsize=8)
def _default_config_path(user_config_dir, *environment) -> str:
    """``<user config dir>/corridor/policy.toml``, kept per the function that finds the folder and
    the environment variables it reads (``environment``: only a key), so that a request does not
    ask platformdirs again (tens of microseconds) unless one of them changed."""
    return str(Path(user_config_dir("corridor")) / "policy.toml")


def _read_toml(path: Path) -> dict:
    import tomllib

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise BadInput(f"Policy file {path} cannot be read ({e}).") from None
    except tomllib.TOMLDecodeError as e:
        raise BadInput(f"Policy file {path} is not valid TOML ({e}).") from None


def _rule(code: str, value, base: Restriction | None, where: str) -> Restriction:
    """One ``[countries]`` entry (an action, or a table of action, category, why, source) as a row."""
    if isinstance(value, str):
        value = {"action": value}
    if not isinstance(value, dict):
        raise BadInput(f"Policy {where}: countries.{code} is {type(value).__name__}; give an action "
                       f"({', '.join(POLICY_ACTIONS)}) or a table with keys {', '.join(_ROW_KEYS)}.")
    unknown = sorted(set(value) - set(_ROW_KEYS))
    if unknown or "action" not in value:
        what = f"unknown key {', '.join(unknown)}" if unknown else "no action"
        raise BadInput(f"Policy {where}: countries.{code} has {what}; keys are {', '.join(_ROW_KEYS)} "
                       "(action required).")
    if not all(isinstance(v, str) for v in value.values()):
        raise BadInput(f"Policy {where}: countries.{code}: action, category, why and source are text.")
    row = base or Restriction(code, _country_name(code), "user", "", "", f"named by policy {where}", where)
    row = replace(row, action=value["action"].strip().lower(), set_by=where,
                  **{k: value[k].strip() for k in ("category", "why", "source") if k in value})
    check_row(row, where)
    return row


def _country_name(code: str) -> str:
    import pycountry

    found = pycountry.countries.get(alpha_2=code)
    return getattr(found, "common_name", None) or getattr(found, "name", code)


def apply(rows: dict[str, Restriction], layer, where: str) -> dict[str, Restriction]:
    """``rows`` changed by one policy table (``replace``: start from none; ``[countries]``: rules)."""
    if not isinstance(layer, dict):
        raise BadInput(f"Policy {where}: expected a table with keys {', '.join(_POLICY_KEYS)}.")
    unknown = sorted(set(layer) - set(_POLICY_KEYS))
    if unknown:
        raise BadInput(f"Policy {where}: unknown key {', '.join(unknown)}; keys are {', '.join(_POLICY_KEYS)}.")
    if not isinstance(layer.get("replace", False), bool):
        raise BadInput(f"Policy {where}: replace is true or false.")
    countries = layer.get("countries", {})
    if not isinstance(countries, dict):
        raise BadInput(f"Policy {where}: countries is a table such as [countries] IR = \"avoid\".")
    out = {} if layer.get("replace", False) else dict(rows)
    for raw, value in countries.items():
        code = str(raw).strip().upper()
        out[code] = _rule(code, value, out.get(code) or rows.get(code), where)
    return out


def load(policy=None, allow_countries=()) -> Policy:
    """The effective policy: the table, then the default policy file, then ``policy`` (a table
    read from a file carries its ``path``), then ``allow_countries``.

    Without ``policy``, the answer is kept per value: the default file's path and its inode,
    size and modification time (one ``stat`` a request; its bytes' hash too while it is
    younger than 2 s), and ``allow_countries``. A long-running
    server thus reads an edited, new or removed policy file on its next request, as before, and
    parses it once per version instead of on every request. Its ``rows`` are shared: read them,
    never edit them."""
    found = _config_stat()
    if policy is None:
        return _kept_policy(found, frozenset(allow_countries))
    return _policy(found, policy, allow_countries)


@lru_cache(maxsize=32)
def _kept_policy(found, allow_countries: frozenset) -> Policy:
    """:func:`load` without a ``policy`` option, for the default file's version ``found``."""
    kept = _policy(found, None, sorted(allow_countries))
    return replace(kept, rows=MappingProxyType(kept.rows))


def _policy(found, policy, allow_countries) -> Policy:
    rows, files = dict(table()), []
    if found is not None:
        path = found[0]
        rows = apply(rows, _read_toml(Path(path)), path)
        files.append(path)
    if policy is not None:
        where = str(getattr(policy, "path", "") or "option policy")
        rows = apply(rows, policy, where)
        files.append(where)
    for code in allow_countries:
        if code in rows:
            rows[code] = replace(rows[code], action="allow", set_by="allow_countries")
    return Policy(rows, tuple(files))


def check(policy) -> None:
    """Raise :class:`BadInput` when a ``policy`` option (a table) is not a valid policy."""
    where = str(getattr(policy, "path", "") or "option policy")
    apply(table(), policy, where)


def avoided_by_default(policy: Policy, stop_countries, avoided: frozenset) -> frozenset:
    """Countries avoided for one request: the policy's, less the stops' own countries and those
    the caller already avoids (they need no note)."""
    return policy.avoided() - {c for c in stop_countries if c} - avoided


def countries_crossed(route) -> set[str]:
    """Countries a route sets foot in: its legs' end places and both sides of each border crossing."""
    out = {p.country for leg in route.legs for p in (leg.origin, leg.destination) if p.country}
    for crossing in route.border_crossings:
        out |= set(crossing.countries)
    return out


def risks(route, policy: Policy, stop_countries) -> list[dict]:
    """The ``restrictions.transit_risk`` entries: every policy country the route crosses, bar the stops'."""
    stops = {c for c in stop_countries if c}
    crossed = countries_crossed(route) - stops
    return [policy.rows[c].to_dict() for c in sorted(crossed & set(policy.rows))]


def risk_note(entry: dict) -> str:
    """One line for a crossed policy country that the route keeps (flagged, allowed, or unavoidable)."""
    how = {"flag": "flagged", "allow": f"allowed by {entry['set_by']}",
           "avoid": "avoided by default, but no route avoids it"}.get(entry["action"], entry["action"])
    return (f"crosses {entry['name']} ({entry['category']}; {how}): {entry['why']}; "
            f"source: {entry['source']}")


def summary(route, hit: frozenset, policy: frozenset, rows: dict[str, Restriction] | None = None) -> dict:
    """The ``restrictions.transit_policy`` entry: what was avoided, why, and the route it cost."""
    rows = rows or table()
    return {
        "avoided": sorted(policy),
        "crossed_without_policy": sorted(hit),
        "why": [{**rows[c].to_dict(), "why_avoided": rows[c].why} for c in sorted(hit)],
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
    why = "; ".join(dict.fromkeys(f"{r['category']} risk, {r['set_by']}" for r in entry["why"]))
    by = "by default" if all(r["set_by"] == TABLE for r in entry["why"]) else "by your policy"
    w = entry["route_without_policy"]
    return (f"transit through {names} avoided {by} ({why}); through it: {w['duration_days']:.1f} d, "
            f"{w['cost_usd']:,.0f} USD, {w['co2e_kg']:,.0f} kg CO2e, {w['distance_km']:,.0f} km; "
            f"add {entry['lift_with']} to take it")
