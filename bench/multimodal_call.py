"""The default multimodal ``corridor.route`` call, before and after a change (issue #17).

Requests: bench/ch.py's multimodal row, the 50 major-port pairs of bench/speed.py by
coordinates with ``modes=["sea", "rail", "road", "ferry"]``. Each version of the code runs in
its own fresh process (``--before-src`` gives the other checkout's ``src``), the processes
alternating over ``--rounds``. In each process, warmed on the first pair: every other pair's
first call (wall and CPU time), then per pair the median of ``REPEATS`` calls (bench/ch.py's
figure). Printed per version: the median over the rounds of each round's median over the pairs.
The answers are checked by bench/multimodal_answers.py.

Run: ``CORRIDOR_BACKGROUND_BUILD=0 python bench/multimodal_call.py --before-src /work/main/src``
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
SRC = HERE.parent / "src"
REPEATS = 20
SURFACE = ["sea", "rail", "road", "ferry"]


def measure(pairs: list) -> dict:
    import corridor

    def call(p):
        return corridor.route(tuple(p[0]), tuple(p[1]), modes=SURFACE)

    call(pairs[0])
    first, first_cpu = [], []
    for p in pairs[1:]:
        t, c = time.perf_counter(), time.process_time()
        call(p)
        first.append(1000 * (time.perf_counter() - t))
        first_cpu.append(1000 * (time.process_time() - c))
    repeated = []
    for p in pairs:
        times = []
        for _ in range(REPEATS):
            t = time.perf_counter()
            call(p)
            times.append(time.perf_counter() - t)
        repeated.append(1000 * statistics.median(times))
    return {"repeats_ms": statistics.median(repeated), "first_ms": statistics.median(first),
            "first_p90_ms": statistics.quantiles(first, n=10)[-1], "first_cpu_ms": statistics.median(first_cpu)}


def _child(src: str, pairs_file: str) -> dict:
    env = dict(os.environ, PYTHONPATH=src, CORRIDOR_BACKGROUND_BUILD="0")
    out = subprocess.run([sys.executable, __file__, "--child", pairs_file], env=env, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before-src", required=True, help="the other checkout's src folder")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from speed import choose_pairs

    from corridor.network import load_network

    pairs = [[p["a"], p["b"]] for p in choose_pairs(load_network(progress=False))[0]]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(pairs, f)
    runs: dict = {"before": [], "after": []}
    print(f"uptime: {os.getloadavg()}")
    for k in range(args.rounds):
        for name, src in (("before", args.before_src), ("after", str(SRC)))[:: 1 if k % 2 == 0 else -1]:
            runs[name].append(_child(src, f.name))
            print(f"round {k + 1} {name}: {runs[name][-1]}", flush=True)
    print(f"uptime: {os.getloadavg()}")
    print(f"\n{'median over rounds':<28} | {'before':>8} | {'after':>8}")
    for key, label in (("repeats_ms", "median of repeats, ms"), ("first_ms", "first call, median ms"),
                       ("first_p90_ms", "first call, p90 ms"), ("first_cpu_ms", "first call, CPU ms")):
        b, a = (statistics.median(r[key] for r in runs[n]) for n in ("before", "after"))
        print(f"{label:<28} | {b:>8.3f} | {a:>8.3f}")
    os.unlink(f.name)


if __name__ == "__main__":
    if "--child" in sys.argv:
        print(json.dumps(measure(json.loads(Path(sys.argv[sys.argv.index("--child") + 1]).read_text()))))
    else:
        main()
