"""Is a compiled network folder the one its build wrote? Checks cheap enough for every load.

The build records every file in the manifest (bytes, and for arrays dtype and shape, plus a
SHA-256). Loading checks sizes, dtypes and shapes, then the structure the numba kernels rely
on (CSR offsets, node and edge indices in range): those kernels do not check bounds, so a
flipped byte in an index array would otherwise read outside memory and crash the process.
Checksums (about 2 s for 550 MB) are compared on request (``corridor network --verify``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

# Arrays every load reads, grouped by what their first axis counts.
NODE_ARRAYS = ("node_lon", "node_lat", "node_mode", "node_country", "node_joinable")
EDGE_ARRAYS = ("edge_u", "edge_v", "edge_km", "edge_flags", "edge_kind", "edge_mode", "edge_req",
               "edge_ref", "edge_border")
PORT_ARRAYS = ("port_code", "port_name", "port_country", "port_lon", "port_lat", "port_major",
               "port_source", "port_land_km")
OTHER_ARRAYS = ("csr_indptr", "csr_head", "csr_edge", "landmark_km_sea", "landmark_km_all",
                "port_conn_indptr", "port_conn_node", "port_conn_km", "water")
REQUIRED = NODE_ARRAYS + EDGE_ARRAYS + PORT_ARRAYS + OTHER_ARRAYS


class DamagedNetwork(Exception):
    """The files of a network folder are not those its build wrote; the message says which."""


def sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def describe_files(folder: Path) -> dict:
    """Manifest entry of every array and table in ``folder`` (at build time)."""
    files = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".npy":
            a = np.load(path, mmap_mode="r")
            files[path.name] = {"bytes": path.stat().st_size, "dtype": a.dtype.str, "shape": list(a.shape)}
        elif path.name == "tables.json":
            files[path.name] = {"bytes": path.stat().st_size}
        else:
            continue
        files[path.name]["sha256"] = sha256(path)
    return files


def read_manifest(folder: Path) -> dict:
    path = folder / "manifest.json"
    if not path.is_file():
        raise DamagedNetwork("manifest.json is missing")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise DamagedNetwork(f"manifest.json is not valid JSON ({e})") from None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict) or not all(isinstance(r, dict) for r in files.values()):
        raise DamagedNetwork("manifest.json has no list of files (damaged, or written by an older corridor)")
    missing = [f"{name}.npy" for name in REQUIRED if f"{name}.npy" not in files]
    if missing or "tables.json" not in files or not isinstance(manifest.get("sea_nodes"), int):
        raise DamagedNetwork(f"manifest.json is incomplete (missing {', '.join(missing) or 'entries'})")
    return manifest


def open_arrays(folder: Path, manifest: dict, mmap_mode: str = "r") -> dict[str, np.ndarray]:
    """Every array of the manifest, memory-mapped (``mmap_mode`` of :func:`numpy.load`; "c":
    copy-on-write), after checking its size, dtype and shape."""
    arrays = {}
    for name, record in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            raise DamagedNetwork(f"{name} is missing")
        size = path.stat().st_size
        if size != record.get("bytes"):
            raise DamagedNetwork(f"{name} has {size:,} bytes, the build wrote {record.get('bytes')}")
        if path.suffix != ".npy":
            continue
        try:
            a = np.load(path, mmap_mode=mmap_mode)
        except (ValueError, OSError, EOFError) as e:
            raise DamagedNetwork(f"{name} cannot be read as an array ({e})") from None
        if a.dtype.str != record.get("dtype") or list(a.shape) != record.get("shape"):
            raise DamagedNetwork(f"{name} holds {a.dtype.str} {list(a.shape)}, the build wrote "
                                 f"{record.get('dtype')} {record.get('shape')}")
        arrays[path.stem] = a
    return arrays


def _offsets(a: dict, name: str, count: int, target: int) -> None:
    """A CSR offsets array: ``count + 1`` entries from 0, never decreasing, ending at ``target``."""
    p = np.asarray(a[name])
    if p.ndim != 1 or len(p) != count + 1 or p[0] != 0 or p[-1] != target or (np.diff(p) < 0).any():
        raise DamagedNetwork(f"{name}.npy is not a valid offsets array (damaged index)")


def _indices(a: dict, name: str, bound: int) -> None:
    v = np.asarray(a[name])
    if len(v) and (v.min() < 0 or v.max() >= bound):
        raise DamagedNetwork(f"{name}.npy holds an index outside 0..{bound - 1} (damaged index)")


def check_structure(a: dict[str, np.ndarray], n_sea_nodes: int) -> None:
    """Raise :class:`DamagedNetwork` unless every index the kernels follow stays in range."""
    n, m, p = len(a["node_lon"]), len(a["edge_u"]), len(a["port_code"])
    for group, count, what in ((NODE_ARRAYS, n, "nodes"), (EDGE_ARRAYS, m, "edges"), (PORT_ARRAYS, p, "ports")):
        for name in group:
            if a[name].ndim < 1 or len(a[name]) != count:
                raise DamagedNetwork(f"{name}.npy has {len(a[name])} rows for {count} {what}")
    if not 0 <= n_sea_nodes <= n:
        raise DamagedNetwork(f"manifest.json says {n_sea_nodes} sea nodes for {n} nodes")
    if len(a["csr_edge"]) != len(a["csr_head"]) or len(a["port_conn_km"]) != len(a["port_conn_node"]):
        raise DamagedNetwork("csr_edge.npy and csr_head.npy (or port_conn_*.npy) differ in length")
    _offsets(a, "csr_indptr", n, len(a["csr_head"]))
    _offsets(a, "port_conn_indptr", p, len(a["port_conn_node"]))
    for name, bound in (("csr_head", n), ("csr_edge", m), ("edge_u", n), ("edge_v", n), ("port_conn_node", n)):
        _indices(a, name, bound)
    for name in ("landmark_km_sea", "landmark_km_all"):
        if a[name].ndim != 2 or a[name].shape[1] != n:
            raise DamagedNetwork(f"{name}.npy has shape {a[name].shape}, expected (landmarks, {n})")


def check_checksums(folder: Path, manifest: dict) -> None:
    """Raise :class:`DamagedNetwork` naming the first file whose SHA-256 differs from the manifest."""
    for name, record in manifest["files"].items():
        if sha256(folder / name) != record.get("sha256"):
            raise DamagedNetwork(f"{name} differs from what the build wrote (checksum)")
