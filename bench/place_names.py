"""Audit of bare place names: does a name mean the place a user most likely means?

For every GeoNames city of at least 100,000 people in the shipped table, its bare name and
"name, CC" are resolved and classed: the city itself, its own port (a port of that name within
50 km), a place of that name with more people, or something else (listed). For every port of
the network, its name is resolved and classed the same way (the port itself, its city, a bigger
place of that name, another port of that name, something else), and its UN/LOCODE's country
prefix is checked against where the port lies: the country of the nearest GeoNames town
(``cities1000``); a prefix whose country has no town within ``--km`` of the port is listed.

Run from a worktree (the network must be built)::

    CORRIDOR_BACKGROUND_BUILD=0 PYTHONPATH=src python bench/place_names.py [--list 30] [--json out.json]

Side by side with another checkout's rules: ``PYTHONPATH=<other>/src python bench/place_names.py``.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter

import numpy as np

BIG = 100_000  # cities audited: at least this many people
NEAR_KM = 50.0  # a port this close to a city of its name is that city's port
CODE_KM = 300.0  # a code's country with no town this close to the port is not where the port lies


def namesake_people(net, place, folded: str) -> int:
    """People of the place an answer names: a city's own population, or for a port the biggest
    city bearing the name (as its own name) within NEAR_KM of it; 0 when none."""
    from corridor.data.cities import read_cities
    from corridor.data.city_names import fold
    from corridor.geo import haversine_km
    from corridor.places import _cities_named

    cities = read_cities()
    named = [i for i in _cities_named(folded) if fold(str(cities.name[i])) == folded]
    if place.kind == "city":
        same = [i for i in named if abs(cities.lon[i] - place.lon) < 1e-4 and abs(cities.lat[i] - place.lat) < 1e-4]
        return int(cities.population[same[0]]) if same else -1  # -1: not a city of that name
    near = [i for i in named if haversine_km(place.lon, place.lat, cities.lon[i], cities.lat[i]) <= NEAR_KM]
    return max((int(cities.population[i]) for i in near), default=0)


def class_of_city(net, k: int, query: str, country: str | None = None) -> tuple[str, str]:
    """(class, what it resolved to) for city ``k`` asked for as ``query``."""
    from corridor.data.cities import read_cities
    from corridor.data.city_names import fold
    from corridor.errors import CorridorError
    from corridor.geo import haversine_km
    from corridor.places import resolve

    cities = read_cities()
    folded = fold(str(cities.name[k]))
    try:
        place = resolve(query, net)
    except CorridorError as e:
        return "not found", type(e).__name__
    got = f"{place.kind} {place.label} ({place.code or place.country}, {place.lat:.2f},{place.lon:.2f})"
    if place.kind == "city" and abs(place.lon - cities.lon[k]) < 1e-4 and abs(place.lat - cities.lat[k]) < 1e-4:
        return "itself", got
    if place.kind == "port" and haversine_km(place.lon, place.lat, cities.lon[k], cities.lat[k]) <= NEAR_KM:
        return "its port", got  # by its name or another ("Kolkata": the port Calcutta, INCCU)
    if place.kind == "port" and fold(place.label) == folded and net.port_major[place.ports[0]]:
        return "a major port of that name", got
    same_country = country is None or place.country == country
    if (place.kind in ("city", "port") and same_country
            and namesake_people(net, place, folded) > int(cities.population[k])):
        return "a bigger namesake", got
    return "something else", got


def class_of_port(net, i: int) -> tuple[str, str]:
    """(class, what it resolved to) for port ``i`` asked for by its name."""
    from corridor.data.city_names import fold
    from corridor.errors import CorridorError
    from corridor.geo import haversine_km
    from corridor.places import resolve

    name = str(net.port_name[i])
    try:
        place = resolve(name, net)
    except CorridorError as e:
        return "not found", type(e).__name__
    got = f"{place.kind} {place.label} ({place.code or place.country}, {place.lat:.2f},{place.lon:.2f})"
    if place.kind == "port" and place.code == str(net.port_code[i]):
        return "itself", got
    port = type(place)("port", name, float(net.port_lon[i]), float(net.port_lat[i]))
    if place.kind == "city" and haversine_km(place.lon, place.lat, port.lon, port.lat) <= NEAR_KM:
        return "its city", got
    mine = namesake_people(net, port, fold(name))
    if place.kind in ("city", "port") and namesake_people(net, place, fold(name)) > mine:
        return "a bigger namesake", got
    if place.kind == "port" and fold(place.label) == fold(name) and net.port_major[place.ports[0]]:
        return "a major port of that name", got
    if place.kind == "port" and fold(place.label) == fold(name):
        return "another port of that name", got
    return "something else", got


def code_countries(net, km: float) -> list[tuple[str, str, str, float]]:
    """(code, name, nearest town's country, km to the nearest town of the code's country) for
    each port whose code's country has no GeoNames town within ``km``."""
    from scipy.spatial import cKDTree

    from corridor.data.cities import read_towns

    towns = read_towns()

    def xyz(lon, lat):
        lon, lat = np.radians(lon), np.radians(lat)
        return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])

    all_towns = cKDTree(xyz(towns.lon, towns.lat))
    trees = {c: cKDTree(xyz(towns.lon[towns.country == c], towns.lat[towns.country == c]))
             for c in np.unique(towns.country)}
    out = []
    for i in range(len(net.port_code)):
        code, p = str(net.port_code[i]), xyz([net.port_lon[i]], [net.port_lat[i]])
        chord = trees[code[:2]].query(p)[0][0] if code[:2] in trees else 2.0
        dist = 2 * 6371.0 * np.arcsin(min(chord / 2, 1.0))
        if dist > km:
            nearest = str(towns.country[all_towns.query(p)[1][0]])
            out.append((code, str(net.port_name[i]), nearest, round(float(dist))))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", type=int, default=20, help="list up to this many of each questionable class")
    parser.add_argument("--km", type=float, default=CODE_KM)
    parser.add_argument("--json", help="write every class and answer to this file")
    args = parser.parse_args()

    from corridor.data.cities import read_cities
    from corridor.network import load_network

    net = load_network(progress=False)
    cities = read_cities()
    big = [int(k) for k in np.flatnonzero(cities.population >= BIG)]
    results: dict[str, list] = {"bare": [], "with country": [], "ports": []}
    for k in big:
        name, cc = str(cities.name[k]), str(cities.country[k])
        results["bare"].append((name, cc, int(cities.population[k]), *class_of_city(net, k, name)))
        results["with country"].append((name, cc, int(cities.population[k]),
                                        *class_of_city(net, k, f"{name}, {cc}", cc)))
    for i in range(len(net.port_code)):
        results["ports"].append((str(net.port_name[i]), str(net.port_code[i]), 0, *class_of_port(net, i)))
    codes = code_countries(net, args.km)

    good = {"itself", "its port", "its city", "a bigger namesake", "a major port of that name"}
    for what, rows in results.items():
        counts = Counter(r[3] for r in rows)
        print(f"\n{what}: {len(rows)} names: " + ", ".join(f"{c} {n}" for c, n in counts.most_common()))
        for c in sorted(set(counts) - good):
            bad = [r for r in rows if r[3] == c]
            print(f"  {c} ({len(bad)}), largest first:")
            for name, cc, people, _, got in sorted(bad, key=lambda r: -r[2])[:args.list]:
                print(f"    {name} ({cc}{f', {people:,}' if people else ''}) -> {got}")
    print(f"\nUN/LOCODE prefix with no town of its country within {args.km:.0f} km of the port: {len(codes)}")
    for code, name, nearest, km in codes[:args.list]:
        print(f"    {code} {name}: nearest town in {nearest}, nearest town of {code[:2]} {km:,} km")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({**results, "codes": codes}, f, ensure_ascii=False, indent=0)


if __name__ == "__main__":
    main()
