"""The OSRM-compatible services, driven by routingpy's real OSRM client against a real server,
and the polyline encoder against Google's published example."""

from __future__ import annotations

import pytest
from routingpy import OSRM
from routingpy.utils import decode_polyline5, decode_polyline6

import corridor
from corridor.polyline import encode

ROTTERDAM, SHANGHAI, VALPARAISO = [4.44, 51.9], [121.5, 31.2], [-71.6, -33.0]  # lon, lat as OSRM wants
BERLIN, PARIS = [13.40, 52.52], [2.35, 48.85]


def test_polyline_matches_googles_published_example():
    # https://developers.google.com/maps/documentation/utilities/polylinealgorithm
    points = [(-120.2, 38.5), (-120.95, 40.7), (-126.453, 43.252)]
    assert encode(points) == "_p~iF~ps|U_ulLnnqC_mqNvxq`@"


def test_polyline6_decodes_back_with_routingpys_decoder():
    points = [(4.442447, 51.904383), (-71.612345, -33.034567), (179.999999, -0.000001)]
    flat = [x for p in points for x in p]
    assert [x for p in decode_polyline6(encode(points, 6)) for x in p] == pytest.approx(flat, abs=1e-9)
    assert [x for p in decode_polyline5(encode(points)) for x in p] == pytest.approx(flat, abs=0.5e-5 + 1e-9)


@pytest.fixture(scope="module")
def osrm(server):
    return OSRM(base_url=server.base, timeout=120)


def _native_km(http, a, b, modes):
    r = http.get("/route", params={"from": f"{a[1]},{a[0]}", "to": f"{b[1]},{b[0]}", "modes": modes})
    assert r.status_code == 200, r.text
    return r.json()["distance_km"]


@pytest.mark.parametrize("geometries", ["polyline", "polyline6", "geojson"])
def test_routingpy_directions_equal_the_native_route(osrm, http, geometries):
    d = osrm.directions([ROTTERDAM, SHANGHAI], profile="sea", geometries=geometries, overview="full")
    assert d.distance / 1000 == pytest.approx(_native_km(http, ROTTERDAM, SHANGHAI, "sea"), abs=0.06)
    lons = [p[0] for p in d.geometry]
    assert d.geometry[0] == pytest.approx(ROTTERDAM, abs=0.5) and d.geometry[-1] == pytest.approx(SHANGHAI, abs=0.5)
    assert min(lons) < 40 < max(lons)  # the line runs the way, not a straight chord
    raw = d.raw["routes"][0]
    assert raw["corridor"]["passages"] and raw["corridor"]["cost_usd"] > 0 and raw["corridor"]["co2e_kg"] > 0


def test_driving_profile_is_road_and_alternatives_differ(osrm, http):
    d = osrm.directions([BERLIN, PARIS], alternatives=True)  # routingpy's default profile: driving
    assert d[0].distance / 1000 == pytest.approx(_native_km(http, BERLIN, PARIS, "road"), abs=0.06)
    assert d[0].raw["corridor"]["modes"] == ["road"]
    sea = osrm.directions([ROTTERDAM, SHANGHAI], profile="sea", alternatives=True)
    assert len(sea) >= 2 and len({round(r.distance) for r in sea}) == len(sea)


def test_routingpy_matrix_equals_the_native_table(osrm, http):
    points = [ROTTERDAM, SHANGHAI, VALPARAISO]
    m = osrm.matrix(points, profile="sea", sources=[0, 2], destinations=[1, 2])
    native = http.get("/table", params={"origins": "51.9,4.44;-33.0,-71.6",
                                        "destinations": "31.2,121.5;-33.0,-71.6"}).json()
    assert [[x / 1000 for x in row] for row in m.distances] == [
        [pytest.approx(km, abs=0.06) for km in row] for row in native["distance_km"]]
    assert [[x / 3600 for x in row] for row in m.durations] == [
        [pytest.approx(h, abs=0.06) for h in row] for row in native["duration_h"]]
    assert m.distances[1][1] == 0.0


def test_surface_matrix_cells_are_the_routes_time_and_km(osrm, net):
    """``/table/v1/surface`` is the multimodal table: each cell the pair's route with
    services=direct (the table never sails on liner services), to 1e-6 beside OSRM's rounding
    (0.1 m, 0.1 s); the same place to itself is 0."""
    munich, almaty, moscow = [11.58, 48.14], [76.95, 43.24], [37.62, 55.75]  # Moscow: a transit-policy country
    m = osrm.matrix([munich, almaty, moscow], profile="surface", sources=[0])
    assert m.distances[0][0] == 0.0 and m.durations[0][0] == 0.0
    for j, b in enumerate([almaty, moscow], start=1):
        r = corridor.route(f"{munich[1]},{munich[0]}", f"{b[1]},{b[0]}", modes="sea,rail,road,ferry", services="direct")
        assert m.durations[0][j] == pytest.approx(r.duration_h * 3600, rel=1e-6, abs=0.05), b
        assert m.distances[0][j] == pytest.approx(r.distance_km * 1000, rel=1e-6, abs=0.05), b


