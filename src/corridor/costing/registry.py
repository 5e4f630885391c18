"""The costing module of every mode, registered in one place."""

from __future__ import annotations

from corridor.costing import air, ferry, rail, road, sea
from corridor.costing.base import ModeCosting
from corridor.errors import BadInput

COSTING: dict[str, ModeCosting] = {m.name: m for m in (sea, rail, road, ferry, air)}


def costing_for(mode: str) -> ModeCosting:
    """The costing module of ``mode`` (a name of :data:`corridor.modes.NAMES`)."""
    try:
        return COSTING[str(mode)]
    except KeyError:
        raise BadInput(f"No costing for mode {mode!r}; modes with a costing: {', '.join(COSTING)}.") from None
