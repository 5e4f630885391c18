"""Costing parameters: the shipped defaults (``defaults.toml``) and user overrides.

Every figure is an :class:`~corridor.costing.Assumption` keyed by a dotted name
(``sea.rate.container``, ``dwell.port``...). A user TOML file may override any key with the
same nesting, either a bare number (its source becomes "user override (FILE)") or a table
``{value = ..., source = "..."}``. Parameters are immutable and hashable, so the per-edge
costs computed from them can be cached; changing one never needs a rebuild.

An entry's optional ``label`` says what the figure is in words (the answer's list of a route's
assumptions and the transfers it names use it); overrides keep it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from corridor.costing import Assumption
from corridor.errors import BadInput
from corridor.source_memo import remembered


def _flatten(table: dict, prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for k, v in table.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and "value" not in v:
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


class Params:
    """An immutable set of named assumptions."""

    def __init__(self, items: dict[str, Assumption], labels: dict[str, str] | None = None):
        self._items = dict(items)
        self._labels = dict(labels or {})
        self._key = tuple(sorted((k, a.value, a.source) for k, a in self._items.items()))
        self._hash = hash(self._key)  # once: every cache keyed by a profile hashes its parameters

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other) -> bool:
        return self is other or (isinstance(other, Params) and self._key == other._key)

    def __getitem__(self, key: str) -> Assumption:
        try:
            return self._items[key]
        except KeyError:
            raise BadInput(f"Unknown costing parameter {key!r}; known: {', '.join(sorted(self._items))}.") from None

    def __contains__(self, key: str) -> bool:
        return key in self._items

    def __iter__(self):
        return iter(self._items)

    def value(self, key: str) -> float:
        return self[key].value

    def label(self, key: str) -> str:
        """What the figure ``key`` is, in words (the key itself when defaults.toml gives no label)."""
        self[key]  # unknown keys fail here, with the list of known ones
        return self._labels.get(key, key)

    def labelled(self, key: str) -> Assumption:
        """The assumption ``key`` named by its label, for lists read by people."""
        a = self[key]
        return Assumption(self.label(key), a.value, a.unit, a.source)

    def keys(self):
        return self._items.keys()

    def override(self, table: dict, origin: str) -> "Params":
        """A copy with the values of ``table`` (nested like defaults.toml) replacing the defaults."""
        items = dict(self._items)
        for key, v in _flatten(table).items():
            if key not in items:
                raise BadInput(f"{origin}: unknown costing parameter {key!r}; known parameters are the keys of "
                               f"corridor/costing/defaults.toml, e.g. sea.rate.container, dwell.port.")
            old = items[key]
            if isinstance(v, dict):
                value, source = v.get("value"), str(v.get("source") or f"user override ({origin})")
            else:
                value, source = v, f"user override ({origin})"
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1e9:
                raise BadInput(f"{origin}: {key} must be a finite number from 0 to 1e9, not {value!r}.")
            items[key] = Assumption(old.name, float(value), old.unit, source)
        return Params(items, self._labels)


def _assumption(key: str, row: dict) -> Assumption:
    return Assumption(key, float(row["value"]), str(row["unit"]), str(row["source"]))


DEFAULTS_FILE = Path(__file__).with_name("defaults.toml")


def _parsed_defaults() -> dict:
    import tomllib  # only when the memo is missing: a route need not load the TOML parser

    return tomllib.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def defaults() -> Params:
    # parsed once per version of the file (corridor.source_memo): a new process reads JSON
    table = _flatten(remembered("costing-defaults", DEFAULTS_FILE, _parsed_defaults, lambda v: isinstance(v, dict)))
    return Params({k: _assumption(k, v) for k, v in table.items()},
                  {k: str(v["label"]) for k, v in table.items() if "label" in v})


def read_toml(path) -> dict:
    import tomllib

    p = Path(path)
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInput(f"File {p} not found.") from None
    except tomllib.TOMLDecodeError as e:
        raise BadInput(f"{p} is not valid TOML: {e}.") from None


def load(costs=None) -> Params:
    """Defaults overridden by ``costs``: a path to a TOML file, a dict, or None."""
    params = defaults()
    if costs is None:
        return params
    if isinstance(costs, Params):
        return costs
    if isinstance(costs, dict):
        return params.override(costs, "costs")
    return params.override(read_toml(costs), str(costs))
