"""Data-error reports over HTTP: readers send them, maintainers review them.

=========================================  =====================================================
endpoint                                   does
=========================================  =====================================================
``POST /reports``                          store a report (JSON, see :func:`corridor.reports.model.validate`);
                                           201 ``{"id", "status", "created_at"}`` once committed
``GET /reports/limits``                    field limits, accepted statuses and the data version
``GET /admin``                             the review page (HTML; without a session: to the sign-in page)
``GET /admin/login``                       the sign-in page; ``POST`` it the token (form field ``token``)
                                           to get the session cookie; ``POST /admin/logout`` drops it
``GET /admin/reports``                     reports as JSON (``status``, ``limit``, ``offset``)
``GET /admin/reports/{id}``                one report and the data it points to, as JSON
``POST /admin/reports/{id}/resolve``       resolve it (JSON ``{"note": ...}`` or a form)
``POST /admin/reports/{id}/reject``        reject it (same body)
=========================================  =====================================================

Errors are JSON ``{"code", "message"}`` (plus ``field`` for a bad input): 413 ``too_long``,
422 ``invalid``/``missing``/``invalid_json``, 429 ``rate_limited`` (with ``Retry-After``),
503 ``unavailable`` (the report was *not* stored: send it again), 401/403 for the admin
endpoints without the right ``CORRIDOR_ADMIN_TOKEN`` (``Authorization: Bearer TOKEN``, or the
Secure, HttpOnly, SameSite=Strict session cookie the sign-in page sets), 403 ``admin_disabled``
when that variable is unset, 400 ``token_in_url`` for the old ``?token=TOKEN``: a token in a URL
ends up in access logs, proxies and browser history, so it is refused even when right.

The store is :func:`corridor.reports.store.open_store` (``CORRIDOR_REPORTS_DB``), opened on
first use; the rate limit is ``CORRIDOR_REPORTS_RATE`` (:mod:`corridor.reports.ratelimit`).
"""

from __future__ import annotations

import hmac
import html
import json
import math
import os
import threading
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from corridor.reports.model import LIMITS, MAX_BODY_BYTES, STATUSES, Report, ReportError, client_hash, validate
from corridor.reports.ratelimit import RateLimiter
from corridor.reports.recheck import api_query, recheck
from corridor.reports.store import ReportStore, open_store
from corridor.server.errors import error_body
from corridor.server.limits import signin_wait

router = APIRouter(tags=["reports"])

_STATUS = {"too_long": 413, "invalid": 422, "missing": 422, "invalid_json": 422, "not_found": 404,
           "rate_limited": 429, "misconfigured": 500, "unavailable": 503}
_CORS = {"Access-Control-Allow-Origin": "*"}  # offline HTML reports post from file:// pages
_ADMIN_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                                             "base-uri 'none'; frame-ancestors 'none'",
                  "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
_open_lock = threading.Lock()


def _error(e: ReportError, headers: dict | None = None) -> JSONResponse:
    return JSONResponse(error_body(**e.to_dict()), status_code=_STATUS.get(e.code, 400), headers=headers)


def _store(request: Request) -> ReportStore:
    """The app's store, opened on first use (again after a failure to open)."""
    state = request.app.state
    with _open_lock:
        if getattr(state, "reports_store", None) is None:
            state.reports_store = open_store()
        return state.reports_store


def _limiter(request: Request) -> RateLimiter | None:
    state = request.app.state
    with _open_lock:
        if not hasattr(state, "reports_limiter"):
            state.reports_limiter = RateLimiter.from_env()
        return state.reports_limiter


async def _read_body(request: Request) -> bytes:
    """The request body, refusing (``too_long``) anything over :data:`MAX_BODY_BYTES` without reading it all."""
    too_long = ReportError("too_long", f"the request body is over {MAX_BODY_BYTES} bytes")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise too_long
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise too_long
    return bytes(body)


