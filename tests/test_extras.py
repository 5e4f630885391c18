"""Features whose pip extra is missing say which extra to install (exit 2), never an ImportError.

A missing package is simulated by ``sys.modules[name] = None``, which makes ``import name`` fail
as it does when the package is not installed.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from corridor.cli import main

EXTRAS_MODULES = ("fastapi", "starlette", "uvicorn", "dask", "distributed", "pyarrow", "psycopg")


def block(monkeypatch, *names: str) -> None:
    """Make ``names`` and their already imported submodules unimportable for this test."""
    for loaded in [m for m in sys.modules if m.partition(".")[0] in names]:
        monkeypatch.setitem(sys.modules, loaded, None)
    for name in names:
        monkeypatch.setitem(sys.modules, name, None)


def places_csv(path) -> str:
    path.write_text("id,lat,lon\nlima,-12.05,-77.04\n", encoding="utf-8")
    return str(path)


def says_extra(capsys, extra: str) -> None:
    err = capsys.readouterr().err
    assert f"pip install 'corridor[{extra}]'" in err and "Traceback" not in err, err


def test_serve_without_the_server_extra(monkeypatch, capsys):
    block(monkeypatch, "uvicorn", "fastapi", "starlette")
    assert main(["serve", "--port", "8999"]) == 2
    says_extra(capsys, "server")


def test_matrix_dask_without_the_dask_extra(monkeypatch, capsys, tmp_path):
    block(monkeypatch, "distributed", "dask")
    csv = places_csv(tmp_path / "p.csv")
    assert main(["matrix", "--origins", csv, "--destinations", csv, "--out", str(tmp_path / "t.csv"), "--dask"]) == 2
    says_extra(capsys, "dask")
    assert not (tmp_path / "t.csv").exists()


def test_parquet_output_without_the_parquet_extra(monkeypatch, capsys, tmp_path):
    block(monkeypatch, "pyarrow")
    csv = places_csv(tmp_path / "p.csv")
    out = tmp_path / "t.parquet"
    assert main(["matrix", "--origins", csv, "--destinations", csv, "--out", str(out)]) == 2
    says_extra(capsys, "parquet")
    assert not out.exists()


def test_postgresql_reports_without_the_postgres_extra(monkeypatch, capsys):
    block(monkeypatch, "psycopg")
    assert main(["reports", "list", "--db", "postgresql://nobody@localhost:1/none"]) == 2
    says_extra(capsys, "postgres")


def test_sqlite_reports_need_no_extra(monkeypatch, capsys, tmp_path):
    block(monkeypatch, "psycopg")
    assert main(["reports", "list", "--db", str(tmp_path / "r.sqlite3")]) == 0


@pytest.mark.parametrize("module", ["corridor.cli", "corridor.planner", "corridor.report.html",
                                    "corridor.report.png", "corridor.batch", "corridor.reports.store"])
def test_base_install_imports_without_any_extra(module):
    """The main job's modules import with every extra's packages missing (as in a base install)."""
    code = (f"import sys; sys.modules.update(dict.fromkeys({EXTRAS_MODULES!r})); "
            f"import {module}; from corridor.cli import _parser; _parser()")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