def test_road_matrix_routes_each_pair(osrm, http):
    m = osrm.matrix([BERLIN, PARIS], profile="road")
    assert m.distances[0][0] == 0.0
    assert m.distances[0][1] / 1000 == pytest.approx(_native_km(http, BERLIN, PARIS, "road"), abs=0.06)


def test_nearest_lists_ports_by_distance(osrm, http):
    r = osrm.client._request("/nearest/v1/sea/4.3,51.95", get_params={"number": 3})
    assert r["code"] == "Ok" and len(r["waypoints"]) == 3
    distances = [w["distance"] for w in r["waypoints"]]
    assert distances == sorted(distances)
    native = http.get("/nearest", params={"lat": 51.95, "lon": 4.3, "number": 3}).json()["ports"]
    assert [w["corridor"]["code"] for w in r["waypoints"]] == [p["code"] for p in native]
    assert distances[0] == pytest.approx(native[0]["distance_km"] * 1000, abs=50)


def test_steps_annotations_and_waypoints(http):
    r = http.get("/route/v1/surface/NLRTM;CNSHA;SGSIN", params={
        "steps": "true", "annotations": "distance,duration,speed", "geometries": "geojson", "overview": "false"})
    body = r.json()
    assert r.status_code == 200 and body["code"] == "Ok", body
    route = body["routes"][0]
    assert "geometry" not in route and len(route["legs"]) == 2
    assert [w["corridor"]["code"] for w in body["waypoints"]] == ["NLRTM", "CNSHA", "SGSIN"]
    for leg in route["legs"]:
        assert sum(s["distance"] for s in leg["steps"]) == pytest.approx(leg["distance"], abs=1)
        assert leg["steps"][0]["maneuver"]["type"] == "depart" and leg["steps"][-1]["maneuver"]["type"] == "arrive"
        moving = sum(s["distance"] for s in leg["steps"] if s["mode"] not in ("transfer", "arrive"))
        assert sum(leg["annotation"]["distance"]) == pytest.approx(moving, rel=1e-4)
        assert len(leg["annotation"]["speed"]) == len(leg["annotation"]["distance"])
    assert route["distance"] == pytest.approx(sum(leg["distance"] for leg in route["legs"]))


def test_simplified_overview_keeps_ends_with_fewer_points(http):
    url = "/route/v1/sea/4.44,51.9;121.5,31.2"
    full = http.get(url, params={"overview": "full", "geometries": "geojson"}).json()["routes"][0]["geometry"]
    simple = http.get(url, params={"geometries": "geojson"}).json()["routes"][0]["geometry"]
    assert simple["type"] == "LineString" and 2 <= len(simple["coordinates"]) < len(full["coordinates"])
    assert simple["coordinates"][0] == full["coordinates"][0] and simple["coordinates"][-1] == full["coordinates"][-1]


@pytest.mark.parametrize("url, code", [
    ("/route/v1/bike/13.4,52.5;2.35,48.85", "InvalidOptions"),
    ("/route/v1/sea/4.44,51.9", "InvalidQuery"),
    ("/route/v1/sea/200,51.9;121.5,31.2", "InvalidValue"),
    ("/route/v1/sea/4.44,51.9;121.5,31.2?geometries=wkt", "InvalidValue"),
    ("/route/v1/sea/4.44,51.9;121.5,31.2?colour=red", "InvalidOptions"),
    ("/route/v1/sea/AZBAK;NLRTM", "NoRoute"),  # the Caspian is closed to seagoing ships
    ("/table/v1/sea/4.44,51.9;121.5,31.2?sources=5", "InvalidValue"),
    ("/nearest/v1/road/4.3,51.95", "InvalidOptions"),
])
def test_errors_come_in_osrms_shape(http, url, code):
    r = http.get(url)
    assert r.status_code == 400 and r.json()["code"] == code and r.json()["message"], r.text


def test_routingpy_raises_on_osrm_errors(osrm):
    from routingpy.exceptions import RouterApiError

    with pytest.raises(RouterApiError) as e:
        osrm.directions([ROTTERDAM, SHANGHAI], profile="bicycle")
    assert e.value.status == 400 and "profile" in str(e.value.message)
