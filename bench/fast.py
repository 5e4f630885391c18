"""Issue #17's targets in one table, corridor beside scgraph and searoute, in one run.

Run (needs ``pip install -e '.[bench]'``; a few minutes, more with the options)::

    python bench/fast.py                 # runs bench/ch.py, then the rows below
    python bench/fast.py --reuse         # takes bench/results/ch.json from an earlier bench/ch.py run
    python bench/fast.py --first-run     # + the README's first command on an empty cache (network build
                                         #   included; the background hierarchy build then timed on its own),
                                         #   with numba's kernels cached, then compiled anew as on a fresh machine
    python bench/fast.py --venv          # + a fresh ``pip install --no-compile .``: seconds and MB
    python bench/fast.py --server        # + one ``corridor serve`` under bench/load.py's open loop
    python bench/fast.py --fresh-clone   # + the README's first command on a fresh clone of HEAD, then
                                         #   the background build until its marker (bench/fresh_clone.sh)

Rows (each says how it is measured):

* sea ``corridor.route``, default multimodal ``corridor.route``, 50 x 50 and 1,000 x 1,000 sea
  tables: from bench/ch.py (50 major-port pairs, median of 20 runs per pair; its docstring).
* any surface request: the same pairs over sea, rail, road and ferry with non-default options
  (20,000 t of dry bulk, a CO2e objective, Suez closed, Russia and Belarus allowed), each pair once after a warm-up
  call, p90 over all of them: what runs when no hierarchy fits. With ``--wanted cargo,optimize``
  twice: on A* (a metric's first requests) and on the hierarchies built for those metrics
  (bench/any_surface.py ``--wanted``; built first when missing, minutes of CPU each).
* import + first route: a fresh interpreter, from before ``import corridor`` to the first
  sea route's answer (network and hierarchies cached), median of 5, with the bytecode compiled
  as an install has it; in brackets, with no bytecode at all (every module compiled each time).
* first command: ``corridor report PE AZ`` in a fresh process on an empty cache folder, wall
  time and the peak resident memory of the process (ru_maxrss of the child), with the
  background build off; then the default hierarchies built as the background build does it.
* server: ``bench/load.py --rate 200 --duration 20 --burst 0 --floor 0`` (95 % sea routes
  between random ports, 5 % multimodal routes, none repeated; its docstring), p99 as the
  client saw it and the requests refused (429, 503).
* fresh clone: ``bench/fresh_clone.sh HEAD``, the README's first command as a new user runs
  it (venv, install, network, report), then the detached background build until its marker.

Results go to bench/results/fast.json. Never run in CI (minutes, and it measures the machine).
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

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))  # bench/'s own modules, below
from any_surface import NON_DEFAULT, SRC, build_wanted_for, ms_lists, run_child, time_options, wanted_options
from speed import choose_pairs


def any_surface_ms(pairs) -> list[float]:
    """Whole calls with non-default options (one warm-up call per option first; bench/any_surface.py)."""
    out = []
    for options, rows in zip(NON_DEFAULT, time_options(pairs).values()):
        for p, (ms, answer) in zip(pairs, rows):
            if ms is None:  # no route under these options: not a timing, but said
                print(f"fast.py: {tuple(p['a'])} -> {tuple(p['b'])} {options}: {answer}", file=sys.stderr)
            else:
                out.append(ms)
    return out


def any_surface_both_ways(pairs, keys: str) -> tuple[list[float], list[float]]:
    """The any-surface timings (bench/any_surface.py --wanted) of a metric's first requests, on A*,
    and of its requests once its hierarchy is built (built here first, when missing)."""
    build_wanted_for(pairs, wanted_options(keys))
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(pairs, f)
    try:
        first = ms_lists(run_child(SRC, Path(f.name), CORRIDOR_ONLY_DEFAULT_CH="1"))
        return first, ms_lists(run_child(SRC, Path(f.name)))
    finally:
        os.unlink(f.name)


def import_and_first_route_s(env: dict, bytecode: bool = True) -> float:
    """Median of 5 fresh interpreters. With ``bytecode``, the modules' compiled bytecode is on disk
    (in a temporary PYTHONPYCACHEPREFIX, written by one untimed run), as an installed corridor has
    it (pip compiles on install, or Python on the first import): else no bytecode at all (the
    empty prefix hides every __pycache__, so each process compiles every module it imports,
    numpy's and scipy's too: a worst case, not a source checkout's)."""
    code = ("import time; t = time.perf_counter(); import corridor; corridor.route('CNSHA', 'NLRTM'); "
            "print(time.perf_counter() - t)")
    with tempfile.TemporaryDirectory(prefix="corridor-pycache-") as pycache:
        env = dict(env, PYTHONPYCACHEPREFIX=pycache)
        if bytecode:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
        else:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        runs = [float(subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True,
                                     text=True).stdout.split()[-1]) for _ in range(6 if bytecode else 5)]
    return statistics.median(runs[1:] if bytecode else runs)


