"""Turning what a user typed into a place: a port, a city, a point, or a country's main seaports.

Accepted: UN/LOCODEs ("PECHY", "PE CHY"), port names with typos ("chancai"), former names
and other spellings of ports (``curated/port_aliases.csv``: "Bombay", "Busan", "Gothenburg"),
city names from the GeoNames gazetteer ("Xi'an", "Tbilisi"), "lat,lon" strings, ``(lat, lon)``
tuples, ISO 3166 country codes or names ("PE", "Peru").

Order and the notes that say which reading was taken:

- an alias names its port ("Bombay" -> Mumbai, INBOM);
- "name, country" ("Preston, GB", "Preston, United Kingdom") reads the name within that country;
- a city's own name comes before another city's alternate name ("Yawata" is Yawata in Kyoto,
  not Kurihama, which GeoNames also calls Yawata); a city found only under an alternate name is
  labelled with both ("Kaiping (Changsha)": GeoNames names Kaiping's seat Changsha);
- among ports of one exact name, a major port first, then the one in the biggest city of that
  name, then one that takes ships ("Preston" is Preston, GB, not the Cuban Preston, CUPRE);
- an exact port name wins over a city of the same name ("Istanbul" is the port), unless a city
  of that name far from the port is the bigger place: bigger than any city of the name at the
  port, and for a major port also at least :data:`BIG_CITY` people and :data:`FAR_CITY_FACTOR`
  times bigger ("Santiago" is Chile's capital, not Santiago de Cuba);
  or unless the port takes no ships (an inland or river port, no sea connector) and a city of
  that name is near it: then the city wins ("Madrid" is the city, "ESMAD" the dry port);
- a city wins over fuzzy port matches ("Baku"; the note names the port of Baku), except a city
  found under a variant spelling next to a major port of nearly that name: a typo of the port
  ("Shangai" -> Shanghai, CNSHA, with a note saying so).

A note names the other places of that name and how to ask for them ("'Preston, AU'", a UN/LOCODE).
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from numbers import Integral, Real

import numpy as np

from corridor.data.cities import read_cities
from corridor.data.city_names import city_name_index
from corridor.data.city_names import fold as _fold
from corridor.errors import BadInput, PlaceNotFound
from corridor.network_memo import per_network

_COORDS = re.compile(r"^\s*\(?\s*([^,()]+?)\s*,\s*([^,()]+?)\s*\)?\s*$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
FUZZY_ACCEPT = 80.0  # rapidfuzz ratio of the whole name
MAX_QUERY_CHARS = 200  # far above any place name ("Llanfairpwllgwyngyll..." is 58)
MAX_LIMIT = 100
NEAR_KM = 50.0  # a port this close to a city of its name is that city's port
PORT_OF_CITY_KM = 80.0  # how far a city's own port may lie (Baku's moved 65-70 km south, to Alat)
BIG_CITY = 1_000_000  # a city this large is what a bare name means when its namesake port is elsewhere...
FAR_CITY_FACTOR = 3  # ...and it is this many times larger than the namesake city at the port, if any


@dataclass(frozen=True)
class Place:
    kind: str  # "port" | "point" | "country" | "city" (also "terminal", "border", "waypoint" inside routes)
    label: str
    lon: float
    lat: float
    code: str | None = None  # UN/LOCODE (port) or ISO alpha-2 (country)
    country: str | None = None
    ports: tuple[int, ...] = ()  # indexes into the network's port table
    note: str | None = None

    def to_dict(self) -> dict:
        d = {"kind": self.kind, "name": self.label, "code": self.code, "country": self.country,
             "lat": round(self.lat, 6), "lon": round(self.lon, 6)}
        if self.note:
            d["note"] = self.note
        return d


@dataclass(frozen=True)
class PortCountry:
    country: str  # ISO 3166-1 alpha-2 of where the port lies
    why: str


@lru_cache(maxsize=1)
def port_countries() -> dict[str, PortCountry]:
    """Port code -> the country the port lies in, for codes of the port list whose first two
    letters are not it (``data/port_countries.csv``, a source per row): a withdrawn country code
    (AN, CS), or a wrong one ("TKMRW", Turkmenbashy, read Tokelau)."""
    path = resources.files("corridor.data").joinpath("port_countries.csv")
    with path.open(newline="", encoding="utf-8") as f:
        return {r["code"]: PortCountry(r["country"], r["why"]) for r in csv.DictReader(f)}


def port_country(net, i: int) -> str:
    """The country port ``i`` lies in: the network's (its code's prefix), corrected by :func:`port_countries`."""
    fix = port_countries().get(str(net.port_code[i]))
    return fix.country if fix is not None else str(net.port_country[i])


def port_place(net, i: int, note: str | None = None) -> Place:
    code = str(net.port_code[i])
    fix = port_countries().get(code)
    country = str(net.port_country[i]) if fix is None else fix.country
    if fix is not None:  # the answer says which country, and why it is not the code's
        note = _join(note, f"country {fix.country}, not {code[:2]} as the code {code} reads: {fix.why}")
    return Place("port", str(net.port_name[i]), float(net.port_lon[i]), float(net.port_lat[i]),
                 code=code, country=country, ports=(i,), note=note)


def airport_place(iata: str) -> Place | None:
    """The airport with this IATA code (airportsdata), or None."""
    from corridor.data.airports import read_airports

    a = read_airports()
    i = a.index().get(iata)
    if i is None:
        return None
    return Place("airport", f"{a.name[i]} ({a.iata[i]})", float(a.lon[i]), float(a.lat[i]), code=str(a.iata[i]),
                 country=str(a.country[i]))


def parse_coordinates(text: str) -> tuple[float, float] | None:
    """(lat, lon) from "lat,lon"; None when the text is not coordinates at all."""
    m = _COORDS.match(text)
    if not m:
        return None
    a, b = m.group(1), m.group(2)
    looks_numeric = [bool(re.match(r"^[\s+\-.\d]+$", s)) for s in (a, b)]
    if not any(looks_numeric):
        return None  # a name with a comma, e.g. "Santos, Brazil"
    if not (_NUMBER.match(a) and _NUMBER.match(b)):
        raise BadInput(f"Malformed coordinates {text!r}: give 'lat,lon' in decimal degrees, e.g. '-11.59,-77.28'.")
    return check_lat_lon(float(a), float(b), text)


def check_lat_lon(lat: float, lon: float, given) -> tuple[float, float]:
    """``(lat, lon)`` checked, with one spelling per point: longitude 180 is given as -180 (the
    same meridian), so the same place on both sides of the antimeridian is seen as the same."""
    if not -90.0 <= lat <= 90.0:
        raise BadInput(f"Latitude {lat} out of range in {given!r}: it must be between -90 and 90 "
                       "(coordinates are 'lat,lon').")
    if not -180.0 <= lon <= 180.0:
        raise BadInput(f"Longitude {lon} out of range in {given!r}: it must be between -180 and 180.")
    return lat, -180.0 if lon == 180.0 else lon


def check_query(query) -> None:
    """Refuse, with :class:`BadInput`, a place query that cannot name a place, before any search.

    Accepted: a :class:`Place`, a non-empty string of at most :data:`MAX_QUERY_CHARS` characters
    (a "lat,lon" string must be valid coordinates), or ``(lat, lon)`` as two finite numbers in
    range (a tuple, or a two-item list as JSON gives it).
    """
    if isinstance(query, Place):
        return
    if isinstance(query, str):
        if len(query) > MAX_QUERY_CHARS:  # before anything else: fuzzy matching a long text takes seconds
            raise BadInput(f"Place query too long ({len(query):,} characters); a place name, code or "
                           f"'lat,lon' is at most {MAX_QUERY_CHARS} characters.")
        if not query.strip():
            raise BadInput("Empty place: give a port name, UN/LOCODE, city, country code or 'lat,lon'.")
        parse_coordinates(query.strip())
        return
    if isinstance(query, (tuple, list)):
        if len(query) != 2 or not all(isinstance(v, Real) and not isinstance(v, bool) for v in query):
            raise BadInput(f"Coordinates {_short(query)} must be two numbers (lat, lon).")
        if not all(math.isfinite(v) for v in query):
            raise BadInput(f"Coordinates {_short(query)} must be finite numbers (lat, lon).")
        check_lat_lon(float(query[0]), float(query[1]), query)
        return
    raise BadInput(f"Unsupported place {_short(query)} ({type(query).__name__}): give a port name, UN/LOCODE, "
                   "city, country code, 'lat,lon' or a (lat, lon) pair.")


def _short(query) -> str:
    """``repr`` of a query, cut short: an error message must not echo a huge input back."""
    text = repr(query)
    return text if len(text) <= 60 else text[:57] + "..."


def check_limit(limit) -> int:
    """The number of matches asked for, a whole number from 1 to :data:`MAX_LIMIT`."""
    if isinstance(limit, bool) or not isinstance(limit, Integral) or not 1 <= limit <= MAX_LIMIT:
        raise BadInput(f"limit must be a whole number from 1 to {MAX_LIMIT}, not {_short(limit)}.")
    return int(limit)


@per_network(maxsize=4)
def _name_index(net) -> tuple[list[str], dict[str, int]]:
    names = [str(n) for n in net.port_name]
    codes = {str(c): i for i, c in enumerate(net.port_code)}
    return names, codes


def port_row(net, code: str) -> int | None:
    """The row of the network's port table with UN/LOCODE ``code`` (None when absent); the index
    is kept per network."""
    return _name_index(net)[1].get(code)


def _cities_named(folded: str) -> list[int]:
    """Indexes of every city bearing the folded name (or having it as an alternate), most populous first."""
    return city_name_index().cities(folded)


def _cities_by_name(folded: str, country: str | None = None) -> tuple[list[int], list[int]]:
    """The cities bearing the folded name as their own name, and those having it only as an
    alternate name, each most populous first; within ``country`` (ISO alpha-2) when given."""
    cities = read_cities("15000")
    named = [i for i in _cities_named(folded) if country is None or cities.country[i] == country]
    own = [i for i in named if _fold(str(cities.name[i])) == folded]
    return own, [i for i in named if i not in own]


def _cities_named_near(folded: str, lon: float, lat: float, km: float) -> list[int]:
    """Cities within ``km`` of a point that bear the folded name (or have it as an alternate)."""
    from corridor.geo import haversine_km

    cities = read_cities("15000")
    named = set(_cities_named(folded))
    return [int(i) for i in np.flatnonzero(haversine_km(lon, lat, cities.lon, cities.lat) <= km) if i in named]


def city_place(i: int, note: str | None = None, *, typed: str | None = None) -> Place:
    """City ``i``; asked for as ``typed``, an alternate name GeoNames gives it, its label shows
    both ("Kaiping (Changsha)"), so the answer is not taken for another city of its own name."""
    c = read_cities("15000")
    name = str(c.name[i])
    label = name if typed is None or _fold(typed) == _fold(name) else f"{typed.strip()} ({name})"
    return Place("city", label, float(c.lon[i]), float(c.lat[i]), country=str(c.country[i]), note=note)


@dataclass(frozen=True)
class Alias:
    code: str  # UN/LOCODE of the port
    why: str  # "former name of Chennai (renamed 1996)"


@lru_cache(maxsize=1)
def port_aliases() -> dict[str, Alias]:
    """Folded alias -> the port it names, from ``curated/port_aliases.csv`` (a source per row)."""
    path = resources.files("corridor.data").joinpath("curated", "port_aliases.csv")
    with path.open(newline="", encoding="utf-8") as f:
        return {_fold(row["alias"]): Alias(row["code"], row["why"]) for row in csv.DictReader(f)}


def _km(place: Place, lon, lat):
    from corridor.geo import haversine_km

    return haversine_km(place.lon, place.lat, lon, lat)


def _join(*notes: str | None) -> str | None:
    return "; ".join(n for n in notes if n) or None


def _country(text: str):
    """The pycountry record a 2-letter code or an exact country name denotes, else None."""
    import pycountry

    try:
        if len(text) == 2:
            return pycountry.countries.get(alpha_2=text.upper())
        return pycountry.countries.lookup(text)
    except LookupError:
        return None


def ports_in(net, iso2: str) -> list[int]:
    """Every port of the network that lies in country ``iso2`` (codes corrected by :func:`port_countries`)."""
    fixed = port_countries()
    idx = [int(i) for i in np.flatnonzero(net.port_country == iso2) if str(net.port_code[i]) not in fixed]
    return idx + [i for i in (port_row(net, code) for code, fix in fixed.items() if fix.country == iso2)
                  if i is not None]


def country_ports(net, iso2: str) -> list[int]:
    """A country's main seaports: the ports flagged major in the data, else all of them."""
    idx = ports_in(net, iso2)
    major = [i for i in idx if net.port_major[i]]
    return major or idx


