"""The whole sea ``corridor.route`` call, before and after a change, answers checked (issue #17).

Requests: the 50 major-port pairs of bench/speed.py by coordinates (``modes="sea"``, as
bench/ch.py times them) and ``--random`` pairs of bench/random_ports.py (seed 17). Each
version of the code runs in its own fresh process (``--before-src`` gives the other
checkout's ``src``), warmed as a server worker is; the processes alternate over ``--rounds``.
Printed per version (each request's lowest figure over the rounds): the 50 pairs' median
over pairs of the per-pair median of ``REPEATS`` calls (bench/ch.py's figure), the median of
their first calls, the random pairs' first calls (median, p90, and CPU time per request,
which a shared machine's load disturbs less than wall time), and whether every answer (``Route.to_dict()`` or the
error) is the same as the other version's (floats to 1e-9 relative) and a repeated pair's
the same as its first. ``--profile`` adds,
for the 50 pairs' repeated calls, the cumulative ms per call of bench/random_ports.py's
stages and the top functions by own time; ``--scgraph`` times scgraph's ``get_shortest_path``
on the same pairs in the same alternation (bench/ch.py's "scgraph default"). ``--steps``
only times each step of a repeated call alone (this checkout's code).

Run: ``CORRIDOR_BACKGROUND_BUILD=0 python bench/sea_call.py --before-src /work/main/src``
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPEATS = 20


def _requests(n_random: int) -> dict:
    sys.path.insert(0, str(HERE))
    from random_ports import draw_requests
    from speed import choose_pairs

    from corridor.network import load_network

    pairs, _, _ = choose_pairs(load_network(progress=False))
    return {"pairs": [[p["a"], p["b"]] for p in pairs], "random": draw_requests(n_random, 17)}


def _call(corridor, a, b, **kw):
    try:
        return corridor.route(a, b, **kw)
    except corridor.CorridorError as e:
        return e


def _answer(r) -> dict:
    if isinstance(r, Exception):
        return {"error": type(r).__name__, "message": str(r)}
    return r.to_dict()


def measure(reqs: dict, answers: bool, profile: bool) -> dict:
    import corridor
    from corridor.server.pool import warm_network

    warm_network()
    pairs = [(tuple(a), tuple(b)) for a, b in reqs["pairs"]]
    out: dict = {"answers": [] if answers else None}
    first, random_first = [], []
    for a, b in pairs:
        t = time.perf_counter()
        r = _call(corridor, a, b, modes="sea")
        first.append(1000 * (time.perf_counter() - t))
        if answers:
            out["answers"].append(_answer(r))
    cpu = time.process_time()
    for q in reqs["random"]:
        t = time.perf_counter()
        r = _call(corridor, q["origin"], q["destination"])
        random_first.append(1000 * (time.perf_counter() - t))
        if answers:
            out["answers"].append(_answer(r))
    # CPU time per random request: on a shared machine, wall time mostly says who else ran
    out["random_cpu"] = 1000 * (time.process_time() - cpu) / len(reqs["random"])
    medians = []
    for a, b in pairs:
        ts = []
        for _ in range(REPEATS):
            t = time.perf_counter()
            _call(corridor, a, b, modes="sea")
            ts.append(time.perf_counter() - t)
        medians.append(1000 * statistics.median(ts))
    out |= {"first": first, "random_first": random_first, "median": medians}
    if answers:  # a repeated request (kept per value by the planner) must give the first answer
        out["repeat_answers"] = [_answer(_call(corridor, a, b, modes="sea")) for a, b in pairs]
    if profile:
        prof = cProfile.Profile()
        prof.enable()
        for a, b in pairs:
            for _ in range(REPEATS):
                _call(corridor, a, b, modes="sea")
        prof.disable()
        sys.path.insert(0, str(HERE))
        from random_ports import STAGES

        calls = len(pairs) * REPEATS
        stats = pstats.Stats(prof).stats
        stages = {}
        for (file, _, fn), (_, _, _, cum, _) in stats.items():
            for label, suffix, name in STAGES:
                if fn == name and file.endswith(suffix):
                    stages[label] = stages.get(label, 0.0) + 1000 * cum / calls
        text = io.StringIO()
        pstats.Stats(prof, stream=text).sort_stats("tottime").print_stats(30)
        out |= {"stages": stages, "top": text.getvalue()}
    return out


def steps(reqs: dict) -> dict[str, float]:
    """Microseconds per step of a repeated sea call (this checkout's code; a kept answer), each
    step timed alone: the median of ``STEP_CALLS`` calls (a busy machine's pauses stay out of a
    median), then the median over the 50 pairs."""
    from corridor.server.pool import warm_network

    warm_network()
    out: dict[str, list] = {}
    for a, b in reqs["pairs"]:
        for label, fn in _step_calls(tuple(a), tuple(b)):
            times = []
            for _ in range(STEP_CALLS):
                t = time.perf_counter()
                fn()
                times.append(time.perf_counter() - t)
            out.setdefault(label, []).append(1e6 * statistics.median(times))
    return {label: statistics.median(v) for label, v in out.items()}


def _step_calls(a: tuple, b: tuple) -> list:
    """(label, call) of each step of a repeated sea call from ``a`` to ``b``, its answer kept."""
    import corridor
    from corridor import planner
    from corridor.network import load_network
    from corridor.places import resolve
    from corridor.request import RouteRequest

    net = load_network()
    corridor.route(a, b, modes="sea")
    options = {"origin": a, "destination": b, "modes": "sea"}
    request = RouteRequest.make(**options)
    stops = (resolve(a, net), resolve(b, net))
    key = planner._answer_key(request, stops, frozenset())
    kept = planner._sea_answer(net, key)
    return [("whole corridor.route call", lambda: corridor.route(a, b, modes="sea")),
            ("RouteRequest.make (kept request)", lambda: RouteRequest.make(**options)),
            ("load_network()", load_network),
            ("resolve both places", lambda: (resolve(a, net), resolve(b, net))),
            ("the kept answer's key (_answer_key)", lambda: planner._answer_key(request, stops, frozenset())),
            ("the kept answer's look-up (_sea_answer)", lambda: planner._sea_answer(net, key)),
            ("copying it out (_answer_of)", lambda: planner._answer_of(kept)),
            ("  of it the legs (_fresh: geometry lists)", lambda: [planner._fresh(leg) for leg in kept.legs])]


STEP_CALLS = 200


def measure_scgraph(reqs: dict) -> dict:
    """scgraph's ``get_shortest_path`` on the same pairs, timed as :func:`measure` times the
    route (bench/ch.py's "scgraph default" row)."""
    sys.path.insert(0, str(HERE))
    from speed import marnet_geograph

    g = marnet_geograph()
    medians = []
    for a, b in reqs["pairs"]:
        ends = ({"latitude": a[0], "longitude": a[1]}, {"latitude": b[0], "longitude": b[1]})
        g.get_shortest_path(*ends, output_units="km")
        ts = []
        for _ in range(REPEATS):
            t = time.perf_counter()
            g.get_shortest_path(*ends, output_units="km")
            ts.append(time.perf_counter() - t)
        medians.append(1000 * statistics.median(ts))
    return {"median": medians}


def _child(src: str, reqs_file: str, answers: bool, profile: bool) -> dict:
    env = dict(os.environ, PYTHONPATH=src, CORRIDOR_BACKGROUND_BUILD="0")
    with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
        cmd = [sys.executable, __file__, "--child", reqs_file, "--out", out.name]
        cmd += ["--scgraph"] if src == "scgraph" else []
        cmd += ["--answers"] if answers else []
        cmd += ["--profile"] if profile else []
        subprocess.run(cmd, env=env, check=True)
        return json.loads(Path(out.name).read_text())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before-src", help="the src folder of the code to compare with")
    ap.add_argument("--random", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--scgraph", action="store_true", help="time scgraph's get_shortest_path in the same run")
    ap.add_argument("--steps", action="store_true", help="only time each step of a repeated call (this checkout)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--answers", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        reqs = json.loads(Path(args.child).read_text())
        result = measure_scgraph(reqs) if args.scgraph else measure(reqs, args.answers, args.profile)
        Path(args.out).write_text(json.dumps(result, default=str))
        return
    after_src = str(HERE.parent / "src")
    os.environ["CORRIDOR_BACKGROUND_BUILD"] = "0"
    sys.path.insert(0, after_src)
    from random_ports import _percentile, _same

    reqs = _requests(args.random)
    if args.steps:
        print(f"uptime: {os.popen('uptime').read().strip()}\n\n| step of a repeated sea call | µs (median of the 50 pairs) |\n|---|---|")
        for label, us in steps(reqs).items():
            print(f"| {label} | {us:.1f} |")
        return
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(reqs, f)
    versions = {"after": after_src} | ({"before": args.before_src} if args.before_src else {})
    versions |= {"scgraph": "scgraph"} if args.scgraph else {}
    runs: dict = {name: [] for name in versions}
    answers: dict = {}
    for r in range(args.rounds):
        for name in (list(versions) if r % 2 == 0 else list(versions)[::-1]):
            res = _child(versions[name], f.name, name not in answers, args.profile and r == 0)
            runs[name].append(res)
            if res.get("answers") is not None:
                answers[name] = res["answers"]
    print(f"uptime: {os.popen('uptime').read().strip()}")
    print(f"{len(reqs['pairs'])} major-port pairs (sea, by coordinates) and {len(reqs['random'])} random "
          f"requests; {args.rounds} rounds alternating\n")
    print("| code | 50 pairs median of medians ms | p90 ms | 50 pairs first calls median ms | "
          "random first median ms | random p90 ms | random CPU ms per request |\n|---|---|---|---|---|---|---|")
    for name, rr in runs.items():
        if name == "scgraph":
            med = [min(t) for t in zip(*(res["median"] for res in rr))]
            print(f"| scgraph get_shortest_path | {statistics.median(med):.3f} | {_percentile(med, 90):.3f} | "
                  "– | – | – | – |")
            continue
        # per request, the lowest of the rounds' figures: the noise of a shared machine only adds
        med, first, rand = ([min(t) for t in zip(*(res[k] for res in rr))] for k in ("median", "first", "random_first"))
        print(f"| {name} | {statistics.median(med):.3f} | {_percentile(med, 90):.3f} | "
              f"{statistics.median(first):.3f} | {statistics.median(rand):.3f} | {_percentile(rand, 90):.3f} | "
              f"{min(res['random_cpu'] for res in rr):.3f} |")
    for name, rr in runs.items():
        if name == "scgraph":
            continue
        res = next(r for r in rr if r["answers"] is not None)
        repeats = [d for a, b in zip(res["answers"], res["repeat_answers"]) if (d := _same(a, b))]
        print(f"{name}: {len(res['repeat_answers']) - len(repeats)} of {len(res['repeat_answers'])} repeated "
              f"pairs give their first answer{'; ' + repeats[0] if repeats else ''}")
    if "before" in answers:
        flat = [("pair", p) for p in reqs["pairs"]] + [("random", q) for q in reqs["random"]]
        diffs = [(q, d) for q, a, b in zip(flat, answers["before"], answers["after"]) if (d := _same(a, b))]
        print(f"\nanswers: {len(flat) - len(diffs)} of {len(flat)} identical")
        for q, d in diffs[:10]:
            print(f"  {q}: {d}")
    for name, rr in runs.items():
        if "stages" in rr[0]:
            print(f"\n{name}: ms per call (cumulative) of the 50 pairs' repeated calls")
            for label, v in rr[0]["stages"].items():
                print(f"  {label}: {v:.3f}")
            print(rr[0]["top"][:6000])


if __name__ == "__main__":
    main()
