"""What-ifs for a country pair: the options rerun under a change (a gateway, a closed or
restricted passage, a border opened), each against the options it affects, with the
difference, and the best option under the change."""

from __future__ import annotations

from corridor import liner
from corridor.data import borders as border_table
from corridor.report.compose import Context, Option, and_join
from corridor.report.options import REAL_ALTERNATIVE, options
from corridor.route import TransferKind

OTHER_WAY = "no longer a real alternative"  # why an other-way-round option drops out under a change
PANAMA_RESTRICTED = {"sea": {"canal_wait": {"panama": {
    "value": 240.0, "source": "what-if: a 10-day queue at the Panama Canal, as in the 2023 drought "
    "(waits of days to weeks reported); assumption of this report"}}}}


def _liner_terms(r) -> tuple[str, str]:
    """On what liner terms a route's sea legs sail: the kind (sourced, assumed hub, assumed
    direct call; '' for no transshipment) and the same in words."""
    hubs = [leg.origin.label for leg in r.legs if leg.kind == TransferKind.TRANSSHIPMENT]
    if liner.assumes_direct_call(r.notes):
        return "direct", "a direct call with no sourced liner service"
    if liner.assumes_hub(r.legs):
        return "hub", f"a change of ship at an assumed hub ({and_join(hubs)}), no sourced liner service"
    return ("sourced", f"sourced liner services changing ship at {and_join(hubs)}") if hubs else ("", "")


def _hub_hours(r) -> float:
    """Hours a route spends changing ship at liner hubs."""
    return sum(leg.duration_h for leg in r.legs if leg.kind == TransferKind.TRANSSHIPMENT)


def _row(o: Option, n: Option | None, why: str = "") -> dict:
    """A base option ``o`` against ``n``, the same option under the change (None: there is none,
    ``why`` says why). ``rerouted``: the name of ``n`` when it goes another way; ``caveat``: the
    liner terms when they differ, so a difference that comes from them is not read as the change's."""
    row = {"option": o.key, "label": o.label}
    if n is None:
        return dict(row, possible=False, why=why)
    a, b = o.route, n.route
    priced = a.priced and b.priced  # an unsourced price (air passenger fare) stays null
    terms = (_liner_terms(a), _liner_terms(b))
    hub_days = (_hub_hours(b) - _hub_hours(a)) / 24
    return dict(row, possible=True, duration_days=round(b.duration_h / 24, 2),
                duration_days_range=[round(h / 24, 2) for h in b.duration_h_range],
                cost_usd=round(b.cost_usd, 2) if priced else None,
                co2e_kg=round(b.co2e_kg, 2), chokepoints=b.passages, gateway_chain=n.gateways,
                rerouted=n.label if n.label != o.label else None,
                caveat=(f"not like with like: today on {terms[0][1] or 'no liner service'}, under it on "
                        f"{terms[1][1] or 'no liner service'}"
                        + (f"; {hub_days:+.1f} d of the difference is changes of ship added or left out"
                           if abs(hub_days) >= 0.05 else "")) if terms[0][0] != terms[1][0] else None,
                difference={"duration_days": round((b.duration_h - a.duration_h) / 24, 2),
                            "cost_usd": round(b.cost_usd - a.cost_usd, 2) if priced else None,
                            "co2e_kg": round(b.co2e_kg - a.co2e_kg, 2)})


def _counterpart(o: Option, alt: dict, by_entry: dict) -> tuple[Option | None, str]:
    """The same option under the change: the same key, else, for an option by sea, the best
    chain through the port where it lands (even one not shown), else None and why."""
    sea = [leg for leg in o.route.legs if leg.mode == "sea"]
    landing = sea[-1].destination if sea else None
    if o.key.startswith("way:"):  # the other way round itself: never replaced by the way it is the alternative to
        return alt.get(o.key), f"{OTHER_WAY} (beyond {REAL_ALTERNATIVE:g}x the quickest chain under it, or closed)"
    n = alt.get(o.key) or by_entry.get(o.key) or (landing and by_entry.get(f"sea:{landing.code}"))
    if n is not None:
        return n, ""
    return None, f"no sea route to {landing.label} under it" if landing else "no such option under it"


