"""The report as plain text."""

from __future__ import annotations


def assumption_text(a: dict) -> str:
    """'name: value unit (source)'; a figure with no source found reads 'not found'."""
    value = "not found" if a["value"] is None else f"{a['value']:g} {a['unit']}"
    return f"{a['name']}: {value} ({a['source']})"




def _usd(value, spec: str = ",.0f") -> str:
    return "USD not priced" if value is None else f"{value:{spec}} USD"


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
    rows = {s["key"]: s for s in rep["summary"]}
    for grp in rep["groups"]:  # never ranked across consignments
        out.append(f"options: {grp['title']} ({', '.join(grp['consignments'])}), fastest first:")
        for i, s in enumerate((rows[k] for k in grp["options"]), 1):
            best = f"  [{', '.join(s['best'])}]" if s["best"] else ""
            out.append(f"  {i}. {s['label']}{best}\n     {s['duration_days']:.1f} d  {_usd(s['cost_usd'])}  "
                       f"{s['co2e_kg']:,.0f} kg CO2e  "
                       f"{s['distance_km']:,.0f} km  transshipments {s['transshipments']}  "
                       f"chokepoints {', '.join(s['chokepoints']) or '-'}  borders {len(s['borders'])}\n"
                       f"     {' -> '.join(s['gateway_chain'])}")
    for w in rep["whatif"]:
        out.append(f"what if: {w['name']}")
        for r in w["options"]:
            if r["option"] in w.get("rerun", []):
                d = r.get("difference")
                out.append(f"  {r['label']}: " + ("no longer possible" if not r.get("possible") else
                           f"{d['duration_days']:+.1f} d, {_usd(d['cost_usd'], '+,.0f')}, {d['co2e_kg']:+,.0f} kg CO2e"))
    out.append("assumptions and sources:")
    for a in rep["assumptions"]:
        out.append(f"  {assumption_text(a)}")
    return "\n".join(out)