def resolve(query, net) -> Place:
    """The place a query names; :class:`PlaceNotFound` with suggestions, or :class:`BadInput`."""
    check_query(query)
    if isinstance(query, Place):
        return query
    if isinstance(query, (tuple, list)):
        lat, lon = check_lat_lon(float(query[0]), float(query[1]), query)
        return Place("point", f"{lat:.4f},{lon:.4f}", lon, lat)
    text = query.strip()
    coords = parse_coordinates(text)
    if coords:
        return Place("point", f"{coords[0]:.4f},{coords[1]:.4f}", coords[1], coords[0])
    names, codes = _name_index(net)
    code = text.replace(" ", "").upper()
    if len(code) == 5 and code in codes:
        return port_place(net, codes[code])
    if len(text) == 3 and text.isalpha() and text.isupper():  # IATA code, upper case only ("GOA" not "Goa")
        airport = airport_place(text)
        if airport is not None:
            return airport
    alias = port_aliases().get(_fold(text))
    if alias is not None and alias.code in codes:
        return port_place(net, codes[alias.code], f"port {alias.code} for {text!r}: {alias.why}")
    name, iso2 = _name_and_country(text)
    if iso2 is not None:
        try:
            return _in_country(net, name, iso2, text)
        except PlaceNotFound:
            pass  # "Bima, Sb": a port's own name with a comma, read whole below
    exact = [i for i, name in enumerate(names) if name.lower() == text.lower()]
    if exact:  # "Singapore", "Djibouti", "Panama": the port, not the country
        return _port_or_city(net, text, exact, *_cities_by_name(_fold(text)))
    country = _country(text)
    if country is not None:
        ports = country_ports(net, country.alpha_2)
        if not ports:
            raise PlaceNotFound(text, [f"{country.name} has no seaport in the data; name a foreign port"])
        lon = float(np.mean(net.port_lon[ports]))
        lat = float(np.mean(net.port_lat[ports]))
        return Place("country", country.name, lon, lat, code=country.alpha_2, country=country.alpha_2,
                     ports=tuple(ports))
    own, alternate = _cities_by_name(_fold(text))
    if own or alternate:  # a city's own name before another city's alternate name
        city = (own or alternate)[0]
        typo = _port_typo(net, text, city)
        return typo if typo is not None else _city_with_notes(net, text, city, own + alternate)
    matches = search(text, net, limit=5)
    if matches and _close_enough(text, names[matches[0][0]]):
        top = [m for m in matches if m[1] == matches[0][1] and _close_enough(text, names[m[0]])]
        best = max(top, key=lambda m: bool(net.port_major[m[0]]))
        others = [f"{net.port_name[m[0]]} ({net.port_code[m[0]]})" for m in top if m is not best]
        return port_place(net, best[0], _join(_corrected(text, names[best[0]], net.port_code[best[0]]),
                                              f"also matches: {', '.join(others)}" if others else None))
    raise PlaceNotFound(text, [f"{net.port_name[i]} ({net.port_code[i]}, {port_country(net, i)})"
                               for i, _ in matches])