def rerun(ctx: Context, base: list[Option], name: str, touches=None, **kw) -> dict:
    """The options under a change (``kw``: :func:`.options.options`' arguments). ``touches``: a
    passage key: the options that cross it are the ones affected; without it, every option
    whose answer changes is. Each is compared with the same option under the change (same key,
    or the same entry port), never with another way. ``best`` is the fastest surface option
    under the change, with its difference from the fastest surface option today."""
    ctx.say(f"what-if: {name}")
    by_entry: dict = {}
    changed = options(ctx, by_entry=by_entry, touches=touches, **kw)
    alt = {o.key: o for o in changed}
    rows = []
    for o in base:
        crosses = touches is not None and touches in {k for leg in o.route.legs for k in leg.passages}
        n, why = _counterpart(o, alt, by_entry)
        moved = n is None or abs(n.route.duration_h - o.route.duration_h) > 0.05 or n.gateways != o.gateways
        if crosses or (touches is None and moved):
            rows.append(_row(o, n, why))
    surface = [o for o in base if o.group == "surface"]
    after = [o for o in changed if o.group == "surface"]
    best = None
    if surface and after:
        now, then = min(surface, key=lambda o: o.route.duration_h), min(after, key=lambda o: o.route.duration_h)
        best = dict(_row(now, then), option=then.key, label=then.label, rerouted=None)
    return {"name": name, "options": rows, "rerun": [r["option"] for r in rows], "best": best,
            **{k: (sorted("-".join(sorted(p)) for p in v) if k == "open_borders" else v)
               for k, v in kw.items() if k != "costs"}}


def _region(ctx: Context) -> set[str]:
    """The pair's countries and their land neighbours (from the network's border crossings)."""
    out = {ctx.a, ctx.b}
    for g in (ctx.gateways[ctx.a], ctx.gateways[ctx.b]):
        out |= {b["neighbour"] for b in g["borders"]}
    return out


def border_openings(ctx: Context) -> list[tuple[str, frozenset]]:
    """The borders closed in ``data/policy/borders.csv`` between two countries of the pair's
    region, each as a what-if opening it ('Kars–Gyumri railway reopened (AM-TR)')."""
    region = _region(ctx)
    out = []
    for pair in sorted(border_table.closed_pairs(), key=lambda p: sorted(p)):
        if pair <= region:
            named = sorted({r.crossing for r in border_table.rows() if frozenset(r.countries) == pair and r.crossing})
            key = "-".join(sorted(pair))
            out.append((f"{' / '.join(named)} reopened ({key})" if named else f"{key} border open", pair))
    return out


def scenarios(ctx: Context, base: list[Option]) -> list[dict]:
    """The what-ifs that matter for the pair: the origin's second gateway, Suez closed, Bosporus
    closed, Panama restricted, and each closed border of the region opened."""
    out = []
    ports = ctx.gateways[ctx.a]["seaports"]
    if len(ports) > 1:
        out.append(rerun(ctx, base, f"{ports[1]['name']} instead of {ports[0]['name']} as "
                         f"{ctx.gateways[ctx.a]['name']}'s gateway", origin_port=ports[1]["code"]))
    out.append(rerun(ctx, base, "Suez Canal closed", "suez", avoid=["suez"]))
    out.append(rerun(ctx, base, "Bosporus closed", "bosporus", avoid=["bosporus"]))
    out.append(rerun(ctx, base, "Panama Canal restricted (10-day queue)", "panama", costs=PANAMA_RESTRICTED))
    for name, pair in border_openings(ctx):
        out.append(rerun(ctx, base, name, open_borders=frozenset({pair})))
    return out
