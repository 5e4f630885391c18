"""The reports store and validation, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import json
import sqlite3
import threading

import pytest
from reports_support import BACKENDS, store_url

from corridor.reports.model import LIMITS, ReportError, client_hash, validate
from corridor.reports.ratelimit import RateLimiter
from corridor.reports.store import SqliteStore, open_store

NASTY = "<script>alert('x')</script> '; DROP TABLE reports; -- \" \\ %s ? $1 \u00e9\u4e2d\U0001F6A2"


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path):
    return store_url(request, tmp_path, request.param)


@pytest.fixture
def store(url):
    with open_store(url) as s:
        yield s


def payload(**over) -> dict:
    base = {"selected_text": "17,250 km", "context_before": "Chancay -> Shanghai ", "context_after": " 24.3 d",
            "comment": "Looks long", "source_url": "https://example.org/distances", "page": "http://127.0.0.1/",
            "query": "?from=PECHY&to=CNSHA", "data_version": "0123abcd4567ef89"}
    return {**base, **over}


def test_add_get_roundtrip(store):
    r = store.add(validate(payload()), client="abc")
    assert r.id >= 1 and r.status == "new" and r.created_at.endswith("Z") and r.resolved_at is None
    assert store.get(r.id) == r
    assert (r.selected_text, r.context_before, r.context_after) == ("17,250 km", "Chancay -> Shanghai ", " 24.3 d")
    assert r.query == "?from=PECHY&to=CNSHA" and r.client == "abc"


def test_script_and_sql_metacharacters_stored_verbatim(store):
    fields = {name: NASTY[:limit] for name, limit in LIMITS.items() if name not in ("source_url", "data_version")}
    r = store.add(validate(fields))
    got = store.get(r.id)
    for name, value in fields.items():
        assert getattr(got, name) == value
    assert store.count() == 1  # the table is still there


def test_list_filter_review(store):
    ids = [store.add(validate(payload(selected_text=f"sel {i}"))).id for i in range(5)]
    assert [r.id for r in store.list()] == ids[::-1]
    done = store.review(ids[1], "resolved", "distance corrected to 17,100 km (NGA Pub. 151)")
    assert done.status == "resolved" and done.resolved_at and done.resolution.startswith("distance corrected")
    store.review(ids[2], "rejected", "")
    assert [r.id for r in store.list("new")] == [ids[4], ids[3], ids[0]]
    assert [r.id for r in store.list("resolved")] == [ids[1]]
    assert store.count("rejected") == 1 and store.count() == 5
    assert [r.id for r in store.list(limit=2, offset=1)] == [ids[3], ids[2]]


def test_review_errors(store):
    for missing in (999, 0, -1, 2**64):
        with pytest.raises(ReportError) as e:
            store.review(missing, "resolved")
        assert e.value.code == "not_found"
        with pytest.raises(ReportError) as e:
            store.get(missing)
        assert e.value.code == "not_found"
    r = store.add(validate(payload()))
    with pytest.raises(ReportError) as e:
        store.review(r.id, "new")
    assert e.value.code == "invalid"
    with pytest.raises(ReportError) as e:
        store.review(r.id, "resolved", "x" * 2001)
    assert e.value.code == "too_long"
    with pytest.raises(ReportError):
        store.list("open")


def test_salt_is_stable_and_secret(url):
    with open_store(url) as a:
        salt = a.salt()
    with open_store(url) as b:
        assert b.salt() == salt and len(salt) == 32
    assert client_hash("203.0.113.9", salt) != client_hash("203.0.113.9", "other")
    assert "203.0.113.9" not in client_hash("203.0.113.9", salt)


def test_concurrent_adds_from_threads(store):
    ids, errors = [], []

    def worker(k):
        try:
            for i in range(25):
                ids.append(store.add(validate(payload(selected_text=f"{k}-{i}"))).id)
        except Exception as e:  # collected and asserted below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(set(ids)) == 200 and store.count() == 200


def test_sqlite_is_wal_and_fully_synchronous(tmp_path):
    path = tmp_path / "sub" / "r.sqlite3"
    with SqliteStore(path) as s:
        assert s._run("PRAGMA journal_mode")[0][0] == "wal"
        assert s._run("PRAGMA synchronous")[0][0] == 2  # FULL
    assert sqlite3.connect(path).execute("SELECT COUNT(*) FROM reports").fetchone() == (0,)


def test_open_store_choices(tmp_path, monkeypatch):
    monkeypatch.setenv("CORRIDOR_REPORTS_DB", str(tmp_path / "env.sqlite3"))
    with open_store() as s:
        assert s.url == str(tmp_path / "env.sqlite3")
    with open_store(f"sqlite:///{tmp_path}/u.sqlite3") as s:
        assert s.url == f"{tmp_path}/u.sqlite3"
    with pytest.raises(ReportError) as e:
        open_store("mysql://x/y")
    assert e.value.code == "invalid"
    with pytest.raises(ReportError) as e:
        open_store("postgresql://nobody@127.0.0.1:1/none")
    assert e.value.code == "unavailable" and e.value.exit_code == 4


@pytest.mark.parametrize("bad, code, field", [
    ({"selected_text": ""}, "missing", "selected_text"),
    ({"selected_text": "   \n"}, "missing", "selected_text"),
    ({"selected_text": "x" * 501}, "too_long", "selected_text"),
    ({"comment": "x" * 2001}, "too_long", "comment"),
    ({"context_before": "x" * 1001}, "too_long", "context_before"),
    ({"comment": 5}, "invalid", "comment"),
    ({"comment": "a\x00b"}, "invalid", "comment"),
    ({"comment": "bell \x07 and escape \x1b[2J"}, "invalid", "comment"),
    ({"source_url": "javascript:alert(1)"}, "invalid", "source_url"),
    ({"source_url": "https://"}, "invalid", "source_url"),
    ({"source_url": "https://x.org/a b"}, "invalid", "source_url"),
    ({"data_version": "<b>"}, "invalid", "data_version"),
    ({"is_admin": True}, "invalid", "is_admin"),
])
def test_validation_refuses(bad, code, field):
    with pytest.raises(ReportError) as e:
        validate(payload(**bad))
    assert (e.value.code, e.value.field) == (code, field)
    assert json.dumps(e.value.to_dict())


def test_validation_keeps_text_verbatim():
    p = payload(comment="  line one\n\tline two  ", selected_text=" 9,314 nmi ")
    assert validate(p) == p
    assert validate({"selected_text": "x"})["comment"] == ""
    with pytest.raises(ReportError):
        validate(["not", "a", "dict"])


def test_rate_limiter(monkeypatch):
    limiter = RateLimiter(burst=3, period_s=3.0)
    assert [limiter.acquire("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert 0 < limiter.acquire("a") <= 1.0
    assert limiter.acquire("b") == 0.0  # per client
    monkeypatch.setenv("CORRIDOR_REPORTS_RATE", "off")
    assert RateLimiter.from_env() is None
    monkeypatch.setenv("CORRIDOR_REPORTS_RATE", "5/hour")
    assert RateLimiter.from_env().burst == 5
    monkeypatch.setenv("CORRIDOR_REPORTS_RATE", "lots")
    with pytest.raises(ReportError):
        RateLimiter.from_env()