def _name_and_country(text: str) -> tuple[str, str | None]:
    """("Preston", "GB") for "Preston, GB" or "Preston, United Kingdom"; (text, None) when the
    text after the last comma is no country ("Santos harbour, west")."""
    head, comma, tail = text.rpartition(",")
    country = _country(tail.strip()) if comma and head.strip() and tail.strip() else None
    return (head.strip(), country.alpha_2) if country is not None else (text, None)


def _in_country(net, name: str, iso2: str, text: str) -> Place:
    """What ``name`` means within country ``iso2``, by the same rules as a bare name: an alias
    or a port of that exact name there, else a city of that name there, else a port there whose
    name is nearly that; :class:`PlaceNotFound` naming the country's nearest matches otherwise."""
    names, codes = _name_index(net)
    alias = port_aliases().get(_fold(name))
    if alias is not None and alias.code in codes and port_country(net, codes[alias.code]) == iso2:
        return port_place(net, codes[alias.code], f"port {alias.code} for {name!r}: {alias.why}")
    exact = [i for i, n in enumerate(names) if n.lower() == name.lower() and port_country(net, i) == iso2]
    own, alternate = _cities_by_name(_fold(name), iso2)
    if exact:
        return _port_or_city(net, name, exact, own, alternate)
    if own or alternate:
        return _city_with_notes(net, name, (own or alternate)[0], own + alternate)
    matches = [m for m in search(name, net, limit=50) if port_country(net, m[0]) == iso2]
    if matches and _close_enough(name, names[matches[0][0]]):
        i = matches[0][0]
        return port_place(net, i, _corrected(name, names[i], net.port_code[i]))
    raise PlaceNotFound(text, [f"{net.port_name[i]} ({net.port_code[i]}, {port_country(net, i)})"
                               for i, _ in matches[:5]])