def _json_object(body: bytes) -> dict:
    try:
        value = json.loads(body.decode("utf-8")) if body.strip() else {}
        json.dumps(value, ensure_ascii=False).encode("utf-8")  # what the store writes must be valid text
    except RecursionError:
        raise ReportError("invalid_json", "the body is JSON nested too deep") from None
    except UnicodeEncodeError:
        raise ReportError("invalid_json", "the body holds an unpaired surrogate (an escape in \\ud800-\\udfff "
                                          "without its pair); send valid Unicode text") from None
    except (UnicodeDecodeError, ValueError) as e:
        raise ReportError("invalid_json", f"the body is not UTF-8 JSON: {e}") from e
    if not isinstance(value, dict):
        raise ReportError("invalid", "the body must be a JSON object")
    return value


@router.options("/reports", include_in_schema=False)
def reports_preflight() -> Response:
    """CORS preflight for reports sent from another origin (an offline report, another site)."""
    return Response(status_code=204, headers={**_CORS, "Access-Control-Allow-Methods": "POST",
                                              "Access-Control-Allow-Headers": "Content-Type",
                                              "Access-Control-Max-Age": "86400"})


def data_version(network=None) -> str:
    """The fingerprint of the network a page was made from: the loaded one, else the current build's."""
    if network is not None:
        return network.manifest["fingerprint"]
    from corridor.network import fingerprint

    return fingerprint()


@router.get("/reports/limits")
def report_limits(request: Request) -> JSONResponse:
    """What a report may contain, and the data version pages should send with it."""
    return JSONResponse({"limits": LIMITS, "max_body_bytes": MAX_BODY_BYTES, "statuses": list(STATUSES),
                         "data_version": data_version(getattr(request.app.state, "network", None))},
                        headers=_CORS)


def _add(request: Request, fields: dict, address: str) -> Report:
    """Store a validated report from ``address`` (blocking: run it in a worker thread)."""
    store = _store(request)
    return store.add(fields, client_hash(address, store.salt()))


@router.post("/reports", status_code=201)
async def post_report(request: Request) -> JSONResponse:
    """Store a data-error report; answer 201 with its id only once it is committed."""
    address = request.client.host if request.client else "unknown"
    try:
        limiter = _limiter(request)
        wait = limiter.acquire(address) if limiter else 0.0
        if wait:
            e = ReportError("rate_limited", f"too many reports from your address; try again in {wait:.0f} s")
            return _error(e, {**_CORS, "Retry-After": str(int(wait) + 1)})
        fields = validate(_json_object(await _read_body(request)))
        report = await run_in_threadpool(_add, request, fields, address)
    except ReportError as e:
        return _error(e, _CORS)
    return JSONResponse({"id": report.id, "status": report.status, "created_at": report.created_at},
                        status_code=201, headers=_CORS)


ADMIN_COOKIE = "corridor_admin"
_HOW_TO_SEND = ("send it as 'Authorization: Bearer TOKEN', or sign in at /admin/login (a browser then keeps "
                "a session cookie)")


def _session(token: str) -> str:
    """The session cookie's value: a digest of the admin token, so the token itself is never stored
    by the browser; changing ``CORRIDOR_ADMIN_TOKEN`` ends every session."""
    return hmac.new(token.encode(), b"corridor admin session", "sha256").hexdigest()


