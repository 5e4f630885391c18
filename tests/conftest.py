"""Shared fixtures: one compiled network for the whole session (built on first use)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# The tests' own cache (compiled network, hierarchies), never the user's: under the repository's
# gitignored test-artifacts/ so it persists between local runs; CI builds it once. Set here, at
# collection, before anything can look the cache up; subprocesses inherit it.
TEST_CACHE = Path(__file__).resolve().parent.parent / "test-artifacts" / "cache"
os.environ["CORRIDOR_CACHE_DIR"] = str(TEST_CACHE)
# No background hierarchy build (a detached process on CI's 2 cores): the tests that need a
# hierarchy build it themselves.
os.environ["CORRIDOR_BACKGROUND_BUILD"] = "0"


@pytest.fixture(scope="session", autouse=True)
def _own_data_dir(tmp_path_factory):
    """Data a user imported (air routes, the World Port Index) must not change what tests see."""
    old = os.environ.get("CORRIDOR_DATA_DIR")
    os.environ["CORRIDOR_DATA_DIR"] = str(tmp_path_factory.mktemp("user-data"))
    yield
    if old is None:
        os.environ.pop("CORRIDOR_DATA_DIR", None)
    else:
        os.environ["CORRIDOR_DATA_DIR"] = old


@pytest.fixture(scope="session")
def net():
    from corridor.network import load_network

    return load_network(progress=False)


@pytest.fixture(scope="session")
def sea_route_hierarchy(net, _own_data_dir):
    """A second process building the default sea route hierarchy (hours, with its hub labels; the
    one ``corridor.route`` uses), which test_ch.py waits for: minutes on one core. Under a lock, so
    that with pytest-xdist one worker's process builds it and the other's then loads it; at low
    priority, so that the tests timing a server meanwhile (test_backpressure.py) keep their core."""
    lock = TEST_CACHE.parent / "sea-route-hierarchy.lock"
    code = ("import fcntl, os, sys; os.nice(10); "
            "fcntl.flock(os.open(sys.argv[1], os.O_RDWR | os.O_CREAT), fcntl.LOCK_EX); "
            "from corridor.default_hierarchies import _build_in_worker; _build_in_worker(1, False)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(lock)], env=dict(os.environ))
    yield proc
    proc.wait()


@pytest.fixture(scope="session", autouse=True)
def _slow_builds_start_first(request):
    """Start :func:`sea_route_hierarchy` with the first test when a selected test needs it: CI has
    two cores and the tests before test_ch.py mostly use one, so the build is done by then."""
    if any("sea_route_hierarchy" in item.fixturenames for item in request.session.items):
        request.getfixturevalue("sea_route_hierarchy")


@pytest.fixture(scope="session")
def cli(net):
    """Run the real ``corridor`` command; returns the CompletedProcess."""

    def run(*args: str, check_rc: int | None = None) -> subprocess.CompletedProcess:
        proc = subprocess.run([sys.executable, "-m", "corridor", *args], capture_output=True, text=True,
                              env=dict(os.environ), timeout=300)
        if check_rc is not None:
            assert proc.returncode == check_rc, (proc.returncode, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr, proc.stderr
        return proc

    return run


@pytest.fixture
def run(net, capsys):
    """``corridor`` in this process: main(argv) -> (exit code, stdout, stderr); the network is loaded
    first (session fixture)."""
    from corridor.cli import main

    def call(*argv: str):
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return call


@pytest.fixture(scope="session")
def server(net, tmp_path_factory):
    """One real ``corridor serve`` on loopback for the HTTP tests (test_server, test_osrm). A
    country-pair report takes tens of seconds on a busy 2-core machine: the timeout allows it."""
    from http_server import ServerProcess

    s = ServerProcess(tmp_path_factory.mktemp("server") / "server.log", env={"CORRIDOR_REQUEST_TIMEOUT": "300"})
    yield s
    s.stop()


@pytest.fixture(scope="session")
def http(server):
    import httpx

    with httpx.Client(base_url=server.base, timeout=120) as client:
        yield client
