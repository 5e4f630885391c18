"""Build stages run beside the main build in a child interpreter (corridor.build.beside)."""

from __future__ import annotations

import numpy as np
import pytest

from corridor.build.beside import Beside
from corridor.build.landmarks import select_landmarks
from corridor.network import _csr


def _ring_with_a_cut(n: int = 40) -> tuple:
    """CSR arrays of a ring of ``n`` nodes, uneven edge lengths, one edge closed (inf) and the
    last node not joinable: the inputs of the sea landmarks' task."""
    u = np.arange(n, dtype=np.int32)
    v = (u + 1) % n
    csr = _csr(u, v, n)
    km = 1.0 + (np.arange(n) % 7) * 0.37
    km[5] = np.inf
    joinable = np.ones(n, bool)
    joinable[-1] = False
    return csr, km, joinable


def test_sea_landmarks_beside_are_the_ones_chosen_in_process(tmp_path):
    csr, km, joinable = _ring_with_a_cut()
    for name, array in (*csr.items(), ("sea_km", km), ("node_joinable", joinable)):
        np.save(tmp_path / f"{name}.npy", array)
    beside = np.load(Beside("sea-landmarks", tmp_path).wait() / "landmark_km_sea.npy")
    here = select_landmarks(csr["csr_indptr"], csr["csr_head"], csr["csr_edge"], km, joinable)[1]
    assert beside.tobytes() == here.tobytes() and beside.shape == here.shape


def test_a_failed_stage_runs_again_here_and_says_why(tmp_path):
    with pytest.raises(FileNotFoundError, match="csr_indptr.npy"):  # its inputs were never written
        Beside("sea-landmarks", tmp_path).wait()


def test_no_interpreter_to_start_runs_the_stage_here(tmp_path, monkeypatch):
    """An embedding host whose sys.executable is not a Python: the same answer, in process."""
    csr, km, joinable = _ring_with_a_cut()
    for name, array in (*csr.items(), ("sea_km", km), ("node_joinable", joinable)):
        np.save(tmp_path / f"{name}.npy", array)
    monkeypatch.setattr("sys.executable", str(tmp_path / "no-such-python"))
    stage = Beside("sea-landmarks", tmp_path)
    assert stage.process is None
    here = select_landmarks(csr["csr_indptr"], csr["csr_head"], csr["csr_edge"], km, joinable)[1]
    assert np.load(stage.wait() / "landmark_km_sea.npy").tobytes() == here.tobytes()


def test_a_stage_out_of_disk_raises_that_error(tmp_path):
    """A child that ran out of disk exits with ENOSPC; the build then raises that OSError (and
    says which cache folder to free), not a generic failure."""
    import errno
    from types import SimpleNamespace

    from corridor.build.beside import DISK_EXIT

    stage = Beside("land", tmp_path)
    stage.kill()
    stage.process = SimpleNamespace(wait=lambda: DISK_EXIT + errno.ENOSPC, poll=lambda: DISK_EXIT + errno.ENOSPC)
    with pytest.raises(OSError) as raised:
        stage.wait()
    assert raised.value.errno == errno.ENOSPC


def test_a_stage_not_needed_any_more_is_killed(tmp_path):
    stage = Beside("land", tmp_path)
    stage.kill()
    assert stage.process.poll() is not None
