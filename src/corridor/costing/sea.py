"""Sea costing: sailing time at a stated speed (money and CO2e arrive with the costing issue)."""

from __future__ import annotations

from corridor.costing import Assumption
from corridor.errors import BadInput

DEFAULT_SPEED = Assumption(
    "sea speed", 16.0, "kn",
    "planning cruising speed of a containership, 'containership cruising speed of 16 knots' "
    "(porteconomicsmanagement.org); Clarksons fleet average was 13.7-13.9 kn in 2023 (splash247.com)",
)


def speed(speed_kn: float | None) -> Assumption:
    """The speed assumption for a call: the default, or the caller's own figure."""
    if speed_kn is None:
        return DEFAULT_SPEED
    if not 1.0 <= float(speed_kn) <= 40.0:
        raise BadInput(f"Sea speed {speed_kn} kn is not plausible: give 1-40 knots.")
    return Assumption("sea speed", float(speed_kn), "kn", "given by the user")
