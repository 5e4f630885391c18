"""Ten country pairs checked for distinct, plausible options (issue #15): no two options the
same way round, none slower and dearer than another the same way, none across a closed border,
none across a transit-policy country unless its label names it with the policy's category, no flight that is not flown.
What-ifs are skipped (the report's ``whatif=False``) to keep the suite's time."""

from __future__ import annotations

import pytest

from corridor import transit_policy
from corridor.air import hubs
from corridor.data import borders as border_table
from corridor.report import build_report

PAIRS = ["CN-DE", "KZ-TR", "US-JP", "BR-CN", "IN-DE", "UZ-GE", "PE-CN", "AZ-PE", "TR-KZ", "CL-AZ"]


def _crossed(opt) -> set[frozenset]:
    return {frozenset(leg["border"]["countries"]) for leg in opt["legs"] if leg.get("border")}


def _visited(opt) -> set[str]:
    """Countries an option sets foot in: its legs' ends and both sides of each border."""
    ends = {leg[k]["country"] for leg in opt["legs"] for k in ("from_place", "to_place") if leg[k].get("country")}
    return ends | {c for pair in _crossed(opt) for c in pair}


@pytest.mark.parametrize("pair", PAIRS)
def test_pair_options_are_distinct_and_plausible(net, pair):
    a, b = pair.split("-")
    rep = build_report(a, b, network=net, progress=False, whatif=False)
    opts = rep["options"]
    assert opts, pair
    closed = border_table.closed_pairs()
    avoided = set(transit_policy.restrictions())
    listed = transit_policy.table()
    flown, _ = hubs.routes()
    ways = []
    for o in opts:
        row = o["option"]
        way = (tuple(sorted(row["chokepoints"])), tuple(sorted(set(row["modes"]) - {"road"})), row["group"],
               tuple(row["gateway_chain"][1:-1]))
        assert way not in ways, (pair, row["label"])  # distinct
        ways.append(way)
        assert not (_crossed(o) & closed), (pair, row["label"])  # closed borders stay closed
        countries = {c for pair_ in _crossed(o) for c in pair_}
        if countries & avoided:  # crossing an avoided country is said in the label
            assert "Russia" in row["label"] or "transit policy" in row["label"], (pair, row["label"])
        for c in sorted((_visited(o) - {a, b}) & set(listed)):  # any policy country: named with its category
            assert listed[c].name in row["label"] and listed[c].category in row["label"], (pair, c, row["label"])
            assert c in {e["country"] for e in o["restrictions"]["transit_risk"]}, (pair, c, row["label"])
        for leg in o["legs"]:
            if leg["mode"] == "air":
                assert frozenset((leg["from_place"]["code"], leg["to_place"]["code"])) in flown, (pair, row["label"])
    surface = [o["option"] for o in opts if o["option"]["group"] == "surface"]
    for x in surface:  # none slower and dearer than another taking the same passages
        for y in surface:
            same_way = (sorted(x["chokepoints"]), sorted(x["borders"]), x["gateway_chain"][:2]) == \
                (sorted(y["chokepoints"]), sorted(y["borders"]), y["gateway_chain"][:2])
            if x is not y and same_way and None not in (x["cost_usd"], y["cost_usd"]):
                assert not (x["duration_days"] > y["duration_days"] and x["cost_usd"] > y["cost_usd"]), (pair, x["label"])
        low, high = x["duration_days_range"]
        assert low <= x["duration_days"] <= high, (pair, x["label"])
    keys = [o["option"]["key"] for o in opts]  # the text and page list rows by key: two alike hide one
    assert len(keys) == len(set(keys)), (pair, keys)
    sea = [x for x in surface if x["key"].startswith("sea:")]  # a chain by sea within 1.5x the quickest one
    for x in sea:
        assert x["duration_days"] <= 1.5 * min(y["duration_days"] for y in sea) + 0.01, (pair, x["label"])
