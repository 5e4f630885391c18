"""Files the user names on the command line: every problem is exit 2 with the path and the
reason, never an internal error; a closed stdout ends the command quietly. And bad text in
HTTP bodies (unpaired surrogates, JSON nested 5,000 deep) is a 4xx JSON error, never a 500."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def _fails_plainly(proc: subprocess.CompletedProcess, *needles: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    for needle in needles:
        assert needle in proc.stderr, (needle, proc.stderr)


@pytest.fixture
def places_csv(tmp_path):
    path = tmp_path / "places.csv"
    path.write_text("place\nNLRTM\nBEANR\n", encoding="utf-8")
    return path


def test_geojson_into_a_missing_folder(cli, tmp_path):
    target = tmp_path / "no-such-folder" / "r.geojson"
    _fails_plainly(cli("route", "NLRTM", "BEANR", "--geojson", str(target)), str(target), "does not exist")


def test_geojson_onto_a_folder(cli, tmp_path):
    _fails_plainly(cli("route", "NLRTM", "BEANR", "--geojson", str(tmp_path)), str(tmp_path), "Is a directory")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through any permission")
def test_geojson_without_permission(cli, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    target = folder / "r.geojson"
    _fails_plainly(cli("route", "NLRTM", "BEANR", "--geojson", str(target)), str(target), "Permission denied")


def test_matrix_csv_in_latin1(cli, tmp_path, places_csv):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("place\nSão Paulo\nNLRTM\n".encode("latin-1"))
    _fails_plainly(cli("matrix", "--origins", str(latin), "--destinations", str(places_csv),
                       "--out", str(tmp_path / "t.csv")), str(latin), "not UTF-8", "0xe3")


def test_matrix_csv_missing_or_a_folder_or_without_places(cli, tmp_path, places_csv):
    out = str(tmp_path / "t.csv")
    missing = tmp_path / "missing.csv"
    _fails_plainly(cli("matrix", "--origins", str(missing), "--destinations", str(places_csv), "--out", out),
                   str(missing), "not found")
    _fails_plainly(cli("matrix", "--origins", str(tmp_path), "--destinations", str(places_csv), "--out", out),
                   str(tmp_path), "is a folder")
    no_place = tmp_path / "cities.csv"
    no_place.write_text("city\nRotterdam\n", encoding="utf-8")
    _fails_plainly(cli("matrix", "--origins", str(no_place), "--destinations", str(places_csv), "--out", out),
                   str(no_place), "'place' column")


def test_import_wpi_missing_file(cli, tmp_path):
    missing = tmp_path / "MISSING.csv"
    _fails_plainly(cli("data", "import-wpi", str(missing)), str(missing), "no such file")


def test_import_wpi_not_utf8(cli, tmp_path):
    latin = tmp_path / "wpi.csv"
    latin.write_bytes("World Port Index Number,Main Port Name\n1,Málaga\n".encode("latin-1"))
    _fails_plainly(cli("data", "import-wpi", str(latin)), str(latin), "not UTF-8")


def test_closed_stdout_ends_quietly(net):
    """``corridor places a | head -1``: the reader goes away before corridor writes."""
    proc = subprocess.Popen([sys.executable, "-m", "corridor", "places", "a", "--limit", "50"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ))
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=300)
    assert proc.returncode in (0, 141), (proc.returncode, err)
    assert err == "", err


def test_closed_stdout_in_a_shell_pipeline(net):
    shell = f"{sys.executable} -m corridor places a --limit 50 | head -1; echo \"rc=${{PIPESTATUS[0]}}\""
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, env=dict(os.environ), timeout=300)
    assert len(done.stdout.splitlines()) == 2 and done.stdout.splitlines()[-1] in ("rc=0", "rc=141"), done.stdout
    assert done.stderr == "", done.stderr


@pytest.fixture(scope="module")
def client(net):
    from fastapi.testclient import TestClient

    from corridor.server.app import create_app

    with TestClient(create_app()) as c:
        yield c


def _deep(depth: int) -> bytes:
    return ('{"query": ' + "[" * depth + "]" * depth + "}").encode()


def test_reports_refuse_unpaired_surrogates(client):
    body = b'{"query": "/route?origin=NLRTM&destination=BEANR", "selected_text": "wrong port \\ud800 here"}'
    r = client.post("/reports", content=body, headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    assert "surrogate" in r.json()["message"]


def test_reports_refuse_json_nested_too_deep(client):
    r = client.post("/reports", content=_deep(5000), headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    assert "deep" in r.json()["message"]


def test_reports_query_with_a_surrogate(client):
    r = client.get("/admin/reports?status=%ED%A0%80&token=x")
    assert r.status_code < 500, (r.status_code, r.text)
    r = client.get("/reports/limits?x=%ED%A0%80")
    assert r.status_code < 500, (r.status_code, r.text)


def test_table_refuses_unpaired_surrogates(client):
    r = client.post("/table", content=b'{"origins": ["NLRTM", "\\ud800"]}', headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    assert json.loads(r.text)["message"]
    r = client.get("/table?origins=NLRTM;%ED%A0%80")
    assert 400 <= r.status_code < 500, (r.status_code, r.text)


def test_table_refuses_json_nested_too_deep(client):
    r = client.post("/table", content=b'{"origins": ' + b"[" * 5000 + b"]" * 5000 + b"}",
                    headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
