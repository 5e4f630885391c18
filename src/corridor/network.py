"""The compiled network on disk: where it lives, when it is stale, building it, loading it.

The network is compiled once into ``<cache>/network-<fingerprint>/`` as plain ``.npy``
arrays (memory-mapped on load, no pickles) and a ``manifest.json`` that records every
source with its version and licence and the build statistics. The fingerprint covers the
source packages' versions, the curated tables and the build code, so any change to them
triggers a rebuild. Set ``CORRIDOR_CACHE_DIR`` to choose the cache folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from functools import cached_property, lru_cache
from importlib import metadata, resources
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

from corridor.data.watermask import WaterMask, build_water_bits
from corridor.geo import to_unit_vectors

FORMAT_VERSION = 1
_FINGERPRINTED_MODULES = ("build/sea.py", "build/kernels.py", "build/ports.py", "build/landmarks.py", "data/passages.py", "data/ports.py",
                          "data/watermask.py", "snapping.py", "network.py")

SOURCES = (
    {"name": "marnet (Eurostat SeaRoute) and port list", "package": "searoute",
     "licence": "Apache-2.0 (package); marnet from Eurostat SeaRoute (EUPL-1.2)"},
    {"name": "GLOBE 30-arc-second land mask", "package": "global-land-mask",
     "licence": "MIT (package); GLOBE data NOAA NGDC, public domain"},
    {"name": "corridor curated ports and sea links", "package": "corridor",
     "licence": "Apache-2.0; each row names its source (src/corridor/data/curated/)"},
)


def cache_root() -> Path:
    env = os.environ.get("CORRIDOR_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("corridor"))


def _package_root() -> Path:
    return Path(str(resources.files("corridor")))


def source_versions() -> dict[str, str]:
    return {s["package"]: metadata.version(s["package"]) for s in SOURCES}


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


def build(out_dir: Path, *, progress: bool = True) -> dict:
    """Compile every layer into ``out_dir`` (written beside it, then moved into place)."""
    from corridor.build.sea import build_sea_layer
    from corridor.build.landmarks import select_landmarks
    from corridor.build.ports import connect_ports, port_water_points
    from corridor.data.ports import read_ports

    started = time.perf_counter()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=out_dir.parent))
    bar = _Progress(progress)
    try:
        bar.stage("water mask (GLOBE 1 km)")
        build_water_bits(tmp / "water.npy")
        bits = np.load(tmp / "water.npy")
        ports = read_ports()
        bar.stage("sea lanes and open-water shortcuts", 1)
        sea = build_sea_layer(bits, port_water_points(ports, bits), bar)
        stats = sea.pop("stats")
        arrays = dict(sea)
        arrays.update(_csr(sea["edge_u"], sea["edge_v"], len(sea["node_lon"])))
        bar.stage("search landmarks")
        arrays["landmark_node"], arrays["landmark_km"] = select_landmarks(
            arrays["csr_indptr"], arrays["csr_head"], arrays["csr_edge"], arrays["edge_km"],
            arrays["node_joinable"])
        bar.stage("ports joined by water", 1)
        port_arrays, port_stats = connect_ports(ports, arrays, WaterMask(tmp / "water.npy"), bar)
        arrays.update(port_arrays)
        bar.close()
        for name, arr in arrays.items():
            np.save(tmp / f"{name}.npy", arr)
        manifest = {
            "format": FORMAT_VERSION, "fingerprint": out_dir.name.split("-", 1)[-1],
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "build_seconds": round(time.perf_counter() - started, 1),
            "sources": [dict(s, version=source_versions()[s["package"]]) for s in SOURCES],
            "sea": stats, "ports": port_stats,
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2))
        if out_dir.exists():  # another process finished first: keep theirs
            shutil.rmtree(tmp)
        else:
            os.replace(tmp, out_dir)
        return manifest
    except BaseException:
        bar.close()
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _csr(u: np.ndarray, v: np.ndarray, n: int) -> dict:
    """Both directions of every undirected edge, grouped by tail node."""
    tail = np.concatenate([u, v])
    head = np.concatenate([v, u])
    eid = np.concatenate([np.arange(len(u)), np.arange(len(u))]).astype(np.int32)
    order = np.argsort(tail, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(tail, minlength=n), out=indptr[1:])
    return {"csr_indptr": indptr, "csr_head": head[order].astype(np.int32), "csr_edge": eid[order]}


class Network:
    """Read-only view of a compiled network; safe to share between threads and requests."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.manifest = json.loads((self.path / "manifest.json").read_text())
        a = {p.stem: np.load(p, mmap_mode="r") for p in self.path.glob("*.npy") if p.stem != "water"}
        # Small, hot arrays are copied into memory; the search reads them millions of times.
        self.node_lon = np.array(a["node_lon"])
        self.node_lat = np.array(a["node_lat"])
        self.csr_indptr = np.array(a["csr_indptr"])
        self.csr_head = np.array(a["csr_head"])
        self.csr_edge = np.array(a["csr_edge"])
        self.edge_km = np.array(a["edge_km"])
        self.edge_flags = np.array(a["edge_flags"])
        self.edge_kind = a["edge_kind"]
        self.node_joinable = np.array(a["node_joinable"])
        self.landmark_km = np.array(a["landmark_km"])
        self.node_xyz = to_unit_vectors(self.node_lon, self.node_lat)
        self.port_code = a["port_code"]
        self.port_name = a["port_name"]
        self.port_country = a["port_country"]
        self.port_lon = np.array(a["port_lon"])
        self.port_lat = np.array(a["port_lat"])
        self.port_major = a["port_major"]
        self.port_source = a["port_source"]
        self.port_conn_indptr = a["port_conn_indptr"]
        self.port_conn_node = a["port_conn_node"]
        self.port_conn_km = a["port_conn_km"]
        self.port_land_km = a["port_land_km"]

    @cached_property
    def tree(self) -> cKDTree:
        return cKDTree(self.node_xyz)

    @cached_property
    def water(self) -> WaterMask:
        return WaterMask(self.path / "water.npy")

    @property
    def n_nodes(self) -> int:
        return len(self.node_lon)


_LOADED: dict[Path, Network] = {}


def load_network(*, progress: bool = True) -> Network:
    """The compiled network for the installed sources, building it first if needed.

    Loaded networks are immutable, so one instance per path is shared by all callers.
    """
    path = network_dir()
    if path not in _LOADED:
        if not (path / "manifest.json").exists():
            if progress:
                print(f"corridor: building the network in {path} (first run only)", file=sys.stderr)
            build(path, progress=progress)
        _LOADED[path] = Network(path)
    return _LOADED[path]
