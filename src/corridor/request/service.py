"""A service's options as one declaration, and the front ends built from it: argparse
arguments, the HTTP query parameters (with their ranges, so the OpenAPI document shows them)
and a JSON description for the web page."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from corridor.errors import BadInput
from corridor.request.options import Option

if TYPE_CHECKING:  # the CLI imports argparse; a Python or HTTP request need not (issue #17)
    import argparse


@dataclass(frozen=True)
class Service:
    """The options of one service (route, table, report), in the order they are shown."""

    name: str
    options: tuple[Option, ...]

    def __getitem__(self, name: str) -> Option:
        for opt in self.options:
            if opt.name == name:
                return opt
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.options)

    def check(self, given: dict[str, Any]) -> dict[str, Any]:
        """Every option of ``given`` checked (defaults for the rest); unknown names refused."""
        known = self.names
        unknown = [k for k in given if k not in known]
        if unknown:
            raise BadInput(f"Unknown option {unknown[0]!r} for {self.name}; known options: "
                           f"{', '.join(known)}.")
        return {opt.name: opt.check(given.get(opt.name)) for opt in self.options}

    # --- the command line ---
    def add_arguments(self, parser: argparse.ArgumentParser, *, skip: tuple[str, ...] = ()) -> None:
        """One argparse argument per option (but those in ``skip``, which the command takes in
        its own form, e.g. a table's places as CSV files); values stay raw text (None when not
        given), so :meth:`check` is the only place that reads them."""
        for opt in self.options:
            if opt.name in skip:
                continue
            text = f"{opt.help}{f' [{opt.unit}]' if opt.unit else ''}"
            if opt.cli is None:
                parser.add_argument(opt.name, help=text)
            elif opt.kind == "flag":  # a flag on by default is turned off by its option (--no-whatif)
                action = "store_false" if opt.default else "store_true"
                parser.add_argument(opt.cli, dest=opt.name, action=action, default=None, help=text)
            elif opt.kind == "places":
                parser.add_argument(opt.cli, dest=opt.name, action="append", metavar="PLACE", help=text)
            else:
                parser.add_argument(opt.cli, dest=opt.name, metavar=_metavar(opt), help=text)

    def from_args(self, args: argparse.Namespace, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
        """The raw options an argparse namespace holds (those the user gave), but ``skip``."""
        return {opt.name: getattr(args, opt.name) for opt in self.options
                if opt.name not in skip and getattr(args, opt.name, None) is not None}

    # --- HTTP ---
    def query_parameters(self, *, skip: tuple[str, ...] = ()) -> list[inspect.Parameter]:
        """FastAPI query parameters, typed and ranged as declared (names as in ``Option.http``)."""
        from fastapi import Query

        out = []
        for opt in self.options:
            if opt.name in skip or opt.kind == "table":
                continue  # tables are files on this machine: not for a remote caller
            kw: dict[str, Any] = {"description": opt.help + (f" [{opt.unit}]" if opt.unit else ""),
                                  "alias": opt.query}
            if opt.kind in ("number", "integer"):
                kw.update({("gt" if opt.low_open else "ge"): opt.low} if opt.low is not None else {})
                kw.update({"le": opt.high} if opt.high is not None else {})
            annotation, default = _http_type(opt)
            if opt.kind == "place":
                out.append(inspect.Parameter(opt.name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation,
                                             default=Query(**kw, max_length=200)))
                continue
            out.append(inspect.Parameter(opt.name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation,
                                         default=Query(default, **kw)))
        return out

    def from_query(self, values: dict[str, Any]) -> dict[str, Any]:
        """Raw options from parsed query values: empty lists and absent values dropped; repeated
        list parameters joined (each may itself be comma-separated)."""
        out = {}
        for name, value in values.items():
            if value is None or value == []:
                continue
            opt = self[name]
            if opt.kind == "list" and isinstance(value, list):
                value = ",".join(value)
            out[name] = value
        return out

    def describe(self) -> list[dict[str, Any]]:
        """The declaration as JSON (for the web page's form and for clients)."""
        return [{"name": o.name, "query": o.query, "flag": o.cli, "kind": o.kind, "help": o.help,
                 "default": list(o.default) if isinstance(o.default, tuple) else o.default,
                 "unit": o.unit or None, "min": o.low, "min_exclusive": o.low_open, "max": o.high,
                 "choices": list(o.choices) or None, "allowed": o.allowed()} for o in self.options]


def _metavar(opt: Option) -> str:
    return {"number": opt.unit.upper() or "N", "integer": "N", "list": "LIST", "table": "FILE",
            "choice": opt.name.upper()}.get(opt.kind, opt.name.upper())


def _http_type(opt: Option) -> tuple[Any, Any]:
    if opt.kind in ("places", "list"):
        return list[str], []
    if opt.kind == "number":
        return float | None, None
    if opt.kind == "integer":
        return int | None, None
    if opt.kind == "flag":
        return bool | None, None
    return str | None, None
