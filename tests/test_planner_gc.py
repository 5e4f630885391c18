"""The planner's garbage-collector step (``corridor.planner._freeze_when_loaded``): once numba
is loaded, every object alive goes to the permanent generation, once, and what is made later
stays collectable. Run in a fresh interpreter (the test process loaded numba long before)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

CODE = """
import gc, weakref
from corridor import planner
from corridor.jit import load_numba

class Node:
    pass

planner._freeze_when_loaded()
assert gc.get_freeze_count() == 0  # numba not loaded: nothing long-lived worth it yet
load_numba()
old_a, old_b = Node(), Node()
old_a.other, old_b.other = old_b, old_a
gc.collect()  # the cycle, alive, goes to the oldest generation ...
dead_before = weakref.ref(old_a)
del old_a, old_b  # ... and is garbage there when the freeze comes
planner._freeze_when_loaded()
assert dead_before() is None, "garbage of the oldest generation was frozen, never to be freed"
frozen = gc.get_freeze_count()
assert frozen > 50000, frozen  # numba's compiler and types above all

a, b = Node(), Node()
a.other, b.other = b, a  # a reference cycle, made after the freeze
alive = weakref.ref(a)
del a, b
planner._freeze_when_loaded()
assert gc.get_freeze_count() == frozen, "frozen again: only once a process"
gc.collect()
assert alive() is None, "a cycle made after the freeze was not collected"
print("ok")
"""


def test_objects_alive_once_numba_is_loaded_are_frozen_once():
    env = {**os.environ, "PYTHONPATH": str(SRC)}  # this checkout's planner, not an installed one
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "ok"