def _admin_refusal(request: Request) -> JSONResponse | None:
    """None when the request carries ``CORRIDOR_ADMIN_TOKEN`` (header) or its session cookie;
    else the 400/401/403 answer."""
    expected = os.environ.get("CORRIDOR_ADMIN_TOKEN", "")
    if not expected:
        return JSONResponse(error_body("admin_disabled", "The admin endpoints are disabled: start the server with "
                                       f"CORRIDOR_ADMIN_TOKEN set to a secret, then {_HOW_TO_SEND}."),
                            status_code=403)
    if "token" in request.query_params:
        return JSONResponse(error_body("token_in_url", "The admin token is no longer accepted in the URL (URLs end "
                                       f"up in logs and browser history): {_HOW_TO_SEND}.", field="token"),
                            status_code=400)
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and given.strip():
        if not hmac.compare_digest(given.strip().encode(), expected.encode()):
            return JSONResponse(error_body("forbidden", "Wrong admin token."), status_code=403)
        return None
    cookie = request.cookies.get(ADMIN_COOKIE, "")
    if cookie:
        if not hmac.compare_digest(cookie.encode(), _session(expected).encode()):
            return JSONResponse(error_body("forbidden", "The admin session has expired (the token changed): sign "
                                           "in again at /admin/login."), status_code=403)
        return None
    return JSONResponse(error_body("unauthorized", f"The admin token is missing: {_HOW_TO_SEND}."), status_code=401,
                        headers={"WWW-Authenticate": 'Bearer realm="corridor admin"'})


def _login_page(message: str = "") -> str:
    note = f'<p class="stale">{_e(message)}</p>' if message else ""
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>corridor: sign in</title>'
            f'<meta name="viewport" content="width=device-width,initial-scale=1"><style>{_PAGE_STYLE}</style></head>'
            f'<body><h1>Data-error reports: sign in</h1>{note}<form method="post" action="/admin/login">'
            f'<label>admin token <input type="password" name="token" autocomplete="current-password" required>'
            f'</label> <button type="submit">sign in</button></form></body></html>')


@router.get("/admin/login", response_class=HTMLResponse)
def admin_login_page() -> Response:
    """The sign-in page: a form that posts the admin token (never in the URL)."""
    return HTMLResponse(_login_page(), headers=_ADMIN_HEADERS)


@router.post("/admin/login", response_class=HTMLResponse)
async def admin_login(request: Request) -> Response:
    """Check the posted token (form field ``token``); right: the session cookie and on to /admin."""
    expected = os.environ.get("CORRIDOR_ADMIN_TOKEN", "")
    if not expected:
        return _admin_refusal(request)
    wait = math.ceil(signin_wait(request))
    if wait:  # before the token is even read: guessing it costs a try per attempt
        return HTMLResponse(_login_page(f"Too many sign-in attempts from your address; try again in {wait} s."),
                            status_code=429, headers={**_ADMIN_HEADERS, "Retry-After": str(wait)})
    try:
        body = await _read_body(request)
    except ReportError as e:
        return _error(e)
    given = parse_qs(body.decode("utf-8", "replace")).get("token", [""])[0].strip()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return HTMLResponse(_login_page("Wrong admin token."), status_code=403, headers=_ADMIN_HEADERS)
    page = RedirectResponse("/admin", status_code=303, headers=_ADMIN_HEADERS)
    page.set_cookie(ADMIN_COOKIE, _session(expected), path="/admin", secure=True, httponly=True, samesite="strict")
    return page


@router.post("/admin/logout")
def admin_logout() -> Response:
    """Drop the session cookie and go back to the sign-in page."""
    page = RedirectResponse("/admin/login", status_code=303, headers=_ADMIN_HEADERS)
    page.delete_cookie(ADMIN_COOKIE, path="/admin", secure=True, httponly=True, samesite="strict")
    return page


def _status_param(request: Request) -> str | None:
    status = request.query_params.get("status") or None
    if status not in (None, "all", *STATUSES):
        raise ReportError("invalid", f"status must be one of {', '.join(STATUSES)} or all", "status")
    return None if status == "all" else status


def _int_param(request: Request, name: str, default: int, most: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) > most:
        raise ReportError("invalid", f"{name} must be a whole number from 0 to {most}", name)
    return int(raw)


