"""The report widget in a real browser (Debian's chromium through Playwright) on the real page:
draw a route, select its distance, press Ctrl+Enter, comment, send; the report is then in
``corridor reports list`` with its context. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from reports_support import Server

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
TOKEN = "browser-admin-token"

SELECT_KM = """() => {
  const column = [...document.querySelectorAll('#results thead th')].findIndex((th) => th.textContent.trim() === 'km');
  const cell = document.querySelectorAll('#results tbody tr')[0].children[column];
  const text = cell.firstChild;
  const range = document.createRange();
  range.setStart(text, 0);
  range.setEnd(text, text.length);
  const sel = window.getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
  return sel.toString();
}"""


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def served(net, tmp_path):
    from corridor.server.settings import Settings
    from corridor.server.web import find_assets, install_hint

    if find_assets(Settings.from_env()) is None:
        pytest.skip(install_hint(Settings.from_env()))
    db = tmp_path / "reports.sqlite3"
    server = Server({"CORRIDOR_REPORTS_DB": str(db), "CORRIDOR_ADMIN_TOKEN": TOKEN, "CORRIDOR_REPORTS_RATE": "off"},
                    tmp_path / "server.log")
    yield server, db
    server.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    assert not errors, errors


def draw_route(page, base: str) -> str:
    page.goto(base + "/")
    page.wait_for_function("document.querySelectorAll('#avoid input').length > 0")
    page.fill("#origin", "PECHY")
    page.fill("#destination", "CNSHA")
    page.click("#submit")
    page.wait_for_selector("body[data-state=done]", timeout=60_000)
    return page.evaluate(SELECT_KM)


def corridor_cli(*args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "corridor", *args], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ))
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    return proc


def test_select_distance_ctrl_enter_send_then_listed(served, page):
    server, db = served
    km = draw_route(page, server.base)
    assert km.replace(",", "").isdigit()
    page.keyboard.press("Control+Enter")
    dialog = page.locator("dialog.crw-dialog[open]")
    dialog.wait_for()
    assert dialog.locator("mark").inner_text() == km
    assert page.evaluate("document.activeElement.name") == "comment"  # focus moved into the dialog
    page.keyboard.type("The distance looks about 150 km too long; NGA Pub. 151 gives 9,230 nmi.")
    dialog.locator("input[name=source_url]").fill("https://msi.nga.mil/Publications/Pub151")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-widget-dialog.png"))
    dialog.locator("[data-crw=send]").click()
    status = dialog.locator(".crw-status")
    status.filter(has_text="Thank you").wait_for()
    rid = int(status.inner_text().split("#")[1].split()[0])
    page.screenshot(path=str(ARTIFACTS / "report-widget-sent.png"))
    page.keyboard.press("Escape")
    page.locator("dialog.crw-dialog").wait_for(state="detached")

    table = corridor_cli("reports", "list", "--db", str(db)).stdout
    line = next(l for l in table.splitlines() if l.strip().startswith(str(rid)))
    assert f"[{km}]" in line and "km" in line.split(f"[{km}]")[0]  # in its context: the table's header row
    (r,) = json.loads(corridor_cli("reports", "list", "--db", str(db), "--json").stdout)
    assert r["id"] == rid and r["selected_text"] == km and r["status"] == "new"
    assert r["context_before"].endswith(" ") and "km nmi" in r["context_before"]  # the header, then the row
    assert r["context_after"].startswith(" ") and any(c.isdigit() for c in r["context_after"])  # nmi, days...
    assert "from=PECHY" in r["query"] and "to=CNSHA" in r["query"]
    assert r["page"] == server.base + "/" and r["source_url"] == "https://msi.nga.mil/Publications/Pub151"
    from corridor.network import fingerprint

    assert r["data_version"] == fingerprint()
    shown = corridor_cli("reports", "show", str(rid), "--db", str(db)).stdout
    assert "NGA Pub. 151" in shown and "now:" in shown and "km" in shown

    admin = page.context.new_page()
    admin.goto(f"{server.base}/admin")  # no session yet: the sign-in form, the token posted, never in a URL
    admin.fill("input[name=token]", TOKEN)
    admin.click("button[type=submit]")
    admin.wait_for_url(f"{server.base}/admin")
    assert admin.locator(f"#report-{rid} mark").inner_text() == km
    admin.screenshot(path=str(ARTIFACTS / "report-admin.png"), full_page=True)
    admin.close()


def test_keyboard_button_escape_and_no_html_injection(served, page):
    server, db = served
    draw_route(page, server.base)
    page.evaluate("""() => {
      const p = document.createElement('p');
      p.id = 'evil';
      p.textContent = 'Port <img src=x onerror="window.pwned=1"> Chancay';
      document.querySelector('#notes').after(p);
      const range = document.createRange();
      range.selectNodeContents(p);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
    }""")
    page.keyboard.press("Control+Enter")
    dialog = page.locator("dialog.crw-dialog[open]")
    assert "<img" in dialog.locator("mark").inner_text()
    assert dialog.locator("img").count() == 0 and page.evaluate("window.pwned") is None
    page.keyboard.press("Escape")
    page.locator("dialog.crw-dialog").wait_for(state="detached")

    page.evaluate("getSelection().removeAllRanges()")
    button = page.locator("button.crw-button")
    button.focus()
    page.keyboard.press("Enter")  # the button, by keyboard, with nothing selected: type the wrong text
    dialog.wait_for()
    assert page.evaluate("document.activeElement.name") == "selected_text"
    page.keyboard.type("<b>Shanghai</b>'; DROP TABLE reports; --")
    page.keyboard.press("Tab")
    page.keyboard.type("wrong port name")
    page.keyboard.press("Control+Enter")  # sends from inside the dialog
    dialog.locator(".crw-status").filter(has_text="Thank you").wait_for()
    page.keyboard.press("Escape")
    page.locator("dialog.crw-dialog").wait_for(state="detached")
    assert page.evaluate("document.activeElement.className") == "crw-button"  # focus given back
    (r,) = json.loads(corridor_cli("reports", "list", "--db", str(db), "--json").stdout)
    assert r["selected_text"] == "<b>Shanghai</b>'; DROP TABLE reports; --" and r["comment"] == "wrong port name"


def test_server_unreachable_offers_the_report_as_text(served, page):
    server, db = served
    km = draw_route(page, server.base)
    page.route("**/reports", lambda route: route.abort())
    page.keyboard.press("Control+Enter")
    dialog = page.locator("dialog.crw-dialog[open]")
    page.keyboard.type("offline comment")
    page.keyboard.press("Control+Enter")
    box = dialog.locator(".crw-fallback textarea")
    box.wait_for()
    text = box.input_value()
    assert f"selected: {km}" in text and "comment: offline comment" in text and "query: ?from=PECHY" in text
    assert "not be reached" in dialog.locator(".crw-status").inner_text()
    page.screenshot(path=str(ARTIFACTS / "report-widget-offline.png"))
    proc = corridor_cli("reports", "list", "--db", str(db), "--json")
    assert json.loads(proc.stdout) == []


OFFLINE_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="corridor-data-version" content="offline-v1"><title>corridor report</title></head>
<body data-query="?from=PECHY&amp;to=CNSHA"><h1>Chancay to Shanghai</h1>
<table><tr><th>km</th><th>days</th></tr><tr><td id="km">17,249</td><td>24.3</td></tr></table>
<script>{widget}</script>
<script>corridorReportWidget.init({options});</script></body></html>"""


