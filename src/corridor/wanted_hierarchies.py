"""Hierarchies for the metrics requests asked for and no default hierarchy fits (another cargo,
objective, speed or costing parameters; closures whose best path the closure shortcut finds
shut, such as Suez for Asia-Europe pairs, or the transit policy's second search: a record
carries the closed passages and countries), most requested first, within a cap; those it built
for metrics that fell out of the most requested are removed (:func:`evict`).

Closures of a default metric (the default request, with or without the transit policy's
countries, plus closed passages, ports or border pairs: Suez in a Red Sea crisis) have slots
of their own (:data:`MAX_CLOSURES`), apart from other metrics': the closure shortcut serves them
wherever the default path stays open, so they are asked as A* only for the few pairs whose
path crosses the closure, and would never rank among the metrics every request of a cargo or
objective records.

The metrics come from :mod:`corridor.engine.wanted`'s record; each one's weight array is made
again from it, and its hierarchy (no hub labels: a route's search needs none) is saved under
the weights' digest like any other (:func:`corridor.engine.hierarchies.hierarchy`), so
:func:`~corridor.engine.hierarchies.cached_hierarchy` finds it and searches switch over.
Built after the default hierarchies by the background build
(:func:`corridor.default_hierarchies.build_in_background`, under the network's build lock), or
at once by ``corridor network --hierarchies --wanted``.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from corridor.build.contraction import Hierarchy
from corridor.engine import closure_shortcut
from corridor.engine import wanted as wanted_mod
from corridor.engine.hierarchies import default_names, file_for, files, hierarchy
from corridor.hierarchy_integrity import record_of

MAX_METRICS = 4  # the most requested metrics that get a hierarchy
MAX_CLOSURES = 2  # and the most requested closures of a default metric, besides them
# whole-network hierarchies on disk for other metrics and closures: about 150-165 MB each (README),
# so 4 metrics fit in 700 MB and 2 closures in 350 MB more
MAX_BYTES = 700 * 1024 ** 2
CLOSURE_BYTES = 350 * 1024 ** 2
LOOK_FURTHER = 4  # records read per metric built: skips defaults and records of the same weights, within reason
BUILT = "wanted-hierarchies.txt"  # the files build_wanted saved, one name a line: the only ones evict removes
# a hierarchy stays at least this long after it was saved (it took minutes of CPU): no build, evict, build churn
EVICT_AGE_S = 3600.0


def on_disk(net_path: Path) -> list[Path]:
    """The hierarchy files in the network folder that this code can use and the default build did
    not make (files an older construction code left are not searched, and `corridor network
    --clean` removes them: they take no room in the budget)."""
    defaults = default_names(net_path)
    return [p for p in files(net_path) if p.name not in defaults]


def _estimate(net_path: Path, layer: str) -> int:
    """Bytes a new hierarchy of ``layer`` will take: the largest one of that layer on disk (0 if none)."""
    return max((p.stat().st_size for p in files(net_path, layer)), default=0)


def chosen(net, most: int = MAX_METRICS, closures: int = MAX_CLOSURES) -> list[tuple[int, dict, Path]]:
    """(requests, record, hierarchy file) of the ``most`` most requested metrics and the
    ``closures`` most requested closures of a default metric (:func:`closes_a_default`), built or
    not, most requested first. A default request's metric, recorded while its hierarchy was being
    built, and one of the same weights as a more requested one (the hours of 20,000 t and of
    30,000 t of dry bulk) take no place among them."""
    out, defaults, left = [], default_names(net.path), {False: most, True: closures}
    for count, record in wanted_mod.wanted(net.path)[:(most + closures) * LOOK_FURTHER]:
        if not any(left.values()):
            break
        ctx, layer, blocked = wanted_mod.ctx_of(net, record)
        path = file_for(net, layer, blocked, ctx.weight()[0])
        if path.name in defaults or any(path == p for _, _, p in out):
            continue
        closure = closes_a_default(ctx, layer, blocked, defaults)
        if left[closure]:
            left[closure] -= 1
            out.append((count, record, path))
    return out


def closes_a_default(ctx, layer: str, blocked: int, defaults: set[str]) -> bool:
    """Whether the request ``ctx`` with passages ``blocked`` closed only closes more than a
    request whose hierarchy (of ``layer``) is one of ``defaults`` (file names): the closure
    shortcut's proof (:func:`corridor.engine.closure_shortcut.lowers`), by value."""
    return any(low.hierarchy.path is not None and low.hierarchy.path.name in defaults
               for low in closure_shortcut.lowers(ctx, layer, blocked))


