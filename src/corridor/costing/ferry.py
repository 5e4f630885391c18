"""Ferry costing: published crossing time plus the wait for the next sailing."""

from __future__ import annotations

from corridor.costing import Assumption

WAIT = Assumption("wait for a ferry", 0.5, "of the interval between sailings",
                  "assumption: cargo arrives at a random time, so it waits half the interval on average")


def hours(row: dict) -> float:
    """Crossing time (the table's source) plus the expected wait."""
    interval = 168.0 / float(row["sailings_per_week"])
    return float(row["crossing_h"]) + WAIT.value * interval


def kmh_upper_bound(rows: list[dict]) -> float:
    """The fastest crossing speed, for the search's lower bound on time."""
    return max(float(r["distance_km"]) / float(r["crossing_h"]) for r in rows)
