"""The metrics no hierarchy fits yet, recorded so that a background process can build theirs.

When a surface or sea search falls back to A* (:func:`corridor.engine.search.best_path`), its
metric (cargo, sea speed, costing parameters, objective, modes, closures, layer and closed
passages) is appended to ``wanted-metrics.jsonl`` in the network's folder as a small JSON
record *by value*: another process rebuilds the very same weight array from it
(:func:`ctx_of`), so the hierarchy it builds is the one :func:`~corridor.engine.hierarchies.cached_hierarchy`
then finds by the weights' digest. Each process writes a metric's line the 1st, 2nd, 4th, 8th...
time it sees it (with the count since its last line), not on every request; the first time it
also asks for the background build (:func:`~corridor.engine.hierarchies.start_wanted_build`),
which builds the most requested ones (:mod:`corridor.wanted_hierarchies`). A request the
planner answers from kept legs counts as well (:func:`again`) when its metric ran A* in this
process.

Nothing is recorded under ``CORRIDOR_BACKGROUND_BUILD=0`` unless ``CORRIDOR_RECORD_WANTED=1``
asks for it (a benchmark, then ``corridor network --hierarchies --wanted``).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import Counter
from pathlib import Path

from corridor.costing import Assumption
from corridor.costing.cargo import Cargo
from corridor.costing.params import defaults
from corridor.costing.profile import Profile
from corridor.engine.hierarchies import BACKGROUND_ENV, cached_hierarchy, start_wanted_build
from corridor.engine.restrictions import Ctx

FILE = "wanted-metrics.jsonl"
RECORD_ENV = "CORRIDOR_RECORD_WANTED"  # "1": record even when the background build is off
_SEEN: Counter = Counter()  # (network folder, layer, closed passages, weight key) -> requests in this process
_SEEN_SIZE = 256  # distinct metrics remembered per process (then forgotten: recorded again, harmless)
_LOCK = threading.Lock()
_METRIC_OF: dict = {}  # (network folder, Ctx.settings(), closed passages) -> its key in _SEEN, for again()
_NOTED = threading.local()  # .n: calls of note() on this thread (noted()), whether recorded or not;
# .a: those and the kept answers again() counted (on_astar())


def record_of(ctx: Ctx, layer: str, blocked: int) -> dict:
    """What rebuilds ``ctx``'s weight array in another process, as JSON values (:func:`ctx_of`)."""
    p, base = ctx.profile, defaults()
    changed = {k: [p.params[k].value, p.params[k].source] for k in p.params
               if (p.params[k].value, p.params[k].source) != (base[k].value, base[k].source)}
    return {"layer": layer, "blocked": int(blocked), "modes": sorted(p.modes),
            "sea_speed": [p.sea_speed.name, p.sea_speed.value, p.sea_speed.unit, p.sea_speed.source],
            "cargo": [p.cargo.kind, p.cargo.teu, p.cargo.tonnes, p.cargo.passengers, p.cargo.vessel_class],
            "params": changed, "objective": ctx.objective,
            "refs": {k: ctx.refs[k] for k in sorted(ctx.objective) if k in ctx.refs},
            "closed_ports": sorted(ctx.closed_ports), "countries": sorted(ctx.countries),
            "border_pairs": sorted(sorted(pair) for pair in ctx.border_pairs),
            "closed_crossings": sorted([sorted(pair), mode] for pair, mode in ctx.closed_crossings)}


def ctx_of(net, record: dict) -> tuple[Ctx, str, int]:
    """The search setting, layer and closed passages :func:`record_of` describes, on ``net``."""
    params = defaults()
    if record["params"]:
        params = params.override({k: {"value": v, "source": s} for k, (v, s) in record["params"].items()}, "wanted")
    profile = Profile(frozenset(record["modes"]), Assumption(*record["sea_speed"]), Cargo(*record["cargo"]), params)
    ctx = Ctx(net, profile, dict(record["objective"]), dict(record["refs"]), frozenset(record["closed_ports"]),
              frozenset(record["countries"]), frozenset(frozenset(p) for p in record["border_pairs"]),
              frozenset((frozenset(p), m) for p, m in record["closed_crossings"]))
    return ctx, record["layer"], int(record["blocked"])


def key_of(record: dict) -> str:
    """The record's identity: a digest of its canonical JSON."""
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()[:16]


def recording() -> bool:
    """Whether searches record their metrics (the background build is on, or a caller asked)."""
    return os.environ.get(BACKGROUND_ENV, "1") != "0" or os.environ.get(RECORD_ENV) == "1"


