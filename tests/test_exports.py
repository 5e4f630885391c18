"""Map and exports of ``corridor route``: every file format read back with a standard reader for
it (csv, fastkml and ElementTree, geopandas/pyogrio, Pillow-free PNG header), its geometry and
figures equal to the route's; outputs checked before any routing; the HTML map opens offline in
a real browser. One route (Yerevan -> Baku: rail, road, borders, transfers) serves the read-backs."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import corridor
from corridor.export.geoparquet import to_geoparquet
from corridor.export.kml import NS, to_kml
from corridor.export.legs_table import FIELDS, LIST_SEPARATOR, to_csv
from corridor.export.route_map import render_html, to_png

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="module")
def land_route(net):
    return corridor.route("Yerevan", "Baku")


@pytest.fixture(scope="module")
def features(land_route):
    return land_route.to_geojson()["features"]


def test_csv_has_one_row_per_leg_with_the_json_figures_and_typed_fields(land_route):
    rows = list(csv.DictReader(io.StringIO(to_csv(land_route))))
    assert len(rows) == len(land_route.legs) and tuple(rows[0]) == FIELDS
    assert any(leg.border for leg in land_route.legs), "the test route must cross a border"
    for row, leg in zip(rows, land_route.legs):
        d = leg.to_dict()
        assert row["mode"] == leg.mode and row["from"] == d["from"] and row["to"] == d["to"]
        for key in ("distance_km", "distance_nmi", "duration_h", "cost_usd", "co2e_kg", "co2e_wtt_kg", "co2e_ttw_kg"):
            assert float(row[key]) == d[key], key
        assert [float(row["duration_h_fast"]), float(row["duration_h_slow"])] == d["duration_h_range"]
        assert row["passages"] == LIST_SEPARATOR.join(leg.passage_names)
        assert row["kind"] == (leg.kind.value if leg.kind else "")
        if leg.border:
            assert row["border_countries"].split(LIST_SEPARATOR) == list(leg.border.countries)
            assert (row["border_name"], row["border_kind"]) == (leg.border.name, leg.border.kind.value)
        else:
            assert row["border_name"] == row["border_countries"] == ""
    total = sum(float(r["distance_km"]) for r in rows)
    assert total == pytest.approx(land_route.distance_km, abs=0.05 * len(rows))


def test_kml_reads_back_with_the_route_geometry_and_figures(land_route, features):
    text = to_kml(land_route)
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{{{NS}}}kml"
    q = {"k": NS}
    legs, places = root.findall("k:Document/k:Folder", q)
    marks = legs.findall("k:Placemark", q)
    assert len(marks) == len(land_route.legs) and len(places.findall("k:Placemark", q)) == 2
    for mark, leg, feature in zip(marks, land_route.legs, features):
        data = {d.get("name"): d.findtext("k:value", namespaces=q) for d in mark.iterfind("k:ExtendedData/k:Data", q)}
        assert float(data["distance_km"]) == leg.to_dict()["distance_km"] and data["mode"] == leg.mode
        assert mark.findtext("k:styleUrl", namespaces=q) == f"#mode-{leg.mode}"
        assert root.find(f"k:Document/k:Style[@id='mode-{leg.mode}']", q) is not None
        lines = [[[float(v) for v in p.split(",")] for p in c.text.split()]
                 for c in mark.iterfind(".//k:coordinates", q)]
        geometry = feature["geometry"]
        assert lines == ([[geometry["coordinates"]]] if geometry["type"] == "Point" else geometry["coordinates"])
    # a KML library reads it too, with the same placemarks
    fastkml = pytest.importorskip("fastkml")
    doc = fastkml.KML.from_string(text)
    folders = doc.features[0].features
    assert [len(f.features) for f in folders] == [len(land_route.legs), 2]
    first = folders[0].features[0]
    assert first.name == marks[0].findtext("k:name", namespaces=q)


def test_geoparquet_reads_back_in_geopandas_with_the_route_geometry(land_route, features, tmp_path):
    geopandas = pytest.importorskip("geopandas")
    shapely_geometry = pytest.importorskip("shapely.geometry")
    path = tmp_path / "legs.parquet"
    path.write_bytes(to_geoparquet(land_route))
    frame = geopandas.read_parquet(path)
    assert frame.crs is not None and frame.crs.equals("OGC:CRS84")
    assert list(frame.columns) == [*FIELDS, "geometry"] and len(frame) == len(land_route.legs)
    for (_, row), leg, feature in zip(frame.iterrows(), land_route.legs, features):
        assert row["geometry"].equals(shapely_geometry.shape(feature["geometry"]))
        assert row["mode"] == leg.mode and row["co2e_kg"] == leg.to_dict()["co2e_kg"]
        if leg.border:
            assert row["border_name"] == leg.border.name
        else:
            assert row["border_name"] is None or row["border_name"] != row["border_name"]  # null (None or NaN)


def test_geojson_file_reads_back_with_pyogrio(land_route, run, tmp_path):
    pyogrio = pytest.importorskip("pyogrio")
    path = tmp_path / "r.geojson"
    code, out, _ = run("route", "Yerevan", "Baku", "--geojson", str(path), "--csv", str(tmp_path / "l.csv"))
    assert code == 0 and out.count("wrote ") == 2
    frame = pyogrio.read_dataframe(path)
    assert len(frame) == len(land_route.legs) + 2
    assert frame["distance_km"].iloc[:len(land_route.legs)].tolist() == [leg.to_dict()["distance_km"]
                                                                        for leg in land_route.legs]


def test_html_map_draws_every_moving_leg_and_fetches_nothing(land_route):
    page = render_html(land_route)
    root_svg = page[page.index("<svg"):page.index("</svg>") + 6]
    modes = {leg.mode for leg in land_route.legs if leg.mode != "transfer"}
    assert {m for m in modes if f'data-mode="{m}"' in root_svg} == modes
    assert page.count("<tr>") == len(land_route.legs) + 1
    assert "src=" not in page and "href=" not in page and "@import" not in page  # nothing to fetch
    assert f"{land_route.distance_km:,.0f} km" in page


def test_png_is_a_png_of_the_map(land_route):
    pytest.importorskip("matplotlib")
    data = to_png(land_route)
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 30_000


def test_outputs_are_checked_before_any_routing(run, monkeypatch, tmp_path):
    import corridor.whatif

    def must_not_run(*a, **k):
        raise AssertionError("the route was searched before the outputs were checked")

    monkeypatch.setattr(corridor.whatif, "solve", must_not_run)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    code, out, err = run("route", "Yerevan", "Baku", "--png", str(tmp_path / "m.png"))
    assert code == 2 and out == "" and "corridor route --png" in err and "corridor[report]" in err
    code, _, err = run("route", "Yerevan", "Baku", "--json", "--csv", "-")
    assert code == 2 and "--json and --csv -" in err
    code, _, err = run("route", "Yerevan", "Baku", "--kml", str(tmp_path / "missing" / "r.kml"))
    assert code == 2 and "does not exist" in err


def test_csv_to_stdout_is_the_whole_answer(land_route, run):
    code, out, _ = run("route", "Yerevan", "Baku", "--csv", "-")
    assert code == 0 and list(csv.DictReader(io.StringIO(out))) == list(csv.DictReader(io.StringIO(to_csv(land_route))))


def test_chancay_shanghai_html_opens_offline_in_a_browser(net, run, tmp_path):
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(chromium):
        (pytest.fail if os.environ.get("CI") else pytest.skip)("Chromium is not installed (see .ci/run)")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    path = tmp_path / "m.html"
    code, out, _ = run("route", "Chancay", "Shanghai", "--html", str(path), "--json")
    assert code == 0
    km = json.loads(out)["distance_km"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 850})
        requested = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto(path.as_uri())
        box = page.locator("#map").bounding_box()
        drawn = page.locator("#map g.option path[data-mode=sea]").count()
        summary = page.inner_text("#summary")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "route-map-chancay-shanghai.png"))
        browser.close()
    assert requested == [path.as_uri()]  # the page itself, nothing else
    assert box["width"] > 1000 and box["height"] > 400 and drawn >= 1
    assert f"{km:,.0f} km" in summary
