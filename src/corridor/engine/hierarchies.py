"""The contraction hierarchies (:mod:`corridor.build.contraction`) a running process uses:
loaded from disk, kept in memory, built on first use where the caller allows it.

A hierarchy is valid for exactly the weights and the passage mask it was built with: it is
keyed by both and cached on disk beside the compiled network (whose folder is itself
fingerprinted), so a rebuilt network gets fresh hierarchies; the file name also carries the
construction code's hash (:data:`corridor.build.contraction.CODE_HASH`).

The default requests' hierarchies (:mod:`corridor.default_hierarchies`) are built in a
detached, low-priority background process the first time a search misses one
(:func:`start_background_build`); searches run A* (exact, slower) meanwhile and switch over
once the files are there.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import sys
import threading
import time
import zipfile
from pathlib import Path

import numpy as np

from corridor import modes as M
from corridor import speedup_durations
from corridor.build.contraction import CODE_HASH, FORMAT, Hierarchy, build_hierarchy
from corridor.hierarchy_integrity import check_hierarchy, check_labels, record_of
from corridor.hub_labels import Labels, build_labels
from corridor.locks import lock_is_free
from corridor.network_integrity import DamagedNetwork
from corridor.network_memo import network_key, per_network

_LOCK = threading.Lock()
_MEMO: dict = {}


def _layer(net, layer: str, blocked: int, weight: np.ndarray):
    """Node count and the edges (tail, head, weight, id, once each) of ``layer`` left open by
    ``blocked``, in the whole network's CSR order."""
    n, tail, head, eid = _layer_edges(net, layer, blocked)
    return n, tail, head, weight[eid], eid


def layer_edges(net, layer: str) -> np.ndarray:
    """The ids of the edges a hierarchy of ``layer`` ("sea" or "all") is built on, each once."""
    return _layer_edges(net, layer, 0)[3]


def _layer_edges(net, layer: str, blocked: int):
    """Node count and the edges (tail, head, id) of ``layer`` left open by ``blocked``."""
    n = int(net.n_sea_nodes if layer == "sea" else net.n_nodes)
    indptr = net.csr_indptr
    lo, hi = int(indptr[0]), int(indptr[n])
    tail = np.repeat(np.arange(n, dtype=np.int32), np.diff(indptr[:n + 1]))
    head, edge = net.csr_head[lo:hi], net.csr_edge[lo:hi]
    if layer == "sea":  # what net.sea_csr keeps, without building it (a first route has no other use for
        # it): sea edges between sea nodes, 0 .. n_sea_nodes - 1
        keep = np.flatnonzero((tail < head) & (head < n))  # each edge once
        keep = keep[net.edge_mode[edge[keep]] == M.SEA]
    else:
        keep = np.flatnonzero(tail < head)
    keep = keep[(net.edge_flags[edge[keep]] & np.uint32(blocked)) == 0]
    return n, tail[keep], head[keep], edge[keep]


@per_network(maxsize=4)
def _open_edge_ids(net, layer: str, blocked: int) -> np.ndarray:
    """The ids of :func:`_layer_edges` (read-only), kept per network, layer and closed passages:
    every metric's lookup (:func:`hierarchy`) hashes its weights over them, and slicing the layer
    again costs a few hundred ms on the whole network, paid on a new metric's first request."""
    eid = _layer_edges(net, layer, blocked)[3]
    eid.flags.writeable = False
    return eid


def _digest(w: np.ndarray, eid: np.ndarray) -> str:
    """The weights' and edges' hash that names a hierarchy's file (the arrays' bytes, not copied)."""
    h = hashlib.sha256(memoryview(np.ascontiguousarray(w)).cast("B"))
    h.update(memoryview(np.ascontiguousarray(eid)).cast("B"))
    return h.hexdigest()[:12]


