"""A first multimodal route in a new process (issue #17): numba starts loading when a request
beyond the sea joins the network, and the command line's exit skips collecting garbage."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

import corridor
from corridor.costing.profile import Profile
from corridor.engine import access as access_mod
from corridor.places import port_place


def _python(code: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(Path(corridor.__file__).parents[1]))
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, check=True, capture_output=True,
                          text=True).stdout


def test_numba_loads_in_the_background_once_and_kernels_then_run_compiled():
    out = _python("""
        import threading
        from corridor import jit

        @jit.njit(cache=False)
        def twice(x):
            return 2 * x

        started = threading.Thread.start
        names = []
        threading.Thread.start = lambda self: (names.append(self.name), started(self))[1]
        jit.load_in_background()
        jit.load_in_background()  # already loading: no second thread
        print(twice(21), jit.numba_loaded(), names)
        [t.join() for t in threading.enumerate() if t.name == "corridor-numba-load"]
        jit.load_in_background()  # loaded: nothing to start
        print(type(twice.dispatcher).__name__, names)
    """)
    assert out.splitlines() == ["42 True ['corridor-numba-load']", "CPUDispatcher ['corridor-numba-load']"]


def test_access_starts_numba_loading_for_requests_beyond_the_sea(net, monkeypatch):
    calls = []
    monkeypatch.setattr(access_mod, "load_in_background", lambda: calls.append(1))
    i = int(np.flatnonzero(np.asarray(net.port_code) == "NLRTM")[0])
    rotterdam = port_place(net, i)
    access_mod.access(net, rotterdam, Profile(frozenset({"sea"})))
    assert calls == []  # a sea route runs its hub-label kernels as Python first: no numba
    acc = access_mod.access(net, rotterdam, Profile(frozenset({"sea", "rail", "road"})))
    assert calls == [1]
    assert {int(m) for m in np.concatenate(acc.mode)} >= {0, 2}  # sea and truck connectors


def test_the_command_line_freezes_garbage_collection_at_exit_only_as_the_program():
    out = _python("""
        import atexit, gc, sys
        from corridor.cli import main

        for argv in (["--version"], None):
            sys.argv = ["corridor", "--version"]
            try:
                main(argv)
            except SystemExit:
                pass
            atexit._run_exitfuncs()
            print("frozen:", gc.get_freeze_count() > 0)
    """)
    assert [line for line in out.splitlines() if line.startswith("frozen:")] == ["frozen: False", "frozen: True"]
