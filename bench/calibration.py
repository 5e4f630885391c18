"""Calibration: corridor's time ranges against published operating times.

What it measures
    For each corridor of bench/data/published_times.csv (a published operating time, with its
    source and date; ``unit`` d or h), corridor's planning time and fast–slow range (``duration_h_range``), and
    whether the published figure lies inside the range. A published range counts by its
    midpoint. ``measure`` is ``route`` (door to door, every leg and transfer) or a mode name: the
    legs of that mode only (a published ferry crossing time is the sailing, not the terminals).
    A row that cannot be routed counts as outside.

How
    ``corridor.route(origin, destination, modes=...)`` with the row's modes and the default
    transit policy (Russia avoided), 1 TEU of containers.

Run (from the repository root):
    python bench/calibration.py
Writes bench/results/calibration.json with the same rows.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import corridor
from corridor.errors import CorridorError

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "published_times.csv"
OUT = HERE / "results" / "calibration.json"


def read_rows(path: Path = DATA) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def measured(route, measure: str) -> tuple[float, float, float]:
    """Planning, fast and slow days of the whole route or of its legs of one mode."""
    legs = route.legs if measure == "route" else [leg for leg in route.legs if leg.mode == measure]
    plan = sum(leg.duration_h for leg in legs)
    fast = sum(leg.time_range[0] for leg in legs)
    slow = sum(leg.time_range[1] for leg in legs)
    return plan / 24.0, fast / 24.0, slow / 24.0


def calibrate(row: dict) -> dict:
    """One row: the published figure, corridor's planning time and range, and whether it is inside."""
    per_day = {"d": 1.0, "h": 24.0}[row["unit"]]
    low, high = float(row["low"]) / per_day, float(row["high"]) / per_day
    published = round((low + high) / 2.0, 2)
    out = {"id": row["id"], "modes": row["modes"], "published_days": [round(low, 2), round(high, 2)],
           "source": row["source"]}
    try:
        route = corridor.route(row["origin"], row["destination"], modes=row["modes"].split(","))
    except CorridorError as e:
        return dict(out, error=str(e), inside=False)
    plan, fast, slow = measured(route, row["measure"])
    fast, slow = round(fast, 2), round(slow, 2)  # compared as printed: a bound equal to the figure holds it
    return dict(out, planning_days=round(plan, 2), range_days=[fast, slow], inside=fast <= published <= slow)


def _days(low: float, high: float) -> str:
    return f"{low:g}" if low == high else f"{low:g}–{high:g}"


def main() -> None:
    results = [calibrate(row) for row in read_rows()]
    print(f"{'corridor':<22} {'modes':<11} {'published d':>11} {'planning d':>10} {'range d':>12}  inside")
    for r in results:
        if "error" in r:
            print(f"{r['id']:<22} {r['modes']:<11} {_days(*r['published_days']):>11} {'no route':>10}")
            continue
        fast, slow = r["range_days"]
        print(f"{r['id']:<22} {r['modes']:<11} {_days(*r['published_days']):>11} {r['planning_days']:>10.1f} "
              f"{fast:>5.1f}–{slow:<6.1f}  {'yes' if r['inside'] else 'NO'}")
    inside = sum(r["inside"] for r in results)
    print(f"inside the range: {inside} of {len(results)}")
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps({"rows": results, "inside": inside, "total": len(results)}, indent=1) + "\n",
                   encoding="utf-8")


if __name__ == "__main__":
    main()
