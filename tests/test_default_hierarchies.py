"""The default requests' hierarchies: that default routes ask for exactly their weights, and the
background build that makes them (started once, switched off by CORRIDOR_BACKGROUND_BUILD=0,
quiet while another process holds the build lock, picked up by searches once written). Cheap:
nothing here contracts a network."""

from __future__ import annotations

import fcntl
import os
import subprocess
from types import SimpleNamespace

import numpy as np
import pytest

from corridor.engine import hierarchies as H


@pytest.fixture
def fake_net(tmp_path):
    path = tmp_path / "network-0123456789abcdef"
    path.mkdir()
    return SimpleNamespace(path=path)


@pytest.fixture
def spawned(monkeypatch):
    calls = []
    monkeypatch.setattr(subprocess, "Popen", lambda cmd, **kw: calls.append(cmd))  # H imports it when it spawns
    monkeypatch.setattr(H, "_BACKGROUND", {})
    monkeypatch.setenv(H.BACKGROUND_ENV, "1")
    return calls


def test_background_build_starts_once_and_says_so(fake_net, spawned, capsys):
    assert H.start_background_build(fake_net) and H.start_background_build(fake_net)
    assert len(spawned) == 1
    cmd = spawned[0]
    assert cmd[1:4] == ["-m", "corridor.default_hierarchies", "--background"]
    assert cmd[cmd.index("--after") + 1] == str(os.getpid())
    err = capsys.readouterr().err
    assert err.count("prepared in the background") == 1 and "exact meanwhile" in err


def test_background_build_switched_off_or_done(fake_net, spawned, monkeypatch, capsys):
    monkeypatch.setenv(H.BACKGROUND_ENV, "0")
    assert not H.start_background_build(fake_net)
    monkeypatch.setenv(H.BACKGROUND_ENV, "1")
    H.defaults_marker(fake_net.path).write_text("{}")
    assert not H.start_background_build(fake_net)
    assert spawned == [] and capsys.readouterr().err == ""


def test_no_second_builder_while_the_lock_is_held(fake_net, spawned, capsys):
    fd = os.open(fake_net.path.parent / f".{fake_net.path.name}.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        assert H.build_lock_held(fake_net.path)
        assert H.start_background_build(fake_net)  # a build is under way: say so, start none
    finally:
        os.close(fd)
    assert spawned == [] and "prepared in the background" in capsys.readouterr().err
    assert not H.build_lock_held(fake_net.path)


class _Net:
    """The least a network needs to be a cache key (corridor.network_memo.network_key)."""
    path, manifest = "/nowhere/network-0123456789abcdef", {}


def test_a_miss_is_looked_up_again_while_the_background_build_runs(monkeypatch):
    """A long-running process (the server) switches to the hierarchy once it is on disk."""
    net, weight = _Net(), np.zeros(3)
    weight.flags.writeable = False
    on_disk: list = [None]
    now = [100.0]
    monkeypatch.setattr(H, "hierarchy", lambda *a, **kw: on_disk[0])
    monkeypatch.setattr(H, "start_background_build", lambda n: True)
    monkeypatch.setattr(H.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(H, "_BY_ARRAY", {})
    monkeypatch.delenv("CORRIDOR_NO_CH", raising=False)
    assert H.cached_hierarchy(net, "all", weight, 0) is None
    on_disk[0] = built = SimpleNamespace(labels=None)
    assert H.cached_hierarchy(net, "all", weight, 0) is None  # the miss is cached for a while
    now[0] += H.RECHECK_S + 1
    assert H.cached_hierarchy(net, "all", weight, 0) is built


def test_default_routes_ask_for_the_default_hierarchies(net, monkeypatch):
    """The weights a default surface route looks up (border closures, and the transit policy's
    second search) are exactly those the background build makes hierarchies for."""
    import corridor
    from corridor import planner
    from corridor.default_hierarchies import default_requests
    from corridor.engine import search

    asked = []
    monkeypatch.setattr(search, "cached_hierarchy",
                        lambda n, layer, w, blocked, key: asked.append((layer, w, blocked)))
    planner.forget_kept_legs()  # a request asked earlier in the session would not search
    corridor.route((40.18, 44.51), (41.72, 44.79))  # Yerevan -> Tbilisi, over land
    defaults = [(layer, w, blocked) for _, layer, w, blocked in default_requests(net) if w is not None]
    # by value: the weights are cached per value, and an earlier test may have pushed the
    # default ones out of that cache (the same array again, as a new object)
    assert asked and all(any(layer == d[0] and blocked == d[2] and np.array_equal(w, d[1]) for d in defaults)
                         for layer, w, blocked in asked)
    assert any(layer == "all" for layer, _, _ in asked)


def test_the_build_order_names_every_job_once_both_cores_busy_from_the_start(net):
    """Every default request and the hour landmarks are built, once, the landmarks first (they
    bound every surface A* until then), the sea km (whose order the sea hours follow) beside
    them, the default whole network's next, and every job built in another's node order after
    that one, on the same layer."""
    from corridor import default_hierarchies as D

    requests = D.default_requests(net)
    hierarchies = [job for job in D.ORDER if job != D.LANDMARKS]
    assert sorted(hierarchies) == list(range(len(requests))) and D.ORDER.count(D.LANDMARKS) == 1
    assert D.ORDER[0] == D.LANDMARKS
    assert D.ORDER[1] in D.IN_ORDER_OF.values() and requests[D.ORDER[1]][1] == "sea"
    assert requests[D.ORDER[2]][1] == "all" and D.ORDER[2] not in D.IN_ORDER_OF
    for job, source in D.IN_ORDER_OF.items():
        assert source not in D.IN_ORDER_OF and requests[job][1] == requests[source][1]
        assert D.ORDER.index(source) < D.ORDER.index(job)
    assert D.build_order([0, 3], landmarks=False) == [job for job in D.ORDER if job in (0, 3)]
    assert D.build_order([], landmarks=True) == [D.LANDMARKS]


def test_a_job_in_another_ones_order_builds_that_one_when_no_worker_has(fake_net, monkeypatch):
    """Job 1 (sea hours, in the sea km order) taken up alone, as the test suite's own builder
    does: its worker builds job 0 first under job 0's lock, then job 1 in its order; it never
    waits for a worker that will not come."""
    from corridor import default_hierarchies as D

    built = []
    monkeypatch.setattr("corridor.network.load_network", lambda progress=False: fake_net)
    monkeypatch.setattr(D, "default_requests", lambda net: ["km", "hours", "all", "policy"])
    monkeypatch.setattr(D, "_build_one", lambda net, request, progress, order=None: built.append((request, order))
                        or f"hierarchy of {request}")
    D._build_in_worker(1, False)
    assert built == [("km", None), ("hours", "hierarchy of km")]


def test_the_job_lock_holds_a_second_taker_until_released(fake_net):
    """The lock the worker of a reused order holds while it builds: another taker (the worker of
    the job that follows its order) enters only once it is released."""
    import threading

    from corridor import default_hierarchies as D

    entered = threading.Event()

    def taker():
        with D._job_lock(fake_net, 0):
            entered.set()

    with D._job_lock(fake_net, 0):
        t = threading.Thread(target=taker)
        t.start()
        assert not entered.wait(0.3)
    assert entered.wait(5.0)
    t.join()