def hierarchy(net, layer: str, blocked: int, weight: np.ndarray | None = None, *, build: bool = True,
              quiet: bool = False, labels: bool = False, in_order_of: Hierarchy | None = None) -> Hierarchy | None:
    """The CH of ``net``'s ``layer`` ("sea", or "all": the whole network) with the passages in
    ``blocked`` closed, weighted by ``weight`` per edge (default ``net.edge_km``; inf: no
    edge); built on first use (saying so on stderr unless ``quiet``; in the node order of
    ``in_order_of``, a hierarchy of the same layer, when given) and cached on disk in the
    network's folder, with its hub labels when they are there (``labels``: build them too).
    With ``build=False``, None unless it is already cached."""
    fast = (str(net.path), layer, int(blocked), "km") if weight is None else None
    if fast is not None and _MEMO.get(fast) is not None and not (labels and _MEMO[fast].labels is None):
        return _MEMO[fast]
    if not build and not _may_exist(net, layer, blocked):
        return None  # spares the layer and its hash (a fifth of a second) for a request with no hierarchy
    w_all = net.edge_km if weight is None else np.asarray(weight, np.float64)
    eid = _open_edge_ids(net, layer, int(blocked))
    digest = _digest(w_all[eid], eid)
    key = (str(net.path), layer, int(blocked), digest)
    with _LOCK:
        if key in _MEMO and not (labels and _MEMO[key].labels is None):
            return _MEMO[key]
        path = _file(net.path, layer, blocked, digest)
        h = _MEMO.get(key)
        if h is None and path.exists():
            h = load_hierarchy(path, int(net.n_sea_nodes if layer == "sea" else net.n_nodes), len(net.edge_u))
        if h is None:
            if not build:
                return None
            import sys

            if not quiet:
                print(f"corridor: building the contraction hierarchy of the {layer} layer (once per network, "
                      "weights and set of closed passages, a minute or more)", file=sys.stderr, flush=True)
            h = build_hierarchy(*_layer(net, layer, blocked, w_all),
                                rank=None if in_order_of is None else in_order_of.rank)
            try:
                h.save(path)
                h.stats["bytes_on_disk"] = path.stat().st_size
            except OSError:  # a read-only cache: keep it in memory
                pass
        object.__setattr__(h, "_path", path)
        _attach_labels(h, h.labels_dir, labels)
        for k in [k for k, hit in _BY_ARRAY.items() if hit[0] is None]:  # a miss cached before is stale now
            del _BY_ARRAY[k]
        _MEMO[key] = h
        if fast is not None:
            _MEMO[fast] = h
        return h


def _may_exist(net, layer: str, blocked: int) -> bool:
    """Whether a hierarchy of ``layer`` with ``blocked`` closed is in memory or on disk, for some
    weights (the file name carries the mask before the weights' digest)."""
    if any(k[:3] == (str(net.path), layer, int(blocked)) for k in _MEMO):
        return True
    return next(Path(net.path).glob(f"{_PREFIX.format(layer=layer)}{int(blocked):x}-*.npz"), None) is not None


_PREFIX = f"ch-{{layer}}-{FORMAT}-{CODE_HASH}-"  # then the closed passages' mask (hex), "-", the weights' digest


def _file(net_path, layer: str, blocked: int, digest: str) -> Path:
    return Path(net_path) / f"{_PREFIX.format(layer=layer)}{int(blocked):x}-{digest}.npz"


def file_for(net, layer: str, blocked: int, weight: np.ndarray) -> Path:
    """The file the hierarchy of ``layer`` for ``weight`` and ``blocked`` is (or would be) saved
    in: what a build would write, known before it runs (hashes the weights over the layer's kept
    edges, as :func:`hierarchy` does)."""
    eid = _open_edge_ids(net, layer, int(blocked))
    return _file(net.path, layer, blocked, _digest(np.asarray(weight, np.float64)[eid], eid))


def files(net_path: Path, layer: str = "*") -> list[Path]:
    """The hierarchy files of ``layer`` (any: "*") in the network folder that this code can use
    (the file name carries the construction code's hash)."""
    return sorted(Path(net_path).glob(f"{_PREFIX.format(layer=layer)}*.npz"))


