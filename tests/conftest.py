"""Shared fixtures: one compiled network for the whole session (built on first use)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.fixture(scope="session")
def net():
    from corridor.network import load_network

    return load_network(progress=False)


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