def _corrected(text: str, name: str, code) -> str | None:
    """"corrected from 'Shangai' (port CNSHA)" when the name taken is not what was typed."""
    return None if _fold(text) == _fold(name) else f"corrected from {text!r} (port {code})"


def _port_or_city(net, text: str, exact: list[int], own: list[int], alternate: list[int]) -> Place:
    """The place a name borne by the ports ``exact`` and the cities ``own`` (their own name) and
    ``alternate`` (an alternate name) means.

    The port: a major one first, then the one in the biggest city of the name, then one that takes
    ships. A city of the name far from it wins when it is the bigger place: bigger than any city
    of the name at the port and, for a major port, also at least :data:`BIG_CITY` people and
    :data:`FAR_CITY_FACTOR` times bigger ("Santiago": Chile's capital, not Santiago de Cuba's
    port; "Preston" would be Preston, GB, over a port of that name elsewhere). When the port takes
    no ships (an inland or river port: "Madrid", ESMAD) the city of that name at the port wins,
    which a trade office means and whose access reaches the port anyway. The note names the other
    readings either way."""
    cities = read_cities("15000")
    named = own + alternate

    def near(i: int) -> list[int]:
        return [k for k in named if _km(port_place(net, i), cities.lon[k], cities.lat[k]) <= NEAR_KM]

    def people_at(i: int) -> int:
        return max((int(cities.population[k]) for k in near(i)), default=0)

    best = max(exact, key=lambda i: (bool(net.port_major[i]), people_at(i), takes_ships(net, i)))
    port, near_best, biggest_near = port_place(net, best), near(best), people_at(best)
    major = bool(net.port_major[best])
    bigger = [k for k in own  # a city's alternate name ("Olbia" for Antalya) never beats a port's own name
              if k not in near_best and cities.population[k] > biggest_near
              and (not major or (cities.population[k] >= BIG_CITY
                                 and cities.population[k] >= FAR_CITY_FACTOR * biggest_near))]
    other_ports = _other_ports(net, exact, best)
    if bigger:
        city = bigger[0]
        return city_place(city, _join(f"the city in {cities.country[city]}, the largest place of that name; "
                                      f"the port {port.label} ({port.code}, {port.country}) is also so named: "
                                      f"give {port.code!r} for it", other_ports, _other_cities(named, city)),
                          typed=text)
    if near_best and not takes_ships(net, best):
        city = max(near_best, key=lambda k: (k in own, int(cities.population[k])))
        # "no sea access", not "inland": a few coastal ports are not joined to the sea either (Dakhla)
        return city_place(city, _join(f"the city; the port {port.label} ({port.code}) of that name has no "
                                      f"sea access in the network: give {port.code!r} for it",
                                      other_ports, _other_cities(named, city)), typed=text)
    country = _country(text)
    if country is not None:
        return replace(port, note=_join(f"the port {port.code}, not the country {country.name}: give "
                                        f"{country.alpha_2!r} for its main seaports", other_ports, port.note))
    far = [k for k in named if k not in near_best]
    return replace(port, note=_join(f"the port {port.code}, not the city" if near_best else None, other_ports,
                                    _other_cities(far, -1), port.note))