def offline_page(tmp_path: Path, options: str) -> str:
    widget = (Path(__file__).resolve().parents[1] / "src/corridor/web/report-widget.js").read_text()
    assert "</script" not in widget.lower()  # so a self-contained report can inline it
    path = tmp_path / "report.html"
    path.write_text(OFFLINE_PAGE.replace("{widget}", widget).replace("{options}", options))
    return path.as_uri()


def select_km(page) -> None:
    page.evaluate("""() => { const r = document.createRange(); r.selectNodeContents(document.getElementById('km'));
                             getSelection().removeAllRanges(); getSelection().addRange(r); }""")


def test_self_contained_report_without_server_offers_text_and_mail(browser, tmp_path):
    page = browser.new_page()
    page.goto(offline_page(tmp_path, '{mailto: "data@example.org"}'))
    select_km(page)
    page.keyboard.press("Control+Enter")
    dialog = page.locator("dialog.crw-dialog[open]")
    assert dialog.locator("[data-crw=send]").inner_text() == "Prepare report"
    page.keyboard.type("too long")
    page.keyboard.press("Control+Enter")
    text = dialog.locator(".crw-fallback textarea").input_value()
    assert "context: \u2026km days [17,249] 24.3\u2026" in text and "data version: offline-v1" in text
    assert "query: ?from=PECHY&to=CNSHA" in text
    mail = dialog.locator(".crw-fallback a").get_attribute("href")
    assert mail.startswith("mailto:data@example.org?subject=") and "too%20long" in mail
    page.close()


def test_self_contained_report_posts_to_a_server(browser, served, tmp_path):
    server, db = served
    page = browser.new_page()
    page.goto(offline_page(tmp_path, f'{{endpoint: "{server.base}/reports", button: false}}'))
    assert page.locator("button.crw-button").count() == 0
    select_km(page)
    page.keyboard.press("Control+Enter")
    page.keyboard.type("from the file")
    page.keyboard.press("Control+Enter")
    page.locator(".crw-status").filter(has_text="Thank you").wait_for()
    page.close()
    (r,) = json.loads(corridor_cli("reports", "list", "--db", str(db), "--json").stdout)
    assert (r["selected_text"], r["data_version"], r["query"]) == ("17,249", "offline-v1", "?from=PECHY&to=CNSHA")
    assert r["page"].startswith("file://") and r["comment"] == "from the file"
