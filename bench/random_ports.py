"""Routes between random ports, each timed on its first call, before and after a change.

bench/speed.py times 50 major-port pairs; the server's load (bench/load.py, ``--mix unique``)
asks for pairs of any of the network's ~3,900 ports, which hit other paths of the planner
(liner hubs, passages closed for the ship, pairs with no sea route). This draws ``--pairs``
such requests with ``random.Random(--seed)``: 95 % sea routes between two UN/LOCODEs of the
network, 5 % multimodal routes between points within bench/load.py's ``JITTER_DEG`` of its
``LAND_PAIRS`` cities. Each process first warms up as a server worker does
(:func:`corridor.server.pool.warm_network`), then makes every request once: the planner keeps
per-value results (snapping, liner hops) that make a repeat cheap, and real requests mostly
do not repeat. The slowest tenth (p90 and up) is then asked again, in a fresh process
and each under cProfile, and their time is split by planner stage, summed and, for each request over
``--over`` ms, one row a request.

``--before-src`` runs the same requests with another checkout's code, in alternating fresh
processes (``--rounds``), and checks that both give the same answers (``Route.to_dict()``, or
the error message; floats to 1e-9 relative).

Run: ``CORRIDOR_BACKGROUND_BUILD=0 python bench/random_ports.py --before-src /work/main/src``
"""

from __future__ import annotations

import argparse
import cProfile
import json
import math
import os
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MULTIMODAL_SHARE = 0.05

# planner stages: (label, file suffix, function name) whose cumulative time a profile reports
STAGES = (
    ("request set-up", "request/route.py", "make"),
    ("places (resolve)", "places.py", "resolve"),
    ("network access", "engine/access.py", "access"),
    ("search", "engine/search.py", "best_path"),
    ("  of it A* (search.shortest_path)", "corridor/search.py", "shortest_path"),
    ("  of it hub labels", "hub_labels.py", "shortest_path"),
    ("no-route explanation", "planner.py", "_explain"),
    ("legs from path", "directions.py", "legs_from_path"),
    ("  of it where_is", "directions.py", "where_is"),
    ("liner (liner.apply)", "liner.py", "apply"),
    ("  of it sea hops", "planner.py", "_sea_hop"),
    ("costing (annotate)", "costing/annotate.py", "annotate"),
    ("border notes", "planner.py", "_border_notes"),
    ("  of it borders.row_for", "data/borders.py", "row_for"),
    ("to_dict", "route.py", "to_dict"),
)


def draw_requests(n: int, seed: int) -> list[dict]:
    """``n`` requests: sea by UN/LOCODE, and :data:`MULTIMODAL_SHARE` between points near cities."""
    import numpy as np

    sys.path.insert(0, str(HERE))
    from load import JITTER_DEG, LAND_PAIRS

    import corridor
    from corridor.network import network_dir

    ports = [str(c) for c in np.load(network_dir() / "port_code.npy", allow_pickle=True)]
    cities = {name: corridor.places(name, limit=1)[0] for name in {c for pair in LAND_PAIRS for c in pair}}
    rng = random.Random(seed)

    def near(city: str) -> str:
        place = cities[city]
        return (f"{place.lat + rng.uniform(-JITTER_DEG, JITTER_DEG):.4f},"
                f"{place.lon + rng.uniform(-JITTER_DEG, JITTER_DEG):.4f}")

    out = []
    for _ in range(n):
        if rng.random() < MULTIMODAL_SHARE:
            a, b = rng.choice(LAND_PAIRS)
            out.append({"origin": near(a), "destination": near(b)})
        else:
            a, b = rng.sample(ports, 2)
            out.append({"origin": a, "destination": b})
    return out


def _answer(result) -> dict:
    """A route's ``to_dict()``, or the error's kind and message."""
    if isinstance(result, Exception):
        return {"error": type(result).__name__, "message": str(result)}
    return result.to_dict()


def measure(requests: list[dict], answers: bool) -> dict:
    """Milliseconds of each request's first call in this process (after a server worker's
    warm-up), and each answer when ``answers``."""
    import corridor
    from corridor.server.pool import warm_network

    warm_network()
    ms, out = [], []
    for r in requests:
        t = time.perf_counter()
        try:
            route = corridor.route(r["origin"], r["destination"])
        except corridor.CorridorError as e:
            route = e
        ms.append(1000 * (time.perf_counter() - t))
        if answers:
            out.append(_answer(route))
    return {"ms": ms, "answers": out}


def profile(requests: list[dict]) -> list[dict]:
    """Milliseconds by stage (:data:`STAGES`) of each of ``requests``, each a first call under cProfile."""
    import corridor
    from corridor.server.pool import warm_network

    warm_network()
    out = []
    for r in requests:
        totals = dict.fromkeys([s[0] for s in STAGES] + ["whole call"], 0.0)
        prof = cProfile.Profile()
        prof.enable()
        try:
            corridor.route(r["origin"], r["destination"])
        except corridor.CorridorError:
            pass
        prof.disable()
        stats = pstats.Stats(prof).stats
        for (file, _, fn), (_, _, _, cum, _) in stats.items():
            if fn == "route" and file.endswith("corridor/api.py"):
                totals["whole call"] += 1000 * cum
            for label, suffix, name in STAGES:
                if fn == name and file.endswith(suffix):
                    totals[label] += 1000 * cum
        out.append(totals)
    return out