def takes_ships(net, i: int) -> bool:
    """Whether port ``i`` is joined to the sea layer: a seaport, or a river port on a sourced
    seagoing waterway; an inland or river port beyond them has no sea connector."""
    return bool(net.port_conn_indptr[i + 1] > net.port_conn_indptr[i])


def _other_cities(same_name: list[int], chosen: int) -> str | None:
    """"other places of that name: 'Preston, AU', ..." for up to three cities besides the one
    chosen, each as it can be asked for: "name, country" when that means it, else "lat,lon"."""
    cities = read_cities("15000")
    others = []
    for i in [i for i in same_name if i != chosen][:3]:
        name, country = str(cities.name[i]), str(cities.country[i])
        own, alternate = _cities_by_name(_fold(name), country)
        way = f"{name}, {country}" if (own or alternate)[0] == i else f"{cities.lat[i]:.4f},{cities.lon[i]:.4f}"
        others.append(f"{name} ({country}): {way!r}")
    return f"other places of that name: {', '.join(others)}" if others else None


def _other_ports(net, same_name: list[int], chosen: int) -> str | None:
    """"other ports of that name: Preston (CU): 'CUPRE'" for up to three ports besides the one chosen."""
    others = [f"{net.port_name[i]} ({port_country(net, i)}): {str(net.port_code[i])!r}" for i in same_name
              if i != chosen][:3]
    return f"other ports of that name: {', '.join(others)}" if others else None


