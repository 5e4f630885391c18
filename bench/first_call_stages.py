"""Where a new request's time goes, stage by stage, before and after a change (issue #17).

A *first call* is a request not asked before in the process: every request here runs after
``planner.forget_kept_legs()``, so it searches, builds its legs and sails its liner hops
again (the liner's hub hops, kept across requests otherwise, are forgotten too: a harsher
figure than bench/sea_call.py's first calls). Requests: ``sea``, bench/sea_call.py's (the 50
major-port pairs by sea and the 300 random requests of bench/random_ports.py, seed 17);
``multimodal``, bench/multimodal_call.py's (the 50 pairs by sea, rail, road and ferry);
``any-surface``, bench/any_surface.py's (those 50 pairs with each non-default option), with a
second table for the slowest tenth of the requests (by CPU time): where issue #17's p90 is. Each
version runs in its own process (``--before-src`` gives the other checkout's ``src``), warmed
as a server worker is, the processes alternating over ``--rounds``. Each stage is the time
spent inside the function (its outermost call only), per request, summed over the requests;
printed per version: the lowest over the rounds, and the requests' median wall and CPU time.

Run: ``CORRIDOR_BACKGROUND_BUILD=0 python bench/first_call_stages.py sea --before-src /work/main/src``
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SURFACE = ["sea", "rail", "road", "ferry"]
# label, module, attribute: wrapped where the module has it (the two versions may differ)
STAGES = (
    ("search", "corridor.planner", "_search"),
    ("legs from path", "corridor.air.legs", "legs_from_path"),
    ("  of it densify", "corridor.directions", "densify"),
    ("  of it the path's arrays", "corridor.directions._Path", "__init__"),
    ("  of it antimeridian split", "corridor.directions", "split_antimeridian"),
    ("  of it antimeridian split", "corridor.directions", "antimeridian_parts"),
    ("liner (liner.apply)", "corridor.planner.liner", "apply"),
    ("  of it hub matching (assumed_hubs)", "corridor.liner", "assumed_hubs"),
    ("keeping legs (planner._kept)", "corridor.planner", "_kept"),
    ("answering legs (planner._fresh)", "corridor.planner", "_fresh"),
    ("keeping a sea answer (planner._kept_route)", "corridor.planner", "_kept_route"),
    ("copying a kept answer out (planner._answer_of)", "corridor.planner", "_answer_of"),
    ("costing (annotate)", "corridor.planner", "annotate"),
    ("ranges (set_ranges)", "corridor.planner", "set_ranges"),
    ("answers' geometry as lists (planner._listed)", "corridor.planner", "_listed"),
    ("border notes", "corridor.planner", "_border_notes"),
    ("transit policy: the route avoiding it (after the free one)", "corridor.planner", "_apply_transit_policy"),
)
GC = "garbage collection (gc.callbacks)"


def _requests(kind: str) -> list:
    sys.path.insert(0, str(HERE))
    from random_ports import draw_requests
    from speed import choose_pairs

    from corridor.network import load_network

    pairs = [[p["a"], p["b"]] for p in choose_pairs(load_network(progress=False))[0]]
    if kind == "multimodal":
        return [[a, b, {"modes": SURFACE}] for a, b in pairs]
    if kind == "any-surface":
        from any_surface import NON_DEFAULT

        return [[a, b, {"modes": SURFACE, **options}] for options in NON_DEFAULT for a, b in pairs]
    return [[a, b, {"modes": "sea"}] for a, b in pairs] + [[q["origin"], q["destination"], {}]
                                                           for q in draw_requests(300, 17)]


def _wrap(owner, name: str, label: str, spent: dict, inside: set) -> None:
    f = getattr(owner, name)

    @functools.wraps(f)
    def timed(*args, **kwargs):
        if label in inside:  # a nested call (legs_from_path within itself): counted once
            return f(*args, **kwargs)
        inside.add(label)
        t = time.perf_counter()
        try:
            return f(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.perf_counter() - t
            inside.discard(label)

    setattr(owner, name, timed)


def measure(requests: list) -> dict:
    import importlib

    import corridor
    from corridor import planner
    from corridor.server.pool import warm_network

    warm_network()
    spent: dict = {}
    inside: set = set()
    for label, module, name in STAGES:
        path = module.split(".")
        owner = importlib.import_module(".".join(path[:2]))
        for part in path[2:]:
            owner = getattr(owner, part)
        if hasattr(owner, name):
            _wrap(owner, name, label, spent, inside)

    collecting = [0.0]

    def collected(phase: str, info: dict) -> None:
        if phase == "start":
            collecting[0] = time.perf_counter()
        else:
            spent[GC] = spent.get(GC, 0.0) + time.perf_counter() - collecting[0]

    gc.callbacks.append(collected)

    def run() -> tuple[list, list, list]:
        wall, cpu, each = [], [], []
        for a, b, options in requests:
            planner.forget_kept_legs()
            before = dict(spent)
            t, c = time.perf_counter(), time.process_time()
            try:
                corridor.route(tuple(a) if isinstance(a, list) else a, tuple(b) if isinstance(b, list) else b,
                               **options)
            except corridor.CorridorError:
                pass
            wall.append(1000 * (time.perf_counter() - t))
            cpu.append(1000 * (time.process_time() - c))
            each.append({k: v - before.get(k, 0.0) for k, v in spent.items()})
        return wall, cpu, each

    run()  # every lazily read table and kernel loaded
    spent.clear()
    wall, cpu, each = run()
    slowest = sorted(range(len(cpu)), key=cpu.__getitem__)[-max(1, len(cpu) // 10):]
    return {"stages": {k: 1000 * v / len(requests) for k, v in spent.items()},
            "wall": statistics.median(wall), "cpu": statistics.median(cpu),
            "slowest": {k: 1000 * sum(each[i].get(k, 0.0) for i in slowest) / len(slowest) for k in spent},
            "slowest_cpu": statistics.mean(cpu[i] for i in slowest),
            "p90_cpu": statistics.quantiles(cpu, n=10)[-1] if len(cpu) > 1 else cpu[0]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("kind", choices=("sea", "multimodal", "any-surface"))
    ap.add_argument("--before-src", required=True, help="the other checkout's src folder")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(measure(json.loads(args.child))))
        return
    os.environ["CORRIDOR_BACKGROUND_BUILD"] = "0"
    sys.path.insert(0, str(HERE.parent / "src"))
    requests = json.dumps(_requests(args.kind))
    versions = {"before": args.before_src, "after": str(HERE.parent / "src")}
    runs: dict = {name: [] for name in versions}
    print(f"uptime: {os.popen('uptime').read().strip()}")
    for r in range(args.rounds):
        for name in (list(versions) if r % 2 == 0 else list(versions)[::-1]):
            env = dict(os.environ, PYTHONPATH=versions[name])
            out = subprocess.run([sys.executable, __file__, args.kind, "--before-src", args.before_src,
                                  "--child", requests], env=env, check=True, capture_output=True, text=True)
            runs[name].append(json.loads(out.stdout.splitlines()[-1]))
    print(f"uptime: {os.popen('uptime').read().strip()}")
    print(f"\n{len(json.loads(requests))} {args.kind} requests, each a first call; {args.rounds} rounds "
          "alternating, the lowest figure of the rounds\n")
    labels = list(dict.fromkeys(label for label, _, _ in STAGES))

    def table(title: str, totals: tuple, stages: str) -> None:
        """One before/after table: the whole-call rows, then each stage's, lowest over the rounds."""
        print(f"| {title} | before | after |\n|---|---|---|")
        for key, label in totals:
            print(f"| {label} | " + " | ".join(f"{min(r[key] for r in runs[n]):.3f}" for n in versions) + " |")
        for label in [*labels, GC]:
            cells = [min(r[stages].get(label, 0.0) for r in runs[n]) for n in versions]
            print(f"| {label.strip() if not label.startswith('  ') else '– ' + label.strip()} | "
                  + " | ".join(f"{c:.3f}" for c in cells) + " |")

    table("ms per request", (("wall", "whole call, median wall"), ("cpu", "whole call, median CPU")), "stages")
    if args.kind == "any-surface":  # where the p90 is: the slowest tenth, per request, lowest over the rounds
        print()
        table("slowest tenth (by CPU), ms per request",
              (("p90_cpu", "p90 CPU, all requests"), ("slowest_cpu", "whole call, mean CPU")), "slowest")


if __name__ == "__main__":
    main()
