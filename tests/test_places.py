"""Place resolution: codes, names with typos, coordinates, countries, and the errors."""

from __future__ import annotations

import pytest

from corridor.errors import BadInput, PlaceNotFound
from corridor.places import lookup, resolve


@pytest.mark.parametrize("query, code", [
    ("PECHY", "PECHY"), ("pechy", "PECHY"), ("PE CHY", "PECHY"), ("PECLL", "PECLL"),
    ("AZBAK", "AZBAK"), ("CNSHA", "CNSHA"), ("GEPTI", "GEPTI"), ("KZKUR", "KZKUR"),
])
def test_unlocode(net, query, code):
    place = resolve(query, net)
    assert place.kind == "port" and place.code == code


@pytest.mark.parametrize("query, code", [
    ("chancai", "PECHY"), ("Chancay", "PECHY"), ("Shanghai", "CNSHA"), ("rotterdam", "NLRTM"),
    ("Singapore", "SGSIN"), ("Callao", "PECLL"), ("Batumi", "GEBUS"),
])
def test_names_with_typos(net, query, code):
    assert resolve(query, net).code == code


def test_chancay_uses_terminal_coordinates_from_curated_table(net):
    place = resolve("PECHY", net)
    assert place.lat == pytest.approx(-11.59333) and place.lon == pytest.approx(-77.27778)


def test_port_of_baku_is_at_alat(net):
    place = resolve("AZBAK", net)
    assert "Alat" in place.label
    assert place.lat == pytest.approx(39.948, abs=0.01)


@pytest.mark.parametrize("query", ["-11.59,-77.28", " -11.59 , -77.28 ", "(-11.59, -77.28)"])
def test_coordinate_strings(net, query):
    place = resolve(query, net)
    assert place.kind == "point"
    assert (place.lat, place.lon) == pytest.approx((-11.59, -77.28))


def test_coordinate_tuple_is_lat_lon(net):
    place = resolve((51.9, 4.1), net)
    assert (place.lat, place.lon) == (51.9, 4.1)


@pytest.mark.parametrize("query", ["PE", "pe", "Peru"])
def test_country_means_its_main_seaports(net, query):
    place = resolve(query, net)
    assert place.kind == "country" and place.code == "PE"
    codes = {str(net.port_code[i]) for i in place.ports}
    assert {"PECLL", "PECHY"} <= codes
    assert all(str(net.port_country[i]) == "PE" for i in place.ports)


def test_unknown_place_lists_closest_matches(net):
    with pytest.raises(PlaceNotFound) as e:
        resolve("Xqzzyport", net)
    assert "Closest matches" in str(e.value) or e.value.suggestions == []


def test_near_miss_suggestions_are_real_ports(net):
    with pytest.raises(PlaceNotFound) as e:
        resolve("Rotterdxxxm harbour west", net)
    assert e.value.suggestions and any("Rotterdam" in s for s in e.value.suggestions)


@pytest.mark.parametrize("query, words", [
    ("12.5,abc", "Malformed coordinates"), ("91,10", "Latitude"), ("10,181", "Longitude"),
    ("1.2.3,4", "Malformed coordinates"),
])
def test_bad_coordinates(net, query, words):
    with pytest.raises(BadInput, match=words):
        resolve(query, net)


def test_bad_tuple(net):
    with pytest.raises(BadInput):
        resolve(("a", 3), net)


def test_lookup_lists_country_ports(net):
    rows = lookup("PE", net, limit=50)
    assert {"PECLL", "PECHY"} <= {r["code"] for r in rows}
    assert all({"code", "name", "country", "lat", "lon"} <= set(r) for r in rows)


def test_places_cli(cli):
    out = cli("places", "chancai", check_rc=0).stdout
    assert "PECHY" in out.splitlines()[1] and "PE" in out


def test_places_are_typed_and_still_read_like_the_old_dicts(net):
    import dataclasses

    import corridor
    from corridor.places import PlaceMatch

    rows = corridor.places("chancai", limit=3)
    first = rows[0]
    assert isinstance(first, PlaceMatch) and (first.code, first.kind, first.country) == ("PECHY", "port", "PE")
    assert first["code"] == first.code and first.get("note") is None and first.get("score") == first.score
    with pytest.raises(KeyError):
        first["ports"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.code = "PECLL"
    assert first.score is not None and list(first.to_dict()) == ["kind", "name", "code", "country", "lat", "lon", "score"]


@pytest.mark.parametrize("query", ["chancai", "PE", "-11.6,-77.3", "Baku"])
def test_places_json_is_the_same_from_cli_and_http(net, http, capsys, query):
    """The JSON of ``corridor places --json`` and ``GET /places`` is the typed matches' to_dict(),
    in the same order (checked byte for byte against the 0.1 dicts when the type came in)."""
    import json

    import corridor
    from corridor.cli import main

    want = [m.to_dict() for m in corridor.places(query)]
    assert main(["places", query, "--json"]) == 0
    out = capsys.readouterr().out
    assert out == json.dumps(want, ensure_ascii=False) + "\n"
    body = http.get("/places", params={"q": query}).content.decode("utf-8")
    assert body == json.dumps(want, ensure_ascii=False, separators=(",", ":"))
    assert [list(d) for d in json.loads(body)] == [list(d) for d in want]  # same keys, same order
