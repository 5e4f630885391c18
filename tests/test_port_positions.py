"""Every port lies where its country is (bench/port_positions.py): within 200 km of a GeoNames
town of its country, or reviewed one by one; a lost sign is found as such; the curated
corrections are sourced, and the built network uses them (San Jose, Costa Rica is not a port in
the Bay of Bengal)."""

from __future__ import annotations

import csv
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pycountry
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.data.cities import read_cities
from corridor.data.ports import curated_ports_path, read_ports
from corridor.geo import haversine_km
from corridor.places import port_countries, port_row, resolve, takes_ships

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import port_positions  # noqa: E402  (bench/ is not a package)

_PORTS = read_ports()


def _curated() -> list[dict]:
    with open(curated_ports_path(), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_every_port_lies_in_its_country_or_is_reviewed():
    found = {f.code: f for f in port_positions.audit(_PORTS)}
    assert sorted(set(found) - set(port_positions.REVIEWED)) == []  # searoute's CRSJO, VCCRP, IDKIJ were
    assert sorted(set(port_positions.REVIEWED) - set(found)) == []  # no stale review
    assert [f.code for f in found.values() if f.flip] == []


def test_a_lost_longitude_sign_is_found_as_a_flip():
    """San José as searoute had it: its digits with the west sign lost, in the Bay of Bengal."""
    row = next(r for r in _PORTS if r.code == "CRSJO")
    (finding,) = port_positions.audit([replace(row, lon=84.05, lat=9.56)])
    assert (finding.country, finding.flip) == ("CR", "lon") and finding.km > 10_000 and finding.flip_km < 25


_NEAR = [r for r, km in zip(_PORTS, port_positions.town_km(_PORTS)) if km <= port_positions.FLIP_KM]


@settings(max_examples=40, deadline=None)
@given(row=st.sampled_from(_NEAR), negate=st.sampled_from(["lon", "lat", "lon+lat"]))
def test_a_negated_coordinate_is_in_the_country_again_or_found_with_its_flip(row, negate):
    """Any port near a town of its country, with a coordinate negated: it still passes (a country across the
    equator or the meridian), or it is found, and flipping it back lands in its country."""
    lon = -row.lon if "lon" in negate else row.lon
    lat = -row.lat if "lat" in negate else row.lat
    moved = port_positions.audit([replace(row, lon=lon, lat=lat)])
    if moved:
        assert moved[0].flip is not None and moved[0].flip_km <= port_positions.FLIP_KM


@pytest.mark.parametrize("value, read", [(34.56, 34 + 56 / 60), (-8.46, -(8 + 46 / 60)), (127.42, 127 + 42 / 60),
                                         (20.5, 20 + 50 / 60), (10.75, None)])
def test_decimals_read_as_minutes(value, read):
    got = port_positions.minutes_read(value)
    assert got == pytest.approx(read) if read is not None else got is None


def test_every_curated_port_is_sourced_and_in_the_country_it_names():
    rows = _curated()
    assert len({r["code"] for r in rows}) == len(rows)  # one row a port
    for r in rows:
        assert r["source"].strip() and r["licence"].strip() and r["note"].strip(), r["code"]
        assert pycountry.countries.get(alpha_2=r["country"]) is not None, r["code"]
        # a country other than the code's is explained: in port_countries.csv or the row's note (CHERN)
        assert r["country"] == r["code"][:2] or r["code"] in port_countries() or "country" in r["note"], r["code"]


def test_a_name_of_the_duplicate_entry_leads_to_the_un_locode(net):
    """TKMRW ("Turkmenbashy") is a second entry for Türkmenbaşy's port under a code that is not a
    UN/LOCODE; the name leads to TMKRW, and the code still reads as the port in Turkmenistan."""
    for name in ("Turkmenbashy", "Turkmenbashi"):
        place = resolve(name, net)
        assert (place.kind, place.code, place.country) == ("port", "TMKRW", "TM"), name
    assert resolve("TKMRW", net).country == "TM"


def test_san_jose_costa_rica_is_the_inland_capital_not_a_port_in_the_bay_of_bengal(net):
    i = port_row(net, "CRSJO")
    cities = read_cities()
    k = int(np.flatnonzero((cities.name == "San José") & (cities.country == "CR"))[0])  # the capital (largest)
    assert float(haversine_km(net.port_lon[i], net.port_lat[i], cities.lon[k], cities.lat[k])) < 1
    assert not takes_ships(net, i) and not net.port_major[i]  # inland: no sea connector


@pytest.mark.parametrize("code, lon, lat", [("VCCRP", -61.23, 13.17), ("CASJF", -52.70, 47.57), ("KRKAN", 127.75, 34.91)])
def test_corrected_seaports_are_joined_to_the_sea_where_they_are(net, code, lon, lat):
    """Campden Park on St Vincent (was in the Arabian Sea), St John's in Newfoundland (had Saint
    John, New Brunswick's point), Gwangyang (its minutes were read as decimals)."""
    i = port_row(net, code)
    assert float(haversine_km(net.port_lon[i], net.port_lat[i], lon, lat)) < 2
    assert takes_ships(net, i)
    nodes = net.port_conn_node[net.port_conn_indptr[i]:net.port_conn_indptr[i + 1]]
    assert float(haversine_km(net.node_lon[nodes], net.node_lat[nodes], lon, lat).min()) < 100