def note(ctx: Ctx, layer: str, blocked: int) -> None:
    """A search of ``layer`` with ``blocked`` closed ran A* for want of a hierarchy: count its
    metric, and record it (and ask for the background build) as :mod:`this module <corridor.engine.wanted>` says.
    Air and mixed objectives (scaled per pair of places: never asked twice) are not recorded."""
    _NOTED.n = noted() + 1
    _NOTED.a = on_astar() + 1
    if "air" in ctx.profile.modes or not recording() or os.environ.get("CORRIDOR_NO_CH"):
        return
    seen = (str(ctx.net.path), layer, int(blocked), ctx.weight_key())
    with _LOCK:
        _SEEN[seen] += 1
        n = _SEEN[seen]
        if len(_SEEN) > _SEEN_SIZE:
            del _SEEN[next(iter(_SEEN))]
    _record(ctx, layer, blocked, n)


def noted() -> int:
    """How many searches this thread noted (:func:`note`) so far: a caller compares it before and
    after a call to tell whether that call ran A* for want of a hierarchy."""
    return getattr(_NOTED, "n", 0)


def on_astar() -> int:
    """How many answers on this thread came from A* for want of a hierarchy so far: searches
    (:func:`note`) and kept answers of such a metric (:func:`again`). A caller compares it before
    and after a call to tell whether the answer rests on A*, and then does not keep it whole."""
    return getattr(_NOTED, "a", 0)


def again(ctx: Ctx, blocked: int, settings: tuple) -> bool:
    """A request answered from kept legs (:mod:`corridor.planner`), without a search: when its
    metric was noted in this process (its search ran A*), count it as :func:`note` counts a
    search, so that a repeated request pushes its metric up the list too. True when that
    metric's hierarchy has arrived since (:func:`~corridor.engine.hierarchies.cached_hierarchy`
    finds it): the kept legs are A*'s, an equal-cost path may differ from the hierarchy's, and
    another process would answer with the hierarchy's; the caller drops them. ``settings`` is
    ``ctx.settings()``, which the caller has made for its own key. Costs nothing while no search
    in the process ran A*, then a dictionary look-up (a metric's key is kept per setting)."""
    if not _SEEN:
        return False
    at = (str(ctx.net.path), settings, int(blocked))
    seen = _METRIC_OF.get(at)
    if seen is None:  # the weight key of a new Ctx takes about 0.1 ms: once per setting
        seen = (at[0], "sea" if ctx.profile.modes == frozenset({"sea"}) else "all", int(blocked), ctx.weight_key())
        with _LOCK:
            if len(_METRIC_OF) >= _SEEN_SIZE:
                del _METRIC_OF[next(iter(_METRIC_OF))]
            _METRIC_OF[at] = seen
    with _LOCK:
        if seen not in _SEEN:
            return False
        _SEEN[seen] += 1
        n = _SEEN[seen]
    _NOTED.a = on_astar() + 1
    layer = seen[1]
    if cached_hierarchy(ctx.net, layer, ctx.weight()[0], blocked, seen[3]) is not None:
        with _LOCK:
            _SEEN.pop(seen, None)  # answered on its hierarchy from now on: nothing more to count
        return True
    _record(ctx, layer, blocked, n)
    return False


def _record(ctx: Ctx, layer: str, blocked: int, n: int) -> None:
    """Write the metric's line the 1st, 2nd, 4th, 8th... time it is counted (``n``), and ask for
    the background build the first time."""
    if n & (n - 1):  # not a power of two: counted, written later
        return
    net = ctx.net
    record = record_of(ctx, layer, blocked)
    if record["refs"]:
        return
    line = json.dumps({"key": key_of(record), "n": max(1, n // 2), "record": record}, sort_keys=True) + "\n"
    try:  # one short append: atomic beside other processes' appends
        with open(Path(net.path) / FILE, "a", encoding="utf-8") as f:
            f.write(line)
    except OSError:  # a read-only cache: nothing to build either
        return
    if n == 1:
        start_wanted_build(net)


def wanted(net_path: Path) -> list[tuple[int, dict]]:
    """(requests, record) of every recorded metric, most requested first."""
    counts: Counter = Counter()
    records: dict = {}
    try:
        lines = (Path(net_path) / FILE).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    for line in lines:
        try:
            row = json.loads(line)
            counts[row["key"]] += int(row["n"])
            records[row["key"]] = row["record"]
        except (ValueError, KeyError, TypeError):  # a line cut short by a crash: skip it
            continue
    return [(n, records[k]) for k, n in counts.most_common()]
