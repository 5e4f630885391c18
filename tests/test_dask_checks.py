"""Dask: the cluster is checked (reachable, same version and network, network built) before any block runs."""

from __future__ import annotations

import socket
import time

import pytest

from corridor import __version__, dask_checks
from corridor.batch import table
from corridor.cli import main
from corridor.dask_checks import ClusterMismatch, check_answers
from corridor.network import fingerprint

PORTS = ["PECHY", "CNSHA", "NLRTM"]
HERE = {"version": "1.0", "fingerprint": "aaaa"}


def _state(version="1.0", fp="aaaa", network=True):
    return {"version": version, "fingerprint": fp, "network": network, "cache": "/cache"}


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as c:
        yield c


def test_matching_workers_pass():
    check_answers({"tcp://a:1": _state(), "tcp://b:1": _state()}, HERE)


@pytest.mark.parametrize("answers, words", [
    ({"tcp://a:1": _state(), "tcp://b:1": _state(version="0.9")},
     ["tcp://b:1: corridor 0.9, network aaaa", "corridor 1.0"]),
    ({"tcp://a:1": _state(fp="bbbb")}, ["tcp://a:1: corridor 1.0, network bbbb", "network aaaa"]),
    ({"tcp://a:1": _state(network=False), "tcp://b:1": _state()},
     ["no compiled network yet: tcp://a:1", "corridor network", "CORRIDOR_CACHE_DIR"]),
    ({"tcp://a:1": ModuleNotFoundError("No module named 'corridor'")}, ["tcp://a:1", "No module named"]),
    ({}, ["no workers"]),
])
def test_mismatching_answers_are_refused_naming_the_workers(answers, words):
    with pytest.raises(ClusterMismatch) as e:
        check_answers(answers, HERE)
    for w in words:
        assert w in str(e.value)


def test_worker_reports_this_install(cluster, net):
    from distributed import Client

    with Client(cluster) as client:
        (answer,) = client.run(dask_checks.worker_state).values()
    assert (answer["version"], answer["fingerprint"], answer["network"]) == (__version__, fingerprint(), True)


def test_a_worker_with_another_version_is_refused_before_any_block(cluster, monkeypatch, net):
    def older_worker():
        return {**dask_checks.worker_state_here(), "version": "0.0.1", "network": True, "cache": "/x"}

    monkeypatch.setattr(dask_checks, "worker_state", older_worker)
    monkeypatch.setattr("corridor.batch._block", lambda *a: pytest.fail("a block ran on a mismatching cluster"))
    with pytest.raises(ClusterMismatch, match=r"(tcp|inproc)://\S+: corridor 0\.0\.1"):
        table(PORTS, PORTS, dask=cluster.scheduler_address)


def test_a_worker_without_the_network_is_told_how_to_get_it_and_builds_nothing(cluster, monkeypatch, tmp_path):
    monkeypatch.setenv("CORRIDOR_CACHE_DIR", str(tmp_path))  # in-process worker: sees the empty cache
    with pytest.raises(ClusterMismatch, match="corridor network"):
        table(PORTS, PORTS, dask=cluster.scheduler_address)
    assert not any(tmp_path.iterdir())


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_scheduler_is_a_clear_error_within_seconds(tmp_path, capsys):
    pytest.importorskip("distributed")
    places = tmp_path / "p.csv"
    places.write_text("place\nPECHY\n")
    address = f"tcp://127.0.0.1:{_closed_port()}"
    start = time.monotonic()
    rc = main(["matrix", "--origins", str(places), "--destinations", str(places),
               "--out", str(tmp_path / "t.csv"), "--dask", address])
    elapsed = time.monotonic() - start
    err = capsys.readouterr().err
    assert rc == 2 and elapsed < 5, (rc, elapsed, err)
    assert f"cannot reach the Dask scheduler at {address}" in err and "internal error" not in err
