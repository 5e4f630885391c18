"""What-ifs for a country pair: the options rerun under a change, with the difference."""

from __future__ import annotations

from corridor.report.compose import Context, Option
from corridor.report.options import options

PANAMA_RESTRICTED = {"sea": {"canal_wait": {"panama": {
    "value": 240.0, "source": "what-if: a 10-day queue at the Panama Canal, as in the 2023 drought "
    "(waits of days to weeks reported); assumption of this report"}}}}



def rerun(ctx: Context, base: list[Option], name: str, touches=None, **kw) -> dict:
    """Rerun the options under a change; ``touches``: a passage key, and only options that
    cross it are rerun (the others are unchanged by construction)."""
    ctx.say(f"what-if: {name}")
    only = {o.key for o in base if touches is None or touches in {k for leg in o.route.legs for k in leg.passages}}
    alt = {o.key: o for o in options(ctx, only=only, **kw)} if only else {}
    rows = []
    for o in base:
        n = alt.get(o.key) if o.key in only else o
        row = {"option": o.key, "label": o.label}
        if n is None:
            row.update(possible=False)
        else:
            a, b = o.route, n.route
            priced = a.priced and b.priced  # an unsourced price (air passenger fare) stays null
            row.update(possible=True, duration_days=round(b.duration_h / 24, 2),
                       cost_usd=round(b.cost_usd, 2) if priced else None,
                       co2e_kg=round(b.co2e_kg, 2), chokepoints=b.passages, gateway_chain=n.gateways,
                       difference={"duration_days": round((b.duration_h - a.duration_h) / 24, 2),
                                   "cost_usd": round(b.cost_usd - a.cost_usd, 2) if priced else None,
                                   "co2e_kg": round(b.co2e_kg - a.co2e_kg, 2)})
        rows.append(row)
    return {"name": name, "options": rows, "rerun": sorted(only),
            **{k: v for k, v in kw.items() if k != "costs"}}


