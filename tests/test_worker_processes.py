"""Workers of the background build end with it: killed (SIGKILL) or stopped (SIGTERM), the
build leaves no worker process eating CPU. Cheap: the workers sleep, nothing is contracted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")

BUILD = ("import time\n"
         "from corridor.worker_processes import exit_on_sigterm, run_in_workers\n"
         "exit_on_sigterm()\n"
         "run_in_workers(time.sleep, [(600,), (600,)], 2)\n")
ORPHAN = ("import os, subprocess, sys, time\n"  # a child watching its parent the portable way
          "child = subprocess.Popen([sys.executable, '-c', 'import sys\\n"
          "from corridor.worker_processes import _watch\\n_watch(int(sys.argv[1]))', str(os.getpid())])\n"
          "print(child.pid, flush=True)\n"
          "time.sleep(600)\n")


def _alive(pid: int) -> bool:
    """Running (a zombie nobody reaped counts as ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def _workers_of(parent: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == parent and b"spawn_main" in cmdline:
            pids.append(int(stat.parent.name))
    return pids


def _wait_until(condition, most_s: float) -> bool:
    end = time.monotonic() + most_s
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killing_the_build_ends_its_workers(how):
    build = subprocess.Popen([sys.executable, "-c", BUILD])
    workers: list[int] = []
    try:
        assert _wait_until(lambda: len(_workers_of(build.pid)) == 2, 60), "no workers"
        workers = _workers_of(build.pid)
        time.sleep(1)  # past their start-up
        build.send_signal(how)
        assert build.wait(30) == (-how if how == signal.SIGKILL else 128 + how)
        assert _wait_until(lambda: not any(_alive(p) for p in workers), 5), "workers outlived the build"
    finally:
        build.kill()
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_worker_without_the_kernel_s_help_ends_with_its_parent():
    parent = subprocess.Popen([sys.executable, "-c", ORPHAN], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    try:
        time.sleep(0.5)
        assert _alive(child)
        parent.kill()
        parent.wait()
        assert _wait_until(lambda: not _alive(child), 5), "the child outlived its parent"
    finally:
        parent.kill()
        if _alive(child):
            os.kill(child, signal.SIGKILL)
