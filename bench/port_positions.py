"""Audit of port positions: does every port of the port list lie in its country?

Each port of ``corridor.data.ports.read_ports()`` (searoute's list with the curated rows) is
measured against the GeoNames towns of its country (``cities1000`` as shipped in
``geonames_cities.npz``: 140,000 places of 1,000 people or more, each with its country). The
port's country is its code's prefix, or the row of ``data/port_countries.csv`` where the prefix
is not it (``corridor.places.port_countries``).

* **Far from its country**: no town of its country within :data:`FAR_KM`. A port whose sign or
  decimal point is wrong lands thousands of kilometres off (San Jose, Costa Rica was in the Bay of
  Bengal); a real port this far from every town of its country is a remote island or an offshore
  terminal, and each of those is listed in :data:`REVIEWED` with what was checked. 200 km, not
  100: at 100 km some 40 real Arctic, Aleutian and offshore ports would need a reason each; the
  one wrong position read off the 100 km list (Mahe, INMAH, in Ladakh at 126 km) is corrected.
  The report maps' Natural Earth outlines carry no country names, so they cannot say which
  country a point is in; the towns can.
* **Sign flip**: a far port whose point with the longitude, the latitude or both negated lies
  within :data:`FLIP_KM` of a town of its country.
* **Off the World Port Index** (when the WPI is imported: ``corridor data fetch wpi``, or
  ``--wpi FILE`` with NGA's CSV export): ports whose WPI entry of the same UN/LOCODE lies more than
  ``--wpi-km`` away, with how far searoute's value read as degrees and minutes (34.56 as 34°56')
  lands from the WPI point: a common error of the list that moves a port up to 70 km, too little
  for the country check to see. The WPI is not shipped, so this part is not a test; its name or
  code is sometimes another port's (Tobermory, Ontario under GBTOB), so each row needs a look.

Run from a worktree (no network needed)::

    PYTHONPATH=src python bench/port_positions.py [--wpi-km 30] [--wpi WPI150.csv] [--all]

``tests/test_port_positions.py`` runs the same audit on the shipped data.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corridor.data.cities import read_towns
from corridor.data.ports import PortRow, read_ports
from corridor.geo import haversine_km

FAR_KM = 200.0  # no town of the port's country this close: the port is not where its country is
FLIP_KM = 50.0  # a negated coordinate this close to a town of the country is a sign flip
WPI_KM = 30.0  # default: list ports this far from their World Port Index entry
CHUNK = 64  # ports measured against a country's towns at once (the US has 17,000 towns: 9 MB a chunk)

# Ports farther than FAR_KM from every town of their country, checked one by one: real remote
# places (the WPI entry agrees where there is one, distance in brackets) or left as they are.
REVIEWED = {
    "UMAWK": "Wake Island (US Minor Outlying Islands): GeoNames lists no town of 1,000 people in UM; 19.3N 166.7E is the atoll",
    "USADK": "Adak, Aleutian Islands: 51.87N 176.67W is Adak Island; no US town of 1,000 people within 700 km",
    "USCAI": "Castle Island: in the Bering Sea west of the Pribilofs, 768 km from any US town; no published "
             "position found (not in the WPI): left as searoute gives it, a minor port no route needs",
    "GLNAQ": "Qaanaaq, north-west Greenland (77.47N 69.22W): Greenland's northernmost town, under 1,000 people",
    "GLTHU": "North Star Bugt, Pituffik (Thule Air Base), Greenland: WPI 'Pituffik' (7 km)",
    "AUJOV": "Jabiru Marine Terminal: an offshore oil terminal in the Timor Sea",
    "AUCHV": "Challis Venture Terminal: an offshore oil terminal in the Timor Sea",
    "KIBAN": "Banaba (Ocean Island), Kiribati's westernmost island, 0.85S 169.57E; the nearest Kiribati town is on Tarawa",
    "USSTP": "St Paul, Pribilof Islands, Bering Sea (57.17N 170.25W)",
    "USSTG": "St George, Pribilof Islands, Bering Sea (56.56N 169.61W)",
    "CACHV": "Churchill, Manitoba, on Hudson Bay: WPI 'Churchill' (8 km)",
    "RUAMV": "Amderma, on the Kara Sea coast (69.75N 61.58E)",
    "USYAK": "Yakutat, Alaska: WPI 'Yakutat' (4 km)",
    "CLISG": "Isla Guarello, a limestone quarry island of the Madre de Dios archipelago, Chilean Patagonia",
    "CANVK": "Nanisivik, Baffin Island (73.07N 84.55W), a former mine port on Admiralty Inlet",
}


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    country: str
    lat: float
    lon: float
    km: float  # to the nearest town of its country (inf: GeoNames has none)
    flip: str | None  # "lon", "lat" or "lon+lat": the negation that lands in the country
    flip_km: float | None


def port_country(row: PortRow) -> str:
    """Where the port lies: its row's country, corrected by ``data/port_countries.csv``."""
    from corridor.places import port_countries

    fix = port_countries().get(row.code)
    return fix.country if fix is not None else row.country


def _nearest_town_km(country: str, lon, lat) -> np.ndarray:
    """For each point, km to the nearest GeoNames town of ``country`` (inf when it has none)."""
    towns = read_towns()
    mine = towns.country == country
    lon, lat = np.atleast_1d(lon), np.atleast_1d(lat)
    if not mine.any():
        return np.full(len(lon), np.inf)
    tlon, tlat = towns.lon[mine][None, :], towns.lat[mine][None, :]
    return np.concatenate([haversine_km(lon[a:a + CHUNK, None], lat[a:a + CHUNK, None], tlon, tlat).min(axis=1)
                           for a in range(0, len(lon), CHUNK)])


