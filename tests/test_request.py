"""The request objects: one declaration of every option, the same set in every front end, and
only documented errors for any value of any option (property-based, hypothesis)."""

from __future__ import annotations

import inspect
import json
import math
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import corridor
from corridor.cli import _parser
from corridor.errors import CorridorError
from corridor.request import REPORT, ROUTE, TABLE, ReportRequest, RouteRequest, TableRequest

# Values a caller may plausibly pass by mistake, of every type.
ODD = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**30, max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30), st.text(min_size=190, max_size=400),
    st.just("x" * 10_000), st.lists(st.none(), max_size=3), st.lists(st.text(max_size=8), max_size=4),
    st.lists(st.integers(), max_size=60), st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.tuples(st.floats(), st.floats()), st.just(b"\x00\xff"), st.just("\ud800"), st.just(set()),
    st.sampled_from(["suez", "RU", "PECLL", "sea,rail", "time=1,co2=1", "-1", "0", "1e307", "nan", "inf",
                     "capesize", "dry-bulk", "/", "/nonexistent.toml"]),
)


def _cli_options(command: str) -> set[str]:
    parser, _ = _parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices[command]
    from corridor.export import OUTPUTS  # file outputs of route: CLI-only, declared there

    return {a.dest for a in sub._actions} - {"help", "json", "out", "png", "quiet", "verbose"} - {o.name for o in OUTPUTS}


def test_every_front_end_accepts_exactly_the_declared_options(net):
    from fastapi.testclient import TestClient

    from corridor.server.app import create_app

    assert set(inspect.signature(corridor.route).parameters) == set(ROUTE.names)
    assert set(inspect.signature(corridor.matrix).parameters) - {"threads"} == set(TABLE.names)
    assert _cli_options("matrix") - {"dask", "block_rows"} == set(TABLE.names)
    assert _cli_options("route") == set(ROUTE.names)
    assert _cli_options("report") == set(REPORT.names)
    with TestClient(create_app()) as client:
        spec = client.get("/openapi.json").json()["paths"]
    for path, service in (("/route", ROUTE), ("/report", REPORT)):
        params = {p["name"]: p for p in spec[path]["get"]["parameters"]}
        declared = {o.query for o in service.options if o.kind != "table"}
        assert set(params) - {"format"} == declared
        for opt in service.options:  # the same ranges as the declaration
            if opt.kind in ("number", "integer") and opt.high is not None:
                schema = params[opt.query]["schema"]
                highs = [s.get("maximum") for s in schema.get("anyOf", [schema])]
                assert opt.high in highs, (opt.name, schema)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(name=st.sampled_from(ROUTE.names), value=ODD)
def test_any_value_of_any_route_option_is_checked_or_refused_at_once(name, value):
    start = time.perf_counter()
    options = {"origin": "PECHY", "destination": "CNSHA", name: value}
    try:
        req = RouteRequest.make(**options)
    except CorridorError as e:
        assert name in str(e) or str(e)  # a message, never a traceback
    else:
        assert isinstance(req, RouteRequest)
        for f in (req.speed_kn, req.teu, req.feu, req.tonnes):
            assert f is None or math.isfinite(f)
    assert time.perf_counter() - start < 0.5  # refused in far less than a search (10 kB names too)


@settings(max_examples=150, deadline=None)
@given(service=st.sampled_from([(TABLE, TableRequest), (REPORT, ReportRequest)]), data=st.data())
def test_table_and_report_options_are_checked_or_refused(service, data):
    declared, cls = service
    name = data.draw(st.sampled_from(declared.names))
    base = {"origins": ["PECHY"]} if cls is TableRequest else {"origin": "PE", "destination": "AZ"}
    try:
        cls.make(**{**base, name: data.draw(ODD)})
    except CorridorError:
        pass


def test_messages_name_the_option_the_value_and_what_is_allowed():
    with pytest.raises(CorridorError, match=r"speed_kn .*nan.*1 to 40 kn"):
        RouteRequest.make(origin="A", destination="B", speed_kn=float("nan"))
    with pytest.raises(CorridorError, match=r"origin .*10,000 characters"):
        RouteRequest.make(origin="x" * 10_000, destination="B")
    with pytest.raises(CorridorError, match=r"via .*at most 10"):
        RouteRequest.make(origin="A", destination="B", via=["NLRTM"] * 11)
    with pytest.raises(CorridorError, match=r"Unknown option 'speed'"):
        RouteRequest.make(origin="A", destination="B", speed=14)


def test_option_files_each_fail_with_their_own_reason(tmp_path):
    (tmp_path / "bin.toml").write_bytes(b"\x00\x01")
    (tmp_path / "latin1.toml").write_bytes("name = 'Bogot\xe1'".encode("latin-1"))
    (tmp_path / "bad.toml").write_text("[[[")
    (tmp_path / "shape.toml").write_text("speeds = 3\n")
    cases = {tmp_path / "missing.toml": "no such file", tmp_path: "folder", tmp_path / "bin.toml": "binary",
             tmp_path / "latin1.toml": "UTF-8", tmp_path / "bad.toml": "not valid TOML", "": "empty"}
    for path, why in cases.items():
        with pytest.raises(CorridorError, match=why):
            RouteRequest.make(origin="A", destination="B", costs=str(path))
    with pytest.raises(CorridorError, match="speeds"):
        RouteRequest.make(origin="A", destination="B", scenario=str(tmp_path / "shape.toml"))


