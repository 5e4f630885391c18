"""Reports over HTTP against a real uvicorn server, on SQLite and on a real PostgreSQL server:
1,000 concurrent reports all stored, a SIGKILL mid-load loses no acknowledged report,
script and SQL text stored verbatim and shown inert, rate limit, admin token.
"""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from reports_support import BACKENDS, Server, store_url

from corridor.reports.store import open_store

TOKEN = "test-admin-token-9f2c"
NASTY = "<script>alert('pwned')</script>'; DROP TABLE reports; --"


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path):
    return store_url(request, tmp_path, request.param)


@pytest.fixture
def make_server(tmp_path, net):
    servers = []

    def start(db_url: str, **env) -> Server:
        # its own sign-in buckets (a test's attempts do not count against the next), one compute worker
        env = {"CORRIDOR_REPORTS_DB": db_url, "CORRIDOR_ADMIN_TOKEN": TOKEN, "CORRIDOR_REPORTS_RATE": "off",
               "CORRIDOR_RATE_DB": str(tmp_path / f"rate-{len(servers)}.sqlite"), "CORRIDOR_MAX_INFLIGHT": "1",
               **env}
        servers.append(Server({k: v for k, v in env.items() if v is not None},
                              tmp_path / f"server-{len(servers)}.log"))
        return servers[-1]

    yield start
    for s in servers:
        s.stop()


def backend(db_url: str) -> str:
    return "postgresql" if db_url.startswith("postgresql") else "sqlite"


def report(marker: str, **over) -> dict:
    return {"selected_text": "17,249", "context_before": "route km nmi days best ", "context_after": " 9,314 24.2",
            "comment": marker, "page": "http://127.0.0.1/", "query": "?from=PECHY&to=CNSHA", **over}


def send_many(base: str, n: int, workers: int):
    """POST ``n`` reports from ``workers`` threads; returns {marker: id} for the 201s, and the failures."""
    acked: dict[str, int] = {}
    failed: list[str] = []
    lock = threading.Lock()
    local = threading.local()

    def one(i: int) -> None:
        marker = f"load-{i}-{uuid.uuid4().hex[:8]}"
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = httpx.Client(timeout=30)
        try:
            r = client.post(f"{base}/reports", json=report(marker))
        except httpx.HTTPError as e:
            with lock:
                failed.append(type(e).__name__)
            return
        with lock:
            if r.status_code == 201:
                acked[marker] = r.json()["id"]
            else:
                failed.append(str(r.status_code))

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, range(n)))
    return acked, failed


def test_thousand_concurrent_reports_all_stored(db, make_server):
    server = make_server(db)
    started = time.perf_counter()
    acked, failed = send_many(server.base, 1000, workers=50)
    elapsed = time.perf_counter() - started
    assert not failed and len(acked) == 1000
    assert len(set(acked.values())) == 1000
    with open_store(db) as store:
        assert store.count() == 1000
        stored = {r.comment: r.id for r in store.list(limit=2000)}
    assert stored == acked
    print(f"\n1000 concurrent reports ({backend(db)}): {elapsed:.1f} s, {1000 / elapsed:.0f}/s")


def test_kill_mid_load_loses_no_acknowledged_report(db, make_server):
    server = make_server(db)
    results: dict = {}

    def load():
        results["acked"], results["failed"] = send_many(server.base, 1000, workers=50)

    sender = threading.Thread(target=load)
    sender.start()
    with open_store(db) as store:  # kill once the load is well under way
        deadline = time.monotonic() + 60
        while store.count() < 300 and time.monotonic() < deadline:
            time.sleep(0.01)
    server.kill()
    sender.join(timeout=120)
    acked, failed = results["acked"], results["failed"]
    assert len(acked) >= 100 and failed, (len(acked), len(failed))  # the kill did land mid-load
    with open_store(db) as store:
        stored = {r.comment: r.id for r in store.list(limit=2000)}
    missing = {m: i for m, i in acked.items() if stored.get(m) != i}
    assert not missing, f"{len(missing)} acknowledged reports lost"
    print(f"\nkill -9 mid-load ({backend(db)}): {len(acked)} acknowledged, {len(stored)} stored, "
          f"{len(failed)} refused or cut, 0 acknowledged lost")
    restarted = make_server(db)  # the store opens again after the kill
    r = httpx.post(f"{restarted.base}/reports", json=report("after restart"))
    assert r.status_code == 201 and r.json()["id"] > max(stored.values())


