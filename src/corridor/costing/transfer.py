"""Transfers: handling at terminals, waiting at borders, transshipment where gauges change."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from corridor.costing import Assumption
from corridor.data import borders as border_table

PORT = Assumption("port dwell, ship <-> land", 72.0, "h",
                  "World Bank (2012), Why Does Cargo Spend Weeks in Sub-Saharan African Ports?, ch. 3: "
                  "'dwell times of three to four days are the norm' in Europe and Asia; the lower figure")
FERRY_TERMINAL = Assumption("ferry terminal handling", 8.0, "h",
                            "Kuryk port: 'average full processing cycle of a ferry is 6-8 hours' (astanatimes.com 2021-08)")
SEA_FERRY = Assumption("transshipment ship <-> ferry", 24.0, "h", "assumption")
RAIL_ROAD = Assumption("rail-road terminal handling", 12.0, "h", "assumption")
BORDER_ROAD = Assumption("road border crossing wait", 12.0, "h", "assumption")
BORDER_RAIL = Assumption("rail border crossing", 6.0, "h", "assumption")
BREAK_OF_GAUGE = Assumption("break of gauge (transshipment or bogie exchange)", 24.0, "h",
                            "assumption (e.g. Dostyk/Alashankou, Altynkol/Khorgos, Akhalkalaki/Kars)")
BORDER_FERRY = Assumption("customs on an international ferry", 6.0, "h", "assumption")

TERMINAL = {"port": PORT, "ferry terminal": FERRY_TERMINAL, "rail-road terminal": RAIL_ROAD}


OPEN_BORDER = Assumption("border inside a customs union", 0.0, "h",
                         "no customs clearance inside the EU customs union or the Eurasian Economic Union "
                         "(curated/customs_unions.csv)")


def border(crossing: dict) -> Assumption:
    if crossing["mode"] == "rail" and crossing["break_of_gauge"]:
        return BREAK_OF_GAUGE
    if crossing["customs_union"]:
        return OPEN_BORDER
    if crossing["mode"] == "rail":
        return BORDER_RAIL
    return BORDER_FERRY if crossing["mode"] == "ferry" else BORDER_ROAD


def border_mode(kind: str) -> str | None:
    """The mode of a border leg's kind ('road border' -> 'road'; a break of gauge is rail); None
    for an open border (its mode is not kept, and the border table has no rows inside unions)."""
    return {"road border": "road", "rail border": "rail", "break of gauge": "rail", "ferry border": "ferry"}.get(kind)


def table_wait(row) -> Assumption:
    """The wait a border table row sets (its typical figure), with its range and source."""
    rng = f"; published range: {row.wait_text()}" if row.wait_text() else ""
    return Assumption(f"wait at the {row.label}", row.wait_typical_h, "h",
                      f"{row.source} ({row.date}){rng} (data/policy/borders.csv)")


@lru_cache(maxsize=4)
def table_waits(net) -> np.ndarray:
    """Per edge: the wait (h) the border table sets for that crossing, NaN where it sets none
    (no row, no typical figure, or a crossing inside a customs union). Read-only, once per network."""
    out = np.full(len(net.edge_km), np.nan)
    borders = net.tables["borders"]
    for e in np.flatnonzero(np.asarray(net.edge_border) >= 0):
        crossing = borders[int(net.edge_border[e])]
        if crossing["customs_union"]:
            continue
        v = int(net.edge_v[e])
        row = border_table.row_for(crossing["countries"], crossing["mode"], float(net.node_lon[v]),
                                   float(net.node_lat[v]))
        if row is not None and row.wait_typical_h is not None:
            out[e] = row.wait_typical_h
    out.setflags(write=False)
    return out


# Query-time costing of transfers: the parameter keys (costing/defaults.toml) behind the
# hours, USD and kg CO2e of each kind of terminal or border step.
KINDS = ("port", "ferry terminal", "ship-ferry transshipment", "rail-road terminal",
         "break of gauge", "open border", "rail border", "road border", "ferry border")
KEYS = {  # kind: (hours, USD per TEU, kg CO2e per TEU)
    "port": ("dwell.port", "handling.port", "hub.port"),
    "ferry terminal": ("dwell.ferry_terminal", "handling.terminal", "hub.terminal"),
    "ship-ferry transshipment": ("dwell.sea_ferry", "handling.port", "hub.port"),
    "rail-road terminal": ("dwell.rail_road", "handling.terminal", "hub.terminal"),
    "break of gauge": ("border.gauge", "handling.terminal", "hub.terminal"),
    "open border": (None, None, None),
    "rail border": ("border.rail", "handling.border", None),
    "road border": ("border.road", "handling.border", None),
    "ferry border": ("border.ferry", "handling.border", None),
}


def border_kind(crossing: dict) -> str:
    if crossing["mode"] == "rail" and crossing["break_of_gauge"]:
        return "break of gauge"
    if crossing["customs_union"]:
        return "open border"
    return f"{crossing['mode']} border" if crossing["mode"] in ("rail", "ferry") else "road border"


def teu_equivalent(cargo, params) -> float:
    """Handling and hub factors are per TEU; bulk counts tonnes / tonnes per TEU; passengers 0."""
    if cargo.kind == "container":
        return cargo.teu
    if cargo.kind == "passengers":
        return 0.0
    return cargo.tonnes / params.value("cargo.tonnes_per_teu")


def costs(kind: str, cargo, params) -> tuple[float, float, float]:
    """Hours, USD and kg CO2e (counted tank-to-wheel: hub figures are not split) of one transfer."""
    h_key, usd_key, co2_key = KEYS[kind]
    q = teu_equivalent(cargo, params)
    return (params.value(h_key) if h_key else 0.0, params.value(usd_key) * q if usd_key else 0.0,
            params.value(co2_key) * q if co2_key else 0.0)


def basis(kind: str, cargo) -> dict[str, list[str]]:
    h_key, usd_key, co2_key = KEYS[kind]
    extra = [] if cargo.kind in ("container", "passengers") else ["cargo.tonnes_per_teu"]
    return {"duration_h": [h_key] if h_key else [],
            "cost_usd": ([usd_key] + extra) if usd_key else [],
            "co2e_kg": ([co2_key] + extra) if co2_key else []}
