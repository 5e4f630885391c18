"""Bare place names mean the most likely place: a city's own name before another city's
alternate name, the bigger place between a small port and a city of the same name, "name,
country" to ask for another, and port codes whose first letters are not the port's country."""

from __future__ import annotations

import csv
from importlib import resources

import numpy as np
import pycountry
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from corridor.data.cities import read_cities, read_towns
from corridor.data.city_names import fold
from corridor.errors import PlaceNotFound
from corridor.geo import haversine_km
from corridor.places import NEAR_KM, _cities_by_name, _country, _name_index, port_countries, port_row, ports_in, resolve


def _km(place, lat, lon) -> float:
    return float(haversine_km(place.lon, place.lat, lon, lat))


def test_a_city_found_under_another_name_is_labelled_with_both(net):
    """GeoNames names Kaiping's seat Changsha (as a district): the answer must not read as
    Changsha, Hunan, 600 km away."""
    place = resolve("Kaiping", net)
    assert (place.kind, place.country) == ("city", "CN") and place.label.startswith("Kaiping")
    assert _km(place, 22.37, 112.69) < 15 and _km(place, 28.20, 112.97) > 500  # Kaiping; Changsha, Hunan


def test_a_city_own_name_beats_another_city_alternate_name(net):
    """Yawata is the city in Kyoto prefecture, not Kurihama (Yokosuka), which has it as an
    alternate name next to a port of that name with no sea access."""
    place = resolve("Yawata", net)
    assert (place.kind, place.country) == ("city", "JP") and place.label == "Yawata"
    assert _km(place, 34.87, 135.70) < 10
    assert "'JPYWT'" in place.note and "'Kurihama, JP'" in place.note


def test_a_small_port_gives_way_to_the_bigger_place_and_says_so(net):
    place = resolve("Preston", net)
    assert place.country == "GB" and _km(place, 53.76, -2.70) < NEAR_KM  # Preston, Lancashire
    assert "'CUPRE'" in place.note and "'Preston, AU'" in place.note  # the others' ways out
    assert resolve("CUPRE", net).country == "CU"


@pytest.mark.parametrize("query, country", [("Preston, GB", "GB"), ("Preston, United Kingdom", "GB"),
                                            ("Preston, CU", "CU"), ("Preston, AU", "AU"), ("preston , au", "AU")])
def test_name_comma_country_reads_the_name_in_that_country(net, query, country):
    place = resolve(query, net)
    assert place.country == country and fold(place.label) == "preston"


def test_name_comma_country_without_such_a_place_is_not_found(net):
    with pytest.raises(PlaceNotFound, match="Preston, JP"):
        resolve("Preston, JP", net)


def test_a_port_code_read_as_another_country_says_where_the_port_lies(net):
    place = resolve("TKMRW", net)
    assert (place.kind, place.country) == ("port", "TM") and "not TK" in place.note
    assert port_row(net, "TKMRW") in ports_in(net, "TM") and port_row(net, "TKMRW") not in ports_in(net, "TK")
    assert resolve("Willemstad, CW", net).country == "CW"  # Curaçao's port, listed under the withdrawn AN


def test_every_port_country_row_is_sourced_and_the_port_lies_in_that_country(net):
    path = resources.files("corridor.data").joinpath("port_countries.csv")
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(port_countries()) == len(rows)  # no code twice
    towns = read_towns()
    for r in rows:
        i = port_row(net, r["code"])
        assert i is not None and r["source"].strip() and r["why"].strip()
        assert pycountry.countries.get(alpha_2=r["country"]) is not None and r["country"] != r["code"][:2]
        km = haversine_km(float(net.port_lon[i]), float(net.port_lat[i]), towns.lon, towns.lat)
        assert towns.country[int(np.argmin(km))] == r["country"], r["code"]  # the nearest town is of that country


_CITIES = read_cities()
_BIG = np.flatnonzero(_CITIES.population >= 100_000)


def _people_at(place, folded: str) -> int:
    """People of the place an answer names: a city's own, or the biggest city of that name at a port."""
    own, _ = _cities_by_name(folded)
    km = {k: _km(place, _CITIES.lat[k], _CITIES.lon[k]) for k in own}
    return max((int(_CITIES.population[k]) for k in own if km[k] <= (1e-3 if place.kind == "city" else NEAR_KM)),
               default=0)


@settings(max_examples=60, deadline=None)
@given(k=st.sampled_from(_BIG.tolist()))
def test_a_big_city_name_means_itself_or_a_bigger_place_of_that_name(net, k):
    """Any city of 100,000 people or more, by its bare name: the city, its port, a major port of
    that name, or a place of that name with as many people or more (GeoNames gives some cities
    twice, both with the district's count: either is the same reading). A name that is a country's
    name or code, or a port's UN/LOCODE, means that ("Jamaica", "Bo", "Capas"), as the README says
    (bench/place_names.py audits them all)."""
    name = str(_CITIES.name[k])
    assume(_country(name) is None and name.replace(" ", "").upper() not in _name_index(net)[1])
    place = resolve(name, net)
    if place.kind == "city" and _km(place, _CITIES.lat[k], _CITIES.lon[k]) < 1e-3:
        return
    if place.kind == "port" and (_km(place, _CITIES.lat[k], _CITIES.lon[k]) <= NEAR_KM
                                 or net.port_major[place.ports[0]]):
        return
    assert _people_at(place, fold(name)) >= int(_CITIES.population[k]), (name, place)
