"""``corridor network --clean``: what the cache folder holds that this corridor cannot use is
listed, and removed only when asked; the current network and what a process is building stay."""

from __future__ import annotations

import fcntl
import os
import time

import pytest

from corridor import cache_clean, node_grid
from corridor.build.contraction import CODE_HASH, FORMAT
from corridor.data.city_names import index_path
from corridor.locks import lock_path

CURRENT = "network-0123456789abcdef"
OLD = "network-00000000000000aa"
BUILDING = "network-00000000000000bb"
DAY_AGO = time.time() - 86400


def _file(path, size=10, mtime=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


@pytest.fixture
def cache(tmp_path):
    """A cache folder as a few corridor versions leave it."""
    cur = tmp_path / CURRENT
    keep = [_file(cur / "edge_km.npy"), _file(cur / f"ch-sea-{FORMAT}-{CODE_HASH}-e000-63524bdda56a.npz"),
            _file(cur / f"ch-defaults-{FORMAT}-{CODE_HASH}.done"), _file(index_path(tmp_path)),
            _file(cur / "landmarks-hours-2-5105f6c0e102.npy.4242.tmp"),  # being written now
            _file(node_grid.path_of(cur))]
    unused = [_file(tmp_path / OLD / "edge_km.npy", 1000), _file(tmp_path / "city-names-ffffffffffffffff.npz"),
              _file(cur / f"ch-sea-{FORMAT}-00000000-e000-63524bdda56a.npz"),
              _file(cur / "ch-defaults-1-00000000.done"), _file(cur / "node-grid-0.npz"),
              _file(cur / ".ch-abc123.npz", mtime=DAY_AGO),
              _file(tmp_path / ".city-names-8557d686e66f01ab.npz.x1y2.tmp", mtime=DAY_AGO)]
    return tmp_path, keep, unused


def test_lists_only_what_this_corridor_cannot_use(cache):
    root, keep, unused = cache
    keep.append(_file(root / BUILDING / "edge_km.npy"))
    fd = os.open(lock_path(root, BUILDING), os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another process building that network
    try:
        found, busy = cache_clean.find_unused(root, root / CURRENT)
    finally:
        os.close(fd)
    assert {u.path.name for u in found} == {p.name if p.parent in (root, root / CURRENT) else p.parent.name
                                            for p in unused}
    assert busy == [root / BUILDING]
    assert next(u for u in found if u.path.name == OLD).bytes == 1000
    assert all(p.exists() for p in keep + unused)  # listing deletes nothing


def test_removing_leaves_the_current_network_whole(cache):
    root, keep, unused = cache
    found, _ = cache_clean.find_unused(root, root / CURRENT)
    assert all(cache_clean.remove(u, root) for u in found)
    assert all(p.exists() for p in keep) and not any(p.exists() for p in unused)
    assert not (root / OLD).exists() and not list(root.glob(".replaced-*"))
    assert cache_clean.find_unused(root, root / CURRENT) == ([], [])


def test_a_network_a_process_starts_building_is_left_alone(cache):
    root, _, _ = cache
    item = next(u for u in cache_clean.find_unused(root, root / CURRENT)[0] if u.path.name == OLD)
    fd = os.open(lock_path(root, OLD), os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        assert cache_clean.remove(item, root) is False
    finally:
        os.close(fd)
    assert (root / OLD / "edge_km.npy").exists()


def test_the_command_lists_by_default_and_removes_when_asked(tmp_path, monkeypatch, capsys):
    from corridor import network
    from corridor.cli import main

    monkeypatch.setenv("CORRIDOR_CACHE_DIR", str(tmp_path))
    current = network.network_dir()
    _file(current / "edge_km.npy")
    old = _file(tmp_path / OLD / "edge_km.npy", 2 * 2**20)
    assert main(["network", "--clean"]) == 0
    out = capsys.readouterr().out
    assert OLD in out and "2 MB" in out and "--clean --yes" in out and old.exists()
    assert main(["network", "--clean", "--yes"]) == 0
    assert "removed" in capsys.readouterr().out and not old.exists() and (current / "edge_km.npy").exists()
    assert main(["network", "--yes"]) == 2 and "--clean" in capsys.readouterr().err