@router.get("/admin/reports")
def admin_list(request: Request) -> JSONResponse:
    """Reports as JSON, newest first: ``{"total", "reports": [...]}``."""
    refusal = _admin_refusal(request)
    if refusal:
        return refusal
    try:
        status = _status_param(request)
        limit, offset = _int_param(request, "limit", 100, 1000), _int_param(request, "offset", 0, 10**9)
        store = _store(request)
        reports = store.list(status, limit=limit, offset=offset)
        total = store.count(status)
    except ReportError as e:
        return _error(e)
    return JSONResponse({"total": total, "reports": [r.to_dict() for r in reports]})


@router.get("/admin/reports/{report_id}")
def admin_show(report_id: int, request: Request) -> JSONResponse:
    """One report and, under ``recheck``, its route query re-run on the current network."""
    refusal = _admin_refusal(request)
    if refusal:
        return refusal
    try:
        report = _store(request).get(report_id)
    except ReportError as e:
        return _error(e)
    found = recheck(report.query, report.page, getattr(request.app.state, "network", None))
    return JSONResponse({**report.to_dict(), "recheck": found})


async def _review(report_id: int, request: Request, status: str) -> Response:
    refusal = _admin_refusal(request)
    if refusal:
        return refusal
    form = request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded")
    try:
        body = await _read_body(request)
        if form:
            note = parse_qs(body.decode("utf-8", "replace")).get("note", [""])[0]
        else:
            note = _json_object(body).get("note", "")
        store = await run_in_threadpool(_store, request)
        report = await run_in_threadpool(store.review, report_id, status, note)
    except ReportError as e:
        return _error(e)
    if form:  # the admin page's buttons: back to the page, at this report
        return RedirectResponse(f"/admin#report-{report.id}", status_code=303, headers=_ADMIN_HEADERS)
    return JSONResponse(report.to_dict())


@router.post("/admin/reports/{report_id}/resolve")
async def admin_resolve(report_id: int, request: Request) -> Response:
    """Resolve a report (the data was wrong); ``note`` records the correction."""
    return await _review(report_id, request, "resolved")


@router.post("/admin/reports/{report_id}/reject")
async def admin_reject(report_id: int, request: Request) -> Response:
    """Reject a report (the data was right, or the report is spam); ``note`` says why."""
    return await _review(report_id, request, "rejected")


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request) -> Response:
    """The review page: each report, its selection in context, and the data it points to now."""
    refusal = _admin_refusal(request)
    if refusal and refusal.status_code == 401:  # a browser without a session: to the sign-in form
        return RedirectResponse("/admin/login", status_code=303, headers=_ADMIN_HEADERS)
    if refusal:
        return refusal
    try:
        status = _status_param(request) if "status" in request.query_params else "new"
        store = _store(request)
        reports = store.list(status, limit=_int_param(request, "limit", 50, 500))
        counts = {s: store.count(s) for s in STATUSES}
    except ReportError as e:
        return _error(e)
    network = getattr(request.app.state, "network", None)
    return HTMLResponse(render_admin(reports, counts, status, network), headers=_ADMIN_HEADERS)


