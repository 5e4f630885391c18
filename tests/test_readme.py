"""Every ``corridor ...`` command shown in README.md's console and bash blocks runs, exits 0, and
does what the comment beside it says where that is checkable. Commands that need a server, the
internet or the user's own files are listed in :data:`SKIPPED` with the reason; a new README
command with a comment must be added to :data:`CLAIMS` or :data:`UNCHECKED`, so no claim goes
untested by oversight. Run in-process through ``corridor.cli.main`` (no subprocess per command)."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from corridor.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"
_BLOCK = re.compile(r"^```(console|bash)\n(.*?)^```", re.MULTILINE | re.DOTALL)
_COMMAND = re.compile(r"^(?:\$ )?(?:[A-Z_]+=(?:\$\([^)]*\)|\S+) )*corridor (?P<args>.*)$")


def readme_commands() -> list[tuple[str, str]]:
    """(arguments after ``corridor``, the comment beside them) for every README command."""
    out = []
    for _, body in _BLOCK.findall(README.read_text(encoding="utf-8")):
        for line in body.splitlines():
            m = _COMMAND.match(line.strip())
            if m:
                words = shlex.split(m["args"], comments=True)
                comment = m["args"].partition("  #")[2].strip() or m["args"].partition(" # ")[2].strip()
                out.append((shlex.join(words), comment))
    return out


def _json(out: str):
    return json.loads(out)


def _legs_source(out: str) -> bool:
    legs = [leg for leg in _json(out)["legs"] if leg["mode"] == "air"]
    return bool(legs) and all(leg.get("source") for leg in legs)


# Commands that cannot run here, by argument prefix, with the reason.
SKIPPED = {
    "matrix --origins origins.csv": "needs the user's CSV files (tests/test_cli_conventions.py runs matrix)",
    "matrix --origins o.csv": "needs the user's CSV files and a Dask cluster",
    "route CNSHA TRIST --scenario suez-closed.toml": "needs the user's scenario file",
    "route PECHY CNSHA --costs my-rates.toml": "needs the user's rates file",
    "reports show 12": "needs report 12 in a reports database",
    "reports resolve 12": "needs report 12 in a reports database",
    "reports reject 13": "needs report 13 in a reports database",
    "serve": "starts a server that runs until stopped",
    "data fetch": "needs the internet",
    "data import-air routes.dat": "needs the user's OpenFlights file",
    "data import-wpi UpdatedPub150.csv": "needs the user's NGA export",
}

# Commands the README shows failing on purpose, with their exit code (the claim is then checked
# on the error message).
EXIT_CODES = {"route AZBAK GEPTI": 3}

# The README's comment -> a check on stdout (a string it must hold, or a predicate).
CLAIMS = {
    "round the Cape instead": "Cape of Good Hope",
    "no sea route: says why (exit code 3)": lambda out: "Volga–Don" in out and "closed" in out,
    "via the Volga–Don": "Volga–Don",
    "across Kazakhstan; legs name the borders": "KZ",
    "through Georgia, into Turkey near Kars": lambda out: "AZ–GE border" in out and "GE–TR border" in out
                                                          and "Kars" in out,
    "look a place up": "Chancay",
    "the compiled network and its sources": "source: ",
    "text report on stdout": lambda out: "options: " in out and "fastest first:" in out and "assumption" in out,
    "bulk: no container-only services, no air": lambda out: all(
        "air" not in o["modes"] and not o["option"]["container_only"] for o in _json(out)["options"]),
    "40 TEU; --feu 20 is the same": "40 TEU",
    '"via the Cape" (--via suez: via Suez)': "Cape of Good Hope",
    "Caspian ferry from Kuryk (Russia avoided by default)": "Kuryk",
    "round the Caspian through Russia": "RU",
    "IATA codes (upper case) are airports": lambda out: "IST" in out and "GYD" in out,
    "1 t of general cargo LIM -> MAD -> IST -> GYD, 3.4 days": lambda out: _legs_source(out) and [
        leg["to"][-4:-1] for leg in _json(out)["legs"] if leg["mode"] == "air"] == ["MAD", "IST", "GYD"]
        and _json(out)["cargo"]["tonnes"] == 1.0 and 2 * 24 <= _json(out)["duration_h"] <= 4 * 24,
    "the same chain for one passenger": lambda out: "(MAD)" in out and "(IST)" in out and "1 passenger" in out,
    "the modelled network (opt-in)": "modelled",
    "rail and road, and by air": lambda out: "alternatives:" in out and "air" in out,
    "which air and port data are in use": "air: ",
    "the legs as CSV on stdout": lambda out: out.startswith("leg,mode,kind,") and "border_name" in out,
}

# Comments that describe rather than claim something a run can check, with the reason.
UNCHECKED = {
    "self-contained page (opens offline), static map": "the files' content is tested in test_report.py",
    "offline map page, static map": "the files' content is tested in test_exports.py",
    "a weighted mix": "the answer does not restate the objective's weights",
    "new reports, each selection [in] its context": "the test's reports database is empty",
}


def _skip_reason(args: str) -> str | None:
    return next((why for prefix, why in SKIPPED.items() if args.startswith(prefix)), None)


def test_readme_has_commands_and_every_claim_is_known():
    commands = readme_commands()
    assert len(commands) > 20
    runnable_comments = {c for a, c in commands if c and _skip_reason(a) is None}
    assert runnable_comments <= set(CLAIMS) | set(UNCHECKED), runnable_comments - set(CLAIMS) - set(UNCHECKED)


@pytest.mark.parametrize("args,comment", readme_commands(), ids=[a for a, _ in readme_commands()])
def test_readme_command(args, comment, net, capsys, tmp_path, monkeypatch):
    reason = _skip_reason(args)
    if reason:
        pytest.skip(reason)
    if args.startswith("report") and "--png" in args:
        pytest.importorskip("matplotlib")
    monkeypatch.chdir(tmp_path)  # files the examples write (r.geojson, report.html) land here
    monkeypatch.setenv("CORRIDOR_REPORTS_DB", str(tmp_path / "reports.sqlite3"))
    code = main(shlex.split(args))
    out, err = capsys.readouterr()
    assert code == EXIT_CODES.get(args, 0), (args, err)
    if code:
        out = err
    check = CLAIMS.get(comment)
    if isinstance(check, str):
        assert check in out, (args, comment, out[-2000:])
    elif check is not None:
        assert check(out), (args, comment, out[-2000:])
