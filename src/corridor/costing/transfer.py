"""Transfers: handling at terminals, waiting at borders, transshipment where gauges change."""

from __future__ import annotations

import numpy as np

from corridor.costing import Assumption
from corridor.costing.params import defaults
from corridor.data import borders as border_table
from corridor.network_memo import per_network


def border_mode(kind: str) -> str | None:
    """The mode of a border leg's kind ('road border' -> 'road'; a break of gauge is rail); None
    for an open border (its mode is not kept, and the border table has no rows inside unions)."""
    return {"road border": "road", "rail border": "rail", "break of gauge": "rail", "ferry border": "ferry"}.get(kind)


def table_wait(row) -> Assumption:
    """The wait a border table row sets (its typical figure), with its range and source."""
    rng = f"; published range: {row.wait_text()}" if row.wait_text() else ""
    return Assumption(f"wait at the {row.label}", row.wait_typical_h, "h",
                      f"{row.source} ({row.date}){rng} (data/policy/borders.csv)")


@per_network(maxsize=4)
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
    "open border": ("border.open", None, None),
    "rail border": ("border.rail", "handling.border", None),
    "road border": ("border.road", "handling.border", None),
    "ferry border": ("border.ferry", "handling.border", None),
    # a box changing ship at a liner hub (corridor/liner.py): not a network edge, so not in KINDS;
    # no per-lift price is published: the ocean rate is the carrier's all-in rate (dwell.transshipment)
    "transshipment": ("dwell.transshipment", None, "hub.port"),
}


def label(kind: str) -> str:
    """What a transfer of ``kind`` is, in words (the label of its hours in defaults.toml)."""
    return defaults().label(KEYS[kind][0])


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
    return (params.value(h_key), params.value(usd_key) * q if usd_key else 0.0,
            params.value(co2_key) * q if co2_key else 0.0)


def basis(kind: str, cargo) -> dict[str, list[str]]:
    h_key, usd_key, co2_key = KEYS[kind]
    extra = [] if cargo.kind in ("container", "passengers") else ["cargo.tonnes_per_teu"]
    return {"duration_h": [h_key],
            "cost_usd": ([usd_key] + extra) if usd_key else [],
            "co2e_kg": ([co2_key] + extra) if co2_key else []}
