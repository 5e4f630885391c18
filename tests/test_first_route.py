"""A first route in a new process (issue #17): the command line's exit skips collecting garbage."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import corridor


def _python(code: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(Path(corridor.__file__).parents[1]))
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, check=True, capture_output=True,
                          text=True).stdout


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
