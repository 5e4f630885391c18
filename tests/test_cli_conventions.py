"""CLI conventions: --version, -q/-v, JSON errors with --json, '-' for stdin/stdout, optional
packages checked before long work. Run in-process through corridor.cli.main (fast)."""

from __future__ import annotations

import csv
import io
import json
import sys

import pytest

from corridor.cli import main


def test_version_names_package_and_network(capsys):
    from corridor import __version__
    from corridor.network import fingerprint

    with pytest.raises(SystemExit) as e:
        main(["--version"])
    out = capsys.readouterr().out
    assert e.value.code == 0
    assert out.splitlines()[0] == f"corridor {__version__}"
    assert f"network {fingerprint()}" in out


@pytest.mark.parametrize("argv", [("-q", "route", "NLRTM", "SGSIN"), ("route", "NLRTM", "SGSIN", "--quiet")])
def test_quiet_before_or_after_the_command(run, argv):
    code, out, err = run(*argv)
    assert code == 0 and "Rotterdam" in out
    assert err == ""


def test_verbose_says_network_and_time(run):
    from corridor.network import load_network

    code, out, err = run("-v", "route", "NLRTM", "SGSIN")
    assert code == 0
    assert load_network().manifest["fingerprint"] in err and "route done in" in err


def test_quiet_and_verbose_together_refused(run):
    with pytest.raises(SystemExit) as e:
        run("-q", "-v", "places", "chancai")
    assert e.value.code == 2


def test_json_error_on_stderr_with_same_exit_code(run):
    code, out, err = run("route", "Atlantisport Nowhere", "NLRTM", "--json")
    assert code == 2 and out == ""
    doc = json.loads(err)["error"]
    assert doc["code"] == "place_not_found" and doc["exit_code"] == 2 and "Atlantisport" in doc["message"]
    plain = run("route", "Atlantisport Nowhere", "NLRTM")
    assert plain[0] == 2 and plain[2].startswith("corridor: error: Unknown place")


def test_json_error_for_bad_input_and_usage(run):
    code, _, err = run("route", "95,0", "NLRTM", "--json")
    assert code == 2 and json.loads(err)["error"]["code"] == "bad_input"
    with pytest.raises(SystemExit) as e:
        run("route", "NLRTM", "--json")
    assert e.value.code == 2


def test_usage_error_is_json_with_json_flag(capsys):
    with pytest.raises(SystemExit) as e:
        main(["route", "NLRTM", "--json"])
    doc = json.loads(capsys.readouterr().err)["error"]
    assert e.value.code == 2 and doc["code"] == "usage" and "destination" in doc["message"]


def test_matrix_reads_stdin_and_writes_stdout(run, tmp_path, monkeypatch):
    destinations = tmp_path / "d.csv"
    destinations.write_text("place\nSGSIN\nCNSHA\n", encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO("id,place\nrtm,NLRTM\n"))
    code, out, err = run("matrix", "--origins", "-", "--destinations", str(destinations), "--out", "-")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["origin"], r["destination"]) for r in rows] == [("rtm", "SGSIN"), ("rtm", "CNSHA")]
    assert all(float(r["distance_km"]) > 5000 for r in rows)
    assert "2 pairs" in err  # the summary left stdout to the table


def test_matrix_stdin_errors_name_stdin(run, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("name\nNLRTM\n"))
    code, _, err = run("matrix", "--origins", "-", "--destinations", "-", "--out", "-")
    assert code == 2 and "both be '-'" in err
    monkeypatch.setattr(sys, "stdin", io.StringIO("name\nNLRTM\n"))
    code, _, err = run("matrix", "--origins", "-", "--destinations", str(tmp_path / "none.csv"),
                       "--out", str(tmp_path / "o.csv"))
    assert code == 2 and "- (stdin)" in err and "'place' column" in err


def test_png_without_matplotlib_fails_before_the_report(run, monkeypatch, tmp_path):
    import corridor.report

    def must_not_run(*a, **k):
        raise AssertionError("the report was computed before the missing package was found")

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    monkeypatch.setattr(corridor.report, "build_report", must_not_run)
    code, out, err = run("report", "GE", "AZ", "--png", str(tmp_path / "m.png"))
    assert code == 2 and out == ""
    assert "corridor report --png" in err and "pip install 'corridor[report]'" in err


def test_two_answers_on_stdout_refused(run):
    code, _, err = run("report", "GE", "AZ", "--json", "--out", "-")
    assert code == 2 and "--json and --out -" in err
