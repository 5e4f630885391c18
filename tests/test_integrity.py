"""A damaged compiled network never crashes corridor: it is detected, then rebuilt or refused
plainly; builds are locked and atomic, and a killed build leaves nothing behind.

Every case damages a COPY of the session's network (hard links, and a private copy of the one
file damaged, so the original is never touched). Runs of corridor that could crash happen in
a subprocess, where a crash shows as a negative return code. Only one test rebuilds for real.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from corridor import network
from corridor.network_integrity import DamagedNetwork


@pytest.fixture
def copy(net, tmp_path):
    """A cache folder holding a hard-linked copy of the session's network (no speed-ups)."""
    root = tmp_path / "cache"
    target = root / net.path.name
    target.mkdir(parents=True)
    for path in net.path.iterdir():
        if path.is_file() and not path.name.startswith(("ch-", "landmarks-hours-")):  # hierarchies, hour landmarks
            os.link(path, target / path.name)
    return target


def _private(path: Path) -> Path:
    """Give ``path`` its own bytes, so damaging it leaves the hard-linked original intact."""
    data = path.read_bytes()
    path.unlink()
    path.write_bytes(data)
    return path


def _data_offset(path: Path) -> int:
    """Byte offset of the data after a .npy file's header."""
    with open(path, "rb") as f:
        np.lib.format.read_magic(f)
        np.lib.format.read_array_header_1_0(f)
        return f.tell()


def _poke(path: Path, index: int, value: bytes) -> None:
    """Write ``value`` over entry ``index`` of the int32 array in ``path`` (a private copy)."""
    _private(path)
    with open(path, "r+b") as f:
        f.seek(_data_offset(path) + 4 * index)
        f.write(value)


