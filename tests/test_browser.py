"""The web map in a real browser: Debian's headless Chromium driven by Playwright, on the real server.

Screenshots go to ``test-artifacts/`` at the repository root. The page must load nothing from
any host but the local server (no CDN, no tiles). CI installs Chromium and the web assets
(``.ci/run``); only a local run without Chromium skips, and CI fails instead.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from http_server import ServerProcess

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _require(ok: bool, why: str) -> None:
    if not ok:
        (pytest.fail if os.environ.get("CI") else pytest.skip)(why)


@pytest.fixture(scope="module")
def server(net, tmp_path_factory):
    _require(os.path.exists(CHROMIUM), f"Chromium is not installed at {CHROMIUM} "
             "(apt-get install chromium chromium-driver, as .ci/run does)")
    s = ServerProcess(tmp_path_factory.mktemp("browser") / "server.log")
    import httpx

    assets = httpx.get(f"{s.base}/health").json()["web_assets"]
    if not assets["installed"]:
        s.stop()
        pytest.fail(assets["install"])
    yield s
    s.stop()


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_page(viewport={"width": 1400, "height": 850})
        pg.requested = []
        pg.on("request", lambda r: pg.requested.append(r.url))
        pg.goto(server.base + "/")
        pg.wait_for_selector("#avoid input[value=suez]")  # the form is filled from /passages
        yield pg
        browser.close()


def plan(page, origin: str, destination: str) -> None:
    page.fill("#origin", origin)
    page.fill("#destination", destination)
    page.click("#submit")
    page.wait_for_selector("body[data-state=done]", timeout=60_000)


def first_row(page) -> tuple[float, str]:
    cells = page.locator("#results tbody tr").first.locator("td").all_inner_texts()
    return float(re.sub(r"[^\d.]", "", cells[1])), cells[6]


def route_paths(page) -> list[str]:
    return page.locator(".leaflet-overlay-pane svg path.route").evaluate_all("ps => ps.map(p => p.getAttribute('d'))")


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.wait_for_timeout(300)  # let the canvas of country shapes settle
    page.screenshot(path=str(path))
    return path


def test_chancay_to_shanghai_drawn_and_tabled(page):
    page.fill("#origin", "chancai")  # search suggestions come from /places
    page.wait_for_function("document.querySelector('#origin-list option[value=PECHY]') !== null")
    plan(page, "Chancay", "Shanghai")
    assert route_paths(page)
    km, passages = first_row(page)
    assert 16_500 <= km <= 18_500
    assert page.locator("#results a[download]").first.get_attribute("href").endswith("format=geojson")
    assert page.locator("#report-link").get_attribute("href") == "/report?from=PE&to=CN&format=html"
    path = shot(page, "browser-chancay-shanghai.png")
    assert path.stat().st_size > 30_000


def test_avoid_suez_redraws_round_the_cape(page):
    plan(page, "Rotterdam", "Singapore")
    via_suez = route_paths(page)
    assert first_row(page)[0] < 20_000
    page.check("#avoid input[value=suez]")
    plan(page, "Rotterdam", "Singapore")
    km, passages = first_row(page)
    assert km > 20_000 and "Cape of Good Hope" in passages
    assert route_paths(page) and route_paths(page) != via_suez
    path = shot(page, "browser-rotterdam-singapore-avoid-suez.png")
    assert path.stat().st_size > 30_000
    page.uncheck("#avoid input[value=suez]")


def test_click_on_map_sets_a_point(page):
    page.check("input[name=click][value=destination]")
    page.click("#map", position={"x": 500, "y": 420})
    assert re.fullmatch(r"-?\d+\.\d{4},-?\d+\.\d{4}", page.input_value("#destination"))
    assert page.is_checked("input[name=click][value=origin]")


def test_unknown_place_shows_the_message(page):
    page.fill("#origin", "Qwertyville")
    page.fill("#destination", "Shanghai")
    page.click("#submit")
    page.wait_for_selector("body[data-state=error]")
    assert "Unknown place 'Qwertyville'" in page.inner_text("#status")


def test_no_request_left_localhost(page):
    hosts = {urlsplit(u).hostname for u in page.requested if urlsplit(u).scheme in ("http", "https", "ws", "wss")}
    assert hosts == {"127.0.0.1"}, hosts