def town_km(rows: list[PortRow]) -> np.ndarray:
    """For each port, km to the nearest GeoNames town of its country (inf when it has none)."""
    by_country: dict[str, list[int]] = {}
    for k, r in enumerate(rows):
        by_country.setdefault(port_country(r), []).append(k)
    km = np.empty(len(rows))
    for country, idx in by_country.items():
        km[idx] = _nearest_town_km(country, np.array([rows[k].lon for k in idx]), np.array([rows[k].lat for k in idx]))
    return km


def audit(rows: list[PortRow] | None = None) -> list[Finding]:
    """Every port farther than FAR_KM from every town of its country, farthest first, with the
    sign flip that puts it back in its country, if one does."""
    rows = read_ports() if rows is None else rows
    km = town_km(rows)
    found = []
    for k in np.flatnonzero(km > FAR_KM):
        r, country = rows[k], port_country(rows[k])
        flips = {name: float(_nearest_town_km(country, sx * r.lon, sy * r.lat)[0])
                 for name, sx, sy in (("lon", -1, 1), ("lat", 1, -1), ("lon+lat", -1, -1))}
        best = min(flips, key=flips.get)
        flipped = flips[best] <= FLIP_KM
        found.append(Finding(r.code, r.name, country, r.lat, r.lon, float(km[k]),
                             best if flipped else None, flips[best] if flipped else None))
    return sorted(found, key=lambda f: -f.km)


def minutes_read(value: float) -> float | None:
    """``value`` with its decimals read as minutes (34.56 -> 34°56'), None when they cannot be."""
    whole, minutes = int(abs(value)), round((abs(value) % 1) * 100, 6)
    return None if minutes >= 60 else float(np.copysign(whole + minutes / 60, value))


def wpi_offsets(rows: list[PortRow], wpi: dict, km: float) -> list[tuple[PortRow, object, float, float | None]]:
    """(row, WPI entry, km apart, km from the WPI point when read as minutes) for each port whose
    WPI entry of the same UN/LOCODE lies more than ``km`` away, farthest first."""
    out = []
    for r in rows:
        w = wpi.get(r.code)
        if w is None:
            continue
        apart = float(haversine_km(r.lon, r.lat, w.lon, w.lat))
        if apart > km:
            lat, lon = minutes_read(r.lat), minutes_read(r.lon)
            as_minutes = None if lat is None or lon is None else float(haversine_km(lon, lat, w.lon, w.lat))
            out.append((r, w, apart, as_minutes))
    return sorted(out, key=lambda t: -t[2])


def _load_wpi(path: str | None) -> dict | None:
    from corridor.data import wpi

    if path is None:
        loaded = wpi.load()
        return None if loaded is None else loaded[0]
    parsed = wpi.parse(Path(path).read_text(encoding="utf-8"))
    return {c: wpi.Port(c, p["name"], p["size"], p["harbor_type"], tuple(p["facilities"]), p["max_draft_m"],
                        p["lat"], p["lon"]) for c, p in parsed.items() if p["lat"] is not None and p["lon"] is not None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wpi", help="NGA World Port Index CSV export (default: the imported WPI, if any)")
    parser.add_argument("--wpi-km", type=float, default=WPI_KM, help="list ports this far from their WPI entry")
    parser.add_argument("--all", action="store_true", help="list reviewed ports too, with what was checked")
    args = parser.parse_args()

    rows = read_ports()
    findings = audit(rows)
    print(f"{len(rows)} ports; {len(findings)} farther than {FAR_KM:.0f} km from every GeoNames town of their "
          f"country ({sum(f.code in REVIEWED for f in findings)} reviewed)\n")
    print(f"{'code':6} {'name':26} {'cc':3} {'lat':>8} {'lon':>9} {'km':>7}  flip / reviewed")
    for f in findings:
        if f.code in REVIEWED and not args.all:
            continue
        what = (f"SIGN FLIP: {f.flip} negated lies {f.flip_km:.0f} km from a town of {f.country}" if f.flip
                else REVIEWED.get(f.code, "NOT REVIEWED"))
        print(f"{f.code:6} {f.name[:26]:26} {f.country:3} {f.lat:8.3f} {f.lon:9.3f} {f.km:7.0f}  {what}")

    wpi = _load_wpi(args.wpi)
    if wpi is None:
        print("\nWorld Port Index not imported ('corridor data fetch wpi', or --wpi FILE): its comparison is left out")
        return
    offsets = wpi_offsets(rows, wpi, args.wpi_km)
    print(f"\n{len(offsets)} ports more than {args.wpi_km:.0f} km from their World Port Index entry "
          f"({sum(r.code in wpi for r in rows)} have one); 'as min.': searoute's value read as degrees and minutes")
    print(f"{'code':6} {'name':24} {'major':>5} {'lat':>8} {'lon':>9}  {'WPI name':24} {'lat':>8} {'lon':>9} {'km':>6} "
          f"{'as min.':>7} {'source':>8}")
    for r, w, apart, as_minutes in offsets:
        minutes = "" if as_minutes is None else f"{as_minutes:.0f}"
        print(f"{r.code:6} {r.name[:24]:24} {int(r.major):5} {r.lat:8.3f} {r.lon:9.3f}  {w.name[:24]:24} {w.lat:8.3f} "
              f"{w.lon:9.3f} {apart:6.0f} {minutes:>7} {r.source:>8}")


if __name__ == "__main__":
    main()
