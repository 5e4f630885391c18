"""Road costing: truck time including the rest that driving-time rules impose."""

from __future__ import annotations

from corridor.costing import Assumption

DRIVING_SPEED = Assumption("truck driving speed", 60.0, "km/h",
                           "assumption: average long-haul driving speed; no published figure found")
DRIVING_PER_DAY = Assumption("truck driving time per day", 9.0, "h/day",
                             "EU Regulation (EC) No 561/2006, Art. 6: daily driving time shall not exceed nine hours")


def kmh() -> float:
    """Average speed over whole days: nine hours of driving in every 24."""
    return DRIVING_SPEED.value * DRIVING_PER_DAY.value / 24.0
