"""The hierarchies that come with the network, built ahead so that :func:`corridor.route` with
the default cargo, speed, costs and objective finds one: in a detached low-priority process
after the first search that misses one (:func:`corridor.engine.hierarchies.start_background_build`
runs ``python -m corridor.default_hierarchies --background``), or in the foreground by
``corridor network --hierarchies``. Every other request (another speed, cost or CO2e
objective, closed ports or countries, extra closed passages) runs A* until its own hierarchy
is built after these (:mod:`corridor.wanted_hierarchies`).

Kept apart from the construction (:mod:`corridor.build.contraction`) and the store
(:mod:`corridor.engine.hierarchies`): naming the default requests takes the planner's
search setting (:class:`~corridor.engine.restrictions.Ctx`) and the transit policy.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import sys
import time
from contextlib import contextmanager

import numpy as np

from corridor import modes as M
from corridor import transit_policy
from corridor.build.contraction import Hierarchy
from corridor.costing import params as params_mod
from corridor.costing import sea as sea_costing
from corridor.costing.cargo import make_cargo
from corridor.costing.profile import Profile
from corridor.data import passages as P
from corridor.engine import hour_landmarks
from corridor.engine.hierarchies import defaults_marker, hierarchy
from corridor.engine.restrictions import Ctx, blocked_mask
from corridor.locks import lock_path
from corridor.wanted_hierarchies import build_until_done
from corridor.worker_processes import exit_on_sigterm, run_in_workers


def default_requests(net) -> list[tuple[str, str, np.ndarray | None, int]]:
    """(name, layer, weight, closed passages) of the requests whose hierarchies come with the
    network: tables (km on the sea layer), and routes with the default cargo, speed, costs and
    objective (time) by sea and over every surface mode, the latter also with the transit
    policy's countries closed (the second search of a route the policy reroutes), as
    :func:`corridor.planner.plan` sets them up."""
    cargo, params = make_cargo(None), params_mod.load(None)
    blocked = blocked_mask([], [], "seagoing")
    closed = P.mask_of(set(cargo.closed_passages()))
    speed = sea_costing.speed(None, cargo, params)

    def hours(modes, countries=frozenset()) -> np.ndarray:
        return Ctx(net, Profile(frozenset(modes), speed, cargo, params), countries=countries).weight()[0]

    policy = frozenset(transit_policy.restrictions())  # the second search of routes the policy reroutes
    return [("tables (km)", "sea", None, blocked),
            ("sea routes (default request, hours)", "sea", hours({"sea"}), blocked | closed),
            ("surface routes (default request, hours)", "all", hours(M.SURFACE), blocked | closed),
            ("surface routes under the transit policy (hours)", "all", hours(M.SURFACE, policy), blocked | closed)]


def _build_one(net, request: tuple[str, str, np.ndarray | None, int], progress: bool,
               in_order_of: Hierarchy | None = None) -> Hierarchy:
    """Build (or load) the hierarchy of one of :func:`default_requests` (with its hub labels on
    the sea layer; in the node order of ``in_order_of`` when given), saying so on stderr with
    the wall and CPU seconds it took."""
    name, layer, weight, blocked = request
    t, cpu = time.perf_counter(), time.process_time()
    h = hierarchy(net, layer, blocked, weight, build=False)
    if h is None or (layer == "sea" and h.labels is None):
        if progress:
            what = "hub labels" if h is not None else "contraction hierarchy"
            print(f"corridor: building the {what} for {name} ...", file=sys.stderr, flush=True)
        h = hierarchy(net, layer, blocked, weight, quiet=True, labels=layer == "sea", in_order_of=in_order_of)
    if progress:
        print(f"corridor: contraction hierarchy for {name}: {h.stats['upward_edges']:,} upward edges, "
              f"ready in {time.perf_counter() - t:.1f} s ({time.process_time() - cpu:.1f} s of CPU)",
              file=sys.stderr, flush=True)
    return h


def _build_hour_landmarks(net, progress: bool) -> None:
    """Build the hour landmarks unless they are there (for the requests no hierarchy fits: their
    A*'s bound), saying so on stderr; a read-only cache keeps the km landmarks."""
    if hour_landmarks.load(net) is not None:
        return
    t, cpu = time.perf_counter(), time.process_time()
    try:
        hour_landmarks.build(net)
    except OSError:
        return
    if progress:
        print(f"corridor: hour landmarks ready in {time.perf_counter() - t:.1f} s "
              f"({time.process_time() - cpu:.1f} s of CPU)", file=sys.stderr, flush=True)


LANDMARKS = "hour landmarks"  # the job that builds them, beside the indices of default_requests()
# Jobs contracted in the node order of another's ranked hierarchy (job: the one it follows)
# rather than ranked: no ranking searches, no priority queue. The sea hours are the km at one
# speed but for the canals' and slow passages' edges, and the km order is the better one for
# both (hub labels of the hours in it: mean 228 entries, ranked on the hours: 259, both fully
# ranked before the dissected top). The transit
# policy's whole-network hierarchy is not: in the default one's order it had 38 % more
# shortcuts for no less CPU, and it would have to wait for that one (README, "Hierarchies within the first three
# minutes").
IN_ORDER_OF: dict[int, int] = {1: 0}
# The jobs in the order the workers take them up. The hour landmarks first (seconds): until
# the hierarchies are there every surface request runs A*, which they bound far tighter than
# the km ones. Then the sea km beside them, on the other core (the sea hours follow its order),
# the default whole network's on the landmarks' core, the policy's after the sea km, and the
# sea hours last: on 2 idle workers, about 6 + 57 + 23 CPU s on one core and 33 + 52 on the
# other (README, "The top of the order by nested dissection"; with the whole network's before
# the sea km, and the deep searches in the dissected core, the cores ended at 123 and 110 s).
ORDER: tuple[int | str, ...] = (LANDMARKS, 0, 2, 3, 1)


def build_order(missing: list[int], landmarks: bool) -> list[int | str]:
    """The jobs of a build (indices of :func:`default_requests` still missing, and
    :data:`LANDMARKS` when ``landmarks``) in the order workers take them up."""
    return [job for job in ORDER if job in missing or (job == LANDMARKS and landmarks)]


@contextmanager
def _job_lock(net, job: int):
    """Held while a worker builds job ``job`` of :func:`default_requests` whose node order another
    job reuses (:data:`IN_ORDER_OF`): that job's worker takes it in turn, and then finds the
    hierarchy built, or builds it itself (when no worker has taken it up yet, or it is built
    alone, as a test may). A cache folder where no lock file can be made builds without one."""
    try:
        fd = os.open(lock_path(net.path, f"building-job-{job}"), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _build_in_worker(job: int | str, progress: bool) -> None:
    """One worker process's share: it loads the (memory-mapped) network itself."""
    from corridor.network import load_network

    net = load_network(progress=False)
    if job == LANDMARKS:
        _build_hour_landmarks(net, progress)
        return
    requests = default_requests(net)
    source = IN_ORDER_OF.get(job)
    if source is not None:  # the order this one reuses: built by whichever worker locks it first
        with _job_lock(net, source):
            order = _build_one(net, requests[source], progress)
        _build_one(net, requests[job], progress, order)
    elif job in IN_ORDER_OF.values():
        with _job_lock(net, job):
            _build_one(net, requests[job], progress)
    else:
        _build_one(net, requests[job], progress)


def build_default_hierarchies(net, *, progress: bool = True, workers: int = 1) -> list[Hierarchy]:
    """Build (or load) the hierarchies of :func:`default_requests`, saying so on stderr.

    The missing ones and the hour landmarks are built in :data:`ORDER`; with ``workers`` > 1 by
    that many processes at once (each contraction runs on one core; those of
    :data:`IN_ORDER_OF` in another's node order, once it is built). CPU time: about 20-33 s
    for the sea km one (hub labels included), 22-25 s for the sea hours in its order, and
    44-57 s for each of the whole network's, the hour landmarks seconds (README, "The top of
    the order by nested dissection"); once per network, then cached, loaded in well under a
    second. Then writes the marker that
    stops background builds of this network (:func:`corridor.engine.hierarchies.defaults_marker`;
    atomically, last)."""
    t = time.perf_counter()
    requests = default_requests(net)
    missing = [i for i, (_, layer, weight, blocked) in enumerate(requests)
               if (h := hierarchy(net, layer, blocked, weight, build=False)) is None
               or (layer == "sea" and h.labels is None)]
    jobs = build_order(missing, hour_landmarks.load(net) is None)
    if workers > 1 and len(jobs) > 1:
        run_in_workers(_build_in_worker, [(job, progress) for job in jobs], min(workers, len(jobs)))
    here = progress and (workers == 1 or len(jobs) <= 1)  # the workers said it already
    # the requests of above, not computed again per hierarchy (each computation weighs every edge three times)
    by_job = {}
    for job in ORDER:  # loads what the workers built; builds the rest, in the same order
        if job == LANDMARKS:
            _build_hour_landmarks(net, here)
        else:
            source = IN_ORDER_OF.get(job)
            by_job[job] = _build_one(net, requests[job], here, None if source is None else by_job[source])
    built = [by_job[i] for i in range(len(requests))]
    marker = defaults_marker(net.path)
    try:
        tmp = marker.with_suffix(".tmp")
        tmp.write_text(json.dumps({"seconds": round(time.perf_counter() - t, 1), "workers": workers,
                                   "hierarchies": [h.path.name for h in built if h.path is not None]}))
        os.replace(tmp, marker)
    except OSError:  # a read-only cache: they are in memory only
        pass
    return built


BACKGROUND_WORKERS = 2  # both cores, at low priority: the background build takes about half as long


def _wait_for(pid: int, most_s: float) -> None:
    """Wait until process ``pid`` has ended or ``most_s`` seconds have passed: the command that
    started the background build finishes first, so the two never add up their memory."""
    end = time.monotonic() + most_s
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        except PermissionError:  # alive, another user's
            pass
        time.sleep(0.5)


def build_in_background(after: int | None) -> int:
    """The background build: low priority, under the network's build lock (given up at once
    when another process holds it: that one is building): the default hierarchies, then those
    of the metrics requests asked for (:func:`corridor.wanted_hierarchies.build_until_done`)."""
    from corridor.network import load_network, network_dir

    os.nice(10)
    if after:
        _wait_for(after, 60.0)
    path = network_dir()
    try:
        fd = os.open(lock_path(path.parent, path.name), os.O_RDWR | os.O_CREAT, 0o644)  # network.build_lock's
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # held (BlockingIOError) or no cache to write: nothing to do here
        return 0
    try:
        if not path.exists():
            return 0
        net = load_network(progress=False)
        if not defaults_marker(path).exists():
            build_default_hierarchies(net, progress=True, workers=BACKGROUND_WORKERS)
        build_until_done(net)  # then the metrics requests asked for (corridor.engine.wanted)
        return 0
    finally:
        os.close(fd)


def main(argv: list[str] | None = None) -> int:
    """``python -m corridor.default_hierarchies [--background [--after PID]]``: build them ahead
    for the installed network."""
    ap = argparse.ArgumentParser(prog="python -m corridor.default_hierarchies", description=main.__doc__)
    ap.add_argument("--background", action="store_true",
                    help="low priority, under the build lock, quiet if another process is building")
    ap.add_argument("--after", type=int, help="start once this process has ended (at most a minute later)")
    args = ap.parse_args(argv)
    import importlib

    from corridor.network import load_network

    # the module's own functions, not __main__'s copies: worker processes import them by name
    mod = importlib.import_module("corridor.default_hierarchies")
    exit_on_sigterm()  # killed (by a user, a shutdown): the workers go with it, the lock is released
    if args.background:
        return mod.build_in_background(args.after)
    mod.build_default_hierarchies(load_network(), workers=BACKGROUND_WORKERS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