def mask_of(path: Path) -> int:
    """The closed passages' mask a hierarchy file (:func:`files`) was built with."""
    return int(path.name.rsplit("-", 2)[1], 16)


def _damaged(what: Path, e: Exception, then: str) -> None:
    print(f"corridor: the cached {what.name} is damaged ({e}); {then}", file=sys.stderr, flush=True)


def load_hierarchy(path: Path, n_nodes: int, n_edges: int) -> Hierarchy | None:
    """The hierarchy cached in ``path``, checked (:func:`~corridor.hierarchy_integrity.check_hierarchy`);
    None, saying so on stderr, when the file is damaged (the caller builds it again)."""
    try:
        h = _mapped_hierarchy(path)
        check_hierarchy(h, n_nodes, n_edges)
    except FileNotFoundError:  # removed as it was opened (corridor.wanted_hierarchies.evict): not damaged
        return None
    except Exception as e:  # noqa: BLE001 - a damaged cache file of any kind (zip, pickle, structure)
        _damaged(path, e, "not using it")
        return None
    return h


def _mapped_hierarchy(path: Path) -> Hierarchy:
    """:meth:`Hierarchy.load`'s hierarchy with its arrays memory-mapped copy-on-write from the
    ``.npz`` (stored uncompressed by :meth:`Hierarchy.save`) rather than read and copied: a
    first route reads a few pages of them, not 31 MB (sea) or 150 MB (all)."""
    arrays = {}
    with zipfile.ZipFile(path) as z, open(path, "rb") as f:
        for info in z.infolist():
            name = info.filename.removesuffix(".npy")
            if info.compress_type != zipfile.ZIP_STORED or name == "stats":
                with z.open(info) as member:
                    arrays[name] = np.lib.format.read_array(member)
                continue
            f.seek(info.header_offset)
            local = f.read(30)  # the member's local header: its name and extra field lengths at 26
            if local[:4] != b"PK\x03\x04":
                raise DamagedNetwork(f"{path.name}: member {info.filename} has no local header")
            f.seek(info.header_offset + 30 + int.from_bytes(local[26:28], "little")
                   + int.from_bytes(local[28:30], "little"))
            version = np.lib.format.read_magic(f)
            read_header = {(1, 0): np.lib.format.read_array_header_1_0,
                           (2, 0): np.lib.format.read_array_header_2_0}.get(version)
            if read_header is None:
                raise DamagedNetwork(f"{path.name}: member {info.filename} has .npy format {version}")
            shape, fortran, dtype = read_header(f)
            if dtype.hasobject:
                raise DamagedNetwork(f"{path.name}: member {info.filename} holds Python objects")
            arrays[name] = np.asarray(np.memmap(path, dtype=dtype, mode="c", offset=f.tell(), shape=shape,
                                                order="F" if fortran else "C"))
    arrays["stats"] = ast.literal_eval(str(arrays["stats"]))
    return Hierarchy(**arrays)


def _attach_labels(h: Hierarchy, folder: Path, build: bool) -> None:
    """Load the hub labels saved in ``folder`` (checked against their record and ``h``), or build
    and save them (``build``, also when the saved ones are damaged)."""
    if h.labels is not None:
        return
    if (folder / "stats.json").exists():
        try:
            lab = Labels.load(folder)
            check_labels(lab, h)
            object.__setattr__(h, "_labels", lab)
            return
        except DamagedNetwork as e:
            _damaged(folder, e, "building them again" if build else "searching without them")
    if build:
        lab = build_labels(h)
        try:
            lab.save(folder)
        except OSError:  # a read-only cache: keep them in memory
            pass
        object.__setattr__(h, "_labels", lab)


def sea_hierarchy(net, blocked: int, weight: np.ndarray | None = None, *, build: bool = True,
                  quiet: bool = False) -> Hierarchy | None:
    """:func:`hierarchy` of the sea layer."""
    return hierarchy(net, "sea", blocked, weight, build=build, quiet=quiet)


