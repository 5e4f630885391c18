"""Turning what a user typed into a place: a port, a city, a point, or a country's main seaports.

Accepted: UN/LOCODEs ("PECHY", "PE CHY"), port names with typos ("chancai"), city names
from the GeoNames gazetteer ("Xi'an", "Tbilisi"), "lat,lon" strings, ``(lat, lon)`` tuples,
ISO 3166 country codes or names ("PE", "Peru"). An exact port name wins over a city of
the same name ("Istanbul" is the port); a city wins over fuzzy port matches ("Baku").
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from numbers import Integral, Real

import numpy as np

from corridor.data.cities import read_cities
from corridor.errors import BadInput, PlaceNotFound

_COORDS = re.compile(r"^\s*\(?\s*([^,()]+?)\s*,\s*([^,()]+?)\s*\)?\s*$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
FUZZY_ACCEPT = 80.0  # rapidfuzz ratio of the whole name
MAX_QUERY_CHARS = 200  # far above any place name ("Llanfairpwllgwyngyll..." is 58)
MAX_LIMIT = 100


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


def port_place(net, i: int, note: str | None = None) -> Place:
    return Place("port", str(net.port_name[i]), float(net.port_lon[i]), float(net.port_lat[i]),
                 code=str(net.port_code[i]), country=str(net.port_country[i]), ports=(i,), note=note)


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


@lru_cache(maxsize=4)
def _name_index(net) -> tuple[list[str], dict[str, int]]:
    names = [str(n) for n in net.port_name]
    codes = {str(c): i for i, c in enumerate(net.port_code)}
    return names, codes


def _fold(text: str) -> str:
    """Lower case without accents or apostrophes: "Xi’an" and "xian" match."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch) and ch not in "'’`ʼ")


@lru_cache(maxsize=1)
def _city_names() -> dict[str, int]:
    """Folded name or alternate name -> index of the most populous city bearing it."""
    cities = read_cities("15000")
    out: dict[str, int] = {}
    for i in range(len(cities.name) - 1, -1, -1):  # most populous last, so it wins
        for name in (cities.name[i], *cities.alternates[i]):
            out[_fold(str(name))] = i
    return out


def city_place(i: int) -> Place:
    c = read_cities("15000")
    return Place("city", str(c.name[i]), float(c.lon[i]), float(c.lat[i]), country=str(c.country[i]))


def _country(text: str):
    """The pycountry record a 2-letter code or an exact country name denotes, else None."""
    import pycountry

    try:
        if len(text) == 2:
            return pycountry.countries.get(alpha_2=text.upper())
        return pycountry.countries.lookup(text)
    except LookupError:
        return None


def country_ports(net, iso2: str) -> list[int]:
    """A country's main seaports: the ports flagged major in the data, else all of them."""
    idx = np.flatnonzero(net.port_country == iso2)
    major = [int(i) for i in idx if net.port_major[i]]
    return major or [int(i) for i in idx]


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
    exact = [i for i, name in enumerate(names) if name.lower() == text.lower()]
    if exact:  # "Singapore", "Djibouti", "Panama": the port, not the country
        return port_place(net, max(exact, key=lambda i: bool(net.port_major[i])))
    country = _country(text)
    if country is not None:
        ports = country_ports(net, country.alpha_2)
        if not ports:
            raise PlaceNotFound(text, [f"{country.name} has no seaport in the data; name a foreign port"])
        lon = float(np.mean(net.port_lon[ports]))
        lat = float(np.mean(net.port_lat[ports]))
        return Place("country", country.name, lon, lat, code=country.alpha_2, country=country.alpha_2,
                     ports=tuple(ports))
    city = _city_names().get(_fold(text))
    if city is not None:
        return city_place(city)
    matches = search(text, net, limit=5)
    if matches and _close_enough(text, names[matches[0][0]]):
        top = [m for m in matches if m[1] == matches[0][1] and _close_enough(text, names[m[0]])]
        best = max(top, key=lambda m: bool(net.port_major[m[0]]))
        others = [f"{net.port_name[m[0]]} ({net.port_code[m[0]]})" for m in top if m is not best]
        note = f"also matches: {', '.join(others)}" if others else None
        return port_place(net, best[0], note)
    raise PlaceNotFound(text, [f"{net.port_name[i]} ({net.port_code[i]}, {net.port_country[i]})"
                               for i, _ in matches])


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


def lookup(query, net, *, limit: int = 10) -> list[dict]:
    """What ``corridor places`` lists: a country's main ports, a point, or the best name matches."""
    limit = check_limit(limit)
    place = None
    try:
        place = resolve(query, net)
    except PlaceNotFound:
        pass
    if place is not None and place.kind == "country":
        return [port_place(net, i).to_dict() for i in place.ports][:limit]
    if place is not None and place.kind in ("point", "city"):
        return [place.to_dict()]
    rows = []
    for i, score in search(str(query), net, limit=limit):
        d = port_place(net, i).to_dict()
        d["score"] = round(score, 1)
        rows.append(d)
    return rows
