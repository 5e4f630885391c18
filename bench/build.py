"""Build and load cost of the whole multimodal network, and multimodal query times.

Measures, each in a fresh subprocess so nothing is shared or cached:

* the full build (sea, rail, road, ferries, terminals, borders, landmarks) into an empty
  cache folder: wall time and peak resident memory;
* loading the built network and answering one multimodal route: time and peak memory;
* median and p90 times of multimodal routes (all surface modes) on a fixed list of city and
  port pairs, after load.

Run: ``python bench/build.py`` (writes bench/results/build.json too). Takes about 2 minutes.

``python bench/build.py --hierarchies`` measures the default hierarchies' build instead (what
the background build does after the network, ``python -m corridor.default_hierarchies``, 2
workers) for each checkout's ``src`` (``--old``, default /work/main/src, and ``--new``, this
checkout's), alternating: on a scratch cache folder that holds the built network
(``CORRIDOR_CACHE_DIR``'s, hard-linked: never written) without its hierarchies and hour
landmarks. Prints the wall and CPU seconds of the whole build (workers included), its peak
memory (the largest process), the size of what it wrote, and each phase's line. ``--only old``
or ``--only new`` builds with one checkout's code.

``python bench/build.py --first-command [--background] [--rounds N] [--new-first]`` times the README's first
command (``corridor report PE AZ``) on an empty scratch cache folder for each checkout's
``src`` (``--old``/``--new`` as above), alternating (``--new-first``: this one first): its wall time, its peak memory (the
largest of it and the build's children) and each network build stage's start. With
``--background`` the background build runs (``CORRIDOR_BACKGROUND_BUILD=1``) and the bench
also waits for the default hierarchies (the ``ch-defaults-*.done`` marker): the seconds from the
command's start until they are ready, and the peak of the memory of all the run's processes
added up (sampled every 0.2 s).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PAIRS = [("Xi'an", "Baku"), ("Shanghai", "Baku"), ("Baku", "Istanbul"), ("Almaty", "Tbilisi"),
         ("Lima", "Callao"), ("Rotterdam", "Warsaw"), ("Hamburg", "Milan"), ("Chongqing", "Duisburg"),
         ("Mumbai", "Delhi"), ("Tbilisi", "Constanta"), ("Aktau", "Baku"), ("Urumqi", "Tashkent")]


def _child(what: str) -> dict:
    started = time.perf_counter()
    from corridor.network import load_network

    if what == "build":
        load_network(progress=True)
        return {"seconds": time.perf_counter() - started}
    import corridor

    net = load_network(progress=False)
    loaded = time.perf_counter() - started
    corridor.route("Xi'an", "Baku", modes="sea,rail,road,ferry")
    first = time.perf_counter() - started - loaded
    times = []
    for a, b in PAIRS:
        runs = []
        for _ in range(5):
            t = time.perf_counter()
            corridor.route(a, b, modes="sea,rail,road,ferry")
            runs.append(time.perf_counter() - t)
        times.append(sorted(runs)[2])
    return {"load_s": loaded, "first_route_s": first, "query_ms": [t * 1000 for t in times],
            "nodes": int(net.n_nodes), "edges": int(len(net.edge_km)), "path": str(net.path)}


def run_child(what: str, cache: str) -> dict:
    env = dict(os.environ, CORRIDOR_CACHE_DIR=cache, CORRIDOR_BACKGROUND_BUILD="0")  # no builder left on a deleted folder
    out = subprocess.run([sys.executable, __file__, "--child", what], capture_output=True, text=True, env=env,
                         check=True)
    sys.stderr.write(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


_BUILT_BY_HIERARCHIES = ("ch-", "landmarks-hours-", "hierarchies-background", "wanted-metrics")


def _scratch_cache(cache: Path, into: Path) -> Path:
    """A cache folder in ``into`` with ``cache``'s network hard-linked, without what the default
    hierarchies' build writes (its records copied: a build rewrites them)."""
    from corridor.network import network_dir

    net = network_dir()
    dst = into / net.name
    dst.mkdir(parents=True)
    for f in net.iterdir():
        if f.is_file() and not f.name.startswith(_BUILT_BY_HIERARCHIES):
            if f.suffix == ".json":
                shutil.copy(f, dst / f.name)
            else:
                os.link(f, dst / f.name)
    for f in cache.glob("city-names-*.npz"):
        os.link(f, into / f.name)
    return dst


def hierarchies(src: str) -> dict:
    """Build the default hierarchies with ``src``'s code on a scratch copy of the network."""
    cache = Path(os.environ["CORRIDOR_CACHE_DIR"])
    with tempfile.TemporaryDirectory(prefix="corridor-bench-", dir=cache.parent) as tmp:
        net = _scratch_cache(cache, Path(tmp))
        before = {f.name for f in net.rglob("*")}
        env = dict(os.environ, CORRIDOR_CACHE_DIR=tmp, PYTHONPATH=src, CORRIDOR_BACKGROUND_BUILD="0")
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "corridor.default_hierarchies"], capture_output=True, text=True,
                             env=env, cwd=tmp, check=True)
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        written = sum(f.stat().st_size for f in net.rglob("*") if f.name not in before and f.is_file())
    return {"src": src, "wall_s": wall, "cpu_s": after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime,
            "peak_rss_mib": after.ru_maxrss / 1024, "written_mib": written / 2**20,
            "phases": [line for line in out.stderr.splitlines() if "ready in" in line]}


