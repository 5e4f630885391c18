"""Rows for ``curated/seagoing_waterways.csv`` from the World Port Index (NGA Pub. 150).

The build keeps as a seaport a port whose way to the sea crosses more than
``SEAPORT_MAX_LAND_KM`` of land on the 1 km water mask only when this CSV names it. The mask
calls most rivers land, so Antwerp, Houston or London would read as inland; the WPI lists
the ports seagoing ships use, with their harbour type. This script prints a CSV row for every
port of the compiled network over that limit that the WPI lists (by UN/LOCODE, else its
entry within 10 km in the same country) at most ``SAME_PLACE_KM`` from the port's coordinates
(a code whose WPI entry lies farther away names another place: Kings Mountain, Penticton); a
reviewer appends the rows, keeping the hand-sourced ones. Needs ``corridor data fetch wpi`` first.

Run: python scripts/seagoing_waterways_from_wpi.py >> rows.csv
"""

from __future__ import annotations

import csv
import sys

import numpy as np

from corridor.build.ports import SEAPORT_MAX_LAND_KM
from corridor.data import wpi
from corridor.geo import haversine_km
from corridor.network import load_network

SAME_PLACE_KM = 50.0


def main() -> int:
    index = wpi.load()
    if index is None:
        print("import the World Port Index first: corridor data fetch wpi", file=sys.stderr)
        return 2
    entries, meta = index
    net = load_network()
    out = csv.writer(sys.stdout, lineterminator="\n")
    for i in np.flatnonzero(np.isfinite(net.port_land_km) & (net.port_land_km > SEAPORT_MAX_LAND_KM)):
        code = str(net.port_code[i])
        nearby = [p for c, p in entries.items() if c[:2] == code[:2]]
        e = wpi.match(entries, code, float(net.port_lon[i]), float(net.port_lat[i]), nearby)
        if e is None or haversine_km(e.lon, e.lat, net.port_lon[i], net.port_lat[i]) > SAME_PLACE_KM:
            continue
        draft = f"{e.max_draft_m:g}" if e.max_draft_m else ""
        out.writerow([code, str(net.port_name[i]), f"WPI harbour type: {e.harbor_type or 'not given'}", draft,
                      f"listed by the World Port Index as {e.name} ({e.size or 'size not given'})",
                      f"{meta['source']} ({meta['origin']})", meta["licence"]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