_BY_ARRAY: dict = {}
_BY_ARRAY_SIZE = 16


def cached_hierarchy(net, layer: str, weight: np.ndarray, blocked: int, weight_key=None) -> Hierarchy | None:
    """The CH of ``layer`` for exactly ``weight`` and ``blocked`` if it is already on disk, else
    None (never builds).

    Only read-only weight arrays are looked up: those are shared per distinct metric
    (:meth:`corridor.engine.restrictions.Ctx.weight`), and ``weight_key`` is the value that
    made them (:meth:`~corridor.engine.restrictions.Ctx.weight_key`), so the lookup costs a
    dictionary access; without it, the array's bytes are hashed (tens of ms on the whole
    network). ``CORRIDOR_NO_CH=1`` turns hierarchies off (A* everywhere); ``CORRIDOR_ONLY_DEFAULT_CH=1``
    leaves out those built for other metrics (:mod:`corridor.wanted_hierarchies`), as before they are built."""
    if weight.flags.writeable or os.environ.get("CORRIDOR_NO_CH"):
        return None
    if weight_key is None:
        weight_key = hashlib.sha256(np.ascontiguousarray(weight).tobytes()).hexdigest()
    key = (network_key(net), layer, weight_key, int(blocked))
    hit = _BY_ARRAY.get(key)
    if hit is not None and time.monotonic() < hit[1]:
        return hit[0]
    if hit is not None and hit[0] is None and hit[2] is not None and hit[2] == _folder_mtime(net):
        _BY_ARRAY[key] = (None, time.monotonic() + RECHECK_S, hit[2])  # nothing new on disk: still a miss
        return None
    mtime = _folder_mtime(net)
    h = hierarchy(net, layer, blocked, weight, build=False)
    if h is not None and os.environ.get(ONLY_DEFAULTS_ENV) == "1" and (
            h.path is None or h.path.name not in default_names(net.path)):
        h = None
    recheck = float("inf")
    if h is None or (layer == "sea" and h.labels is None):
        if h is not None:  # the background build writes a sea hierarchy's hub labels after it
            with _LOCK:
                _attach_labels(h, h.labels_dir, False)
        if start_background_build(net):  # look again once it may have written more
            recheck = time.monotonic() + RECHECK_S
        elif h is None and os.environ.get(BACKGROUND_ENV, "1") != "0":
            # a metric's own hierarchy may come (corridor.engine.wanted): look again once the folder changed
            recheck = time.monotonic() + RECHECK_S
    if len(_BY_ARRAY) >= _BY_ARRAY_SIZE:
        _BY_ARRAY.pop(next(iter(_BY_ARRAY)))
    _BY_ARRAY[key] = (h, recheck, mtime)
    return h


def default_names(net_path: Path) -> set[str]:
    """The file names of the default hierarchies (:func:`defaults_marker`'s list; none before it is written)."""
    try:
        return set(json.loads(defaults_marker(net_path).read_text())["hierarchies"])
    except (OSError, ValueError, KeyError):
        return set()


def _folder_mtime(net) -> int | None:
    """The network folder's modification time (ns): a new file (a hierarchy saved) changes it."""
    try:
        return os.stat(net.path).st_mtime_ns
    except OSError:
        return None


BACKGROUND_ENV = "CORRIDOR_BACKGROUND_BUILD"  # "0": never start the background build
RECHECK_S = 20.0  # while the background build runs, a missing hierarchy is looked for again this often
ONLY_DEFAULTS_ENV = "CORRIDOR_ONLY_DEFAULT_CH"  # "1": use the default hierarchies only (measures the others' gain)
_BACKGROUND: dict = {}  # network folder -> True once this process started or saw the background build
_BUILDERS: dict = {}  # network folder -> the builder process this process started last
_WANTED_SAID: set = set()  # network folders whose wanted build this process announced on stderr


