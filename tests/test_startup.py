"""Import plus first route stays light (issue #17): numba and scipy load only when needed, and
kernels run as Python before numba loads, then compiled, calling each other."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import corridor


def _python(code: str, tmp_path) -> str:
    """Standard output of ``code`` in a fresh interpreter importing this corridor, in ``tmp_path``."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(corridor.__file__).parents[1]), str(tmp_path)]))
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=tmp_path, env=env, check=True,
                          capture_output=True, text=True).stdout


def test_import_loads_neither_numba_nor_scipy(tmp_path):
    out = _python("""
        import sys
        import corridor, corridor.whatif
        print(sorted({m.split('.')[0] for m in sys.modules} & {'numba', 'scipy', 'pandas', 'pyarrow'}))
    """, tmp_path)
    assert out.split() == ["[]"]


def test_kernels_run_as_python_first_then_compiled_calling_each_other(tmp_path):
    (tmp_path / "kernels_demo.py").write_text(textwrap.dedent("""
        from corridor.jit import njit

        @njit(interpret_first=True)
        def double(x):
            return 2 * x

        @njit(cache=False, interpret_first=True)
        def total(a):
            s = 0.0
            for v in a:
                s += v
            return double(s)
    """))
    out = _python("""
        import sys, numpy as np
        import corridor.jit as jit
        import kernels_demo
        sys.modules['corridor.kernels_demo'] = kernels_demo  # a module of corridor's, as the swap looks for
        from kernels_demo import total
        a = np.arange(5.0)
        first = [total(a) for _ in range(jit.INTERPRETED_CALLS)]
        print('numba' in sys.modules, first[0])
        later = total(a)  # one call too many: numba loads, every kernel compiled
        print('numba' in sys.modules, later, type(kernels_demo.double).__name__, type(kernels_demo.total).__name__)
    """, tmp_path)
    before, after = out.splitlines()
    assert before == "False 20.0"
    assert after == "True 20.0 CPUDispatcher CPUDispatcher"


def test_hierarchy_mapped_from_its_file_equals_the_one_read(tmp_path):
    from dataclasses import fields

    import numpy as np

    from corridor.build.contraction import Hierarchy
    from corridor.engine.hierarchies import _mapped_hierarchy

    rng = np.random.default_rng(7)
    arrays = {f.name: rng.integers(0, 50, 9 + i).astype(np.int32 if i % 2 else np.float64)
              for i, f in enumerate(fields(Hierarchy)) if f.name != "stats"}
    saved = Hierarchy(**arrays, stats={"nodes": 8, "build_seconds": 0.5})
    saved.save(tmp_path / "h.npz")
    mapped, read = _mapped_hierarchy(tmp_path / "h.npz"), Hierarchy.load(tmp_path / "h.npz")
    assert mapped.stats == read.stats == saved.stats
    for name, a in arrays.items():
        b = getattr(mapped, name)
        assert b.dtype == a.dtype and np.array_equal(b, a) and np.array_equal(b, getattr(read, name))
        assert b.flags.writeable and type(b) is np.ndarray  # what the kernels were compiled for
