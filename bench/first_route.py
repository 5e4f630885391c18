"""Issue #17's "import plus first route": a fresh interpreter, from before ``import corridor`` to
the first answer, for a route by UN/LOCODE, a route by place name, a multimodal route and a place
lookup; then the CLI's multimodal route as a whole process (start and exit included).

Run (network, hierarchies and the folded city-name index already in the cache folder)::

    python bench/first_route.py            # median of 5 fresh processes per row
    python bench/first_route.py --runs 9

It times whichever corridor the interpreter imports (``PYTHONPATH=src`` picks a checkout), so two
checkouts compare by running it for each, back to back. Never run in CI (it measures the machine).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

CALLS = {
    "route by LOCODE": "corridor.route('CNSHA', 'NLRTM')",
    "route by place name": "corridor.route('Baku', 'Rotterdam')",
    "multimodal route by place name": "corridor.route('Shanghai', 'Rotterdam', modes='sea,rail,road,ferry')",
    "places by name": "corridor.places('Baku')",
}
CLI = ["-m", "corridor", "route", "Shanghai", "Rotterdam", "--modes", "sea,rail,road,ferry"]


def fresh_process_s(call: str) -> float:
    """Seconds from before ``import corridor`` to the call's answer, in a new interpreter."""
    code = f"import time; t = time.perf_counter(); import corridor; {call}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], env=os.environ.copy(), check=True, capture_output=True,
                         text=True).stdout
    return float(out.split()[-1])


def whole_process_s(args: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of a whole new interpreter running ``args``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([sys.executable, *args], env=os.environ.copy(), check=True, capture_output=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    fresh_process_s(CALLS["route by place name"])  # builds whatever the cache lacks, untimed
    result = {name: round(statistics.median(fresh_process_s(call) for _ in range(args.runs)), 2)
              for name, call in CALLS.items()}
    cli = [whole_process_s(CLI) for _ in range(args.runs)]
    result["CLI multimodal route, whole process: wall"] = round(statistics.median(w for w, _ in cli), 2)
    result["the same, CPU"] = round(statistics.median(c for _, c in cli), 2)
    print(json.dumps({"seconds, median of fresh processes": result, "runs": args.runs,
                      "load average": os.getloadavg()[0]}, indent=1))


if __name__ == "__main__":
    main()
