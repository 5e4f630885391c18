"""``corridor reports list|show|resolve|reject`` on both backends, and reading a report's query."""

from __future__ import annotations

import json

import pytest
from reports_support import BACKENDS, store_url

from corridor.reports.model import validate
from corridor.reports.recheck import api_query, route_request
from corridor.reports.store import open_store


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path):
    url = store_url(request, tmp_path, request.param)
    with open_store(url) as store:
        store.add(validate({"selected_text": "17,249", "context_before": "days best ",
                            "context_after": "\n9,314 24.2", "comment": "<script>x</script>'; DROP TABLE reports; --",
                            "query": "?from=PECHY&to=CNSHA&avoid=suez", "page": "http://127.0.0.1/"}), "c0ffee")
        store.add(validate({"selected_text": "Shanghai", "comment": "second"}))
    return url


def test_list_show_resolve_reject(cli, db):
    table = cli("reports", "list", "--db", db, check_rc=0).stdout
    lines = table.splitlines()
    assert lines[0].split()[:3] == ["id", "sent", "status"]
    assert "days best [17,249] 9,314 24.2" in table  # newline in the context shown as a space
    assert "<script>x</script>'; DROP TABLE reports; --" in table  # verbatim on a terminal
    assert lines[1].split()[0] == "2"  # newest first

    shown = cli("reports", "show", "1", "--db", db, check_rc=0).stdout
    assert "query:    ?from=PECHY&to=CNSHA&avoid=suez" in shown and "now:" in shown

    assert cli("reports", "resolve", "1", "--db", db, "--note", "fixed in sea_links.csv",
               check_rc=0).stdout.strip() == "report 1 resolved: fixed in sea_links.csv"
    assert cli("reports", "reject", "2", "--db", db, check_rc=0).stdout.strip() == "report 2 rejected"
    assert "no new reports" in cli("reports", "list", "--db", db, check_rc=0).stdout
    rows = json.loads(cli("reports", "list", "--db", db, "--status", "all", "--json", check_rc=0).stdout)
    assert [(r["id"], r["status"], r["resolution"]) for r in rows] == [
        (2, "rejected", ""), (1, "resolved", "fixed in sea_links.csv")]
    one = json.loads(cli("reports", "show", "1", "--db", db, "--json", check_rc=0).stdout)
    assert one["client"] == "c0ffee" and one["recheck"]["request"]["avoid"] == ["suez"]


def test_errors_are_one_line(cli, db, tmp_path):
    assert "no report with id 99" in cli("reports", "show", "99", "--db", db, check_rc=2).stderr
    assert "the limit is 2000" in cli("reports", "resolve", "1", "--db", db, "--note", "x" * 2001, check_rc=2).stderr
    assert "unsupported" in cli("reports", "list", "--db", "mysql://h/db", check_rc=2).stderr
    assert "reports database" in cli("reports", "list", "--db", "postgresql://x@127.0.0.1:1/y", check_rc=4).stderr


def test_route_request_from_query():
    assert route_request("?from=PECHY&to=CNSHA&avoid=suez,panama&avoid=hormuz&speed=14&click=origin") == {
        "origin": "PECHY", "destination": "CNSHA", "avoid": ["suez", "panama", "hormuz"], "speed_kn": 14.0}
    assert route_request("origin=NLRTM&destination=SGSIN&vessel=river-sea&via=EGPSD")["via"] == ["EGPSD"]
    assert route_request("", "http://h/?from=A&to=B") == {"origin": "A", "destination": "B"}
    assert route_request("?from=A") is None and route_request("") is None
    assert route_request("?from=A&to=B&speed=fast") is None
    assert api_query({"origin": "PECHY", "destination": "CNSHA", "avoid": ["suez", "panama"], "speed_kn": 14.0}) == \
        "from=PECHY&to=CNSHA&avoid=suez&avoid=panama&speed=14.0"
