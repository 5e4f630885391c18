"""A country's main city is its capital, however GeoNames spells it in each of its tables."""

from __future__ import annotations

import pytest

from corridor.report.gateways import main_city


@pytest.mark.parametrize(("iso2", "city"), [
    ("BR", "Brasília"),  # capital table: "Brasilia"; the larger São Paulo must not win
    ("CO", "Bogotá"),
    ("IS", "Reykjavík"),
    ("PY", "Asunción"),
    ("CM", "Yaoundé"),  # the larger Douala must not win
    ("TG", "Lomé"),
    ("KZ", "Astana"),  # capital table: "Nur-Sultan", an alternate name of Astana; the larger Almaty must not win
    ("MN", "Ulan Bator"),  # capital table: "Ulaanbaatar"
    ("FR", "Paris"),
])
def test_main_city_is_the_capital_with_accents_or_another_spelling(iso2, city):
    place = main_city(iso2)
    assert (place.label, place.country) == (city, iso2)


def test_a_country_without_a_matching_capital_gets_its_largest_city():
    place = main_city("PW")  # GeoNames names Melekeok, a town under 15,000 people
    assert place is not None and place.country == "PW"
    assert main_city("XX") is None