def _port_typo(net, text: str, city: int) -> Place | None:
    """The major port a typo meant: the city was found only under a variant spelling ("Shangai"
    is an alternate name of Shanghai in GeoNames) and a major port of nearly that name is next to it."""
    c = read_cities("15000")
    if _fold(text) == _fold(str(c.name[city])):
        return None
    names = _name_index(net)[0]
    for i, _ in search(text, net, limit=5):
        if (net.port_major[i] and _close_enough(text, names[i])
                and _km(city_place(city), net.port_lon[i], net.port_lat[i]) <= NEAR_KM):
            return port_place(net, i, _corrected(text, names[i], net.port_code[i]))
    return None


def _city_with_notes(net, text: str, city: int, same_name: list[int]) -> Place:
    """The city, with a note naming its port ("Baku": Port of Baku (Alat), AZBAK) and the other
    places of that name (``same_name``)."""
    place = city_place(city)
    folded = _fold(place.label)
    names = _name_index(net)[0]
    ports = [i for i in ports_in(net, place.country)
             if folded in _fold(names[i]) and _km(place, net.port_lon[i], net.port_lat[i]) <= PORT_OF_CITY_KM]
    port_note = (f"the city; its port is {names[ports[0]]}: give {str(net.port_code[ports[0]])!r} to start "
                 "from the port" if ports else None)
    return replace(city_place(city, typed=text), note=_join(port_note, _other_cities(same_name, city)))


def _close_enough(query: str, name: str) -> bool:
    """Accept a fuzzy match only when the whole name is nearly what was typed ("chancai")."""
    from rapidfuzz import fuzz

    return fuzz.ratio(query.lower(), name.lower()) >= FUZZY_ACCEPT


