"""The import graph of corridor: no cycles, and the engine and build layers below the planner.

Every import in every module counts, function-level ones too, so a cycle hidden inside a
function (imported late to dodge the error at import time) is a cycle here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import corridor

PACKAGE = Path(corridor.__file__).parent
ABOVE_THE_ENGINE = ("corridor.planner", "corridor.alternatives", "corridor.whatif", "corridor.transit_policy")


def _modules() -> dict[str, Path]:
    """Dotted name -> file, for every module of the package (a package by its ``__init__``)."""
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ("corridor", *path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imported(name: str, path: Path) -> set[str]:
    """Every dotted name ``path`` imports (``from a import b``: ``a`` and ``a.b``), relative
    imports resolved against the module's package."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                head = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*head, base] if base else head)
            out.add(base)
            out.update(f"{base}.{a.name}" for a in node.names)
    return out


def _graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the modules it imports (a name resolves to its longest known module prefix;
    a module importing its own enclosing package is not an edge: it runs first anyway)."""
    edges = {}
    for name, path in modules.items():
        edges[name] = set()
        for target in _imported(name, path):
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                edges[name].add(target)
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            v, children = work[-1]
            w = next(children, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(edges[w]))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == v:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return _graph(_modules())


def test_the_checker_finds_a_cycle_and_resolves_relative_imports(tmp_path):
    """The check itself: a two-module cycle through a relative, function-level import is found."""
    (tmp_path / "a.py").write_text("from corridor.b import x\n")
    (tmp_path / "b.py").write_text("def f():\n    from .a import y\n")
    (tmp_path / "c.py").write_text("import corridor.a\n")
    modules = {f"corridor.{m}": tmp_path / f"{m}.py" for m in "abc"}
    assert _cycles(_graph(modules)) == [["corridor.a", "corridor.b"]]


def test_no_import_cycles(graph):
    cycles = _cycles(graph)
    assert not cycles, "import cycles (each line one tangle to cut):\n" + "\n".join(
        " <-> ".join(c) for c in cycles)


def test_the_engine_and_build_layers_do_not_import_the_planner_or_above(graph):
    assert "corridor.engine.search" in graph and "corridor.build.contraction" in graph
    lower = [m for m in graph if m.startswith(("corridor.engine", "corridor.build"))]
    wrong = [f"{m} imports {t}" for m in sorted(lower) for t in sorted(graph[m]) if t in ABOVE_THE_ENGINE]
    assert not wrong, "\n".join(wrong)


def test_build_stages_do_not_import_query_code(graph):
    query = ("corridor.engine", "corridor.search_ch", "corridor.hub_labels", "corridor.engine.table", "corridor.batch")
    wrong = [f"{m} imports {t}" for m, targets in sorted(graph.items()) if m.startswith("corridor.build")
             for t in sorted(targets) if t.startswith(query)]
    assert not wrong, "\n".join(wrong)