def _run(args: list[str], root: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    env = dict(os.environ, CORRIDOR_CACHE_DIR=str(root))
    return subprocess.run([sys.executable, "-m", "corridor", *args], capture_output=True, text=True, env=env,
                          timeout=timeout)


def _truncate(folder: Path) -> str:
    path = _private(folder / "csr_head.npy")
    os.truncate(path, path.stat().st_size // 2)
    return "csr_head.npy has"


def _out_of_range_head(folder: Path) -> str:
    _poke(folder / "csr_head.npy", 12345, b"\xff\xff\xff\x7f")  # node 2**31 - 1
    return "csr_head.npy holds an index outside"


def _negative_edge(folder: Path) -> str:
    _poke(folder / "csr_edge.npy", 7, b"\x00\x00\x00\x80")  # a negative edge id
    return "csr_edge.npy holds an index outside"


def _offsets_out_of_order(folder: Path) -> str:
    _poke(folder / "csr_indptr.npy", 1000, b"\xff\xff\xff\x7f")
    return "csr_indptr.npy is not a valid offsets array"


def _wrong_dtype(folder: Path) -> str:
    path = folder / "edge_u.npy"
    same_size = np.load(path).view(np.float32)  # same bytes, another dtype in the header
    path.unlink()
    np.save(path, same_size)
    return "edge_u.npy holds <f4"


def _missing(folder: Path) -> str:
    (folder / "port_conn_node.npy").unlink()
    return "port_conn_node.npy is missing"


def _manifest_garbage(folder: Path) -> str:
    (folder / "manifest.json").unlink()
    (folder / "manifest.json").write_text('{"format": 3, "files": {"csr_head.npy": ')
    return "manifest.json is not valid JSON"


def _manifest_missing(folder: Path) -> str:
    (folder / "manifest.json").unlink()
    return "manifest.json is missing"


def _manifest_lies(folder: Path) -> str:
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["sea_nodes"] = 10**9
    (folder / "manifest.json").unlink()
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return "sea nodes for"


DAMAGE = [_truncate, _out_of_range_head, _negative_edge, _offsets_out_of_order, _wrong_dtype, _missing,
          _manifest_garbage, _manifest_missing, _manifest_lies]


@pytest.mark.parametrize("damage", DAMAGE, ids=[d.__name__.strip("_") for d in DAMAGE])
def test_every_load_detects_the_damage(copy, damage):
    expected = damage(copy)
    with pytest.raises(DamagedNetwork, match=expected):
        network.Network(copy)


def test_the_intact_copy_loads_and_verifies(copy):
    manifest = network.verify(copy)
    assert network.Network(copy).n_nodes == len(np.load(copy / "node_lon.npy", mmap_mode="r"))
    assert {"csr_head.npy", "water.npy", "tables.json"} <= set(manifest["files"])


def test_verify_catches_what_only_checksums_can(copy):
    path = _private(copy / "edge_km.npy")
    with open(path, "r+b") as f:  # a distance changed: indices intact, the load cannot tell
        f.seek(_data_offset(path) + 8 * 100)
        f.write(np.float64(1.0).tobytes())
    network.Network(copy)
    with pytest.raises(DamagedNetwork, match="edge_km.npy differs"):
        network.verify(copy)


def test_damage_that_cannot_be_rebuilt_is_a_clear_error(copy):
    _out_of_range_head(copy)
    (copy.parent / f".{copy.name}.lock").mkdir()  # the lock file cannot be opened: nothing can be built
    done = _run(["route", "NLRTM", "BEANR"], copy.parent)
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert str(copy) in done.stderr and "damaged: csr_head.npy holds an index outside" in done.stderr
    assert "CORRIDOR_CACHE_DIR" in done.stderr and "Traceback" not in done.stderr


def test_a_cache_folder_that_is_not_writable_is_a_clear_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = _run(["route", "NLRTM", "BEANR"], blocker / "cache")
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert str(blocker / "cache") in done.stderr and "CORRIDOR_CACHE_DIR" in done.stderr
    assert "Traceback" not in done.stderr


def test_two_runs_on_a_damaged_network_rebuild_it_once_and_answer_right(copy, net):
    """The one real rebuild: two processes start at once on a network with a bad index."""
    import corridor

    expected = corridor.route("NLRTM", "BEANR", modes=["sea"]).distance_km
    _out_of_range_head(copy)
    env = dict(os.environ, CORRIDOR_CACHE_DIR=str(copy.parent))
    cmd = [sys.executable, "-m", "corridor", "route", "NLRTM", "BEANR", "--modes", "sea", "--json"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(2)]
    outs = [p.communicate(timeout=900) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, (p.returncode, err)
        assert json.loads(out)["distance_km"] == pytest.approx(expected, abs=0.05)
    notes = "".join(err for _, err in outs)
    assert notes.count("is damaged") >= 1 and notes.count("corridor: water mask") == 1, notes  # one build
    network.verify(copy)
    assert not [p.name for p in copy.parent.iterdir() if p.name.startswith((".building-", ".replaced-"))]


def test_a_killed_build_leaves_no_debris(net, tmp_path):
    root = tmp_path / "cache"
    env = dict(os.environ, CORRIDOR_CACHE_DIR=str(root))
    build = subprocess.Popen([sys.executable, "-m", "corridor", "network"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not list(root.glob(".building-*")):
            time.sleep(0.2)
        debris = list(root.glob(".building-*"))
        assert debris, "the build never started writing"
        time.sleep(2)
        assert network.clean_debris(root) == []  # its lock is held: a build in progress is left alone
    finally:
        build.send_signal(signal.SIGKILL)
        build.wait()
    assert all(p.exists() for p in debris)
    target = root / net.path.name  # the next run finds a network (copied, not built again) and cleans up
    shutil.copytree(net.path, target, copy_function=os.link, ignore=shutil.ignore_patterns("ch-*"))
    done = _run(["route", "NLRTM", "BEANR", "--modes", "sea"], root)
    assert done.returncode == 0, done.stderr
    assert not any(p.exists() for p in debris)


def test_rebuild_keeps_hierarchies_only_on_an_identical_network(copy, tmp_path):
    hierarchy = "ch-sea-2-00000000-0-000000000000.npz"
    for differs in (False, True):
        old = tmp_path / f"old-{differs}"
        new = tmp_path / f"new-{differs}"
        shutil.copytree(copy, old, copy_function=os.link)
        shutil.copytree(copy, new, copy_function=os.link)
        (old / hierarchy).write_bytes(b"speed-up")
        manifest = json.loads((new / "manifest.json").read_text())
        if differs:
            manifest["files"]["edge_km.npy"]["sha256"] = "0" * 64
        network._swap_in(new, old, (hierarchy,), manifest)
        assert (old / hierarchy).exists() != differs
        assert not new.exists()


def test_network_verify_checks_the_network_and_each_speed_up(copy):
    """An intact network, an intact hierarchy and its hub labels, one of whose distances is wrong."""
    from corridor.engine.hierarchies import defaults_marker

    h, _ = _tiny_hierarchy(copy)
    _poke_distance(h.labels_dir / "dist.npy")
    defaults_marker(copy).write_text("{}")
    done = _run(["network", "--verify"], copy.parent)
    assert done.returncode == 0, done.stderr
    assert f"verified {copy}" in done.stderr and f"the compiled network in {copy} is damaged" not in done.stderr
    assert (f"the cached {h.labels_dir.name} is damaged (dist.npy differs from what the build wrote (checksum)); "
            "deleting it") in done.stderr
    assert "verified 1 of 2 cached hierarchies" in done.stderr
    assert h.path.exists() and not h.labels_dir.exists()
    assert not defaults_marker(copy).exists()  # else the background build would not make them again


def test_the_tests_use_their_own_cache(net):
    repository = Path(__file__).resolve().parent.parent
    assert Path(net.path).parent == repository / "test-artifacts" / "cache"


# --- cached hierarchies and hub labels: a tiny one built here, damaged, then loaded -------------

def _tiny_hierarchy(folder: Path):
    """A contraction hierarchy of a 6 x 6 grid, with hub labels, saved in ``folder``."""
    from corridor.build.contraction import build_hierarchy
    from corridor.engine.hierarchies import _attach_labels

    side = 6
    ids = np.arange(side * side).reshape(side, side)
    u = np.concatenate([ids[:, :-1].ravel(), ids[:-1, :].ravel()])
    v = np.concatenate([ids[:, 1:].ravel(), ids[1:, :].ravel()])
    w = 1.0 + (u * 7 % 5)  # unequal weights: one shortest path each
    h = build_hierarchy(side * side, u, v, w, np.arange(len(u), dtype=np.int32))
    path = folder / "ch-sea-test.npz"
    h.save(path)
    object.__setattr__(h, "_path", path)
    _attach_labels(h, h.labels_dir, build=True)
    return h, len(u)


def _flip(path: Path, at: int, value: int = 0xFF) -> None:
    data = bytearray(path.read_bytes())
    data[at:at + 4] = bytes([value] * 4)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["truncate", "flip", "out of range", "missing"])
def test_damaged_hub_labels_are_rebuilt_the_same(tmp_path, capsys, damage):
    from corridor.engine.hierarchies import _attach_labels, load_hierarchy

    h, m = _tiny_hierarchy(tmp_path)
    folder, good = h.labels_dir, h.labels
    hub = folder / "hub.npy"
    if damage == "truncate":
        hub.write_bytes(hub.read_bytes()[:-8])
    elif damage == "flip":  # the last entry's bytes: -1, an index outside the nodes
        _flip(hub, hub.stat().st_size - 4)
    elif damage == "out of range":  # same size, dtype and shape: only the structure check sees it
        np.save(hub, np.full(len(good.hub), 10_000, np.int32))
    else:
        hub.unlink()
    again = load_hierarchy(h.path, len(h.rank), m)
    _attach_labels(again, folder, build=True)
    assert "damaged" in capsys.readouterr().err
    for name in ("indptr", "hub", "dist", "r_indptr", "r_tail", "r_w", "r_slot"):
        assert np.array_equal(getattr(again.labels, name), getattr(good, name)), name


@pytest.mark.parametrize("damage", ["truncate", "flip", "out of range"])
def test_a_damaged_hierarchy_file_is_not_used(tmp_path, capsys, damage):
    from corridor.build.contraction import _ARRAYS
    from corridor.engine.hierarchies import load_hierarchy

    h, m = _tiny_hierarchy(tmp_path)
    assert load_hierarchy(h.path, len(h.rank), m) is not None
    if damage == "truncate":
        h.path.write_bytes(h.path.read_bytes()[:-100])
    elif damage == "flip":  # inside the zip's first array: its CRC no longer matches
        _flip(h.path, 120, 0x5A)
    else:  # a well-formed file whose search edges point past the nodes
        arrays = {k: getattr(h, k) for k in _ARRAYS}
        arrays["s_head"] = arrays["s_head"] + len(h.rank)
        np.savez(h.path, **arrays, stats=np.array(repr(h.stats)))
    assert load_hierarchy(h.path, len(h.rank), m) is None
    assert "damaged" in capsys.readouterr().err


def _poke_distance(path: Path) -> None:
    """Add 1 km to the first hub distance in ``path``: in range, so only a checksum sees it."""
    dist = np.load(path)
    with open(path, "r+b") as f:
        f.seek(_data_offset(path))
        f.write(np.float64(dist[0] + 1.0).tobytes())


def test_checksums_catch_what_loading_misses_in_speed_ups(tmp_path):
    from corridor.engine.hierarchies import load_hierarchy
    from corridor.hierarchy_integrity import check_labels, damaged_speed_ups, record_of
    from corridor.hub_labels import Labels

    h, m = _tiny_hierarchy(tmp_path)
    assert damaged_speed_ups(tmp_path) == (2, {})
    _poke_distance(h.labels_dir / "dist.npy")
    record = json.loads(record_of(h.path).read_text())
    record["sha256"] = "0" * 64  # as if the file had changed since its build
    record_of(h.path).write_text(json.dumps(record))
    check_labels(Labels.load(h.labels_dir), load_hierarchy(h.path, len(h.rank), m))  # loading sees nothing
    checked, damaged = damaged_speed_ups(tmp_path)
    assert checked == 2 and damaged == {h.path: "ch-sea-test.npz differs from what the build wrote (checksum)",
                                        h.labels_dir: "dist.npy differs from what the build wrote (checksum)"}
