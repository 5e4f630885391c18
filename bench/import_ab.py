"""Issue #17's "import plus first route" for two or more checkouts, alternating fresh processes,
so that a busy machine's load falls on each alike.

Run (network and hierarchies already in the cache folder)::

    python bench/import_ab.py /path/to/main/src src                  # 10 processes each
    python bench/import_ab.py --runs 5 --compile /path/to/main/src src
    python bench/import_ab.py --modes sea,rail,road,ferry --pair Shanghai Rotterdam /path/to/main/src src
    python bench/import_ab.py --cli --modes sea,rail,road,ferry --pair Shanghai Rotterdam /path/to/main/src src

Each process runs ``import corridor; corridor.route('CNSHA', 'NLRTM')`` (or ``--pair`` by
``--modes``) with one checkout's
``src`` on PYTHONPATH. By default the bytecode is compiled once into a temporary
PYTHONPYCACHEPREFIX (as an install has it); ``--compile`` makes every process compile the
sources (PYTHONDONTWRITEBYTECODE=1). Prints, per checkout, the median wall time inside the
process (as bench/fast.py), of the whole process, and the process's CPU time, which a busy
machine disturbs least. ``--cli`` runs ``python -m corridor route FROM TO --modes ...`` instead
and gives the whole process's wall and CPU time (its start and exit included). Never run in CI
(it measures the machine).
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

CODE = ("import sys, time; t = time.perf_counter(); c = time.process_time(); import corridor; "
        "corridor.route(*sys.argv[1:3], **({'modes': sys.argv[3]} if sys.argv[3:] else {})); "
        "print(time.perf_counter() - t, time.process_time() - c)")


def one_process(env: dict, route: list[str], cli: bool) -> tuple[float, float, float]:
    """(wall inside the process, wall of the whole process, CPU time) in seconds; for the CLI,
    (nan, wall, CPU) of the whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    modes = ["--modes", route[2]] if len(route) > 2 else []  # none: the route's default modes
    command = ["-m", "corridor", "route", route[0], route[1], *modes] if cli else ["-c", CODE, *route]
    out = subprocess.run([sys.executable, *command], env=env, capture_output=True, text=True, check=True).stdout
    whole = time.perf_counter() - t
    if cli:
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return math.nan, whole, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    wall, cpu = map(float, out.split()[-2:])
    return wall, whole, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", nargs="+", help="a checkout's src folder")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--compile", action="store_true", help="every process compiles the sources")
    parser.add_argument("--pair", nargs=2, default=["CNSHA", "NLRTM"], metavar=("FROM", "TO"))
    parser.add_argument("--modes", help="the route's modes, e.g. sea,rail,road,ferry (default: the route's own)")
    parser.add_argument("--cli", action="store_true", help="time `python -m corridor route` as a whole process")
    args = parser.parse_args()
    route = [*args.pair, *([args.modes] if args.modes else [])]
    with tempfile.TemporaryDirectory(prefix="corridor-pycache-") as pycache:
        envs = {}
        for src in args.src:
            env = dict(os.environ, PYTHONPATH=src)
            if args.compile:
                env["PYTHONDONTWRITEBYTECODE"] = "1"
                env.pop("PYTHONPYCACHEPREFIX", None)
            else:
                env.pop("PYTHONDONTWRITEBYTECODE", None)
                env["PYTHONPYCACHEPREFIX"] = pycache
                one_process(env, route, args.cli)  # writes the bytecode, untimed
            envs[src] = env
        runs = {src: [] for src in args.src}
        for _ in range(args.runs):
            for src, env in envs.items():
                runs[src].append(one_process(env, route, args.cli))
    print(f"{'CLI ' if args.cli else ''}{' '.join(args.pair)} by {args.modes or 'the default modes'}: {args.runs} alternating fresh processes each, bytecode {'compiled in every process' if args.compile else 'on disk'}; "
          f"load average at the end {os.getloadavg()[0]:.2f}")
    for src, r in runs.items():
        wall, whole, cpu = (statistics.median(x) for x in zip(*r))
        inside = "" if args.cli else f"wall in the process {wall:.3f} s, "
        print(f"{src}: {inside}whole process {whole:.3f} s, CPU {cpu:.3f} s")


if __name__ == "__main__":
    main()
