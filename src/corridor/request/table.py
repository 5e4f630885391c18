"""``TableRequest`` and ``ReportRequest``: the table's and the country-pair report's options,
declared once (sharing the route's declarations where the option is the same)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from corridor.errors import BadInput
from corridor.mode_options import AVAILABLE_MODES
from corridor.request.options import Option
from corridor.request.route import ROUTE, RouteRequest
from corridor.request.service import Service

MAX_TABLE_PLACES = 10_000  # per side; the server's max_table_cells caps the product further

TABLE = Service("table", (
    Option("origins", "places", "places the rows start from", max_items=MAX_TABLE_PLACES),
    Option("destinations", "places", "places the columns end at (default: the origins)",
           max_items=MAX_TABLE_PLACES),
    # route's modes, with the table's own default (sea: tables made before it existed stay the same)
    replace(ROUTE["modes"], default=("sea",), help="modes to use (default: sea); with rail, road or ferry, "
            "each cell is the surface search's time and km (README: Tables of many routes)"),
    ROUTE["avoid"], ROUTE["allow"], ROUTE["vessel"], ROUTE["speed_kn"],
))

REPORT = Service("report", (
    Option("origin", "text", "origin country (ISO code such as PE, or name)", http="from"),
    Option("destination", "text", "destination country (ISO code such as AZ, or name)", http="to"),
    ROUTE["cargo"], ROUTE["teu"], ROUTE["tonnes"],
    Option("whatif", "flag", "add the what-if section (--no-whatif skips it: faster)", default=True,
           cli="--no-whatif"),
))


@dataclass(frozen=True)
class TableRequest:
    """A checked table request (distance and time between many places, by sea by default)."""

    origins: tuple
    destinations: tuple | None = None
    modes: tuple[str, ...] = ("sea",)
    avoid: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    vessel: str = "seagoing"
    speed_kn: float | None = None

    @classmethod
    def make(cls, **options: Any) -> "TableRequest":
        req = cls(**TABLE.check(options))
        if not req.modes:  # as a route says it
            raise BadInput(f"No mode given; available modes: {', '.join(AVAILABLE_MODES)}.")
        if "air" in req.modes:  # flights are priced per consignment by the planner, not on the table's graph
            raise BadInput(f"Option modes (`{TABLE['modes'].flag}`): air is not available in tables; give "
                           "surface modes (sea, rail, road, ferry), or route each pair by air with corridor route.")
        return req

    @property
    def multimodal(self) -> bool:
        """Whether the cells come from the surface search (any mode but sea alone)."""
        return self.modes != ("sea",)


@dataclass(frozen=True)
class ReportRequest:
    """A checked country-pair report request."""

    origin: str
    destination: str
    cargo: str | None = None
    teu: float | None = None
    tonnes: float | None = None
    whatif: bool = True

    @classmethod
    def make(cls, **options: Any) -> "ReportRequest":
        req = cls(**REPORT.check(options))
        for name in ("origin", "destination"):  # declared as text with no default: say so, not fail later
            if not getattr(req, name):
                raise BadInput(f"Option {name} (`{REPORT[name].flag}`) is missing: give the {REPORT[name].help}.")
        RouteRequest.make(origin=req.origin or "-", destination=req.destination or "-", cargo=req.cargo,
                          teu=req.teu, tonnes=req.tonnes)  # the cargo options hold together as in a route
        return req
