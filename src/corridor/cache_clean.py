"""What the cache folder holds that this corridor cannot use, and removing it safely
(``corridor network --clean``).

Every change of the network's sources gets a new ``network-<fingerprint>`` folder (hundreds of
MB) and every change of the city table or name fold a new ``city-names-<key>.npz``; killed writes
leave ``*.tmp`` files and temporary folders. Nothing reads the old ones again, but nothing
removed them either. The current network, its current speed-ups and anything a process is
writing are never touched: a network folder is removed only while this process holds its build
lock (:func:`corridor.network.build_lock`'s file, which builds and the background hierarchy
build hold while they write), moved aside first so no reader sees half a folder; an unfinished
write only once nobody has touched it for :data:`TMP_AGE_S`.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from corridor.locks import lock_is_free, lock_path

TMP_AGE_S = 3600  # a write untouched for an hour is dead: the longest (a hierarchy) takes minutes
_NETWORK = re.compile(r"^network-[0-9a-f]{16}$")


@dataclass(frozen=True)
class Unused:
    """A file or folder of the cache this corridor cannot use, and why."""

    path: Path
    why: str
    bytes: int


def speed_ups(path: Path) -> tuple[list[Path], list[Path]]:
    """The hierarchies (with their hub labels and records) in the network folder ``path``: those
    this code can use, and the stale ones (another format or construction code)."""
    from corridor.build.contraction import CODE_HASH, FORMAT

    current, stale = [], []
    for p in sorted(path.glob("ch-*")):
        parts = p.name.split("-")  # ch-<layer>-<format>-<code hash>-<closed>-<digest>[.npz|.labels|.json]
        if p.name.startswith("ch-defaults-"):  # ch-defaults-<format>-<code hash>.done
            ok = p.name == f"ch-defaults-{FORMAT}-{CODE_HASH}.done"
        else:
            ok = len(parts) >= 6 and parts[2] == str(FORMAT) and parts[3] == CODE_HASH
        (current if ok else stale).append(p)
    return current, stale


def debris(root: Path) -> list[Path]:
    """The temporary folders killed builds left in ``root``, by the rule the network load applies
    (:func:`corridor.network.clean_debris`): their build lock is free (or, unnamed, they are old)."""
    from corridor.network import _LEGACY_TEMP_AGE_S, _TEMP

    try:
        candidates = [p for p in root.iterdir() if p.name.startswith((".building-", ".replaced-")) and p.is_dir()]
    except OSError:
        return []
    now = time.time()
    return [p for p in candidates
            if ((m := _TEMP.match(p.name)) and lock_is_free(root, m.group(1)))
            or (not m and _age_s(p, now) > _LEGACY_TEMP_AGE_S)]


def size_of(path: Path) -> int:
    """Bytes of a file, or of every file under a folder."""
    try:
        if path.is_dir():
            return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
        return path.stat().st_size
    except OSError:  # removed meanwhile
        return 0


def _age_s(path: Path, now: float) -> float:
    try:
        return now - path.stat().st_mtime
    except OSError:
        return 0.0


def _unfinished(folder: Path) -> list[Path]:
    """Files of unfinished writes in ``folder``: ``*.tmp`` and hierarchies being saved (``.ch-*``)."""
    try:
        return sorted(p for p in folder.iterdir()
                      if p.is_file() and (p.name.endswith(".tmp") or p.name.startswith(".ch-")))
    except OSError:
        return []


def old_unfinished(root: Path, current: Path, age_s: float, now: float | None = None) -> list[Path]:
    """Unfinished writes in ``root`` and the current network folder untouched for ``age_s`` seconds."""
    now = time.time() if now is None else now
    return [p for folder in (root, current) for p in _unfinished(folder) if _age_s(p, now) > age_s]


def find_unused(root: Path, current: Path, now: float | None = None) -> tuple[list[Unused], list[Path]]:
    """What in the cache folder ``root`` this corridor cannot use (``current``: its network
    folder), and the network folders skipped because a process holds their build lock.

    Nothing here is deleted."""
    from corridor import node_grid
    from corridor.data.city_names import index_path
    from corridor.engine.hour_landmarks import FORMAT as LANDMARKS_FORMAT

    now = time.time() if now is None else now
    found, busy = [], []
    try:
        entries = sorted(root.iterdir())
    except OSError:
        return found, busy
    for p in entries:
        if _NETWORK.match(p.name) and p.is_dir() and p.name != current.name:
            if lock_is_free(root, p.name):
                found.append(Unused(p, "network of other sources or another corridor (its fingerprint is not "
                                       f"{current.name.removeprefix('network-')})", size_of(p)))
            else:
                busy.append(p)
        elif p.name.startswith("city-names-") and p.suffix == ".npz" and p != index_path(root):
            found.append(Unused(p, "city name index of another city table or corridor", size_of(p)))
    for p in debris(root):
        found.append(Unused(p, "left by a network build that was stopped", size_of(p)))
    for p in old_unfinished(root, current, TMP_AGE_S, now):
        found.append(Unused(p, f"unfinished write, untouched for {_age_s(p, now) / 3600:.0f} h", size_of(p)))
    if current.is_dir():
        for p in speed_ups(current)[1]:
            found.append(Unused(p, "hierarchy of an older construction code", size_of(p)))
        for p in sorted(current.glob("landmarks-hours-*")):
            if not p.name.startswith(f"landmarks-hours-{LANDMARKS_FORMAT}-"):
                found.append(Unused(p, "hour landmarks of an older format", size_of(p)))
        for p in sorted(current.glob("node-grid-*.npz")):
            if p != node_grid.path_of(current):
                found.append(Unused(p, "node grid of an older format", size_of(p)))
    return found, busy


def remove(item: Unused, root: Path) -> bool:
    """Remove ``item``; a network folder only under its build lock, moved aside first. False
    when a process took the lock meanwhile (the folder is left alone)."""
    path = item.path
    if not _NETWORK.match(path.name) or path.parent != root:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
        return True
    fd = os.open(lock_path(root, path.name), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        aside = Path(tempfile.mkdtemp(prefix=f".replaced-{path.name}-", dir=root))
        os.replace(path, aside)  # onto the empty folder just made: the network vanishes at once
        shutil.rmtree(aside)
        return True
    finally:
        os.close(fd)  # releases the lock