def evict(net_path: Path, keep: set[Path], *, progress: bool = True) -> list[Path]:
    """Remove the hierarchies this build made (:data:`BUILT`) that are not in ``keep`` (their
    metric fell out of the most requested) and were saved more than :data:`EVICT_AGE_S` ago, with
    their record and hub labels; say so on stderr. Returns the files removed.

    Safe beside running searches: only files of this list go (never a default's, nor one a table
    or a test built), by one build at a time (the background build holds the network's build
    lock), and none younger than :data:`EVICT_AGE_S`, which a search may have just switched to. A
    process that has one loaded keeps it: its arrays are memory-mapped, and a removed file's
    pages stay readable until the last mapping goes (POSIX; the disk space is freed then). One
    that opens it as it goes finds no file and runs A* (:func:`~corridor.engine.hierarchies.load_hierarchy`).
    Where a mapped file cannot be removed (Windows), it stays until the next build."""
    gone, now, defaults = [], time.time(), default_names(net_path)
    for name in _built(net_path):
        path = Path(net_path) / name
        try:
            if path in keep or name in defaults or now - path.stat().st_mtime < EVICT_AGE_S:
                continue
            path.unlink()  # first: from now on no search finds it
        except OSError:  # removed already, or mapped where that forbids removing it
            continue
        record_of(path).unlink(missing_ok=True)
        shutil.rmtree(path.with_suffix(".labels"), ignore_errors=True)
        gone.append(path)
        if progress:
            print(f"corridor: removed the hierarchy {name}: its metric is no longer among the {MAX_METRICS} "
                  f"most requested metrics and {MAX_CLOSURES} closures", file=sys.stderr, flush=True)
    return gone


def _built(net_path: Path) -> list[str]:
    """The hierarchy files :func:`build_wanted` saved in the network folder (:data:`BUILT`), once each."""
    try:
        return list(dict.fromkeys((Path(net_path) / BUILT).read_text(encoding="utf-8").split()))
    except OSError:
        return []


def build_wanted(net, *, most: int = MAX_METRICS, closures: int = MAX_CLOSURES,
                 max_bytes: int = MAX_BYTES + CLOSURE_BYTES, progress: bool = True) -> list[Hierarchy]:
    """Build the hierarchies of the ``most`` most requested metrics and ``closures`` closures
    (:func:`chosen`) that lack one, while the hierarchies of other metrics on disk stay within
    ``max_bytes``; say so on stderr. First remove those it built for metrics no longer among
    them (:func:`evict`). Returns the hierarchies of the chosen metrics (built now or before)."""
    top = chosen(net, most, closures)
    evict(net.path, {path for _, _, path in top}, progress=progress)
    out = []
    for count, record, path in top:
        ctx, layer, blocked = wanted_mod.ctx_of(net, record)
        weight = ctx.weight()[0]
        h = hierarchy(net, layer, blocked, weight, build=False)
        if h is None:
            used = sum(p.stat().st_size for p in on_disk(net.path))
            if used + _estimate(net.path, layer) > max_bytes:
                if progress:
                    print(f"corridor: not building more hierarchies for other metrics: {used / 1e6:.0f} MB of them "
                          f"on disk, the budget is {max_bytes / 1e6:.0f} MB", file=sys.stderr, flush=True)
                break
            t = time.perf_counter()
            if progress:
                print(f"corridor: building the contraction hierarchy of a requested metric ({_describe(record)}, "
                      f"asked {count} times) ...", file=sys.stderr, flush=True)
            h = hierarchy(net, layer, blocked, weight, quiet=True)
            with open(Path(net.path) / BUILT, "a", encoding="utf-8") as f:
                f.write(path.name + "\n")
            if progress:
                print(f"corridor: ready in {time.perf_counter() - t:.0f} s ({h.stats['upward_edges']:,} upward edges)",
                      file=sys.stderr, flush=True)
        out.append(h)
    return out


def _describe(record: dict) -> str:
    """A metric in words, for the build's log."""
    kind, teu, tonnes, *_ = record["cargo"]
    what = f"{tonnes:g} t of {kind}" if tonnes else f"{teu:g} TEU" if kind == "container" else kind
    return (f"{what}, optimize {'+'.join(record['objective'])}, {','.join(record['modes'])}"
            + (f", {len(record['params'])} costing parameters changed" if record["params"] else ""))


def build_until_done(net, *, progress: bool = True) -> None:
    """:func:`build_wanted` again while requests recorded new metrics during the last build."""
    seen = None
    while (now := [r for _, r in wanted_mod.wanted(net.path)[:MAX_METRICS + MAX_CLOSURES]]) != seen:
        seen = now
        build_wanted(net, progress=progress)
