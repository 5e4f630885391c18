"""Compute a country-pair report: gateways from the data, corridor options, what-ifs.

The gateways come from :mod:`.gateways`, the options from route searches over them
(:mod:`.options`, :mod:`.air`), the what-ifs from reruns under a change (:mod:`.whatifs`); the
text rendering is :mod:`.text`, the page :mod:`.html`.
"""

from __future__ import annotations

import math

from corridor.costing.cargo import make_cargo
from corridor.errors import BadInput, CorridorError
from corridor.network import load_network
from corridor.report.compose import (
    GROUPS,
    Context,
    Option,  # noqa: F401  (kept importable from here)
    group_summary,
)
from corridor.report.compose import gateway_chain as _chain  # noqa: F401  (kept importable from here)
from corridor.report.gateways import gateways
from corridor.report.options import options
from corridor.report.text import assumption_text  # noqa: F401  (kept importable from here)
from corridor.report.whatifs import scenarios as whatif_scenarios


def _finite(value):
    """NaN and infinities (a figure with no value, e.g. an option a what-if removes) as None:
    JSON has no such numbers."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def build_report(origin: str, destination: str, *, cargo: str | None = None, teu=None, tonnes=None, network=None,
                 progress: bool = True, whatif: bool = True) -> dict:
    """The report as a dict: ``gateways``, ``options`` (routes as ``corridor route --json``),
    ``summary`` rows and ``whatif`` results."""
    from corridor.request import ReportRequest

    req = ReportRequest.make(origin=origin, destination=destination, cargo=cargo, teu=teu, tonnes=tonnes, whatif=whatif)
    net = network or load_network(progress=progress)
    ctx = Context(net, req.origin.upper(), req.destination.upper(),
                  {"cargo": req.cargo, "teu": req.teu, "tonnes": req.tonnes}, progress)
    for c in (ctx.a, ctx.b):
        ctx.say(f"gateways of {c}")
        ctx.gateways[c] = gateways(net, c)
    ctx.a, ctx.b = ctx.gateways[ctx.a]["country"], ctx.gateways[ctx.b]["country"]
    if ctx.a == ctx.b:
        raise BadInput("Give two different countries.")
    ctx.say("options")
    opts = options(ctx, record=True)
    if not opts:
        raise CorridorError(f"No corridor found between {ctx.a} and {ctx.b} on the built-in data.")
    opts.sort(key=lambda o: (list(GROUPS).index(o.group), o.route.duration_h))  # like with like, fastest first
    scenarios = whatif_scenarios(ctx, opts) if req.whatif else []
    assumptions = {}
    for o in opts:
        for x in o.route.assumptions:
            assumptions.setdefault(x.name, x.to_dict())
    summary = [o.summary() for o in opts]
    groups = group_summary(summary)  # marks each row's ``best``
    return _finite({"origin": ctx.a, "destination": ctx.b,
            "cargo": make_cargo(cargo, teu=teu, tonnes=tonnes).to_dict(),  # the stated cargo (air options say theirs)
            "gateways": [ctx.gateways[ctx.a], ctx.gateways[ctx.b]],
            "summary": summary, "groups": groups,
            "options": [dict(o.route.to_dict(), option=row,
                         map=[{"mode": leg.mode, "parts": leg.geometry} for leg in o.route.legs
                              if leg.mode != "transfer"]) for o, row in zip(opts, summary)],
            "whatif": scenarios, "assumptions": list(assumptions.values()),
            "network": opts[0].route.network})
