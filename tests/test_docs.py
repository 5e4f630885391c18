"""The API reference (docs/, mkdocs + mkdocstrings) builds without a warning, and every public
name of ``corridor`` has a numpydoc docstring that parses cleanly (a broken one fails CI)."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import corridor

ROOT = Path(__file__).resolve().parents[1]


def test_every_public_name_has_a_clean_numpydoc_docstring(caplog):
    griffe = pytest.importorskip("griffe")
    for name in corridor.__all__:
        obj = getattr(corridor, name)
        doc = obj.__doc__ or ""
        assert doc.strip() and not doc.startswith(f"{name}("), f"corridor.{name} has no docstring"
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            griffe.Docstring(doc, parser="numpy").parse()
        # types come from the signature's annotations, which a docstring parsed alone lacks
        broken = [r.getMessage() for r in caplog.records if "No type" not in r.getMessage()]
        assert not broken, (name, broken)


def test_api_reference_builds_strictly(tmp_path):
    if shutil.which("mkdocs") is None and not (Path(sys.executable).parent / "mkdocs").exists():
        (pytest.fail if os.environ.get("CI") else pytest.skip)("mkdocs is not installed: pip install -e '.[docs]'")
    mkdocs = shutil.which("mkdocs") or str(Path(sys.executable).parent / "mkdocs")
    proc = subprocess.run([mkdocs, "build", "--strict", "--site-dir", str(tmp_path / "site")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "site" / "api" / "index.html").read_text(encoding="utf-8")
    for name in ("corridor.api.route", "corridor.api.matrix", "corridor.api.places", "corridor.route.Route",
                 "corridor.places.PlaceMatch", "corridor.errors.NoRoute"):
        assert f'id="{name}"' in page, name
