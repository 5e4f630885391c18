"""Are a cached contraction hierarchy and its hub labels the ones their build wrote? Checked on load.

The search kernels follow their offsets and indices without bounds checks, so a damaged file
(truncated, flipped bytes) would read outside memory and crash the process. A hierarchy is
one ``.npz`` (a zip: each array carries a CRC-32 that ``numpy`` checks as it reads) whose size
and SHA-256 a record beside it holds (:func:`record_hierarchy`); hub labels are ``.npy``
files, memory-mapped, whose sizes, dtypes, shapes and SHA-256s ``stats.json`` records
(:func:`describe_labels`). Loading checks sizes, dtypes and shapes, then the structure: every
offsets array and index in range. Checksums are compared on request (:func:`damaged_speed_ups`,
``corridor network --verify``): about 150 MiB of labels per sea hierarchy is too much to hash
on every load. Any mismatch raises :class:`~corridor.network_integrity.DamagedNetwork`; the
caller rebuilds (hierarchies and labels are caches: a rebuild gives the same figures).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from corridor.network_integrity import (
    DamagedNetwork,
    check_checksums,
    open_arrays,
    sha256,
)

LABEL_ARRAYS = ("indptr", "hub", "dist", "r_indptr", "r_tail", "r_w", "r_slot")


def _offsets(what: str, p: np.ndarray, count: int, target: int) -> None:
    """A CSR offsets array: ``count + 1`` entries from 0, never decreasing, ending at ``target``."""
    if p.ndim != 1 or len(p) != count + 1 or p[0] != 0 or p[-1] != target or (np.diff(p) < 0).any():
        raise DamagedNetwork(f"{what} is not a valid offsets array (damaged index)")


def _in_range(what: str, v: np.ndarray, low: int, bound: int) -> None:
    if v.ndim != 1 or (len(v) and (v.min() < low or v.max() >= bound)):
        raise DamagedNetwork(f"{what} holds an index outside {low}..{bound - 1} (damaged index)")


def _same_length(what: str, *arrays: np.ndarray) -> None:
    if len({len(a) for a in arrays}) != 1:
        raise DamagedNetwork(f"{what}: arrays that go together differ in length")


def check_hierarchy(h, n_nodes: int, n_edges: int) -> None:
    """Raise :class:`DamagedNetwork` unless the hierarchy ``h`` fits a layer of ``n_nodes``
    nodes over a network of ``n_edges`` edges, every index in range."""
    if len(h.rank) != n_nodes:
        raise DamagedNetwork(f"the hierarchy ranks {len(h.rank)} nodes, its layer has {n_nodes}")
    _in_range("rank", h.rank, 0, n_nodes)
    _same_length("up_*", h.up_head, h.up_w, h.up_mid, h.up_eid)
    _offsets("up_indptr", h.up_indptr, n_nodes, len(h.up_head))
    _in_range("up_head", h.up_head, 0, n_nodes)
    _in_range("up_mid", h.up_mid, -1, n_nodes)
    _in_range("up_eid", h.up_eid, -1, n_edges)
    _same_length("s_*", h.s_head, h.s_w, h.s_slot)
    _offsets("s_indptr", h.s_indptr, n_nodes, len(h.s_head))
    _in_range("s_head", h.s_head, 0, n_nodes)
    _in_range("s_slot", h.s_slot, 0, len(h.up_head))


def describe_labels(folder: Path) -> dict:
    """Bytes, dtype, shape and SHA-256 of each label array in ``folder`` (recorded in ``stats.json``)."""
    files = {}
    for name in LABEL_ARRAYS:
        path = folder / f"{name}.npy"
        a = np.load(path, mmap_mode="r")
        files[path.name] = {"bytes": path.stat().st_size, "dtype": a.dtype.str, "shape": list(a.shape),
                            "sha256": sha256(path)}
    return files


def open_labels(folder: Path, stats: dict) -> dict[str, np.ndarray]:
    """The label arrays, memory-mapped, after checking them against ``stats["files"]`` (when
    the labels were saved with that record).

    Raises
    ------
    DamagedNetwork
        A file missing, of another size, dtype or shape than the build wrote.
    """
    files = stats.get("files")
    if files is None:  # saved by an older corridor: no record to compare, the structure check remains
        arrays = {}
        for name in LABEL_ARRAYS:
            try:
                arrays[name] = np.load(folder / f"{name}.npy", mmap_mode="r")
            except (ValueError, OSError, EOFError) as e:
                raise DamagedNetwork(f"{name}.npy cannot be read as an array ({e})") from None
        return arrays
    if not isinstance(files, dict) or sorted(files) != sorted(f"{n}.npy" for n in LABEL_ARRAYS):
        raise DamagedNetwork(f"{folder.name}/stats.json does not list the label files")
    return open_arrays(folder, {"files": files})


def check_labels(labels, h) -> None:
    """Raise :class:`DamagedNetwork` unless the hub ``labels`` fit the hierarchy ``h``."""
    n = len(h.rank)
    _same_length("hub, dist", labels.hub, labels.dist)
    _offsets("indptr", labels.indptr, n, len(labels.hub))
    _in_range("hub", labels.hub, 0, n)
    _same_length("r_*", labels.r_tail, labels.r_w, labels.r_slot)
    _offsets("r_indptr", labels.r_indptr, n, len(labels.r_tail))
    _in_range("r_tail", labels.r_tail, 0, n)
    _in_range("r_slot", labels.r_slot, 0, len(h.up_head))


def record_of(path: Path) -> Path:
    """Where the size and SHA-256 of the hierarchy cached in ``path`` (``.npz``) are recorded."""
    return path.with_suffix(".json")


def record_hierarchy(path: Path) -> None:
    """Record the size and SHA-256 of the hierarchy just saved in ``path`` (atomically)."""
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({"bytes": path.stat().st_size, "sha256": sha256(path)}))
    os.replace(tmp, record_of(path))


def _check_hierarchy_file(path: Path) -> None:
    """Compare ``path`` with its record; without one (saved by an older corridor), read every
    member, which checks their CRC-32s."""
    record = record_of(path)
    if not record.is_file():
        try:
            with np.load(path) as z:
                for name in z.files:
                    z[name]
        except Exception as e:  # noqa: BLE001 - a damaged zip fails in many ways
            raise DamagedNetwork(f"it cannot be read ({e})") from None
        return
    try:
        files = {path.name: json.loads(record.read_text(encoding="utf-8"))}
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise DamagedNetwork(f"{record.name} is not valid JSON ({e})") from None
    if not isinstance(files[path.name], dict):
        raise DamagedNetwork(f"{record.name} is not a record of the file")
    open_arrays(path.parent, {"files": files})  # its size (not an .npy: nothing to open)
    check_checksums(path.parent, {"files": files})


def _check_recorded_array(path: Path) -> None:
    """Compare an array cached beside the hierarchies (the hour landmarks) with its record."""
    try:
        files = {path.name: json.loads(record_of(path).read_text(encoding="utf-8"))}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise DamagedNetwork(f"its record {record_of(path).name} cannot be read ({e})") from None
    if not isinstance(files[path.name], dict):
        raise DamagedNetwork(f"{record_of(path).name} is not a record of the file")
    open_arrays(path.parent, {"files": files})
    check_checksums(path.parent, {"files": files})


def _check_labels_folder(folder: Path) -> None:
    """Compare the label files in ``folder`` with ``stats.json``; their checksums too, unless
    saved by an older corridor, which recorded none."""
    try:
        stats = json.loads((folder / "stats.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise DamagedNetwork(f"stats.json cannot be read ({e})") from None
    if not isinstance(stats, dict):
        raise DamagedNetwork("stats.json is not a record of the labels")
    open_labels(folder, stats)
    files = stats.get("files") or {}
    if any("sha256" in record for record in files.values()):
        check_checksums(folder, {"files": files})


def damaged_speed_ups(folder: Path) -> tuple[int, dict[Path, str]]:
    """Check every cached hierarchy (``ch-*.npz``) and hub labels folder (``ch-*.labels``) in the
    network folder ``folder`` against what its build recorded: sizes, dtypes, shapes, SHA-256s.

    Returns
    -------
    checked : int
        How many hierarchies and label folders were checked.
    damaged : dict
        Path -> what is wrong with it, for each damaged one.
    """
    checks = [(p, _check_hierarchy_file) for p in sorted(folder.glob("ch-*.npz"))]
    checks += [(p, _check_labels_folder) for p in sorted(folder.glob("ch-*.labels")) if p.is_dir()]
    checks += [(p, _check_recorded_array) for p in sorted(folder.glob("landmarks-hours-*.npy"))]
    damaged = {}
    for path, check in checks:
        try:
            check(path)
        except (DamagedNetwork, OSError) as e:
            damaged[path] = str(e)
    return len(checks), damaged
