"""numba kernels that cost nothing until one is needed.

Importing numba and readying its compiler takes most of a second even when every kernel is
in numba's on-disk cache, more than a whole sea route takes otherwise. So ``@njit`` here
(the same options as :func:`numba.njit`) returns a :class:`Kernel` that imports numba on its
first call only. A kernel marked ``interpret_first=True`` (small loops: a hub-label query,
the unpacking of one path) runs as plain Python for its first :data:`INTERPRETED_CALLS`
calls while numba is not loaded yet, a few milliseconds, so a sea route on hub labels from a
fresh process never waits for numba; any other kernel's call, or more calls, load numba for
all of them. Such a kernel must mean the same in Python as compiled (no numba-only features,
no integer overflow): the answers of 20 sea routes are the same either way (README, Speed).

When numba loads, every kernel becomes a numba dispatcher, and every module of corridor that
holds a :class:`Kernel` under a name gets the dispatcher in its place, so compiled kernels
call each other as numba needs and Python calls them with no detour.
"""

from __future__ import annotations

import functools
import sys
import threading

INTERPRETED_CALLS = 4  # per kernel: one route calls a kernel once or twice
_KERNELS: list[Kernel] = []
_LOCK = threading.RLock()
_STATE = {"loaded": False}


class Kernel:
    """A function to compile with numba's ``njit(**options)`` when first needed."""

    def __init__(self, py_func, options: dict, interpret_first: bool):
        functools.update_wrapper(self, py_func)  # __wrapped__: inspect.getsource sees the source
        self.py_func = py_func
        self.options = options
        self.interpret_first = interpret_first
        self.interpreted_calls = 0
        self.dispatcher = None
        _KERNELS.append(self)

    def __call__(self, *args, **kwargs):
        if self.dispatcher is None:
            if self.interpret_first and not _STATE["loaded"] and self.interpreted_calls < INTERPRETED_CALLS:
                self.interpreted_calls += 1
                return self.py_func(*args, **kwargs)
            load_numba()
        return self.dispatcher(*args, **kwargs)

    def __getattr__(self, name):  # numba's attributes (signatures, stats...): compile first
        if name.startswith("__"):
            raise AttributeError(name)
        load_numba()
        return getattr(self.dispatcher, name)


def njit(*args, interpret_first: bool = False, **options):
    """:func:`numba.njit`, deferred: ``@njit`` or ``@njit(cache=True, ...)`` (once numba is
    loaded, a module imported later gets numba's dispatcher at once)."""
    def decorate(f):
        if _STATE["loaded"]:
            import numba

            return numba.njit(**options)(f)
        return Kernel(f, options, interpret_first)

    if len(args) == 1 and callable(args[0]) and not options:
        return decorate(args[0])
    return decorate


def load_numba() -> None:
    """Import numba, make every kernel a dispatcher and put the dispatchers in place of the
    kernels in corridor's modules (compiled code resolves its callees there)."""
    with _LOCK:
        if _STATE["loaded"]:
            return
        import numba

        for k in _KERNELS:
            k.dispatcher = numba.njit(**k.options)(k.py_func)
        by_id = {id(k): k.dispatcher for k in _KERNELS}
        for name, module in list(sys.modules.items()):
            if name.split(".")[0] != "corridor" or module is None:
                continue
            for attr, value in list(vars(module).items()):
                if isinstance(value, Kernel):
                    setattr(module, attr, by_id[id(value)])
        _STATE["loaded"] = True


def numba_loaded() -> bool:
    """Whether the kernels are numba dispatchers by now (else they run as Python or load on call)."""
    return _STATE["loaded"]
