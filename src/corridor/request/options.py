"""One declared option: its type, default, allowed range or set, unit and help, and the one
check that turns a raw value (from Python, argv, an HTTP query or body, a stored report) into
a typed value or a :class:`~corridor.errors.BadInput` naming the option, the value and what is
allowed.

Every front end is built from these declarations (the CLI's argparse, the HTTP query and body
schemas, the web page's form), so they accept the same options with the same ranges.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any, Callable

from corridor.errors import BadInput

MAX_TEXT = 200  # longest place name or option text worth searching for (longest port name: about 60)
MAX_ITEMS = 50  # longest list an option may hold (vias, passages, countries, ports)

# A value's kind decides how every front end carries it: argparse, HTTP query type, web form.
KINDS = ("place", "places", "number", "integer", "flag", "choice", "list", "text", "weights", "table")


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True)
class Option:
    """One option of one service.

    Parameters
    ----------
    name
        The Python keyword (``speed_kn``).
    kind
        One of :data:`KINDS`.
    help
        One line for ``--help``, the OpenAPI document and the web form.
    default
        The value when the option is not given (None: the planner's own default, named in ``help``).
    unit
        Unit of a number (``kn``, ``TEU``).
    low, high
        Range of a number; ``low_open`` makes ``low`` itself not allowed (a positive quantity).
    choices
        Allowed values of a choice or of a list's items, canonical spelling.
    aliases
        Other spellings accepted for a choice or list item, mapped to canonical values.
    item
        For lists whose items are checked by code (passages, countries): raw item -> canonical item.
    cli
        The command-line flag (``--speed``); None for a positional argument.
    http
        The HTTP query parameter name (``speed``, ``from``).
    max_items
        Most items a list may hold.
    """

    name: str
    kind: str
    help: str
    default: Any = None
    unit: str = ""
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    choices: tuple[str, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()
    item: Callable[[str], str] | None = None
    cli: str | None = None
    http: str | None = None
    max_items: int = MAX_ITEMS

    @property
    def flag(self) -> str:
        return self.cli or self.name

    @property
    def query(self) -> str:
        return self.http or self.name

    def allowed(self) -> str:
        """What is allowed, in words, for messages and help."""
        if self.kind in ("number", "integer"):
            low = "" if self.low is None else f"{'more than' if self.low_open else 'from'} {self.low:g}"
            high = "" if self.high is None else f"{'to' if low else 'at most'} {self.high:g}"
            unit = f" {self.unit}" if self.unit else ""
            whole = "a whole number" if self.kind == "integer" else "a number"
            return f"{whole} {low} {high}{unit}".replace("  ", " ").strip()
        if self.choices:
            return "one of " + ", ".join(self.choices) if self.kind == "choice" else \
                f"a comma-separated list of {', '.join(self.choices)}"
        return {"place": "a place: UN/LOCODE, port or city name, ISO country code or name, 'lat,lon' or (lat, lon)",
                "places": f"up to {self.max_items} places",
                "flag": "true or false",
                "list": f"a comma-separated list of up to {self.max_items} items",
                "text": f"text of at most {MAX_TEXT} characters",
                "weights": "a name or a mix such as time=1,co2=1 (or a dict of weights)",
                "table": "a TOML file path or a table (dict)"}.get(self.kind, self.kind)

    def bad(self, value: Any, why: str = "") -> BadInput:
        return BadInput(f"Option {self.name} (`{self.flag}`): {_shown(value)} is not allowed"
                        f"{': ' + why if why else ''}; give {self.allowed()}.")

    def check(self, value: Any) -> Any:
        """``value`` as this option's typed value (None stays None: not given)."""
        if value is None:
            return self.default
        return _CHECKS[self.kind](self, value)


def _text(opt: Option, value: Any) -> str:
    if not isinstance(value, str):
        raise opt.bad(value, f"expected text, got {type(value).__name__}")
    if len(value) > MAX_TEXT:
        raise opt.bad(value, f"too long: {len(value):,} characters, more than {MAX_TEXT}")
    if "\x00" in value or any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        raise opt.bad(value, "it holds a NUL or an unpaired surrogate")
    return value.strip()


def _real(opt: Option, value: Any) -> float:
    if isinstance(value, bool):
        raise opt.bad(value, "a flag is not a number")
    if isinstance(value, str):
        text = _text(opt, value)
        try:
            value = float(text)
        except ValueError:
            raise opt.bad(value, "not a number") from None
    if not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
        raise opt.bad(value, f"expected a number, got {type(value).__name__}")
    try:
        number = float(value)
    except (OverflowError, ValueError, TypeError):
        raise opt.bad(value, "not a finite number") from None
    if not math.isfinite(number):
        raise opt.bad(value, "not a finite number")
    if opt.low is not None and (number < opt.low or (opt.low_open and number == opt.low)):
        raise opt.bad(value, "too small")
    if opt.high is not None and number > opt.high:
        raise opt.bad(value, "too large")
    return number


def _number(opt: Option, value: Any) -> float:
    return _real(opt, value)


def _integer(opt: Option, value: Any) -> int:
    number = _real(opt, value)
    if number != int(number):
        raise opt.bad(value, "not a whole number")
    return int(number)


def _flag(opt: Option, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "1", "yes", "on", "false", "0", "no", "off"):
        return value.strip().lower() in ("true", "1", "yes", "on")
    raise opt.bad(value)


def _canonical(opt: Option, raw: Any) -> str:
    text = _text(opt, raw) if isinstance(raw, str) else None
    if text is None:
        raise opt.bad(raw, f"expected text, got {type(raw).__name__}")
    if opt.item is not None:
        try:
            return opt.item(text)
        except BadInput as e:
            raise BadInput(f"Option {opt.name} (`{opt.flag}`): {e}") from None
    key = text.lower()
    key = dict(opt.aliases).get(key, key)
    if key not in opt.choices:
        raise opt.bad(raw)
    return key


def _choice(opt: Option, value: Any) -> str:
    return _canonical(opt, value)


def _items(opt: Option, value: Any) -> list:
    """A comma-separated string or an iterable of strings as a list of raw items."""
    if isinstance(value, str):
        if len(value) > MAX_TEXT * opt.max_items:  # refused before it is split
            raise opt.bad(value, f"{len(value):,} characters")
        items = [p for p in value.split(",") if p.strip()]
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
    else:
        raise opt.bad(value, f"expected a list or comma-separated text, got {type(value).__name__}")
    if len(items) > opt.max_items:
        raise opt.bad(f"{len(items)} items", f"at most {opt.max_items}")
    return items


def _list(opt: Option, value: Any) -> tuple[str, ...]:
    out: list[str] = []
    for raw in _items(opt, value):
        item = _canonical(opt, raw)
        if item and item not in out:
            out.append(item)
    return tuple(out)


def _coordinate_pair(opt: Option, value: Any) -> tuple[float, float]:
    lat_opt = Option(f"{opt.name} latitude", "number", opt.help, unit="degrees", low=-90, high=90, cli=opt.cli)
    lon_opt = Option(f"{opt.name} longitude", "number", opt.help, unit="degrees", low=-180, high=180, cli=opt.cli)
    return _real(lat_opt, value[0]), _real(lon_opt, value[1])


def _place(opt: Option, value: Any) -> Any:
    from corridor.places import Place

    if isinstance(value, Place):
        return value
    if isinstance(value, str):
        text = _text(opt, value)
        if not text:
            raise opt.bad(value, "empty")
        return text
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return _coordinate_pair(opt, value)
    raise opt.bad(value, f"expected a name or a (lat, lon) pair, got {type(value).__name__}")


def _places(opt: Option, value: Any) -> tuple:
    from corridor.places import Place

    one = isinstance(value, (str, Place)) or (
        isinstance(value, (tuple, list)) and len(value) == 2 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value))
    items = [value] if one else value
    if not isinstance(items, (list, tuple)):
        raise opt.bad(value, f"expected a place or a list of places, got {type(value).__name__}")
    if len(items) > opt.max_items:
        raise opt.bad(f"{len(items)} places", f"at most {opt.max_items}")
    return tuple(_place(opt, v) for v in items)


