"""Places as people type them: former names and other spellings of ports (curated, sourced),
ambiguous names answered with the choice made and the others named, typos corrected in a note,
a port or a city of the same name said which (the city when the port takes no ships)."""

from __future__ import annotations

import csv
from importlib import resources

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from corridor.data.city_names import fold as _fold
from corridor.places import NEAR_KM, _cities_named_near, port_aliases, port_row, resolve, takes_ships


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


@pytest.mark.parametrize("query, country, code", [("Madrid", "ES", "ESMAD"), ("Berlin", "DE", "DEBER"),
                                                  ("Vienna", "AT", "ATVIE")])
def test_a_city_named_like_its_inland_port_is_the_city(net, query, country, code):
    """The dry or river port takes no ships, so the bare name means the city; its code asks for the port."""
    place = resolve(query, net)
    assert (place.kind, place.country) == ("city", country)
    assert f"{code!r}" in place.note and "no sea access" in place.note
    port = resolve(code, net)
    assert (port.kind, port.code) == ("port", code) and not takes_ships(net, port.ports[0])


@pytest.mark.parametrize("query, code", [("Hamburg", "DEHAM"), ("Shanghai", "CNSHA"), ("Rotterdam", "NLRTM")])
def test_a_seaport_in_its_city_stays_the_port(net, query, code):
    place = resolve(query, net)
    assert (place.kind, place.code) == ("port", code) and "not the city" in place.note


def test_port_names_by_sea_stay_a_sea_route_between_the_ports(net):
    import corridor

    route = corridor.route("Shanghai", "Rotterdam")
    assert (route.origin.code, route.destination.code) == ("CNSHA", "NLRTM")
    assert {leg.mode for leg in route.legs} == {"sea"}


def test_a_route_from_the_inland_port_name_starts_in_the_city(net):
    import corridor

    route = corridor.route("Vienna", "Bratislava", modes="rail,road")
    assert (route.origin.kind, route.destination.kind) == ("city", "city")
    assert any("'ATVIE'" in n for n in route.notes) and any("'SKBTS'" in n for n in route.notes)


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_a_port_name_means_a_port_that_takes_ships_or_says_what_it_chose(net, data):
    """Any port's exact name: an inland port is never taken over a city of its name next to it,
    and when the city is taken the note gives the code that asks for the port."""
    name = str(net.port_name[data.draw(st.integers(0, len(net.port_name) - 1))])
    assume(port_row(net, name.replace(" ", "").upper()) is None)  # "Aratu" is read as the UN/LOCODE ARATU
    assume(_fold(name) not in port_aliases() and not (len(name) == 3 and name.isupper()))  # "BAR": an IATA code
    place = resolve(name, net)
    same_name = {str(net.port_code[i]) for i in range(len(net.port_name)) if str(net.port_name[i]).lower() == name.lower()}
    if place.kind == "port":
        city_next_to_it = _cities_named_near(_fold(name), place.lon, place.lat, NEAR_KM)
        assert place.code in same_name and (takes_ships(net, place.ports[0]) or not city_next_to_it)
    else:
        assert place.kind == "city" and any(f"{code!r}" in place.note for code in same_name)