def test_script_and_sql_stored_verbatim_and_shown_inert(db, make_server, tmp_path):
    server = make_server(db)
    sent = report(NASTY, selected_text=NASTY, context_before="<img src=x onerror=alert(1)>",
                  context_after='"><svg onload=alert(2)>', query="?from=PECHY&to=CNSHA&x=<script>",
                  page="javascript:alert(3)")
    r = httpx.post(f"{server.base}/reports", json=sent)
    assert r.status_code == 201
    rid = r.json()["id"]
    with open_store(db) as store:
        got = store.get(rid)
        assert store.count() == 1
    for key, value in sent.items():
        assert getattr(got, key) == value
    page = httpx.get(f"{server.base}/admin", headers={"Authorization": f"Bearer {TOKEN}"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    html = page.text
    assert "<script" not in html.lower() and "<img" not in html and "<svg" not in html
    assert 'href="javascript' not in html
    assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;&#x27;; DROP TABLE reports; --" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    # the data it points to: the route query re-run on the current network
    assert "route now" in html and " km " in html and "/route?from=PECHY&amp;to=CNSHA" in html
    listed = httpx.get(f"{server.base}/admin/reports", headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert listed["total"] == 1 and listed["reports"][0]["comment"] == NASTY
    (tmp_path / "admin.html").write_text(html)


def test_review_over_http(db, make_server):
    server = make_server(db)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    rid = httpx.post(f"{server.base}/reports", json=report("wrong distance")).json()["id"]
    shown = httpx.get(f"{server.base}/admin/reports/{rid}", headers=auth).json()
    assert shown["recheck"]["request"] == {"origin": "PECHY", "destination": "CNSHA"}
    assert shown["recheck"]["route"]["distance_km"] > 15000
    r = httpx.post(f"{server.base}/admin/reports/{rid}/resolve", headers=auth,
                   json={"note": "corrected: 17,100 km per NGA Pub. 151"})
    assert r.status_code == 200 and r.json()["status"] == "resolved"
    assert r.json()["resolution"] == "corrected: 17,100 km per NGA Pub. 151"
    session = {"Cookie": sign_in(server)}
    form = httpx.post(f"{server.base}/admin/reports/{rid}/reject", headers=session,
                      data={"note": "on second thought"}, follow_redirects=False)
    assert form.status_code == 303 and form.headers["location"] == f"/admin#report-{rid}"
    assert httpx.get(f"{server.base}/admin/reports", headers=session, params={"status": "rejected"}).json()["total"] == 1
    assert httpx.post(f"{server.base}/admin/reports/999999/resolve", headers=auth, json={}).json()["code"] == "not_found"
    huge = httpx.get(f"{server.base}/admin/reports/{10**30}", headers=auth)
    assert huge.status_code == 404 and huge.json()["code"] == "not_found"


def sign_in(server) -> str:
    """Sign in through the form; the ``Cookie`` header a browser would send afterwards."""
    r = httpx.post(f"{server.base}/admin/login", data={"token": TOKEN}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/admin"
    set_cookie = r.headers["set-cookie"]
    for flag in ("HttpOnly", "Secure", "SameSite=strict", "Path=/admin"):
        assert flag.lower() in set_cookie.lower(), set_cookie
    assert TOKEN not in set_cookie  # the browser keeps a digest, not the token
    return set_cookie.split(";")[0]


def test_admin_token_in_header_or_session_cookie_never_in_url(db, make_server):
    server = make_server(db)
    page = httpx.get(f"{server.base}/admin", headers={"Cookie": sign_in(server)})
    assert page.status_code == 200 and "Data-error reports" in page.text and "token" not in page.text
    assert httpx.get(f"{server.base}/admin", follow_redirects=False).headers["location"] == "/admin/login"
    login = httpx.get(f"{server.base}/admin/login")
    assert login.status_code == 200 and 'type="password" name="token"' in login.text and 'method="post"' in login.text
    wrong = httpx.post(f"{server.base}/admin/login", data={"token": "nope"}, follow_redirects=False)
    assert wrong.status_code == 403 and "set-cookie" not in wrong.headers
    forged = httpx.get(f"{server.base}/admin/reports", headers={"Cookie": "corridor_admin=forged"})
    assert forged.status_code == 403 and forged.json()["code"] == "forbidden"
    for token in (TOKEN, "nope"):  # the old way: refused, even with the right token, saying how to send it
        old = httpx.get(f"{server.base}/admin/reports", params={"token": token},
                        headers={"Authorization": f"Bearer {TOKEN}"})
        assert old.status_code == 400 and old.json()["code"] == "token_in_url"
        assert "Authorization: Bearer TOKEN" in old.json()["message"] and "/admin/login" in old.json()["message"]
    out = httpx.post(f"{server.base}/admin/logout", follow_redirects=False)
    assert out.status_code == 303 and 'corridor_admin=""' in out.headers["set-cookie"]


def test_admin_refuses_without_token(db, make_server):
    server = make_server(db)
    for method, path in (("GET", "/admin/reports"), ("GET", "/admin/reports/1"),
                         ("POST", "/admin/reports/1/resolve"), ("POST", "/admin/reports/1/reject")):
        none = httpx.request(method, server.base + path)
        assert none.status_code == 401 and none.json()["code"] == "unauthorized", path
        wrong = httpx.request(method, server.base + path, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 403 and wrong.json()["code"] == "forbidden", path
    wrong = httpx.get(f"{server.base}/admin", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403 and wrong.json()["code"] == "forbidden"
    disabled = make_server(db, CORRIDOR_ADMIN_TOKEN=None)
    r = httpx.get(f"{disabled.base}/admin/reports", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 403 and r.json()["code"] == "admin_disabled" and "CORRIDOR_ADMIN_TOKEN" in r.json()["message"]


def test_admin_sign_in_attempts_are_rate_limited(make_server, tmp_path):
    server = make_server(str(tmp_path / "reports.sqlite3"), CORRIDOR_SIGNIN_RATE="3/minute")
    codes = [httpx.post(f"{server.base}/admin/login", data={"token": f"guess-{i}"}).status_code for i in range(3)]
    assert codes == [403, 403, 403]
    refused = httpx.post(f"{server.base}/admin/login", data={"token": TOKEN}, follow_redirects=False)
    assert refused.status_code == 429 and "set-cookie" not in refused.headers  # even the right token waits
    assert 1 <= int(refused.headers["retry-after"]) <= 20 and "Too many sign-in attempts" in refused.text
    other = httpx.post(f"{server.base}/admin/login", data={"token": TOKEN}, follow_redirects=False,
                       headers={"X-Forwarded-For": "198.51.100.7"})
    assert other.status_code == 429  # a forged forwarded-for from an untrusted peer changes nothing


def test_rate_limit(db, make_server):
    server = make_server(db, CORRIDOR_REPORTS_RATE="5/minute")
    codes = [httpx.post(f"{server.base}/reports", json=report(f"r{i}")).status_code for i in range(7)]
    assert codes == [201] * 5 + [429] * 2
    r = httpx.post(f"{server.base}/reports", json=report("again"))
    assert r.json()["code"] == "rate_limited" and int(r.headers["retry-after"]) >= 1
    with open_store(db) as store:
        assert store.count() == 5


@pytest.mark.parametrize("body, status, code", [
    ({"selected_text": "x" * 501}, 413, "too_long"),
    ({"selected_text": ""}, 422, "missing"),
    ({"selected_text": "x", "source_url": "javascript:alert(1)"}, 422, "invalid"),
    ({"selected_text": "x", "admin": True}, 422, "invalid"),
    ("not json", 422, "invalid_json"),
    ("x" * 20_000, 413, "too_long"),
])
def test_bad_reports_refused_with_json(body, status, code, make_server, tmp_path):
    server = make_server(str(tmp_path / "r.sqlite3"))
    kwargs = {"json": body} if isinstance(body, dict) else {"content": body}
    r = httpx.post(f"{server.base}/reports", **kwargs)
    assert r.status_code == status and r.json()["code"] == code and r.json()["message"]
    assert "Traceback" not in r.text


def test_misconfigured_rate_is_a_server_error(make_server, tmp_path):
    server = make_server(str(tmp_path / "r.sqlite3"), CORRIDOR_REPORTS_RATE="lots")
    r = httpx.post(f"{server.base}/reports", json=report("x"))
    assert r.status_code == 500 and r.json()["code"] == "misconfigured" and "CORRIDOR_REPORTS_RATE" in r.json()["message"]


def test_unreachable_store_is_503_not_acknowledged(make_server):
    server = make_server("postgresql://nobody@127.0.0.1:1/none")
    r = httpx.post(f"{server.base}/reports", json=report("lost?"))
    assert r.status_code == 503 and r.json()["code"] == "unavailable"


def test_cors_for_offline_reports(make_server, tmp_path):
    server = make_server(str(tmp_path / "r.sqlite3"))
    pre = httpx.options(f"{server.base}/reports", headers={"Origin": "null", "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 204 and pre.headers["access-control-allow-origin"] == "*"
    r = httpx.post(f"{server.base}/reports", json=report("from file"), headers={"Origin": "null"})
    assert r.status_code == 201 and r.headers["access-control-allow-origin"] == "*"
    assert httpx.get(f"{server.base}/reports/limits").json()["limits"]["selected_text"] == 500