_PAGE_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:70rem;padding:1rem;color:#1b1b1b}
nav a{margin-right:1rem} article{border:1px solid #ccc;border-radius:6px;padding:.8rem 1rem;margin:1rem 0}
.ctx{background:#f6f6f6;padding:.5rem .8rem;white-space:pre-wrap;border-left:4px solid #999}
mark{background:#ffe066;padding:0 .1em} .cols{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.meta{color:#555;font-size:.9em} .stale{color:#a40} dl{display:grid;grid-template-columns:auto 1fr;gap:.2rem .8rem}
dt{color:#555} dd{margin:0;overflow-wrap:anywhere} form{max-width:34rem}
textarea{width:100%;min-height:2.5rem}
"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _link(url: str) -> str:
    """An escaped link when ``url`` is http(s), else the escaped text (never a ``javascript:`` href)."""
    if urlsplit(url).scheme in ("http", "https"):
        return f'<a href="{_e(url)}" rel="noopener noreferrer nofollow">{_e(url)}</a>'
    return _e(url) or "&ndash;"


def _pointed_data(r: Report, current: str, cache: dict, network) -> str:
    key = (r.query, r.page)
    if key not in cache:
        cache[key] = recheck(r.query, r.page, network)
    found = cache[key]
    if not r.data_version:
        version = "not sent"
    elif r.data_version != current:
        version = f'<span class="stale">{_e(r.data_version)} (the network has changed since: now {_e(current)})</span>'
    else:
        version = f"{_e(r.data_version)} (current)"
    rows = [("data version", version), ("query", _e(r.query) or "&ndash;")]
    if found is None:
        rows.append(("route now", "the query names no route"))
    elif "error" in found:
        rows.append(("route now", f"no answer: {_e(found['error'])}"))
    else:
        rt, req = found["route"], found["request"]
        link = "/route?" + api_query(req)
        rows += [("route now", f"{rt['distance_km']:,.1f} km &middot; {rt['distance_nmi']:,.1f} nmi &middot; "
                               f"{rt['duration_h'] / 24:.2f} d"),
                 ("passages", _e(", ".join(rt["passages"]) or "none")),
                 ("as JSON", f'<a href="{_e(link)}">{_e(link)}</a>')]
    return "<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"


def render_admin(reports: list[Report], counts: dict, status: str | None, network=None) -> str:
    """The admin page's HTML; every value a reader sent is escaped.

    Parameters
    ----------
    reports : list of Report
        The reports to show.
    counts : dict
        Number of reports per status, for the navigation.
    status : str or None
        The status shown (None: all).
    network : corridor.network.Network, optional
        The loaded network, to re-run the reports' route queries on.
    """
    current = data_version(network)
    nav = " ".join(f'<a href="/admin?status={s}">{s} ({counts[s]})</a>' for s in STATUSES)
    nav += f' <a href="/admin?status=all">all ({sum(counts.values())})</a>'
    nav += ' <form method="post" action="/admin/logout" style="display:inline"><button>sign out</button></form>'
    cache: dict = {}
    items = []
    for r in reports:
        review = "" if r.status == "new" else (
            f"<p><b>{_e(r.status)}</b> {_e(r.resolved_at)}: {_e(r.resolution) or '(no note)'}</p>")
        forms = (f'<form method="post" action="/admin/reports/{r.id}/resolve">'
                 f'<label>note or correction <textarea name="note" maxlength="2000"></textarea></label>'
                 f'<button type="submit">resolve</button> '
                 f'<button type="submit" formaction="/admin/reports/{r.id}/reject">reject</button></form>')
        items.append(
            f'<article id="report-{r.id}"><div class="meta">#{r.id} &middot; {_e(r.created_at)} &middot; '
            f'{_e(r.status)} &middot; sender {_e(r.client) or "?"}</div>'
            f'<div class="cols"><div><h3>Reported text</h3>'
            f'<div class="ctx">{_e(r.context_before)}<mark>{_e(r.selected_text)}</mark>{_e(r.context_after)}</div>'
            f'<p><b>Comment:</b> <span class="comment">{_e(r.comment) or "(none)"}</span></p>'
            f'<p><b>Source:</b> {_link(r.source_url)}</p><p><b>Page:</b> {_link(r.page)}</p></div>'
            f'<div><h3>The data it points to</h3>{_pointed_data(r, current, cache, network)}</div></div>'
            f'{review}{forms}</article>')
    shown = "all" if status is None else status
    body = "".join(items) or f"<p>No {shown} reports.</p>"
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>corridor: data-error reports</title>'
            f'<meta name="viewport" content="width=device-width,initial-scale=1"><style>{_PAGE_STYLE}</style></head>'
            f'<body><h1>Data-error reports ({_e(shown)})</h1><nav>{nav}</nav><p class="meta">network now: '
            f'{_e(current)}</p>{body}</body></html>')