def _percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q / 100 * len(values)))]


def _same(a, b, path="") -> str | None:
    """Where two answers differ (floats to 1e-9 relative), or None."""
    if isinstance(a, float) or isinstance(b, float):
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and (
                math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) or (math.isnan(a) and math.isnan(b))):
            return None
        return f"{path}: {a!r} != {b!r}"
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return f"{path}: keys {sorted(set(a) ^ set(b))}"
        return next((d for k in a if (d := _same(a[k], b[k], f"{path}.{k}"))), None)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return f"{path}: length {len(a)} != {len(b)}"
        return next((d for i, (x, y) in enumerate(zip(a, b)) if (d := _same(x, y, f"{path}[{i}]"))), None)
    return None if a == b else f"{path}: {a!r} != {b!r}"


def _child(src: str, mode: str, requests_file: str, answers: bool = False) -> dict:
    env = dict(os.environ, PYTHONPATH=src, CORRIDOR_BACKGROUND_BUILD="0")
    with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
        cmd = [sys.executable, __file__, "--child", mode, "--requests", requests_file, "--out", out.name]
        subprocess.run(cmd + (["--answers"] if answers else []), env=env, check=True)
        return json.loads(Path(out.name).read_text())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=400)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--before-src", help="the src folder of the code to compare with")
    ap.add_argument("--no-profile", action="store_true", help="skip the stage breakdown of the slowest tenth")
    ap.add_argument("--over", type=float, default=30.0,
                    help="list each request slower than this many ms with its stages (default 30)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--requests", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--answers", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        requests = json.loads(Path(args.requests).read_text())
        result = measure(requests, args.answers) if args.child == "measure" else profile(requests)
        Path(args.out).write_text(json.dumps(result))
        return

    after_src = str(HERE.parent / "src")
    os.environ["CORRIDOR_BACKGROUND_BUILD"] = "0"
    sys.path.insert(0, after_src)
    requests = draw_requests(args.pairs, args.seed)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(requests, f)
    versions = {"after": after_src} | ({"before": args.before_src} if args.before_src else {})
    runs: dict = {name: [] for name in versions}
    answers: dict = {}
    for r in range(args.rounds):
        for name in (list(versions) if r % 2 == 0 else list(versions)[::-1]):
            result = _child(versions[name], "measure", f.name, answers=name not in answers)
            runs[name].append(result["ms"])
            answers.setdefault(name, result["answers"])
    print(f"{args.pairs} requests (seed {args.seed}; {sum(',' in r['origin'] for r in requests)}"
          f" multimodal), first call each after a worker's warm-up; {args.rounds} rounds alternating; "
          f"load {os.getloadavg()[0]:.2f}\n")
    kinds = ["no route" if "error" in a else "multimodal" if "," in r["origin"] else "sea"
             for r, a in zip(requests, answers["after"])]
    print("| code | requests | n | median ms | p90 ms | p99 ms | max ms |\n|---|---|---|---|---|---|---|")
    for name, rounds in runs.items():
        # per request, the lower of the rounds' times: the noise of a shared machine only adds
        best = [min(t) for t in zip(*rounds)]
        for kind in ("all", "sea", "multimodal", "no route"):
            ms = [t for t, k in zip(best, kinds) if kind in ("all", k)]
            if ms:
                print(f"| {name} | {kind} | {len(ms)} | {statistics.median(ms):.2f} | {_percentile(ms, 90):.2f} | "
                      f"{_percentile(ms, 99):.2f} | {max(ms):.1f} |")
    if "before" in answers:
        diffs = [(r, d) for r, a, b in zip(requests, answers["before"], answers["after"]) if (d := _same(a, b))]
        print(f"\nanswers: {len(requests) - len(diffs)} of {len(requests)} identical")
        for r, d in diffs[:10]:
            print(f"  {r['origin']} -> {r['destination']}: {d}")
    if args.no_profile:
        return
    for name in versions:
        ms = [min(t) for t in zip(*runs[name])]
        slow_at = [i for i in range(len(ms)) if ms[i] >= _percentile(ms, 90)]
        slow = [requests[i] for i in slow_at]
        with open(f.name + ".slow", "w") as g:
            json.dump(slow, g)
        each = _child(versions[name], "profile", f.name + ".slow")
        print(f"\n{name}: the {len(slow)} slowest requests (p90 and up), first calls under cProfile, ms summed\n")
        print("| stage | ms |\n|---|---|")
        for label in each[0] if each else ():
            print(f"| {label} | {sum(e[label] for e in each):.1f} |")
        over = [k for k, i in enumerate(slow_at) if ms[i] > args.over]
        if over:
            # one row a request: where a stall comes from (a run's lower time, then its profiled stages)
            cols = [label for label in each[0] if not label.startswith(" ")]
            print(f"\n{name}: the {len(over)} requests over {args.over:g} ms, each under cProfile\n")
            print("| request | kind | ms | " + " | ".join(cols) + " |\n|" + "---|" * (len(cols) + 3))
            for k in over:
                r, i = slow[k], slow_at[k]
                print(f"| {r['origin']} -> {r['destination']} | {kinds[i]} | {ms[i]:.1f} | "
                      + " | ".join(f"{each[k][c]:.1f}" for c in cols) + " |")


if __name__ == "__main__":
    main()