def first_run(env: dict) -> dict:
    """The README's first command on an empty cache, then the background build's work alone,
    each with numba's compiled kernels cached (as in this checkout) and, as on a fresh machine,
    compiled anew (``NUMBA_CACHE_DIR`` an empty folder: a fresh install has none cached)."""
    out = {}
    for jit in ("cached", "cold"):
        with tempfile.TemporaryDirectory(prefix="corridor-first-run-") as cache, \
                tempfile.TemporaryDirectory(prefix="corridor-numba-") as numba_cache:
            run_env = dict(env, CORRIDOR_CACHE_DIR=cache, CORRIDOR_BACKGROUND_BUILD="0",
                           **({"NUMBA_CACHE_DIR": numba_cache} if jit == "cold" else {}))
            t = time.perf_counter()
            first = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-m", "corridor", "report", "PE",
                                    "AZ"], env=run_env, check=True, capture_output=True, text=True)
            seconds = time.perf_counter() - t
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "corridor.default_hierarchies", "--background"], env=run_env,
                           check=True, capture_output=True)
            out[jit] = {"seconds": seconds, "peak_mib": int(first.stderr.split()[-1]) / 1024,
                        "background_hierarchies_s": time.perf_counter() - t}
    return out


def fresh_venv() -> dict:
    with tempfile.TemporaryDirectory(prefix="corridor-venv-") as d:
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "venv", f"{d}/v"], check=True)
        subprocess.run([f"{d}/v/bin/pip", "install", "-q", "--no-cache-dir", "--no-compile", str(ROOT)], check=True)
        seconds = time.perf_counter() - t
        mb = int(subprocess.run(["du", "-sm", f"{d}/v"], check=True, capture_output=True, text=True).stdout.split()[0])
    return {"seconds": seconds, "mb": mb}


def server_load(env: dict) -> dict:
    """bench/load.py's open loop against one ``corridor serve`` (its load row)."""
    subprocess.run([sys.executable, str(HERE / "load.py"), "--rate", "200", "--duration", "20", "--burst", "0",
                    "--floor", "0"], env=env, check=True, capture_output=True)
    return json.loads((HERE / "results" / "load.json").read_text())["load"]


