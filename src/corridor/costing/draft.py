"""Draught checks: the vessel class's design draught against its ports and passages.

The class's draught is ``vessel.draft.<class>`` and a passage's limit ``sea.max_draft.<passage>``
in ``defaults.toml`` (each with its source); a port's is its authority's or the World Port
Index's (:mod:`corridor.data.port_drafts`). A class without a draught figure (feeder, ULCV,
general cargo ships) is not checked, nor a port without one.
"""

from __future__ import annotations

from corridor.costing import Assumption
from corridor.data import passages as P
from corridor.data.port_drafts import max_draft

PASSAGE_PREFIX = "sea.max_draft."


def class_draft(cargo, params) -> Assumption | None:
    """The design draught of the cargo's vessel class, or None when defaults.toml has none."""
    key = f"vessel.draft.{cargo.vclass}"
    if key not in params:
        return None
    return params[key]


def _label(cargo) -> str:
    return cargo.vclass.capitalize() if cargo.vclass != "ulcv" else "ULCV"


def closed_passages(cargo, params) -> dict[str, str]:
    """Passages the class may not use, and why: the class's own list (cargo.CLASSES) and every
    passage shallower than its draught, with both figures."""
    out = dict(cargo.closed_passages())
    draft = class_draft(cargo, params)
    if draft is None:
        return out
    for key in (k for k in params if k.startswith(PASSAGE_PREFIX)):
        limit = params[key]
        passage = key[len(PASSAGE_PREFIX):]
        if draft.value > limit.value:
            out[passage] = (f"{_label(cargo)} draught {draft.value:g} m > {P.BY_KEY[passage].name} "
                            f"{limit.value:g} m ({limit.source})")
    return out


def port_refusal(cargo, params, place) -> str | None:
    """Why the class cannot call at ``place`` (a port), or None when it can or nothing says."""
    draft = class_draft(cargo, params)
    if draft is None or place.kind not in ("port", "terminal") or not place.code:  # a terminal with a code is a port
        return None
    port = max_draft(place.code, place.lon, place.lat)
    if port is None or port.max_draft_m >= draft.value:
        return None
    return (f"{_label(cargo)} draught {draft.value:g} m > {place.label} max {port.max_draft_m:g} m "
            f"({port.source})")


def shallow_calls(route, cargo, params, keep: frozenset = frozenset()) -> dict[str, str]:
    """Ports where the route's sea legs call though they are too shallow for the class
    (code -> why), leaving out the codes in ``keep`` (the caller's own stops)."""
    out = {}
    for leg in route.legs:
        if leg.mode != "sea":
            continue
        for place in (leg.origin, leg.destination):
            why = port_refusal(cargo, params, place) if place.code not in keep else None
            if why:
                out[place.code] = why
    return out
