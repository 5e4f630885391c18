"""The planner's garbage-collector hook (``corridor.planner._freeze_survivors``): the objects
that survive a process's first full collection go to the permanent generation once, and what
is made later stays collectable. Run in a fresh interpreter: the test process's own first
full collection came long before."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import gc, weakref
import corridor.planner  # registers the hook
gc.collect()
frozen = gc.get_freeze_count()
assert frozen > 1000, frozen  # corridor's modules and numpy's, at least
assert not gc.get_objects(2), "the first full collection's survivors were left to walk"

class Node:
    pass

a, b = Node(), Node()
a.other, b.other = b, a  # a reference cycle, made after the freeze
alive = weakref.ref(a)
kept = [Node() for _ in range(100)]
del a, b
gc.collect()
assert alive() is None, "a cycle made after the freeze was not collected"
assert gc.get_freeze_count() == frozen, "frozen again: only the first full collection's survivors are"
assert any(x is kept[0] for x in gc.get_objects(2))  # later survivors are walked as before
print("ok")
"""


def test_first_full_collection_freezes_its_survivors_once():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"
