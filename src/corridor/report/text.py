"""The report as plain text."""

from __future__ import annotations

from corridor.usd import usd_words


def assumption_text(a: dict) -> str:
    """'name: value unit (source)'; a figure with no source found reads 'not found'."""
    value = "not found" if a["value"] is None else f"{a['value']:g} {a['unit']}"
    return f"{a['name']}: {value} ({a['source']})"


def text(rep: dict) -> str:
    """The report as text: gateways, one list per consignment group, what-ifs, assumptions."""
    out: list[str] = []
    g0, g1 = rep["gateways"]
    c = rep["cargo"]
    amount = f"{c['teu']:g} TEU" if "teu" in c else f"{c.get('tonnes', 0):,.0f} t"
    out.append(f"Corridor report {g0['name']} -> {g1['name']} (cargo: {c['kind']}, {amount}, "
               f"vessel class {c.get('vessel_class')})")
    for g in (g0, g1):
        out.append(f"gateways of {g['name']}: seaports {', '.join(p['name'] for p in g['seaports'][:4]) or 'none'}; "
                   f"airports {', '.join(a['iata'] for a in g['airports'][:4]) or 'none'}; "
                   f"{len(g['borders'])} land border points")
        for n in g["notes"]:
            out.append(f"  note: {n}")
        foreign = [s for s in g.get("sea_gateways", []) if not s["own"]]
        if foreign:
            out.append("  sea gateways reached overland (land days; whole chain days to the partner):")
            for s in foreign:
                chain = f"{s['whole_chain_days']:.1f} d" if s["whole_chain_days"] is not None else "not tried"
                flag = f"  [{s['flagged']}]" if s["flagged"] else ""
                out.append(f"    {s['name']} ({s['country']}): {s['land_days']:.1f} d; {chain}{flag}")
    rows = {s["key"]: s for s in rep["summary"]}
    for grp in rep["groups"]:  # never ranked across consignments
        out.append(f"options: {grp['title']} ({', '.join(grp['consignments'])}), fastest first:")
        for i, s in enumerate((rows[k] for k in grp["options"]), 1):
            best = f"  [{', '.join(s['best'])}]" if s["best"] else ""
            low, high = s["duration_days_range"]
            out.append(f"  {i}. {s['label']}{best}\n     {s['duration_days']:.1f} d (range {low:.1f}-{high:.1f} d)  "
                       f"{usd_words(s['cost_usd'])}  "
                       f"{s['co2e_kg']:,.0f} kg CO2e  "
                       f"{s['distance_km']:,.0f} km  transshipments {s['transshipments']}  "
                       f"chokepoints {', '.join(s['chokepoints']) or '-'}  borders {len(s['borders'])}\n"
                       f"     {' -> '.join(s['gateway_chain'])}")
    for w in rep["whatif"]:
        out.append(f"what if: {w['name']}")
        if not w["options"]:
            out.append("  no option changes")
        for r in w["options"]:
            out.append(f"  {r['label']}: " + change_words(r))
        if w.get("best"):
            out.append(f"  fastest under it: {w['best']['label']}: {w['best']['duration_days']:.1f} d; "
                       + change_words(w["best"], against=" against the fastest today"))
    out.append("assumptions and sources:")
    for a in rep["assumptions"]:
        out.append(f"  {assumption_text(a)}")
    return "\n".join(out)


def change_words(row: dict, day: str = "d", against: str = "") -> str:
    """A what-if row's change in words: 'no longer possible' and why, else the way it now goes
    when it is another, the difference (``against``: what it is measured against), and the
    caveat when the liner terms differ."""
    if not row.get("possible"):
        why = row.get("why") or ""
        if why.startswith("no longer"):  # not offered any more, though perhaps still possible
            return why
        return "no longer possible" + (f" ({why})" if why else "")
    d = row["difference"]
    words = f"{d['duration_days']:+.1f} {day}, {usd_words(d['cost_usd'], '+,.0f')}, {d['co2e_kg']:+,.0f} kg CO2e{against}"
    if row.get("rerouted"):
        words = f"now {row['rerouted']}: {words}"
    return words + (f" ({row['caveat']})" if row.get("caveat") else "")