def fresh_clone() -> dict:
    """bench/fresh_clone.sh on HEAD: seconds of the first command and of the background build, and the
    first command's peak MiB (the detached build's is not in it)."""
    out = subprocess.run(["bash", str(HERE / "fresh_clone.sh"), "HEAD"], check=True, capture_output=True,
                         text=True, timeout=2400).stdout
    first, background = (float(x.split()[-2]) for x in out.splitlines()[0].split(";")[:2])
    kb = next(int(line.split()[-1]) for line in out.splitlines() if "Maximum resident" in line)
    return {"first_command_s": first, "background_s": background, "peak_mib": kb / 1024}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reuse", action="store_true", help="use bench/results/ch.json instead of running bench/ch.py")
    ap.add_argument("--first-run", action="store_true", help="also time the first command on an empty cache")
    ap.add_argument("--venv", action="store_true", help="also time and size a fresh pip install --no-compile .")
    ap.add_argument("--server", action="store_true", help="also one corridor serve at 200 requests/s (bench/load.py)")
    ap.add_argument("--fresh-clone", action="store_true",
                    help="also the README's first command on a fresh clone of HEAD (bench/fresh_clone.sh)")
    ap.add_argument("--wanted", metavar="OPTIONS", help="the any-surface row both ways: these options' metrics "
                    "(cargo,optimize or all) first on A*, then on their hierarchies (built first when missing)")
    args = ap.parse_args()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    if not args.reuse:
        subprocess.run([sys.executable, str(HERE / "ch.py")], env=env, check=True)
    ch = json.loads((HERE / "results" / "ch.json").read_text())
    p2p = ch["point_to_point_ms"]

    from corridor.network import load_network

    pairs, _, _ = choose_pairs(load_network(progress=False))
    if args.wanted:
        first_of_metric, surface = any_surface_both_ways(pairs, args.wanted)
    else:
        surface = any_surface_ms(pairs)
    first_route = import_and_first_route_s(env)
    first_route_compiling = import_and_first_route_s(env, bytecode=False)
    extra = {"first_run": first_run(env) if args.first_run else None, "venv": fresh_venv() if args.venv else None,
             "server": server_load(env) if args.server else None,
             "fresh_clone": fresh_clone() if args.fresh_clone else None}

    def ms(name, stat="median"):
        return f"{p2p[name][stat]:.3f} ms"

    big = ch["matrix_1000"]["ch"]
    rows = [("whole sea corridor.route, median (repeated)", "<= 0.2 ms, 3x scgraph", ms("corridor.route (sea, CH)"),
             ms("scgraph default"), ms("searoute")),
            ("  the same, first call of each pair", "", ms("corridor.route (sea, CH), first call"), "-", "-"),
            ("any surface request (non-default options), p90" + (", metric's hierarchy built" if args.wanted else ""),
             "<= 10 ms", f"{np.percentile(surface, 90):.1f} ms", "-", "-"),
            ("default multimodal corridor.route, median", "<= 2 ms", ms("corridor.route (all surface, CH)"), "-", "-"),
            ("  the same, first call of each pair", "", ms("corridor.route (all surface, CH), first call"), "-", "-"),
            ("sea table 50 x 50", "<= 0.02 s, 2.5x scgraph", f"{ch['matrix_50_s']['ch']:.4f} s",
             f"{ch['matrix_50_s']['scgraph']:.4f} s", "-"),
            ("sea table 1,000 x 1,000", "<= 1 s", f"{big['seconds']:.2f} s ({big['peak_mib']:,.0f} MiB)", "-", "-"),
            ("import + first route (built)", "<= 0.5 s",
             f"{first_route:.2f} s ({first_route_compiling:.2f} s with no bytecode at all)", "-", "-")]
    if args.wanted:
        rows.insert(3, ("  the same, a metric's first requests (A*)", "(then built in the background)",
                        f"{np.percentile(first_of_metric, 90):.1f} ms", "-", "-"))
    if extra["first_run"]:
        f, cold = extra["first_run"]["cached"], extra["first_run"]["cold"]
        rows += [("first command, empty cache (network build incl.)", "<= 3 min, <= 3 GiB",
                  f"{f['seconds']:.0f} s, {f['peak_mib']:,.0f} MiB", "-", "-"),
                 ("  then default hierarchies (background build)", "(in the background)",
                  f"{f['background_hierarchies_s'] / 60:.1f} min", "-", "-"),
                 ("  the same two, numba kernels compiled anew (fresh machine)", "",
                  f"{cold['seconds']:.0f} s, {cold['peak_mib']:,.0f} MiB; "
                  f"{cold['background_hierarchies_s'] / 60:.1f} min", "-", "-")]
    if extra["fresh_clone"]:
        c = extra["fresh_clone"]
        rows.append(("README's first command on a fresh clone, then the background build", "<= 3 min",
                     f"{c['first_command_s']:.0f} s + {c['background_s']:.0f} s = "
                     f"{(c['first_command_s'] + c['background_s']) / 60:.2f} min, "
                     f"{c['peak_mib']:,.0f} MiB (first command)", "-", "-"))
    if extra["server"]:
        load = extra["server"]
        rows.append(("one corridor serve, 200 requests/s, 5 % multimodal", "p99 <= 50 ms",
                     f"p99 {load['p99_ms']} ms, {load['answered_per_s']}/s, {load['429'] + load['503']} refused", "-", "-"))
    if extra["venv"]:
        v = extra["venv"]
        rows.append(("base venv, pip install --no-compile .", "<= 700 MB", f"{v['mb']} MB ({v['seconds']:.0f} s)",
                     "-", "-"))
    head = ("target", "goal", "corridor", "scgraph 3.6", "searoute")
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(5)]
    print(f"\nissue #17 targets, {os.cpu_count()} CPUs, one run")
    for r in [head, tuple("-" * w for w in widths), *rows]:
        print(" | ".join(str(c).ljust(w) for c, w in zip(r, widths)))
    out = HERE / "results" / "fast.json"
    out.write_text(json.dumps({"rows": rows, "any_surface_ms": surface, "import_first_route_s": first_route,
                               "import_first_route_compiling_s": first_route_compiling,
                               **extra}, indent=1))
    print(f"\nwrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
