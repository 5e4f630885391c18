"""Where the seconds of "import plus first route" go (issue #17), in one fresh interpreter.

Run (network, hierarchies and hub labels already in the cache folder)::

    python bench/startup_breakdown.py                  # CNSHA -> NLRTM
    python bench/startup_breakdown.py --runs 5         # median of 5 fresh processes per phase
    python bench/startup_breakdown.py --modes sea,rail,road,ferry Shanghai Rotterdam   # multimodal

Each phase is timed (wall and process CPU time) by wrapping the function that does it, where the
engine calls it; phases nest (the first route's time contains the others below it), so the
rows do not add up. It times whichever corridor the interpreter imports (``PYTHONPATH=src``
picks a checkout), so two checkouts compare by running it for each. Never run in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

CHILD = r"""
import sys, time, json
T, C = {}, {}
t0, c0 = time.perf_counter(), time.process_time()
import corridor
T["import corridor"], C["import corridor"] = time.perf_counter() - t0, time.process_time() - c0

def wrap(module, name, label):
    f = getattr(module, name)
    def timed(*a, **k):
        t, c = time.perf_counter(), time.process_time()
        try:
            return f(*a, **k)
        finally:
            T[label] = T.get(label, 0.0) + time.perf_counter() - t
            C[label] = C.get(label, 0.0) + time.process_time() - c
    setattr(module, name, timed)

t, c = time.perf_counter(), time.process_time()
import corridor.whatif
T["import corridor.whatif (the route's imports)"] = time.perf_counter() - t
C["import corridor.whatif (the route's imports)"] = time.process_time() - c
import corridor.engine.search as es, corridor.engine.hierarchies as eh, corridor.hub_labels as hl
import corridor.planner as pl, corridor.engine.restrictions as er, corridor.engine.access as ea
import corridor.costing.profile as cp, corridor.jit as jit
wrap(pl, "load_network", "load_network")
wrap(pl, "resolve", "places.resolve (both ends)")
wrap(pl, "access", "access (both ends)")
wrap(ea, "_land_nodes", "  nearest rail and road nodes")
wrap(er.Ctx, "weight", "Ctx.weight (edge weights)")
wrap(cp, "edge_weights", "  the profile's weights")
wrap(er, "_closed_weight", "  closed borders")
wrap(es, "cached_hierarchy", "cached_hierarchy (hash, load, check)")
wrap(eh, "load_hierarchy", "  load_hierarchy")
wrap(eh.Labels, "load", "  Labels.load")
wrap(eh, "check_labels", "  check_labels")
wrap(es, "ch_shortest_path", "CH or hub-label search (numba load included)")
wrap(jit, "load_numba", "  numba import and kernels' dispatchers")
t, c = time.perf_counter(), time.process_time()
corridor.route(*sys.argv[1:3], **({"modes": sys.argv[3]} if sys.argv[3:] else {}))
T["first corridor.route"], C["first corridor.route"] = time.perf_counter() - t, time.process_time() - c
T["TOTAL import + first route"] = time.perf_counter() - t0
C["TOTAL import + first route"] = time.process_time() - c0
t, c = time.perf_counter(), time.process_time()
corridor.route(*sys.argv[1:3], **({"modes": sys.argv[3]} if sys.argv[3:] else {}))
T["second corridor.route (same pair)"] = time.perf_counter() - t
C["second corridor.route (same pair)"] = time.process_time() - c
print(json.dumps({"wall": T, "cpu": C}))
"""


def one_run(a: str, b: str, modes: str | None) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, a, b, *([modes] if modes else [])], env=os.environ.copy(), check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--modes", help="the route's modes, e.g. sea,rail,road,ferry (default: the route's own)")
    parser.add_argument("pair", nargs="*", default=["CNSHA", "NLRTM"], metavar="FROM TO")
    args = parser.parse_args()
    if len(args.pair) != 2:
        parser.error(f"give two places, FROM and TO (or none: CNSHA NLRTM), not {len(args.pair)}")
    runs = [one_run(*args.pair, args.modes) for _ in range(args.runs)]
    print(f"load average {os.getloadavg()[0]:.2f}; median of {args.runs} fresh processes, seconds "
          "(wall, and CPU time of the process: less sensitive to a busy machine)")
    print("    wall      cpu")
    for name in runs[0]["wall"]:
        wall, cpu = (statistics.median(r[k].get(name, 0.0) for r in runs) for k in ("wall", "cpu"))
        print(f"{wall:8.3f} {cpu:8.3f}  {name}")


if __name__ == "__main__":
    main()
