"""Transfers: handling at terminals, waiting at borders, transshipment where gauges change."""

from __future__ import annotations

from corridor.costing import Assumption

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