def defaults_marker(net_path: Path) -> Path:
    """The file the background build writes once every default hierarchy of this code is built."""
    return Path(net_path) / f"ch-defaults-{FORMAT}-{CODE_HASH}.done"


def discard(net_path: Path, damaged: list[Path]) -> None:
    """Delete the damaged cached hierarchies (``.npz``: with its record and hub labels, built
    from it), recorded arrays (``.npy``, the hour landmarks: with its record) and hub labels
    folders in ``damaged``, and the defaults marker of the network in ``net_path``, so that
    the next route's background build makes them again."""
    for path in damaged:
        if path.suffix in (".npz", ".npy"):
            record_of(path).unlink(missing_ok=True)
            shutil.rmtree(path.with_suffix(".labels"), ignore_errors=True)
            path.unlink(missing_ok=True)
        else:
            shutil.rmtree(path)
    defaults_marker(net_path).unlink(missing_ok=True)


def build_lock_held(net_path: Path) -> bool:
    """Whether a process holds the network's build lock (:func:`corridor.network.build_lock`'s
    file: the network build and the background hierarchy build take turns on it)."""
    net_path = Path(net_path)
    return not lock_is_free(net_path.parent, net_path.name)


def start_background_build(net) -> bool:
    """Start building the default hierarchies in a detached, low-priority process, unless they
    are built (:func:`defaults_marker`), one is building them already, or ``CORRIDOR_BACKGROUND_BUILD=0``;
    says so once per process on stderr. True while a background build may be running."""
    path = Path(net.path)
    if os.environ.get(BACKGROUND_ENV, "1") == "0" or defaults_marker(path).exists():
        _BACKGROUND.pop(path, None)
        return False
    if path not in _BACKGROUND:
        _BACKGROUND[path] = True
        if not build_lock_held(path) and not _spawn_builder(path):
            return False
        print(f"corridor: fast paths are being prepared in the background ({speedup_durations.BACKGROUND}); "
              "answers are exact meanwhile", file=sys.stderr, flush=True)
    return True


def _spawn_builder(path: Path) -> bool:
    """Start ``python -m corridor.default_hierarchies --background`` (the default hierarchies,
    then the wanted metrics') detached, logging beside the network; False if it cannot start."""
    import subprocess  # only here: a process that finds the hierarchies built never needs it

    try:
        with open(path / "hierarchies-background.log", "ab") as log:
            _BUILDERS[path] = subprocess.Popen(
                [sys.executable, "-m", "corridor.default_hierarchies", "--background", "--after", str(os.getpid())],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                close_fds=True)
    except OSError:  # a read-only cache or no process to spare: stay on A*
        return False
    return True


def _builder_running(path: Path) -> bool:
    """Whether the builder this process started for the network in ``path`` is still running:
    it builds every metric wanted by then, whatever it was started for. Until this process ends
    it waits, without the build lock, so the lock alone does not tell."""
    builder = _BUILDERS.get(path)
    return builder is not None and builder.poll() is None


def start_wanted_build(net) -> bool:
    """Ask for the hierarchy of a metric just recorded as wanted (:mod:`corridor.engine.wanted`):
    start the background build unless ``CORRIDOR_BACKGROUND_BUILD=0``, a process holds the
    build lock, or the builder this process started is still running (either builds the wanted
    metrics once done with what it builds: a first command's report once started 34 builders,
    each an interpreter waiting for it to end); says so on stderr once a process.
    True when a build was started or is under way."""
    path = Path(net.path)
    if os.environ.get(BACKGROUND_ENV, "1") == "0":
        return False
    underway = build_lock_held(path) or _builder_running(path)  # one builder at a time: it takes them all
    if not underway and not _spawn_builder(path):
        return False
    if path not in _WANTED_SAID:  # once a process: a report asks for tens of metrics
        _WANTED_SAID.add(path)
        print(f"corridor: contraction hierarchies for the metrics of requests on A* are being built in the "
              f"background ({speedup_durations.PER_METRIC}); answers are exact (A*) meanwhile", file=sys.stderr, flush=True)
    return True
