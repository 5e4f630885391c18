"""Hierarchies for the metrics requests asked for and no default hierarchy fits (another cargo,
objective, speed or costing parameters), most requested first, within a cap.

The metrics come from :mod:`corridor.engine.wanted`'s record; each one's weight array is made
again from it, and its hierarchy (no hub labels: a route's search needs none) is saved under
the weights' digest like any other (:func:`corridor.engine.hierarchies.hierarchy`), so
:func:`~corridor.engine.hierarchies.cached_hierarchy` finds it and searches switch over.
Built after the default hierarchies by the background build
(:func:`corridor.default_hierarchies.build_in_background`, under the network's build lock), or
at once by ``corridor network --hierarchies --wanted``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from corridor.build.contraction import Hierarchy
from corridor.engine import wanted as wanted_mod
from corridor.engine.hierarchies import default_names, files, hierarchy

MAX_METRICS = 4  # the most requested metrics that get a hierarchy
# whole-network hierarchies on disk for other metrics: about 150 MB each (README), so 4 fit
MAX_BYTES = 700 * 1024 ** 2
LOOK_FURTHER = 4  # records read per metric built: skips defaults and records of the same weights, within reason


def on_disk(net_path: Path) -> list[Path]:
    """The hierarchy files in the network folder that this code can use and the default build did
    not make (files an older construction code left are not searched, and `corridor network
    --clean` removes them: they take no room in the budget)."""
    defaults = default_names(net_path)
    return [p for p in files(net_path) if p.name not in defaults]


def _estimate(net_path: Path, layer: str) -> int:
    """Bytes a new hierarchy of ``layer`` will take: the largest one of that layer on disk (0 if none)."""
    return max((p.stat().st_size for p in files(net_path, layer)), default=0)


def build_wanted(net, *, most: int = MAX_METRICS, max_bytes: int = MAX_BYTES,
                 progress: bool = True) -> list[Hierarchy]:
    """Build the hierarchies of the ``most`` most requested metrics that lack one, while the
    hierarchies of other metrics on disk stay within ``max_bytes``; say so on stderr. Returns
    the hierarchies of those metrics (built now or before). A default request's metric, recorded
    while its hierarchy was being built, and one of the same weights as a more requested one
    (the hours of 20,000 t and of 30,000 t of dry bulk) take no place among them."""
    out, defaults = [], default_names(net.path)
    for count, record in wanted_mod.wanted(net.path)[:most * LOOK_FURTHER]:
        if len(out) >= most:
            break
        ctx, layer, blocked = wanted_mod.ctx_of(net, record)
        weight = ctx.weight()[0]
        h = hierarchy(net, layer, blocked, weight, build=False)
        if h is not None and (h.path.name in defaults or any(h.path == o.path for o in out)):
            continue  # a default, or the same weights as a more requested metric (another tonnage, say)
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
    while (now := [r for _, r in wanted_mod.wanted(net.path)[:MAX_METRICS]]) != seen:
        seen = now
        build_wanted(net, progress=progress)