SEA_PLACES = st.sampled_from(["PECHY", "CNSHA", "NLRTM", "Singapore", "Santos", "AZ", "0,180", "0,-180",
                              (-11.6, -77.3), (89.9, 0.0), (0.0, 179.999), "Baku", "Ulm"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(origin=SEA_PLACES, destination=SEA_PLACES, data=st.data())
def test_any_route_is_an_answer_or_a_documented_error(net, origin, destination, data):
    """Finite figures, strict JSON, geometry within +-180/+-90, bounded time: or a CorridorError."""
    options = data.draw(st.fixed_dictionaries({}, optional={
        "modes": st.sampled_from(["sea", "sea,rail,road,ferry", "rail,road", "air"]),
        "avoid": st.sampled_from(["suez", "panama,suez", "malacca"]),
        "speed_kn": st.floats(min_value=0.5, max_value=60), "teu": st.floats(min_value=-1, max_value=1e6),
        "cargo": st.sampled_from(["dry-bulk", "general", "passengers", "container"]),
        "tonnes": st.floats(min_value=1, max_value=1e6),
        "optimize": st.sampled_from(["cost", "co2", "distance", "time=1,co2=1"]),
    }))
    start = time.perf_counter()
    try:
        r = corridor.route(origin, destination, **options)
    except CorridorError:
        return
    d = json.loads(json.dumps(r.to_dict(), allow_nan=False))
    for key in ("distance_km", "duration_h", "cost_usd", "co2e_kg"):
        if key == "cost_usd" and d[key] is None:  # README: passenger air fares are not priced (null)
            assert options.get("cargo") == "passengers" and any(leg["mode"] == "air" for leg in d["legs"])
            continue
        assert math.isfinite(d[key]) and d[key] >= 0
    for feature in r.to_geojson()["features"]:
        geometry = feature["geometry"]
        lines = {"MultiLineString": geometry["coordinates"], "LineString": [geometry["coordinates"]],
                 "Point": [[geometry["coordinates"]]]}[geometry["type"]]
        for lon, lat in (point for line in lines for point in line):
            assert -180 <= lon <= 180 and -90 <= lat <= 90
    assert time.perf_counter() - start < 60


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flag=st.sampled_from([o for o in ROUTE.options if o.cli]), value=st.sampled_from(
    ["nan", "-inf", "0", "-3", "1e307", "abc", "x" * 300, ",", "RU,QQ", "suez,nowhere", "\u00e9"]))
def test_cli_refuses_bad_values_in_one_line_with_exit_2(net, capsys, flag, value):
    from corridor.cli import main

    argv = ["route", "PECHY", "CNSHA", "--json"]
    argv += [flag.cli] if flag.kind == "flag" else [flag.cli, value]
    code = main(argv)
    out, err = capsys.readouterr()
    assert code in (0, 2, 3), err
    if code == 0:
        json.loads(out)
    else:  # with --json, the error is one JSON line (README "Command-line conventions")
        assert err.count("\n") == 1 and json.loads(err)["error"]["exit_code"] == code


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from([o for o in ROUTE.options if o.kind != "table"]), value=st.sampled_from(
    ["nan", "inf", "-1", "0", "1e307", "abc", "x" * 300, "\u00e9\u4e2d", "RU,QQ", "true", ""]))
def test_http_answers_4xx_never_500(server_client, name, value):
    params = {"from": "PECHY", "to": "CNSHA", name.query: value}
    r = server_client.get("/route", params=params)
    assert r.status_code in (200, 400, 404, 413, 422), r.text
    assert "code" in r.json() or r.status_code == 200


@pytest.fixture(scope="module")
def server_client(net):
    from fastapi.testclient import TestClient

    from corridor.server.app import create_app

    with TestClient(create_app(), raise_server_exceptions=False) as client:
        yield client


def test_a_request_kept_by_its_options_is_the_one_checking_them_gives(tmp_path):
    made = RouteRequest.make(origin="PECHY", destination="CNSHA", alternatives=1)
    assert RouteRequest.make(origin="PECHY", destination="CNSHA", alternatives=1) is made
    # equal values of other types are checked as themselves, not found as the kept one
    with pytest.raises(CorridorError, match="alternatives"):
        RouteRequest.make(origin="PECHY", destination="CNSHA", alternatives=True)
    assert RouteRequest.make(origin=(-0.0, 5.0), destination="CNSHA").origin == (-0.0, 5.0)
    assert math.copysign(1, RouteRequest.make(origin=(0.0, 5.0), destination="CNSHA").origin[0]) == 1
    assert math.copysign(1, RouteRequest.make(origin=(-0.0, 5.0), destination="CNSHA").origin[0]) == -1
    # a table named by its file is read again: the file may have changed
    costs = tmp_path / "costs.toml"
    costs.write_text("[dwell]\nport = 10.0\n")
    first = RouteRequest.make(origin="PECHY", destination="CNSHA", costs=str(costs))
    costs.write_text("[dwell]\nport = 20.0\n")
    second = RouteRequest.make(origin="PECHY", destination="CNSHA", costs=str(costs))
    assert first.costs != second.costs
