"""The whole corridor.route call, before and after a change, alternating in fresh processes.

Three sets on the 50 major-port pairs of bench/speed.py (``choose_pairs``): sea by coordinates
(``modes=["sea"]``), all surface by coordinates (sea, rail, road, ferry) and 20 calls by
UN/LOCODE (CNSHA-NLRTM, SGSIN-USLAX, PECHY-CNSHA, DEHAM-USNYC and 16 of the pairs). Each call
is made once (``first``: what a new request costs) and then REPEATS times (bench/ch.py's
per-pair median; a repeated request finds what the planner keeps per network and value).
Figures: median and p90 over the pairs of the per-pair median, and the median first call, ms.

Run: ``CORRIDOR_BACKGROUND_BUILD=0 python bench/planner_ends.py --before-src <older checkout>/src``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SURFACE = ["sea", "rail", "road", "ferry"]
NAMED = [("CNSHA", "NLRTM"), ("SGSIN", "USLAX"), ("PECHY", "CNSHA"), ("DEHAM", "USNYC")]


def draw_pairs() -> list[dict]:
    """bench/speed.py's 50 pairs (drawing them routes each pair: done in a process of its own,
    so that the measuring processes start with nothing kept)."""
    sys.path.insert(0, str(HERE))
    from speed import choose_pairs

    from corridor.network import load_network

    return choose_pairs(load_network(progress=False))[0]


def measure(pairs: list[dict], repeats: int) -> dict:
    """This process's figures (its ``corridor`` is the one on PYTHONPATH)."""
    import corridor
    from corridor.network import load_network

    load_network(progress=False)
    codes = NAMED + [(p["code_a"], p["code_b"]) for p in pairs[:16]]
    sets = {"sea": [lambda p=p: corridor.route(tuple(p["a"]), tuple(p["b"]), modes=["sea"]) for p in pairs],
            "surface": [lambda p=p: corridor.route(tuple(p["a"]), tuple(p["b"]), modes=SURFACE) for p in pairs],
            "codes": [lambda a=a, b=b: corridor.route(a, b) for a, b in codes]}
    out = {}
    for name, calls in sets.items():
        per_pair, first = [], []
        for call in calls:
            t = time.perf_counter()
            call()
            first.append(1000 * (time.perf_counter() - t))
            times = []
            for _ in range(repeats):
                t = time.perf_counter()
                call()
                times.append(time.perf_counter() - t)
            per_pair.append(1000 * statistics.median(times))
        per_pair.sort()
        out[name] = {"median": statistics.median(per_pair), "p90": per_pair[int(0.9 * (len(per_pair) - 1))],
                     "first": statistics.median(first)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before-src", required=True, help="the src folder of the code to compare with")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--child", help=argparse.SUPPRESS)  # "pairs", or the pairs' JSON file to measure
    args = ap.parse_args()
    if args.child == "pairs":
        print(json.dumps(draw_pairs()))
        return
    if args.child:
        print(json.dumps(measure(json.loads(Path(args.child).read_text()), args.repeats)))
        return
    after_src = str(HERE.parent / "src")

    def child(src: str, what: str) -> str:
        env = dict(os.environ, PYTHONPATH=src, CORRIDOR_BACKGROUND_BUILD="0")
        cmd = [sys.executable, __file__, "--child", what, "--before-src", src, "--repeats", str(args.repeats)]
        return subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout.splitlines()[-1]

    with tempfile.TemporaryDirectory() as tmp:
        pairs_file = Path(tmp) / "pairs.json"
        pairs_file.write_text(child(after_src, "pairs"))
        runs: dict = {"before": [], "after": []}
        for _ in range(args.rounds):
            for label, src in (("before", args.before_src), ("after", after_src)):
                runs[label].append(json.loads(child(src, str(pairs_file))))
    print(f"load average {os.getloadavg()[0]:.1f}; ms, median of {args.rounds} rounds")
    print(f"{'set':<9}{'figure':<8}{'before':>10}{'after':>10}")
    for name in ("sea", "surface", "codes"):
        for figure in ("median", "p90", "first"):
            row = [statistics.median(r[name][figure] for r in runs[label]) for label in ("before", "after")]
            print(f"{name:<9}{figure:<8}{row[0]:>10.2f}{row[1]:>10.2f}")


if __name__ == "__main__":
    main()
