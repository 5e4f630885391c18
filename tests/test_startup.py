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
    """Nor what a route needs not: argparse (the CLI's), subprocess (the background build's), and
    numpy.ma, which np.unique imports (tens of ms): a route's connectors are grouped without it."""
    out = _python("""
        import sys
        import numpy as np
        import corridor, corridor.whatif
        from corridor.costing.profile import Profile
        from corridor.engine.restrictions import Ctx

        print(sorted({m.split('.')[0] for m in sys.modules} & {'numba', 'scipy', 'pandas', 'pyarrow', 'argparse',
                                                                'subprocess'}))
        cost = Ctx(None, Profile(frozenset({'sea', 'road'}))).connector(np.array([2, 0, 2]), np.array([1.0, 2.0, 3.0]))
        print('numpy.ma' in sys.modules, cost[2] / cost[0], cost[1] > 0)
    """, tmp_path)
    assert out.split() == ["[]", "False", "3.0", "True"]


def test_code_hash_is_remembered_with_the_value_inspect_gives(tmp_path, monkeypatch):
    """CODE_HASH names every cached hierarchy: read from its memo, it must be the value computed."""
    import json

    from corridor.build import contraction
    from corridor.source_memo import memo_path

    assert contraction.CODE_HASH == contraction._code_hash()  # this process's, maybe from the test cache's memo
    monkeypatch.setenv("CORRIDOR_CACHE_DIR", str(tmp_path))
    memo = memo_path("contraction-code-hash")
    memo.write_text(json.dumps({"key": "another source", "value": "0badc0de"}))
    out = _python("from corridor.build import contraction as c; print(c.CODE_HASH)", tmp_path)
    assert out.split() == [contraction.CODE_HASH]  # computed again...
    assert json.loads(memo.read_text())["value"] == contraction.CODE_HASH  # ...and remembered for this source


def test_remembered_value_follows_its_source(tmp_path, monkeypatch):
    import json

    from corridor.source_memo import hex_digits, memo_path, remembered

    monkeypatch.setenv("CORRIDOR_CACHE_DIR", str(tmp_path))
    source = tmp_path / "mod.py"
    source.write_text("x = 1\n")
    calls = []

    def compute():
        calls.append(1)
        return source.read_text().strip()[-1]

    def value():
        return remembered("demo", source, compute, hex_digits(1))

    assert [value(), value()] == ["1", "1"] and len(calls) == 1
    source.write_text("x = 2\n")  # another source: computed again
    assert value() == "2" and len(calls) == 2
    memo = memo_path("demo")
    doc = json.loads(memo.read_text())
    memo.write_text(json.dumps({**doc, "value": "7"}))  # a damaged figure: its checksum fails, computed again
    assert value() == "2" and len(calls) == 3
    memo.write_text("{not json")  # a damaged memo: computed again, and rewritten
    assert value() == "2" and len(calls) == 4
    assert value() == "2" and len(calls) == 4
    assert remembered("demo", tmp_path / "gone.py", lambda: "3", hex_digits(1)) == "3"  # no file: computed


def test_costing_defaults_from_their_memo_are_the_toml_ones():
    from corridor.costing import params

    direct = params._flatten(params._parsed_defaults())
    shipped = params.defaults()
    assert list(shipped) == list(direct) and len(direct) > 50
    for key, row in direct.items():  # by repr: the passenger fare is nan (no published source)
        assert repr(shipped[key]) == repr(params._assumption(key, row))
        assert shipped.label(key) == str(row.get("label", key))


def test_hierarchy_layer_is_the_sea_csr_one(net):
    """The hierarchy lookup takes the sea layer from the whole CSR (no net.sea_csr): the same
    edges in the same order, or the digest would miss every cached sea hierarchy."""
    import numpy as np

    from corridor.engine.hierarchies import _layer

    (indptr, head, edge), n = net.sea_csr, int(net.n_sea_nodes)
    tail = np.repeat(np.arange(n, dtype=np.int32), np.diff(indptr[:n + 1]))
    weight = np.asarray(net.edge_km)
    for blocked in (0, 0xE000, 0x1):
        keep = ((net.edge_flags[edge] & np.uint32(blocked)) == 0) & (tail < head)
        want = (tail[keep], head[keep], weight[edge[keep]], edge[keep])
        got = _layer(net, "sea", blocked, weight)
        assert got[0] == n and len(want[3]) > 0
        for a, b in zip(got[1:], want):
            assert a.dtype == b.dtype and np.array_equal(a, b)


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
