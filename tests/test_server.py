"""The HTTP API, served by a real uvicorn process on the real network: figures, errors, limits."""

from __future__ import annotations

import json

import httpx
import numpy as np
import pytest

import corridor


def error(response: httpx.Response, status: int, code: str) -> dict:
    """The JSON error body, checked for its status, code and a message (never a traceback)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code and body["message"], body
    assert "Traceback" not in response.text
    return body


def test_route_is_the_cli_json(http, cli):
    served = http.get("/route", params={"from": "PECHY", "to": "CNSHA"})
    assert served.status_code == 200
    assert served.json() == json.loads(cli("route", "PECHY", "CNSHA", "--json", check_rc=0).stdout)


def test_route_options_match_the_python_api(http):
    served = http.get("/route", params=[("from", "Rotterdam"), ("to", "Singapore"), ("avoid", "suez"),
                                        ("speed", "14")]).json()
    assert served == corridor.route("Rotterdam", "Singapore", avoid=["suez"], speed_kn=14).to_dict()
    assert "Cape of Good Hope" in served["passages"]
    via = http.get("/route", params=[("from", "PECHY"), ("to", "CNSHA"), ("via", "KRPUS")]).json()
    assert len(via["legs"]) == 2


def test_route_alternatives_are_the_planners(http):
    """One alternatives algorithm for every front end: HTTP gives what corridor.route gives."""
    d = http.get("/route", params={"from": "NLRTM", "to": "SGSIN", "alternatives": 2}).json()
    assert "Suez Canal" in d["passages"] and 2 <= len(d["alternatives"]) <= 3  # the best first, then up to 2
    python = corridor.route("NLRTM", "SGSIN", alternatives=2).to_dict()["alternatives"]
    assert [a["passages"] for a in d["alternatives"]] == [a["passages"] for a in python]
    assert len({tuple(a["passages"]) for a in d["alternatives"]}) == len(d["alternatives"])


def test_route_geojson_download(http):
    r = http.get("/route", params={"from": "NLRTM", "to": "SGSIN", "format": "geojson"})
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    fc = r.json()
    assert fc["type"] == "FeatureCollection" and fc["features"][0]["properties"]["mode"] == "sea"


def test_unknown_place_404_with_suggestions(http):
    body = error(http.get("/route", params={"from": "Qwertyville", "to": "CNSHA"}), 404, "place_not_found")
    assert body["query"] == "Qwertyville" and body["suggestions"]
    assert "/places?q=" in body["message"]


def test_errors_are_json_with_code_and_message(http):
    error(http.get("/route", params={"from": "PECHY", "to": "CNSHA", "avoid": "suezz"}), 400, "bad_input")
    error(http.get("/route", params={"from": "PECHY", "to": "CNSHA", "modes": "teleport"}), 400, "bad_input")
    error(http.get("/route", params={"from": "PECHY"}), 422, "invalid_parameter")
    error(http.get("/nearest", params={"lat": "abc", "lon": 0}), 422, "invalid_parameter")
    error(http.get("/no-such-endpoint"), 404, "not_found")
    body = error(http.get("/route", params={"from": "AZBAK", "to": "GEPTI"}), 422, "no_route")
    assert body["cut_by"] == ["volga-don"] and "Volga" in body["message"]


def test_limits_are_enforced_and_named(http):
    places = ";".join(["PECHY"] * 101)
    body = error(http.get("/table", params={"origins": places, "destinations": ";".join(["CNSHA"] * 100)},
                          timeout=10), 413, "limit_exceeded")
    assert body["limit"] == "max_table_cells" and "10,000" in body["message"]
    body = error(http.get("/route", params={"from": "NLRTM", "to": "SGSIN", "alternatives": 9}), 400,
                 "limit_exceeded")  # within the declared 0-10, over this server's limit
    assert body["limit"] == "max_alternatives"
    body = error(http.get("/route", params={"from": "NLRTM", "to": "SGSIN", "alternatives": 99}), 422,
                 "invalid_parameter")  # outside the declared range: refused as the OpenAPI document says
    assert "alternatives" in body["message"] and "10" in body["message"]
    big = {"origins": ["PECHY"], "destinations": ["x" * 100] * 12_000}
    body = error(http.post("/table", json=big, timeout=10), 413, "limit_exceeded")
    assert body["limit"] == "max_body_bytes"


def test_table_100_by_100_sea_points(http, net):
    joined = np.flatnonzero(np.diff(net.port_conn_indptr) > 0)
    sea = [int(i) for i in joined if net.port_country[i] not in ("AZ", "KZ", "TM", "IR")]  # off the Caspian
    pick = np.random.default_rng(8).choice(sea, 200, replace=False)
    points = [[float(net.port_lat[i]), float(net.port_lon[i])] for i in pick]
    r = http.post("/table", json={"origins": points[:100], "destinations": points[100:]})
    assert r.status_code == 200, r.text
    d = r.json()
    km = np.array(d["distance_km"], dtype=float)
    assert km.shape == (100, 100) and len(d["origins"]) == 100
    assert np.isfinite(km).mean() > 0.95
    h = np.array(d["duration_h"], dtype=float)
    assert np.allclose(h[np.isfinite(km)], km[np.isfinite(km)] / 1.852 / 16.0, atol=0.1)


def test_table_get_matches_route(http):
    d = http.get("/table", params={"origins": "PECHY;NLRTM", "destinations": "CNSHA;SGSIN", "avoid": "suez"}).json()
    assert [p["code"] for p in d["origins"]] == ["PECHY", "NLRTM"]
    want = corridor.route("NLRTM", "SGSIN", avoid="suez").to_dict()["distance_km"]
    assert abs(d["distance_km"][1][1] - want) <= 0.5
    assert d["restrictions"]["avoided"] == ["Suez Canal"]


def test_table_by_surface_modes_get_and_post(http):
    places = ["48.14,11.58", "43.24,76.95"]  # Munich, Almaty
    d = http.get("/table", params={"origins": ";".join(places), "modes": "sea,rail,road,ferry"}).json()
    want = corridor.matrix(places, modes="sea,rail,road,ferry")
    assert np.allclose(np.array(d["duration_h"], float), want.duration_h, atol=0.06)
    assert d["restrictions"]["modes"] == ["ferry", "rail", "road", "sea"] and d["notes"] == want.notes
    body = http.post("/table", json={"origins": places, "modes": ["sea", "rail", "road", "ferry"]}).json()
    assert body["duration_h"] == d["duration_h"]
    refused = http.get("/table", params={"origins": ";".join(places), "modes": "air"})
    assert refused.status_code == 400 and "air" in refused.json()["message"]


def test_nearest_places_passages(http):
    near = http.get("/nearest", params={"lat": -11.6, "lon": -77.3, "number": 3}).json()
    assert near["ports"][0]["code"] == "PECHY" and len(near["ports"]) == 3
    assert near["ports"][0]["distance_km"] <= near["ports"][1]["distance_km"]
    places = http.get("/places", params={"q": "chancai"}).json()
    assert places == [m.to_dict() for m in corridor.places("chancai")] and places[0]["code"] == "PECHY"
    keys = [p["key"] for p in http.get("/passages").json()]
    assert "suez" in keys and "good-hope" in keys


def test_health_and_openapi(http, net):
    h = http.get("/health").json()
    assert h["status"] == "ok" and h["network"]["fingerprint"] == net.manifest["fingerprint"]
    assert h["available_modes"] == ["sea", "rail", "road", "ferry", "air"] and h["limits"]["max_table_cells"] == 10_000
    assert h["network"]["sources"]
    paths = http.get("/openapi.json").json()["paths"]
    assert {"/route", "/table", "/nearest", "/places", "/passages", "/health"} <= set(paths)
    assert http.get("/docs").status_code in (200, 503)  # 503: web assets not installed, says how


def test_web_page_says_how_to_install_missing_assets(net, tmp_path):
    from fastapi.testclient import TestClient

    from corridor.server.app import create_app
    from corridor.server.settings import Settings

    with TestClient(create_app(Settings(web_assets=tmp_path))) as client:
        page = client.get("/")
        assert page.status_code == 503 and "npm ci --prefix web" in page.text
        assert client.get("/health").json()["web_assets"]["installed"] is False
        assert client.get("/vendor/leaflet/leaflet.js").json()["code"] == "web_assets_missing"


def test_settings_from_env_name_bad_values():
    from corridor.server.settings import Settings

    s = Settings.from_env({"CORRIDOR_MAX_TABLE": "400", "CORRIDOR_MAX_ALTERNATIVES": "0"})
    assert (s.max_table_cells, s.max_alternatives) == (400, 0)
    assert Settings.from_env(s.to_env()) == s
    with pytest.raises(ValueError, match="CORRIDOR_REQUEST_TIMEOUT"):
        Settings.from_env({"CORRIDOR_REQUEST_TIMEOUT": "soon"})


def test_request_time_limit(net):
    from fastapi.testclient import TestClient

    from corridor.server.app import create_app
    from corridor.server.settings import Settings

    codes = ";".join(str(c) for c in net.port_code[net.port_major.astype(bool)][:60])
    with TestClient(create_app(Settings(request_timeout_s=0.001))) as client:
        # 60 x 60: longer than 1 ms even on hub labels (a few ms; seconds without them)
        r = client.get("/table", params={"origins": codes})
        assert r.status_code == 504
        assert r.json()["code"] == "timeout" and r.json()["limit"] == "request_timeout_s"


def test_report_endpoint_json_and_html(http):
    """The endpoint, its options and both formats; the what-ifs (most of a report's time, checked
    in-process by test_report.py) are skipped, which also shows that option reaches the report."""
    fast = {"from": "PE", "to": "AZ", "whatif": "false"}
    d = http.get("/report", params=fast, timeout=120).json()
    assert d["origin"] == "PE" and d["destination"] == "AZ" and len(d["options"]) >= 4
    assert d["whatif"] == []  # PE-AZ has what-ifs when asked (test_report.py)
    page = http.get("/report", params={**fast, "format": "html"}, timeout=120)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<svg" in page.text and "http://" not in page.text.split("<body", 1)[1][:200]
    bad = http.get("/report", params={"from": "PE", "to": "XX"}, timeout=60)
    assert bad.status_code in (400, 404) and "message" in bad.json()


def test_route_takes_cargo_and_objective(http, net):
    d = http.get("/route", params={"from": "PECHY", "to": "CNSHA", "cargo": "dry-bulk", "tonnes": 50000,
                                   "optimize": "co2"}).json()
    expected = corridor.route("PECHY", "CNSHA", cargo="dry-bulk", tonnes=50000, optimize="co2").to_dict()
    assert d["cost_usd"] == expected["cost_usd"] and d["co2e_kg"] == expected["co2e_kg"]
    assert d["cargo"]["kind"] == "dry-bulk"
    error(http.get("/route", params={"from": "PECHY", "to": "CNSHA", "cargo": "dry-bulk"}), 400, "bad_input")