def _weights(opt: Option, value: Any) -> Any:
    """Text or a dict of named weights, checked for content where it is parsed (the objective)."""
    if isinstance(value, dict):
        if len(value) > opt.max_items:
            raise opt.bad(f"{len(value)} items", f"at most {opt.max_items}")
        return {_text(opt, k) if isinstance(k, str) else k: v for k, v in value.items()}
    return _text(opt, value)


class TableFile(dict):
    """A table read from a TOML file; ``path`` lets an answer name the file it used."""

    def __init__(self, data: dict, path: str):
        super().__init__(data)
        self.path = path


def _table(opt: Option, value: Any) -> Any:
    """A TOML table: a dict as given, or a file read here (missing, folder, binary, not UTF-8,
    not TOML: each its own message)."""
    import tomllib
    from pathlib import Path

    from corridor.costing.params import Params
    from corridor.scenario import Scenario

    if isinstance(value, (dict, Params, Scenario)):  # already read (a caller's table, a derived request)
        return value
    if not isinstance(value, (str, os.PathLike)):
        raise opt.bad(value, f"expected a file path or a table, got {type(value).__name__}")
    text = _text(opt, value) if isinstance(value, str) else str(value)
    if not text:
        raise opt.bad(value, "empty file name")
    path = Path(text)
    try:
        if path.is_dir():
            raise opt.bad(value, "it is a folder")
        data = path.read_bytes()
    except FileNotFoundError:
        raise opt.bad(value, "no such file") from None
    except OSError as e:  # unreadable, a name too long for the file system, ...
        raise opt.bad(value, f"cannot be read ({e.strerror})") from None
    if b"\x00" in data:
        raise opt.bad(value, "a binary file, not TOML")
    try:
        return TableFile(tomllib.loads(data.decode("utf-8")), path=str(path))
    except UnicodeDecodeError:
        raise opt.bad(value, "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as e:
        raise opt.bad(value, f"not valid TOML ({e})") from None


_CHECKS: dict[str, Callable[[Option, Any], Any]] = {
    "place": _place, "places": _places, "number": _number, "integer": _integer, "flag": _flag,
    "choice": _choice, "list": _list, "text": _text, "weights": _weights, "table": _table,
}