def main_hierarchies(args: list[str]) -> None:
    old = args[args.index("--old") + 1] if "--old" in args else "/work/main/src"
    new = args[args.index("--new") + 1] if "--new" in args else str(Path(__file__).resolve().parents[1] / "src")
    rounds = int(args[args.index("--rounds") + 1]) if "--rounds" in args else 1
    only = args[args.index("--only") + 1] if "--only" in args else None  # "old" or "new": one side
    for _ in range(rounds):
        for src in [s for side, s in (("old", old), ("new", new)) if only in (None, side)]:
            print(f"load average before: {os.getloadavg()[0]:.1f}", flush=True)
            r = hierarchies(src)
            print(f"{src}: {r['wall_s']:.0f} s wall, {r['cpu_s']:.0f} s CPU, peak {r['peak_rss_mib']:,.0f} MiB, "
                  f"wrote {r['written_mib']:,.0f} MiB", flush=True)
            for line in r["phases"]:
                print("   ", line, flush=True)


def _run_rss_mib(cache: str) -> float:
    """The resident memory of every process whose environment names ``cache``, added up."""
    total = 0
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and f"CORRIDOR_CACHE_DIR={cache}".encode() in (proc / "environ").read_bytes():
                total += int(next(line for line in (proc / "status").read_text().splitlines()
                                  if line.startswith("VmRSS")).split()[1])
        except (OSError, StopIteration):
            continue
    return total / 1024


def first_command(src: str, background: bool) -> dict:
    """The first command on an empty cache with ``src``'s code (see the module docstring)."""
    with tempfile.TemporaryDirectory(prefix="corridor-first-command-") as cache:
        env = dict(os.environ, CORRIDOR_CACHE_DIR=cache, PYTHONPATH=src,
                   CORRIDOR_BACKGROUND_BUILD="1" if background else "0")
        t = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "corridor", "report", "PE", "AZ"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        stages, peak_sum = [], 0.0
        for line in proc.stderr:
            if line.startswith("corridor: ") and line.rstrip().endswith("..."):
                stages.append((round(time.perf_counter() - t, 1), line[10:].strip()))
        _, _, usage = os.wait4(proc.pid, 0)  # this command's own peak (and its waited-for children's)
        wall = time.perf_counter() - t
        out = {"src": src, "wall_s": wall, "peak_rss_mib": usage.ru_maxrss / 1024, "stages": stages}
        if background:
            while not any(Path(cache).glob("network-*/ch-defaults-*.done")):
                peak_sum = max(peak_sum, _run_rss_mib(cache))
                time.sleep(0.2)
            out.update(hierarchies_ready_s=time.perf_counter() - t, peak_sum_of_processes_mib=peak_sum)
            while _run_rss_mib(cache):  # the builder goes on to the wanted metrics' (none): let it end
                time.sleep(0.5)
    return out


def main_first_command(args: list[str]) -> None:
    old = args[args.index("--old") + 1] if "--old" in args else "/work/main/src"
    new = args[args.index("--new") + 1] if "--new" in args else str(Path(__file__).resolve().parents[1] / "src")
    rounds = int(args[args.index("--rounds") + 1]) if "--rounds" in args else 1
    order = (new, old) if "--new-first" in args else (old, new)
    for _ in range(rounds):
        for src in order:
            print(f"load average before: {os.getloadavg()[0]:.1f}", flush=True)
            r = first_command(src, "--background" in args)
            print(f"{src}: first command {r['wall_s']:.1f} s, peak {r['peak_rss_mib']:,.0f} MiB"
                  + (f"; default hierarchies ready {r['hierarchies_ready_s']:.0f} s after its start, all processes "
                     f"at most {r['peak_sum_of_processes_mib']:,.0f} MiB together" if "hierarchies_ready_s" in r else ""),
                  flush=True)
            print("    stages started at (s):", "; ".join(f"{s} {name}" for s, name in r["stages"]), flush=True)


def main() -> None:
    if "--first-command" in sys.argv:
        main_first_command(sys.argv)
        return
    if "--hierarchies" in sys.argv:
        main_hierarchies(sys.argv)
        return
    if "--child" in sys.argv:
        result = _child(sys.argv[-1])
        result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory(prefix="corridor-bench-") as cache:
        build = run_child("build", cache)
        query = run_child("query", cache)
        size = sum(p.stat().st_size for p in Path(query["path"]).glob("*"))
    q = sorted(query["query_ms"])
    rows = [
        ("full build (fresh cache)", f"{build['seconds']:.1f} s", f"{build['peak_rss_mib']:,.0f} MiB"),
        ("load + first multimodal route", f"{query['load_s']:.2f} s + {query['first_route_s']:.2f} s",
         f"{query['peak_rss_mib']:,.0f} MiB"),
        (f"multimodal route, median of {len(q)} pairs", f"{q[len(q) // 2]:.1f} ms", ""),
        (f"multimodal route, p90 of {len(q)} pairs", f"{q[int(0.9 * (len(q) - 1))]:.1f} ms", ""),
        ("compiled network on disk", f"{size / 2**20:,.0f} MiB", ""),
    ]
    print(f"corridor network: {query['nodes']:,} nodes, {query['edges']:,} edges; "
          f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    width = max(len(r[0]) for r in rows)
    print(f"{'what':{width}} | {'time / size':>22} | {'peak memory':>12}")
    print("-" * (width + 40))
    for name, value, mem in rows:
        print(f"{name:{width}} | {value:>22} | {mem:>12}")
    Path(__file__).with_name("results").mkdir(exist_ok=True)
    Path(__file__).with_name("results").joinpath("build.json").write_text(
        json.dumps({"build": build, "query": query, "disk_bytes": size}, indent=1))


if __name__ == "__main__":
    main()
