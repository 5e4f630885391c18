"""Accuracy: corridor, searoute and scgraph against published port-to-port sea distances.

What it measures
    Each tool's relative error against the distances in bench/data/published_distances.csv. The file
    holds 261 figures from NGA Pub. 151 *Distances Between Ports* (2001) and 2 from the Suez Canal
    Authority. Provenance and caveats are in bench/data/published_distances.md. The error is
    (tool - published) / published, in %. For each tool the script reports the median and p90 of
    |error|, the mean signed error, and the shares within 2 % and 5 %. It reports them over all rows
    and by distance band (<500, 500-3000, >3000 nmi), then lists corridor's 15 worst rows.

How
    A row is used when both of its UN/LOCODEs are in corridor's compiled port table. All three tools
    get the same coordinates from that table:
    - corridor routes by code, ``corridor.route(a, b)``, which resolves to those coordinates;
    - searoute gets ``[lon, lat]`` with ``units='naut'``;
    - scgraph gets the coordinates on a GeoGraph built from searoute's marnet, with km / 1.852.
    The GeoGraph is built by ``speed.marnet_geograph``; see bench/speed.py for why and how.
    Rows whose ``via`` is "Cape of Good Hope" are routed with corridor ``avoid="suez"`` and searoute
    ``restrictions=['northwest', 'suez']``. The list keeps searoute's default Arctic closure, because
    passing ``['suez']`` alone would reopen the Arctic. scgraph has no passage switch, so its figure
    for those rows is left as computed and flagged with "*". A ``CorridorError`` counts as a failed
    row for corridor.

Run (from the repository root):
    CORRIDOR_CACHE_DIR=/tmp/cc1 python bench/accuracy.py
Writes bench/results/accuracy.json with the same numbers.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import searoute
from speed import marnet_geograph  # bench/ is on sys.path when this file is run as a script

import corridor
from corridor.network import load_network

HERE = Path(__file__).resolve().parent
KM_PER_NMI = 1.852
TOOLS = ["corridor", "searoute", "scgraph"]
BANDS = [("<500 nmi", 0, 500), ("500-3000 nmi", 500, 3000.5), (">3000 nmi", 3000.5, np.inf)]


def summary(errors):
    e = np.array([x for x in errors if x is not None])
    if len(e) == 0:
        return {"n": 0}
    a = np.abs(e)
    return {"n": len(e), "median_abs": float(np.median(a)), "p90_abs": float(np.percentile(a, 90)),
            "mean_signed": float(e.mean()), "within_2": float((a <= 2).mean()), "within_5": float((a <= 5).mean())}


def print_table(label_header, items):
    head = (f"{label_header:<24} | {'n':>3} | {'median |err| %':>14} | {'p90 |err| %':>11} | {'mean signed %':>13} | "
            f"{'within 2 %':>10} | {'within 5 %':>10}")
    print(head + "\n" + "-" * len(head))
    for label, s in items:
        if s["n"] == 0:
            print(f"{label:<24} |   0 |")
            continue
        print(f"{label:<24} | {s['n']:>3} | {s['median_abs']:>14.1f} | {s['p90_abs']:>11.1f} | {s['mean_signed']:>+13.1f} | "
              f"{s['within_2']:>10.0%} | {s['within_5']:>10.0%}")


def main():
    net = load_network()
    where = {str(c): i for i, c in enumerate(net.port_code)}
    graph = marnet_geograph()
    rows = list(csv.DictReader((HERE / "data" / "published_distances.csv").open(encoding="utf-8")))

    used, skipped, failed = [], [], []
    for r in rows:
        a, b = r["origin_locode"], r["destination_locode"]
        missing = [f"{c or 'blank'} ({name})" for c, name in ((a, r["origin_name"]), (b, r["destination_name"]))
                   if c not in where]
        if missing:
            skipped.append(f"{a or '-'}->{b or '-'}: not in corridor's port table: {', '.join(missing)}")
            continue
        (lat1, lon1), (lat2, lon2) = [(float(net.port_lat[where[c]]), float(net.port_lon[where[c]])) for c in (a, b)]
        cape = r["via"] == "Cape of Good Hope"
        try:
            # services="direct": a published distance is the direct sailing, not a liner service via hubs
            c_nmi = corridor.route(a, b, avoid="suez" if cape else None, services="direct").distance_nmi
        except corridor.CorridorError as e:
            c_nmi = None
            failed.append(f"{a}->{b}: {type(e).__name__}: {e}")
        s_kwargs = {"restrictions": ["northwest", "suez"]} if cape else {}
        s_nmi = searoute.searoute([lon1, lat1], [lon2, lat2], units="naut", **s_kwargs).properties["length"]
        g_nmi = graph.get_shortest_path(origin_node={"latitude": lat1, "longitude": lon1},
                                        destination_node={"latitude": lat2, "longitude": lon2},
                                        output_units="km")["length"] / KM_PER_NMI
        pub = float(r["distance_nmi"])
        nmi = {"corridor": c_nmi, "searoute": s_nmi, "scgraph": g_nmi}
        err = {t: None if v is None else 100 * (v - pub) / pub for t, v in nmi.items()}
        used.append({"origin": a, "destination": b, "origin_name": r["origin_name"],
                     "destination_name": r["destination_name"], "published_nmi": pub, "via": r["via"],
                     "cape": cape, "nmi": nmi, "error_pct": err})

    overall = {t: summary([u["error_pct"][t] for u in used]) for t in TOOLS}
    by_band = {name: {t: summary([u["error_pct"][t] for u in used if lo <= u["published_nmi"] < hi]) for t in TOOLS}
               for name, lo, hi in BANDS}

    print("Accuracy against published port-to-port distances: bench/data/published_distances.csv")
    print("  261 figures from NGA Pub. 151 'Distances Between Ports' (11th ed. 2001) and 2 from the Suez Canal")
    print("  Authority. Provenance and caveats are in bench/data/published_distances.md. Pub. 151 measures")
    print("  between central port positions, not always along the shortest route.")
    print("  All three tools get the same port coordinates, taken from corridor's compiled port table.")
    print(f"  corridor network {net.manifest['fingerprint']}\n")
    print(f"rows: {len(rows)} in file, {len(used)} used, {len(skipped)} skipped (a UN/LOCODE is blank or "
          f"not in corridor's port table):")
    for s in skipped:
        print(f"  skipped {s}")
    print(f"corridor failed (CorridorError) on {len(failed)} of the {len(used)} rows used"
          + (":" if failed else "; every used row was answered by all three tools."))
    for f in failed:
        print(f"  failed {f}")

    print("\nError vs published distance, all rows used")
    print_table("tool", [(t, overall[t]) for t in TOOLS])
    print("\nBy published distance band")
    print_table("band / tool", [(f"{name} {t}", by_band[name][t]) for name, _, _ in BANDS for t in TOOLS])

    print("\ncorridor's 15 worst rows (by |error|)")
    worst = sorted((u for u in used if u["nmi"]["corridor"] is not None),
                   key=lambda u: -abs(u["error_pct"]["corridor"]))[:15]
    head = (f"{'route':<12} | {'published':>9} | {'corridor':>8} | {'err %':>6} | "
            f"{'searoute err %':>14} | {'scgraph err %':>13} | via")
    print(head + "\n" + "-" * len(head))
    for u in worst:
        e = u["error_pct"]
        mark = "*" if u["cape"] else " "
        print(f"{u['origin'] + '->' + u['destination']:<12} | {u['published_nmi']:>9,.0f} | {u['nmi']['corridor']:>8,.0f} | "
              f"{e['corridor']:>+6.1f} | {e['searoute']:>+14.1f} | {e['scgraph']:>+12.1f}{mark} | {u['via']}")
    cape_rows = [u for u in used if u["cape"]]
    if cape_rows:
        print("\n* Cape of Good Hope rows: corridor avoid='suez', searoute restrictions=['northwest', 'suez']; scgraph "
              "cannot close a passage, so its figure there follows its shortest route (via Suez):")
        for u in cape_rows:
            print(f"  {u['origin']}->{u['destination']} published {u['published_nmi']:,.0f} nmi: "
                  + ", ".join(f"{t} {u['nmi'][t]:,.0f} ({u['error_pct'][t]:+.1f} %)" for t in TOOLS
                              if u["nmi"][t] is not None))

    out = HERE / "results" / "accuracy.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"network": net.manifest["fingerprint"], "rows_in_file": len(rows),
                               "skipped": skipped, "corridor_failed": failed, "overall": overall,
                               "by_band": by_band, "rows": used}, indent=1))
    print(f"\nwrote {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
