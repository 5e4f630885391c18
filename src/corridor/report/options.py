"""The report's options for a country pair, from planner calls."""

from __future__ import annotations

from corridor import transit_policy
from corridor.errors import CorridorError
from corridor.report.air import air_options
from corridor.report.compose import (
    LAND,
    Context,
    Option,
    by_sea,
    gateway_chain,
    handover_leg,
    merge,
    moves,
    sea_then_land,
)
from corridor.report.gateways import OCEAN_PROBE, ocean_ports, trade_end
from corridor.request import RouteRequest

# Container services that bulk cargo cannot use: transshipment at a container hub onto
# container block trains (the Middle and Northern corridors) and air freight.
HUBS = ("CNSHA",)  # East Asian container hub for the land-bridge recipes


def options(ctx: Context, *, origin_port: str | None = None, avoid=(), costs=None, only=None) -> list[Option]:
    """The options for the report's pair, under extra ``avoid`` passages or ``costs``."""
    from corridor import planner as planner_mod

    net, ga, gb = ctx.net, ctx.gateways[ctx.a], ctx.gateways[ctx.b]
    cargo = ctx.cargo
    bulk = cargo.get("cargo") in ("dry-bulk", "liquid-bulk")
    avoid = list(avoid)
    out: list[Option] = []
    handover = handover_leg(cargo, costs)

    def plan(o, d, **kw):
        kw.setdefault("costs", costs)
        kw["avoid"] = [*avoid, *kw.get("avoid", [])]
        return planner_mod.plan(RouteRequest.make(origin=o, destination=d, **{**cargo, **kw}), network=net)

    land_cache: dict = {}

    def land(o):
        if o not in land_cache:
            try:
                land_cache[o] = None if o == end else plan(o, end, modes=LAND)
            except CorridorError:
                land_cache[o] = False
        return land_cache[o]

    # Sea recipes: land to an exit port (when the origin has none on the ocean), all sea to an
    # entry port, then rail/road/ferry inland.
    ocean_cache: dict = {}

    def ocean(code):
        if code not in ocean_cache:
            try:
                ocean_cache[code] = code == OCEAN_PROBE or bool(planner_mod.plan(
                    RouteRequest.make(origin=code, destination=OCEAN_PROBE, modes="sea"), network=net))
            except CorridorError:
                ocean_cache[code] = False
        return ocean_cache[code]

    start = origin_port or trade_end(ga, ocean)
    end = trade_end(gb, ocean)
    exits = [origin_port] if origin_port else ocean_ports(net, ga, ocean)
    own_ports = {p["code"] for p in ga["seaports"]}
    entries = ocean_ports(net, gb, ocean)
    for x in exits:
        if x not in [p["code"] for p in ga["seaports"]]:
            named = [n for n in ga["notes"] if "foreign" in n]
            if not named:
                ga["notes"].append(f"{ga['name']} has no port on the open ocean in the data: sea options leave from "
                                   f"foreign ports: {', '.join(exits)}")
            break
    for e in entries:
        if e not in [p["code"] for p in gb["seaports"]]:
            if not [n for n in gb["notes"] if "foreign" in n]:
                gb["notes"].append(f"{gb['name']} has no port on the open ocean in the data: sea options arrive at "
                                   f"foreign ports: {', '.join(entries)}")
            break
    sea_recipes = [
        ("sea-fastest", "all sea on the fastest lanes", [], None),
        ("sea-panama", "all sea via the Panama Canal", ["suez", "good-hope"], "panama"),
        ("sea-suez", "all sea via the Suez Canal", ["panama", "magellan"], "suez"),
        ("sea-cape", "all sea round the Cape of Good Hope (Suez and Panama avoided)", ["suez", "panama"], "good-hope"),
    ]
    for key, label, extra, need in sea_recipes:
        if only is not None and key not in only:
            continue
        best = None
        for x in exits:
            try:  # an own port is a gateway in itself; a neighbour's is reached overland
                head = None if x == start or x in own_ports else plan(start, x, modes=LAND)
            except CorridorError:
                continue
            whole = by_sea(plan, x, end, avoid=extra)  # the planner's own chain, as `corridor route` plans it
            for rest in [whole] if whole is not None else sea_then_land(plan, x, entries, land, handover, extra):
                r = merge(([head] if head else []) + [rest], handover)
                if need and need not in {k for leg in r.legs for k in leg.passages}:
                    continue
                if best is None or r.duration_h < best.duration_h:
                    best = r
        if best is not None:
            steps = moves(best)
            text = ("overland to the port, then " if steps[0] != "sea" else "") + label + \
                (", then overland" if steps[-1] != "sea" else "")
            out.append(Option(key, text, text, best, gateway_chain(best)))
    # Land bridges from an East Asian container hub (container block trains).
    if not bulk:
        for hub in HUBS:
            for key, label, av in (("hub-middle", f"sea to {hub}, then rail across Kazakhstan and the Caspian ferry "
                                    "(Middle Corridor, Russia avoided)", ["RU"]),
                                   ("hub-northern", f"sea to {hub}, then rail by the shortest land route "
                                    "(may cross Russia: avoided by default, sanctions risk)", [])):
                if only is not None and key not in only:
                    continue
                try:
                    first = plan(start, hub, modes="sea")
                    second = plan(hub, end, modes=LAND, avoid_countries=av,
                                  allow_countries=None if av else ",".join(transit_policy.restrictions()))
                except CorridorError:
                    continue
                r = merge([first, second], handover)
                out.append(Option(key, label, label, r, gateway_chain(r), container_only=True))
    # Overland only.
    try:
        if only is not None and "overland" not in only:
            raise CorridorError("skipped")
        r = plan(start, end, modes=LAND)
        out.append(Option("overland", "overland by rail and road", "rail, road and ferries only", r, gateway_chain(r)))
    except CorridorError:
        pass
    # Air (not for bulk): freight and passengers on a chain of flown routes between the two countries' airports.
    if not bulk:
        out += air_options(ctx, costs=costs, avoid=avoid, only=only)
    return dedupe(out)



def _signature(o: Option) -> tuple:
    r = o.route
    return (tuple(r.passages), tuple(r.modes), tuple(o.gateways), r.cargo.get("kind"))


def dedupe(opts: list[Option]) -> list[Option]:
    seen, out = set(), []
    for o in opts:
        s = _signature(o)
        if s in seen:
            continue
        seen.add(s)
        out.append(o)
    return out