def search(text: str, net, *, limit: int = 10) -> list[tuple[int, float]]:
    """(port index, score 0-100) of the ports whose name or code best matches ``text``."""
    from rapidfuzz import fuzz, process

    names, codes = _name_index(net)
    hits: dict[int, float] = {}
    code = text.replace(" ", "").upper()
    if code in codes:
        hits[codes[code]] = 100.0
    lowered = [n.lower() for n in names]
    # The whole query, discounted: WRatio rewards shared common words ("harbour") too much.
    for _, score, i in process.extract(text.lower(), lowered, scorer=fuzz.WRatio, limit=limit * 3):
        hits[i] = max(hits.get(i, 0.0), 0.9 * float(score))
    # Each longer word on its own, so "Rotterdxm harbour west" still finds Rotterdam.
    for word in {w for w in text.lower().replace(",", " ").split() if len(w) >= 4}:
        for _, score, i in process.extract(word, lowered, scorer=fuzz.ratio, limit=limit * 3):
            hits[i] = max(hits.get(i, 0.0), float(score))
    ranked = sorted(hits.items(), key=lambda kv: (-kv[1], not net.port_major[kv[0]], names[kv[0]]))
    return ranked[:limit]


@dataclass(frozen=True)
class PlaceMatch:
    """One answer of :func:`corridor.places`: a port, a country's port, a city or a point.

    Serialises with :meth:`to_dict` to the JSON of ``corridor places --json`` and ``GET /places``;
    ``match["name"]`` and ``match.get("note")`` read the same keys, as the dicts of corridor 0.1 did.

    Attributes
    ----------
    kind : str
        "port", "city", "point" or "airport".
    name : str
        The place's name ("Chancay"), or "lat,lon" for a point.
    code : str or None
        UN/LOCODE of a port ("PECHY"), IATA code of an airport.
    country : str or None
        ISO 3166 alpha-2 code.
    lat, lon : float
        Degrees (WGS 84), rounded to 6 decimals.
    note : str or None
        Which reading of the query was taken, when it could be read otherwise.
    score : float or None
        How well a port's name matched the query, 0 to 100 (name searches only).
    """

    kind: str
    name: str
    code: str | None
    country: str | None
    lat: float
    lon: float
    note: str | None = None
    score: float | None = None

    @classmethod
    def of(cls, place: Place, score: float | None = None) -> PlaceMatch:
        """The match for a resolved :class:`Place`, with its name-search score if any."""
        d = place.to_dict()
        return cls(d["kind"], d["name"], d["code"], d["country"], d["lat"], d["lon"], d.get("note"),
                   None if score is None else round(score, 1))

    def to_dict(self) -> dict:
        """The JSON object: kind, name, code, country, lat, lon, then note and score when set."""
        d = {"kind": self.kind, "name": self.name, "code": self.code, "country": self.country,
             "lat": self.lat, "lon": self.lon}
        if self.note:
            d["note"] = self.note
        if self.score is not None:
            d["score"] = self.score
        return d

    def __getitem__(self, key: str):
        """``match["name"]``: the value :meth:`to_dict` has under ``key`` (KeyError otherwise)."""
        return self.to_dict()[key]

    def get(self, key: str, default=None):
        """``match.get("note")``, as for a dict."""
        return self.to_dict().get(key, default)


def find(query, net, *, limit: int = 10) -> list[PlaceMatch]:
    """What ``corridor places`` lists: a country's main ports, a point, or the best name matches."""
    limit = check_limit(limit)
    place = None
    try:
        place = resolve(query, net)
    except PlaceNotFound:
        pass
    if place is not None and place.kind == "country":
        return [PlaceMatch.of(port_place(net, i)) for i in place.ports][:limit]
    if place is not None and (place.kind == "point" or (place.kind == "city" and not place.note)):
        return [PlaceMatch.of(place)]
    rows = [PlaceMatch.of(place)] if place is not None and place.kind == "city" else []  # the ports it also names follow
    rows += [PlaceMatch.of(port_place(net, i), score) for i, score in search(str(query), net, limit=limit - len(rows))]
    return rows


def lookup(query, net, *, limit: int = 10) -> list[dict]:
    """:func:`find` as JSON-ready dicts (``GET /places``)."""
    return [m.to_dict() for m in find(query, net, limit=limit)]
