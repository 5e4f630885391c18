"""Rail costing: time at a network-wide service speed in km per day."""

from __future__ import annotations

from corridor.costing import Assumption

SPEED = Assumption(
    "rail service speed", 800.0, "km/day",
    "Kazakhstan rail container service speed rose 'from 800km/day to 1,500km/day' after the "
    "Dostyk-Moyinty second track (en.inform.kz); the lower figure is used network-wide",
)


def kmh() -> float:
    return SPEED.value / 24.0
