"""Name the assumption behind each figure of each leg of a route (the leg's ``basis``).

Driven by the registry: a leg of a mode gets the parameters its costing names
(:func:`~corridor.costing.base.ModeCosting.basis`), a transfer those of its kind. Sea adds its
canals and ferry the published crossing time, which are theirs alone.
"""

from __future__ import annotations

from functools import lru_cache

from corridor.costing import Assumption, air, sea, transfer
from corridor.costing.registry import costing_for
from corridor.data import borders as border_table


def _keys(mode: str, kind, cargo, params) -> dict[str, list[str]]:
    if mode != "transfer":
        return costing_for(mode).basis(cargo, params)
    if kind in air.TRANSFER_KINDS:
        return air.transfer_basis(cargo)
    return transfer.basis(kind, cargo) if kind in transfer.KEYS else {}


@lru_cache(maxsize=1024)
def _basis(mode: str, kind, passages: tuple[str, ...], cargo, params) -> tuple:
    """(figure, assumptions) of a leg by its mode, kind and (sea) passages: a function of these
    values and the request's parameters, kept per value (each route's legs ask it again)."""
    keys = _keys(mode, kind, cargo, params)
    for passage in passages:
        _, _, extra = sea.canal(passage, cargo, params)
        if extra:
            keys["duration_h"] = keys["duration_h"] + extra[:1]
            keys["cost_usd"] = keys["cost_usd"] + extra[1:]
    return tuple((figure, tuple(params[k] for k in ks)) for figure, ks in keys.items())


def annotate(legs, profile) -> None:
    """Set ``basis`` (figure -> assumptions) on every leg, with the request's parameters."""
    params, cargo = profile.in_force, profile.cargo
    for leg in legs:
        passages = tuple(leg.passages) if leg.mode == "sea" else ()
        leg.basis = {figure: list(basis) for figure, basis in _basis(leg.mode, leg.kind, passages, cargo, params)}
        if leg.border is not None:
            _border_row(leg)
        if leg.mode == "ferry":
            leg.basis["duration_h"].insert(0, Assumption(
                "ferry crossing time and wait", round(leg.duration_h, 1), "h",
                "published crossing time and sailings per week of the service (curated/ferries.csv)"))


def _border_row(leg) -> None:
    """A border leg whose crossing has a row in the border table: the row's wait (when it sets
    one) is the leg's, and the row, with its source, is named in ``basis``."""
    row = border_table.row_for(leg.border.countries, transfer.border_mode(leg.kind), leg.origin.lon,
                               leg.origin.lat)
    if row is None:
        return
    source = f"{row.source} ({row.date})"
    if row.wait_typical_h is not None and leg.kind != "open border":
        a = transfer.table_wait(row)
        leg.assumption = a.name
        leg.basis["duration_h"] = [a]
    else:
        high = "; published high wait (not used as the wait)" if row.wait_high_h is not None else ""
        leg.basis["border"] = [Assumption(f"{row.label}: {row.status}{high}", row.wait_high_h,
                                          "h" if high else "", f"{row.note}; {source}")]
