"""Issue #17's "any surface request" row by option, before and after, back to back.

The 50 pairs of bench/speed.py over sea, rail, road and ferry, with each non-default option
alone (20,000 t of dry bulk, a CO2e objective, Suez closed, Russia and Belarus allowed): what
runs when no hierarchy fits. Each option gets one warm-up call, then every pair once; the table
gives the median, p90 and mean ms per option and over all (the mean counts the rare slow calls:
a hierarchy's first query in the process, a garbage collection), then the CPU ms of each
hierarchy's first query and the wall ms of each full garbage collection, warm-up calls included. "before" runs another checkout's code
(``--before-src``, default /work/main/src; it must compile the same network, or it builds its own
first and the run stops) in a fresh process on the same cache folder, "after" this checkout's,
one right after the other; the answers (hours, USD, kg CO2e) are compared pair by pair.
First it builds the hour landmarks (:mod:`corridor.engine.hour_landmarks`) if they are
missing, as the background build would, and says how long that took.

With ``--wanted cargo,optimize`` (option names, ``avoid`` among them, or ``all``) it first records
those options' metrics as requests do (:mod:`corridor.engine.wanted`) and builds their hierarchies
(:mod:`corridor.wanted_hierarchies`: a closure of the default metric such as Suez in a closure slot
of its own; said with the time each took, once per network); "before"
is then this checkout with ``CORRIDOR_ONLY_DEFAULT_CH=1`` (a metric's first requests, on A*) and
"after" the same with its hierarchy on disk. ``--before-cache DIR`` runs "before" (``--before-src``'s
code) in another cache folder instead, say a copy by hard links of the network folder as it
was before a change to what gets built (``cp -al``).

``--rounds N`` runs before and after N times each, in turns, and pools the calls; ``--clock cpu``
times each call's CPU time instead of the wall's (steadier while other processes share the CPUs).

Run (the network must already be built in $CORRIDOR_CACHE_DIR; a few minutes, with --wanted
some 5 min of CPU per metric not yet built)::

    CORRIDOR_BACKGROUND_BUILD=0 python bench/any_surface.py [--pairs 50] [--before-src ../main/src]
    CORRIDOR_BACKGROUND_BUILD=0 python bench/any_surface.py --wanted cargo,optimize

Never run in CI (minutes, and it measures the machine).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
SURFACE = ["sea", "rail", "road", "ferry"]
CLOCK_ENV = "ANY_SURFACE_CLOCK"  # how --clock reaches the child processes
WATCHED = "watched"  # a child's key for :func:`watch`'s figures, beside the options' timings
NON_DEFAULT = [{"cargo": "dry-bulk", "tonnes": 20000}, {"optimize": "co2"}, {"avoid": "suez"},
               {"allow_countries": "RU,BY"}]


def label(options: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in options.items())


def time_options(pairs) -> dict[str, list]:
    """Per option: [(ms, (hours, USD, kg CO2e) or the error)] of one call per pair, after a warm-up call.
    The clock is the wall's, or the calling thread's CPU time when ``$ANY_SURFACE_CLOCK`` is "cpu"."""
    import corridor
    from corridor import planner
    from corridor.errors import CorridorError

    clock = time.thread_time if os.environ.get(CLOCK_ENV) == "cpu" else time.perf_counter
    # a request asked before in the process is answered from kept legs without a search: every
    # timed call must be a first one (the warm-up's pair included); an older checkout has none
    forget = getattr(planner, "forget_kept_legs", lambda: None)
    out = {}
    for options in NON_DEFAULT:
        rows, warm = [], False
        for p in pairs:
            a, b = tuple(p["a"]), tuple(p["b"])
            try:
                if not warm:
                    corridor.route(a, b, modes=SURFACE, **options)
                    warm = True
                forget()
                t = clock()
                r = corridor.route(a, b, modes=SURFACE, **options)
                ms = 1000 * (clock() - t)
                totals = r.totals()
                rows.append((ms, [round(totals[f], 6) for f in ("duration_h", "cost_usd", "co2e_kg")]))
            except CorridorError as e:  # no route under these options: not a timing, but said
                rows.append((None, f"{type(e).__name__}: {e}"))
        out[label(options)] = rows
    return out


def watch() -> dict:
    """What a child reports beside its timings, filled as it runs: the wall ms of each full garbage
    collection and the CPU ms of the first query on each hierarchy without hub labels (a whole
    network's: the first touches of its arrays, and what a checkout makes for it then)."""
    import gc

    from corridor.engine import closure_shortcut, search

    seen: dict = {"full_gc_ms": [], "first_query_ms": []}
    started = [0.0]

    def collected(phase: str, info: dict) -> None:
        if info["generation"] == 2:
            if phase == "start":
                started[0] = time.perf_counter()
            else:
                seen["full_gc_ms"].append(round(1000 * (time.perf_counter() - started[0]), 1))

    gc.callbacks.append(collected)
    queried: set = set()

    def first_timed(query):
        def timed(h, *args):
            if h.labels is not None or h.path in queried:
                return query(h, *args)
            queried.add(h.path)
            t = time.thread_time()
            try:
                return query(h, *args)
            finally:
                seen["first_query_ms"].append(round(1000 * (time.thread_time() - t), 1))
        return timed

    for module in (search, closure_shortcut):
        module.ch_shortest_path = first_timed(module.ch_shortest_path)
    return seen


def run_child(src: Path, pairs_file: Path, **env_vars: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(src), CORRIDOR_BACKGROUND_BUILD="0", **env_vars)
    out = subprocess.run([sys.executable, __file__, "--child", str(pairs_file)], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.splitlines()[-1])


def wanted_options(keys: str) -> list[dict]:
    """The options of :data:`NON_DEFAULT` named in ``keys`` ("cargo,optimize", or "all")."""
    names = {k.strip() for k in keys.split(",")}
    return [o for o in NON_DEFAULT if keys == "all" or names & set(o)]


def build_wanted_for(pairs, options: list[dict]) -> tuple[list[tuple[str, float]], float]:
    """Record the metrics of ``options`` as requests on A* do: every pair once with each, in a
    child process, so that the second search of the transit policy (its countries closed) and a
    closure the default path crosses (:mod:`corridor.engine.closure_shortcut` refusing) are
    recorded as often as they are asked; then build the most requested metrics' hierarchies
    here: (file, MB) of each built now, and the seconds taken."""
    from corridor.network import load_network
    from corridor.wanted_hierarchies import build_until_done, on_disk

    code = ("import corridor, json, sys\n"
            "for o in json.loads(sys.argv[2]):\n"
            "    for p in json.loads(sys.argv[1]):\n"
            "        try:\n"
            f"            corridor.route(tuple(p['a']), tuple(p['b']), modes={SURFACE!r}, **o)\n"
            "        except corridor.CorridorError:\n"
            "            pass\n")
    subprocess.run([sys.executable, "-c", code, json.dumps(pairs), json.dumps(options)], check=True,
                   env=dict(os.environ, PYTHONPATH=str(SRC), CORRIDOR_BACKGROUND_BUILD="0", CORRIDOR_RECORD_WANTED="1",
                            CORRIDOR_ONLY_DEFAULT_CH="1"))
    net = load_network(progress=False)
    before, t = set(on_disk(net.path)), time.perf_counter()
    build_until_done(net)
    return [(p.name, p.stat().st_size / 1e6) for p in on_disk(net.path) if p not in before], time.perf_counter() - t


def ms_lists(result: dict) -> list[float]:
    """Every timing of a child run's result, over all options (a failed call has none)."""
    return [ms for name, rows in result.items() if name not in ("fingerprint", WATCHED) for ms, _ in rows
            if ms is not None]


def main() -> None:
    import numpy as np

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pairs", type=int, default=50, help="the first N pairs of bench/speed.py")
    ap.add_argument("--before-src", type=Path, default=Path("/work/main/src"), help="the code to compare with")
    ap.add_argument("--rounds", type=int, default=1,
                    help="before and after this many times each, in turns (before first, then after first...), "
                         "every call pooled")
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="cpu: each call's CPU time (of its thread), steadier than the wall's when other "
                         "processes share the CPUs; it leaves out waiting for the disk")
    ap.add_argument("--before-cache", type=Path,
                    help="the cache folder 'before' runs in with --before-src's code (say, a copy of the network "
                         "folder by hard links, as its hierarchies were), also with --wanted")
    ap.add_argument("--wanted", metavar="OPTIONS",
                    help="build the hierarchies of these options' metrics first (any of cargo,optimize,avoid,"
                         "allow_countries, or all; avoid: the Suez closure's own hierarchy); before: this checkout "
                         "without them")
    args = ap.parse_args()
    os.environ[CLOCK_ENV] = args.clock  # the children's environment
    sys.path.insert(0, str(HERE))
    from speed import choose_pairs  # bench/ is on sys.path when run as a script

    from corridor.engine import hour_landmarks
    from corridor.network import load_network

    net = load_network()
    if hour_landmarks.load(net) is None:
        t = time.perf_counter()
        hour_landmarks.build(net)
        print(f"hour landmarks built in {time.perf_counter() - t:.1f} s (once per network)")
    pairs = choose_pairs(net)[0][:args.pairs]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(pairs, f)
    if args.wanted:
        built, seconds = build_wanted_for(pairs, wanted_options(args.wanted))
        print(f"built {len(built)} hierarchies in {seconds:.0f} s: "
              + (", ".join(f"{name} ({mb:.0f} MB)" for name, mb in built) or "all were on disk"))
    if args.before_cache:
        run_before = partial(run_child, args.before_src, Path(f.name), CORRIDOR_CACHE_DIR=str(args.before_cache))
    elif args.wanted:
        run_before = partial(run_child, SRC, Path(f.name), CORRIDOR_ONLY_DEFAULT_CH="1")
    else:
        run_before = partial(run_child, args.before_src, Path(f.name))
    before, after, fingerprints = {}, {}, set()
    for k in range(args.rounds):  # alternating which goes first: the second finds the pages the first read
        for side, run in ((before, run_before), (after, partial(run_child, SRC, Path(f.name))))[::1 - 2 * (k % 2)]:
            result = run()
            fingerprints.add(result.pop("fingerprint"))
            for key, values in result.pop(WATCHED).items():
                side.setdefault(WATCHED, {}).setdefault(key, []).extend(values)
            for name, rows in result.items():
                side.setdefault(name, []).extend(rows)
    os.unlink(f.name)
    if len(fingerprints) > 1:
        sys.exit("the two checkouts compiled different networks: take a before checkout of the same network")

    def stats(rows):
        ms = [r[0] for r in rows if r[0] is not None]
        return f"{np.median(ms):8.1f} {np.percentile(ms, 90):8.1f} {np.mean(ms):8.1f}"

    print(f"\n{len(pairs)} pairs, modes {','.join(SURFACE)}, one call each after a warm-up, {args.rounds} round(s) "
          f"in turns; ms ({args.clock} clock)")
    print(f"{'option':<32} {'before median':>13} {'p90':>8} {'mean':>8} | {'after median':>12} {'p90':>8} {'mean':>8} "
          "| answers")
    watched_b, watched_a = before.pop(WATCHED), after.pop(WATCHED)
    every_b, every_a = [], []
    for name in before:
        same = sum(b[1] == a[1] for b, a in zip(before[name], after[name]))
        every_b += before[name]
        every_a += after[name]
        print(f"{name:<32} {stats(before[name]):>31} | {stats(after[name]):>30} | {same}/{len(before[name])} equal")
    print(f"{'all options':<32} {stats(every_b):>31} | {stats(every_a):>30}")
    for key, what in (("first_query_ms", "first query on each hierarchy without hub labels, CPU ms"),
                      ("full_gc_ms", "full garbage collections, wall ms")):
        print(f"{what}: before {sorted(watched_b[key])}, after {sorted(watched_a[key])}")
    print(f"load: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} CPUs")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        from corridor.network import load_network

        fingerprint = load_network(progress=False).manifest["fingerprint"]
        seen = watch()
        timed = time_options(json.loads(Path(sys.argv[2]).read_text()))
        print(json.dumps({"fingerprint": fingerprint, WATCHED: seen, **timed}))
    else:
        main()
