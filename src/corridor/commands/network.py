"""``corridor network``: the compiled network, its sources and statistics; ``--verify`` checks
every file's checksum; ``--rebuild`` compiles it again (keeping the speed-ups that stay valid);
``--hierarchies`` builds the speed-ups of the default requests (contraction hierarchies, hub labels),
with ``--wanted`` also those of the other metrics requests asked for (:mod:`corridor.wanted_hierarchies`);
``--clean`` lists what the cache folder holds that this corridor cannot use (``--yes``: removes it)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from corridor import console, speedup_durations
from corridor.cache_clean import find_unused, remove, size_of, speed_ups
from corridor.errors import BadInput, CorridorError

HELP = "show, verify or rebuild the compiled network and its sources"


def register(sub) -> None:
    n = sub.add_parser("network", help=HELP, description=HELP)
    n.add_argument("--rebuild", action="store_true",
                   help="compile again from the installed sources (says what it deletes; keeps the hierarchies "
                        "when the rebuilt network is identical)")
    n.add_argument("--verify", action="store_true",
                   help="check every file against the checksums its build recorded (a few seconds); "
                        "rebuild a damaged network")
    n.add_argument("--hierarchies", action="store_true",
                   help="build the contraction hierarchies and hub labels of the default requests (once per "
                        f"network, {speedup_durations.BACKGROUND}): default routes and sea tables become much "
                        "faster; after the first run they are built in the background anyway")
    n.add_argument("--wanted", action="store_true",
                   help="with --hierarchies: also build those of the metrics requests asked for that no default "
                        "hierarchy fits (another cargo, objective, speed or costs; the most requested first, at most "
                        f"4 and 700 MB; {speedup_durations.PER_METRIC}), as the background build does after the "
                        "defaults")
    n.add_argument("--clean", action="store_true",
                   help="list what the cache folder holds that this corridor cannot use (networks of other "
                        "sources or versions, old city name indexes, unfinished writes, stale hierarchies) and "
                        "its size; never the current network nor what a process is building")
    n.add_argument("--yes", action="store_true", help="with --clean: remove what it lists")


def _size(paths: list[Path]) -> str:
    return _mb(sum(size_of(p) for p in paths))


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def _clean(path: Path, remove_them: bool) -> int:
    """List (or remove) what the cache folder of ``path`` holds that this corridor cannot use."""
    root = path.parent
    found, busy = find_unused(root, path)
    for p in busy:
        console.note(f"leaving {p}: a corridor process is building or updating it")
    if not found:
        print(f"nothing to clean in {root}: it holds only what this corridor uses")
        return 0
    freed = skipped = 0
    for item in found:
        if remove_them:
            try:
                done = remove(item, root)
            except OSError as e:
                raise CorridorError(f"cannot remove {item.path} ({e}); remove it by hand") from None
            if not done:
                skipped += 1
                console.note(f"leaving {item.path}: a corridor process started building it")
                continue
            freed += item.bytes
        print(f"{'removed' if remove_them else 'unused'}  {_mb(item.bytes):>9}  {item.path.name}  ({item.why})")
    total = sum(i.bytes for i in found)
    if remove_them:
        print(f"removed {len(found) - skipped} items from {root}: {_mb(freed)} freed")
    else:
        print(f"{len(found)} items in {root} this corridor cannot use: {_mb(total)}; "
              "'corridor network --clean --yes' removes them (a corridor of another version still running "
              "may be reading an old network: stop it first)")
    return 0


def _rebuild(path: Path) -> None:
    from corridor import network

    keep: tuple[str, ...] = ()
    if path.exists():
        current, stale = speed_ups(path)
        network_files = [p for p in path.iterdir() if p not in current and p not in stale]
        console.note(f"rebuilding {path}: deleting the network files ({len(network_files)}, {_size(network_files)})"
                     + (f" and {len(stale)} stale hierarchy files ({_size(stale)})" if stale else ""))
        if current:
            console.note(f"keeping {len(current)} hierarchy files ({_size(current)}) if the rebuilt network is "
                         "identical, else deleting them")
        keep = tuple(p.name for p in current)
    network.build(path, keep=keep, progress=console.progress())
    if keep:
        kept = sum((path / name).exists() for name in keep)
        console.note(f"{'kept' if kept else 'deleted'} {len(keep)} hierarchy files "
                     f"({'the rebuilt network is identical' if kept else 'the rebuilt network differs'})")


def _verify_speed_ups(path: Path) -> None:
    """Check the cached hierarchies and hub labels in ``path`` against their records; delete
    the damaged ones, naming each, so that they are built again."""
    from corridor.engine.hierarchies import discard
    from corridor.hierarchy_integrity import damaged_speed_ups

    checked, damaged = damaged_speed_ups(path)
    for p, why in damaged.items():
        print(f"corridor: the cached {p.name} is damaged ({why}); deleting it: it is built again in the "
              "background after the next route (or by 'corridor network --hierarchies')", file=sys.stderr)
    if damaged:
        try:
            discard(path, list(damaged))
        except OSError as e:
            raise CorridorError(f"cannot delete the damaged files in {path} ({e}); delete them by hand") from None
    if checked:
        console.note(f"verified {checked - len(damaged)} of {checked} cached hierarchies and hub labels "
                     "against their recorded sizes and checksums")


def _print_seaports(ports: dict) -> None:
    """Which ports are not seaports and which are kept over land, with the reason for each."""
    if "not_seaports" not in ports:
        return
    limit = ports["seaport_max_land_km"]
    print(f"  not seaports: {ports['not_seaports']} ports cross more than {limit:g} km of land to the sea "
          "(river or inland places: reached over land only); the farthest:")
    for line in ports["not_seaports_worst"]:
        print(f"    {line}")
    why = ports["joined_over_some_land_why"]
    by_index = [line for line in why if "WPI harbour type" in line]
    print(f"  joined over more than {limit:g} km of land: {ports['joined_over_some_land']}, each on a "
          "sourced seagoing waterway (curated/seagoing_waterways.csv, which names the source of each):")
    for line in why:
        if line not in by_index:
            print(f"    {line}")
    print(f"    and {len(by_index)} ports the World Port Index lists (mostly river ports the 1 km mask calls land)")


def run(args) -> int:
    from corridor import network

    path = network.network_dir()
    if args.yes and not args.clean:
        raise BadInput("--yes goes with --clean: 'corridor network --clean --yes'")
    if args.wanted and not args.hierarchies:
        raise BadInput("--wanted goes with --hierarchies: 'corridor network --hierarchies --wanted'")
    if args.clean:
        return _clean(path, args.yes)
    if args.rebuild:
        _rebuild(path)
    elif args.verify and path.exists():
        try:
            network.verify(path)
            console.note(f"verified {path}: every file matches its recorded size, shape and checksum")
            _verify_speed_ups(path)
        except network.DamagedNetwork as e:
            print(f"corridor: the compiled network in {path} is damaged ({e}); rebuilding it", file=sys.stderr)
            network.build(path, progress=console.progress())
    net = network.load_network(progress=console.progress())
    m = net.manifest
    print(f"network {m['fingerprint']} at {net.path} (built {m['built_at']} in {m['build_seconds']} s)")
    for s in m["sources"]:
        print(f"  source: {s['name']}: {s['package']} {s['version']} ({s['licence']})")
    for key in m:
        if isinstance(m[key], dict) and key != "files":
            counts = {k: v for k, v in m[key].items() if not (key == "ports" and isinstance(v, list))}
            print(f"  {key}: {json.dumps(counts, ensure_ascii=False)}")
    _print_seaports(m.get("ports", {}))
    if args.hierarchies:
        from corridor.default_hierarchies import (
            BACKGROUND_WORKERS,
            build_default_hierarchies,
        )

        build_default_hierarchies(net, progress=console.progress(), workers=BACKGROUND_WORKERS)
        if args.wanted:
            from corridor.wanted_hierarchies import build_until_done

            build_until_done(net, progress=console.progress())
    found = sorted(p.name for p in net.path.glob("ch-*.npz"))
    print(f"  speed-ups: {len(found)} contraction hierarchies ({', '.join(found) or 'none'})"
          + ("" if found else "; the first route starts building them in the background, "
             "'corridor network --hierarchies' builds them now"))
    return 0
