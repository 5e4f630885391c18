"""Places as people type them: former names and other spellings of ports (curated, sourced),
ambiguous names answered with the choice made and the others named, typos corrected in a note,
a port or a city of the same name said which."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from corridor.places import port_aliases, resolve


def test_every_alias_row_has_a_source_and_a_port(net):
    path = resources.files("corridor.data").joinpath("curated", "port_aliases.csv")
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    codes = {str(c) for c in net.port_code}
    assert rows and all(r["source"].strip() and r["why"].strip() for r in rows)
    assert {r["code"] for r in rows} <= codes
    assert len(port_aliases()) == len(rows)  # no alias given twice


@pytest.mark.parametrize("query, code", [
    ("Busan", "KRPUS"), ("Pusan", "KRPUS"), ("Gothenburg", "SEGOT"), ("Göteborg", "SEGOT"),
    ("goteborg", "SEGOT"), ("Madras", "INMAA"), ("Chennai", "INMAA"), ("Bombay", "INBOM"),
    ("Mumbai", "INBOM"), ("Kolkata", "INCCU"), ("Calcutta", "INCCU"), ("Saigon", "VNSGN"),
    ("Ho Chi Minh City", "VNSGN"), ("Rangoon", "MMRGN"), ("Yangon", "MMRGN"), ("Istanbul", "TRIST"),
])
def test_former_names_and_spellings_are_the_port(net, query, code):
    place = resolve(query, net)
    assert (place.kind, place.code) == ("port", code)


def test_alias_says_what_it_read(net):
    place = resolve("Bombay", net)
    assert "Bombay" in place.note and "INBOM" in place.note and "former name" in place.note


def test_typo_of_a_port_is_corrected_and_said(net):
    place = resolve("Shangai", net)
    assert (place.kind, place.code) == ("port", "CNSHA")
    assert "corrected from 'Shangai'" in place.note


def test_ambiguous_name_says_the_choice_and_the_other(net):
    place = resolve("Santiago", net)
    assert (place.kind, place.country) == ("city", "CL")  # the capital of Chile, not Santiago de Cuba's port
    assert "CUSCU" in place.note


def test_port_in_its_city_says_port_was_used(net):
    place = resolve("Istanbul", net)
    assert place.kind == "port" and "not the city" in place.note


def test_city_names_its_port(net):
    place = resolve("Baku", net)
    assert place.kind == "city" and "AZBAK" in place.note


def test_port_named_like_a_country_says_so(net):
    place = resolve("Panama", net)
    assert place.kind == "port" and "'PA'" in place.note


def test_route_from_busan_sails_from_busan(net):
    import corridor

    route = corridor.route("Busan", "CNSHA", modes="sea")
    assert route.origin.code == "KRPUS"
    assert any("KRPUS" in n for n in route.notes)
