"""The legs of a route as flat rows: one per leg, every typed field of :class:`corridor.route.Leg`,
the figures as ``corridor route --json`` rounds them. Shared by the CSV, KML and GeoParquet exports."""

from __future__ import annotations

import csv
import io
import math

LIST_SEPARATOR = "; "  # passages and border countries in one cell ("Panama Canal; Strait of Gibraltar")

FIELDS = ("leg", "mode", "kind", "name", "from", "from_kind", "from_code", "from_country", "from_lat", "from_lon",
          "to", "to_kind", "to_code", "to_country", "to_lat", "to_lon", "distance_km", "distance_nmi",
          "duration_h", "duration_h_fast", "duration_h_slow", "cost_usd", "co2e_kg", "co2e_wtt_kg", "co2e_ttw_kg",
          "passages", "passage_keys", "border_name", "border_kind", "border_countries", "sailing_interval_h",
          "assumption")
NUMBERS = frozenset({"leg", "from_lat", "from_lon", "to_lat", "to_lon", "distance_km", "distance_nmi", "duration_h",
                     "duration_h_fast", "duration_h_slow", "cost_usd", "co2e_kg", "co2e_wtt_kg", "co2e_ttw_kg",
                     "sailing_interval_h"})


def leg_priced(leg) -> bool:
    """False when the leg's price rests on a figure with no source (a passenger fare): no USD then."""
    return all(a.value is not None and math.isfinite(a.value) for a in leg.basis.get("cost_usd", []))


def leg_rows(route) -> list[dict]:
    """One dict per leg, keys :data:`FIELDS`; ``None`` where a field does not apply (a sea leg has
    no border) or has no source (``cost_usd`` of an unpriced fare)."""
    rows = []
    for i, leg in enumerate(route.legs):
        d = leg.to_dict()
        o, t = d["from_place"], d["to_place"]
        border = leg.border
        rows.append({
            "leg": i, "mode": leg.mode, "kind": leg.kind.value if leg.kind else None, "name": leg.name,
            "from": d["from"], "from_kind": o["kind"], "from_code": o["code"], "from_country": o["country"],
            "from_lat": o["lat"], "from_lon": o["lon"],
            "to": d["to"], "to_kind": t["kind"], "to_code": t["code"], "to_country": t["country"],
            "to_lat": t["lat"], "to_lon": t["lon"],
            "distance_km": d["distance_km"], "distance_nmi": d["distance_nmi"], "duration_h": d["duration_h"],
            "duration_h_fast": d["duration_h_range"][0], "duration_h_slow": d["duration_h_range"][1],
            "cost_usd": d["cost_usd"] if leg_priced(leg) else None, "co2e_kg": d["co2e_kg"],
            "co2e_wtt_kg": d["co2e_wtt_kg"], "co2e_ttw_kg": d["co2e_ttw_kg"],
            "passages": LIST_SEPARATOR.join(leg.passage_names), "passage_keys": LIST_SEPARATOR.join(leg.passages),
            "border_name": border.name if border else None, "border_kind": border.kind.value if border else None,
            "border_countries": LIST_SEPARATOR.join(border.countries) if border else None,
            "sailing_interval_h": round(leg.sailing_interval_h, 1), "assumption": leg.assumption,
        })
    return rows


def to_csv(route) -> str:
    """The legs as CSV (RFC 4180, header row :data:`FIELDS`; an empty cell where a field is ``None``)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(leg_rows(route))
    return out.getvalue()
