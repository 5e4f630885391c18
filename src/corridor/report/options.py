"""The report's options for a country pair, derived from route searches over the gateways.

Each side's gateways come from the data (:mod:`.gateways`): its own ocean ports, or foreign ones
reached overland within a stated budget. Every pair of gateways is planned (land to the port, the
planner's sea lanes, land inland) and ranked by the whole chain; the options are the best chain
through each of the best entry gateways, the planner's own whole chain, one alternative way round
the world (Suez or the Cape or Panama, when it is a real one), the land bridges from an East Asian
container hub, overland and air. Options that take the same way round and are slower and dearer
than another are dropped; each is named from its typed legs (:func:`.compose.describe`).
"""

from __future__ import annotations

from corridor import liner, transit_policy
from corridor.errors import CorridorError, NoRoute
from corridor.geo import haversine_km
from corridor.places import port_country
from corridor.report import memo
from corridor.report.air import air_options
from corridor.report.compose import (
    LAND,
    Context,
    Option,
    by_sea,
    describe,
    gateway_chain,
    handover_leg,
    merge,
)
from corridor.report.gateways import (
    NEIGHBOUR_PORTS,
    OVERLAND_DAYS,
    OVERLAND_NOTE,
    land_component,
    main_city,
    ocean_mask,
    overland_candidates,
    own_ocean_ports,
    trade_end,
)
from corridor.request import RouteRequest

HUBS = ("CNSHA",)  # East Asian container hub for the land-bridge options
# Direct liner services from a gateway to a hub: the land bridge starts at that gateway.
DIRECT_SERVICES = {
    ("PECHY", "CNSHA"): "Chancay-Shanghai direct service since 2024-12-18, first call at Yangshan 'after a 23-day "
                        "journey' (Xinhua via bignewsnetwork.com/news/274854711; REFERENCES.md section 2)",
}
ENTRY_OPTIONS = 4  # best chains through distinct entry gateways shown as options
SIDE_GATEWAYS = 6  # gateways per side planned pairwise (best land legs first)
REAL_ALTERNATIVE = 1.5  # a sea chain is an option only within this factor of the fastest (assumption)
NORTHERN = "shortest land route; may cross Russia: sanctions risk, avoided by the transit policy unless allowed"
WAYS_ROUND = {  # the ocean passages that make a way round the world, and what to avoid to force it
    "panama": ("via the Panama Canal", ["suez", "good-hope"]),
    "suez": ("via the Suez Canal", ["panama", "good-hope", "magellan"]),
    "good-hope": ("round the Cape of Good Hope", ["suez", "panama"]),
}


def _flag(country: str) -> str | None:
    """Why a gateway's country is avoided by the transit policy (data/policy/), or None."""
    row = transit_policy.table().get(country)
    if row is None:
        return None
    return f"{row.name}: {row.category}, {'avoided' if row.action == 'avoid' else 'flagged'} by the transit policy"


def _entries(ctx: Context, g: dict, end, plan, toward: bool) -> list[dict]:
    """The gateways through which country ``g`` trades by sea: its own ocean ports, else the
    foreign ones reached overland within the budget (:data:`.gateways.OVERLAND_DAYS`), each with
    its land part (``toward``: port -> ``end``; else ``end`` -> port), best land time first.
    Ports in transit-policy countries are planned with that country allowed and flagged."""
    net = ctx.net
    on_ocean = ctx.cache["ocean"]
    index = {str(c): i for i, c in enumerate(net.port_code)}
    own = own_ocean_ports(g, lambda code: code in index and bool(on_ocean[index[code]]))
    if own:  # the goods start (end) at the main port: another coast's port is reached over land first
        out = []
        for p in own:
            try:
                land = None if p["code"] == end else (plan(p["code"], end, modes=LAND) if toward
                                                      else plan(end, p["code"], modes=LAND))
            except CorridorError:
                continue
            out.append({"code": p["code"], "name": p["name"], "country": g["country"], "land": land, "flag": None})
        return out
    city = main_city(g["country"])

    def reached(candidates, budget_h):
        found = []
        for i in candidates:
            code, country = str(net.port_code[i]), port_country(net, i)
            flag = _flag(country)
            allow = {"allow_countries": country} if flag else {}
            try:
                land = plan(code, end, modes=LAND, **allow) if toward else plan(end, code, modes=LAND, **allow)
            except CorridorError:
                continue
            if land.duration_h <= budget_h:
                found.append({"code": code, "name": str(net.port_name[i]), "country": country, "land": land,
                              "flag": flag})
        return found

    out = reached(overland_candidates(net, g["country"], city, on_ocean), OVERLAND_DAYS * 24)
    if out and OVERLAND_NOTE not in g["notes"]:
        g["notes"].append(OVERLAND_NOTE)
    if not out:  # nothing within the budget (e.g. Kazakhstan): the nearest foreign ports, however far
        anywhere = overland_candidates(net, g["country"], city, on_ocean, within=float("inf"))
        anywhere.sort(key=lambda i: (_flag(port_country(net, i)) is not None,  # policy countries last
                                     float(haversine_km(city.lon, city.lat, net.port_lon[i], net.port_lat[i]))))
        out = reached(anywhere[:NEIGHBOUR_PORTS], float("inf"))
        if out and not any("within the overland budget" in n for n in g["notes"]):
            g["notes"].append(f"{g['name']} has no port on the open ocean within the overland budget: sea options use "
                              f"the nearest foreign ports: {', '.join(e['code'] for e in out)}")
    out.sort(key=lambda e: e["land"].duration_h)
    return out


def _chains(plan, handover, exits: list[dict], entries: list[dict], start, end, avoid=()) -> list[tuple]:
    """(route, exit, entry) for every pair of gateways: land to the exit port, sea, land inland."""
    out = []
    for x in exits:
        for e in entries:
            if x["code"] == e["code"]:
                continue
            try:
                sea = plan(x["code"], e["code"], modes="sea", avoid=list(avoid))
            except CorridorError:
                continue
            parts = [p for p in (x["land"], sea, e["land"]) if p is not None]
            out.append((merge(parts, handover), x, e))
    out.sort(key=lambda t: _rank(t[0]))
    return out


def _rank(r) -> tuple:
    """Chains on sourced liner services first, then those changing ship at an assumed hub, then
    those assuming a direct call with no published service (data/liner/); then by time."""
    return (liner.assumes_direct_call(r.notes), liner.assumes_hub(r.legs), r.duration_h)


def _entry_option(r, x: dict, e: dict, key: str) -> Option:
    """The option ``key`` of the chain ``r`` from exit port ``x`` to entry port ``e``, its name
    saying what it assumes where no liner service is sourced."""
    label = describe(r) + _policy_note(x, e) + _liner_note(r)
    return Option(key, label, f"gateways {x['name']} -> {e['name']}, ranked by the whole chain",
                  r, gateway_chain(r))


def _liner_note(r) -> str:
    """What an option's name adds where its sea legs sail on no sourced liner service."""
    direct, hub, _ = _rank(r)
    return ("; direct call assumed: no sourced liner service" if direct
            else "; hub assumed: no sourced liner service" if hub else "")


def _way_round(r) -> str | None:
    return next((k for k in WAYS_ROUND if k in {p for leg in r.legs for p in leg.passages}), None)


def _policy_note(x: dict, e: dict) -> str:
    flags = [f"{g['name']} ({g['flag']})" for g in (x, e) if g["flag"]]
    return f"; through a flagged gateway: {', '.join(flags)}" if flags else ""


def options(ctx: Context, *, origin_port: str | None = None, avoid=(), costs=None, open_borders=frozenset(),
            record: bool = False, by_entry: dict | None = None, touches: str | None = None) -> list[Option]:
    """The options for the report's pair, under extra ``avoid`` passages, ``costs`` or
    ``open_borders`` (a what-if); ``origin_port`` forces the origin's gateway. ``record``: keep the
    ranked entry gateways in the report's gateways (the baseline run). ``by_entry``: filled with
    the best chain through every entry port planned, as an option keyed like the shown ones
    (``sea:CODE``), so that a what-if finds the same entry port even where it is not shown.
    ``touches``: the one passage whose figures ``costs`` changes (Panama's queue): a plan that
    does not cross it keeps the baseline's answer (:mod:`.memo`), as do those a closure or an
    opened border cannot alter."""
    from corridor import planner as planner_mod

    net, ga, gb = ctx.net, ctx.gateways[ctx.a], ctx.gateways[ctx.b]
    cargo = ctx.cargo
    bulk = cargo.get("cargo") in ("dry-bulk", "liquid-bulk")
    handover = handover_leg(cargo, costs)

    change = memo.Change(frozenset([*avoid, *([touches] if touches else [])]), frozenset(open_borders),
                         unknown=costs is not None and touches is None)

    def plan(o, d, **kw):
        before = dict(kw)  # the same request without the what-if
        if kw.get("modes") != LAND:  # the what-ifs change sea passages and canal waits, never a land part
            before.setdefault("costs", None)
            before["avoid"] = list(kw.get("avoid", []))
            kw.setdefault("costs", costs)
            kw["avoid"] = [*avoid, *kw.get("avoid", [])]
        this = memo.key(o, d, kw, open_borders)
        if this not in ctx.cache and kw.get("modes") == LAND and not _same_land(ctx, o, d):
            ctx.cache[this] = NoRoute(f"{o} and {d} are on land networks that do not connect")
        return memo.planned(ctx.cache, this, memo.key(o, d, before), change, kw.get("modes"),
                            lambda: planner_mod.plan(RouteRequest.make(origin=o, destination=d, **{**cargo, **kw}),
                                                     network=net, open_borders=open_borders))

    if "ocean" not in ctx.cache:
        ctx.cache["ocean"] = ocean_mask(net)
    ocean = {str(c): bool(m) for c, m in zip(net.port_code, ctx.cache["ocean"])}
    start, end = trade_end(ga, ocean.get), trade_end(gb, ocean.get)
    exits = _entries(ctx, ga, start, plan, toward=False)
    if origin_port:
        exits = [x for x in exits if x["code"] == origin_port] or [
            {"code": origin_port, "name": origin_port, "country": ga["country"], "land": None, "flag": None}]
    entries = _entries(ctx, gb, end, plan, toward=True)
    out: list[Option] = []
    # every gateway of a side is tried against the other's own ports; two foreign sides fewer each
    foreign = [side for side, g in ((exits, ga), (entries, gb)) if side and side[0]["country"] != g["country"]]
    per_side = SIDE_GATEWAYS if len(foreign) == 2 else 3 * SIDE_GATEWAYS
    listed = (exits, entries)
    exits, entries = exits[:per_side], entries[:per_side]
    chains = _chains(plan, handover, exits, entries, start, end)
    if by_entry is not None:
        for r, x, e in reversed(chains):  # the best (first) chain through each entry port (and pair) wins
            for key in (f"sea:{e['code']}", f"sea:{x['code']}-{e['code']}"):
                by_entry[key] = _entry_option(r, x, e, key)
    if record:
        exits, entries = listed
        for g, side in ((ga, exits), (gb, entries)):
            g["sea_gateways"] = [{"code": s["code"], "name": s["name"], "country": s["country"],
                                  "flagged": s["flag"], "own": s["country"] == g["country"],
                                  "land_days": round(s["land"].duration_h / 24, 2) if s["land"] else None,
                                  "whole_chain_days": next((round(r.duration_h / 24, 2) for r, x, e in chains
                                                            if s["code"] in (x["code"], e["code"])), None)}
                                 for s in side]
        exits, entries = exits[:per_side], entries[:per_side]
    # the best chain through each of the best entry gateways; flagged ones only when nothing else
    shown: set[tuple] = set()
    quickest = min((r.duration_h for r, _, _ in chains), default=0.0)  # chains are ranked by liner terms first
    for r, x, e in chains:
        if len(shown) == ENTRY_OPTIONS:
            break
        if r.duration_h > REAL_ALTERNATIVE * quickest:
            continue  # e.g. US -> JP by rail to New York and through Panama: not a real alternative
        way = (e["country"], frozenset(p for leg in r.legs for p in leg.passages))
        if way in shown or ((x["flag"] or e["flag"]) and shown):  # a flagged gateway only when nothing else
            continue
        shown.add(way)  # one entry port per country and way round: Batumi beside Poti adds nothing
        # keys stay unique: a second way to the same port (Tokyo from Los Angeles and from New York)
        twice = any(o.key == f"sea:{e['code']}" for o in out)
        out.append(_entry_option(r, x, e, f"sea:{x['code']}-{e['code']}" if twice else f"sea:{e['code']}"))
    # the planner's own whole chain from the origin's first gateway (as `corridor route` plans it)
    if exits:
        own = by_sea(plan, exits[0]["code"], end)
        if own is not None:
            r = merge([p for p in (exits[0]["land"], own) if p is not None], handover)
            out.append(Option("planner", describe(r) + _liner_note(r), "the planner's own chain by sea and land",
                              r, gateway_chain(r)))
    # one other way round the world, when it is a real alternative to the fastest
    if chains:
        used = _way_round(chains[0][0])  # the best-ranked chain's way round; the others are the alternatives
        alts = []
        best_exits = [x for x in exits if x["code"] in {t[1]["code"] for t in chains[:SIDE_GATEWAYS]}]
        best_entries = [e for e in entries if e["code"] in {t[2]["code"] for t in chains[:SIDE_GATEWAYS]}]
        for key, (_, extra) in WAYS_ROUND.items():
            if key == used:
                continue
            found = [t for t in _chains(plan, handover, best_exits, best_entries, start, end, avoid=extra) if not (t[1]["flag"] or t[2]["flag"]) and _way_round(t[0]) == key]
            if found:
                alts.append((key, found[0]))
        if alts:
            key, (r, x, e) = min(alts, key=lambda a: a[1][0].duration_h)
            if r.duration_h <= REAL_ALTERNATIVE * quickest:
                out.append(Option(f"way:{key}", describe(r) + _liner_note(r), f"the fastest chain {WAYS_ROUND[key][0]}, the other way "
                                  f"round the world (within {REAL_ALTERNATIVE:g}x the fastest)", r, gateway_chain(r)))
    if not bulk:
        out += _land_bridges(net, plan, handover, ga, start, end)
    try:
        r = plan(start, end, modes=LAND)
        out.append(Option("overland", describe(r), "rail, road and ferries only", r, gateway_chain(r)))
    except CorridorError:
        pass
    if not bulk:
        out += air_options(ctx, costs=costs, avoid=avoid, open_borders=open_borders, change=change)
    return prune(out)


def _land_bridges(net, plan, handover, ga: dict, start, end) -> list[Option]:
    """Sea to an East Asian container hub (from the origin gateway with a direct service to it,
    when one is sourced), then container block trains: the Middle Corridor (Russia avoided) and
    the shortest land route (may cross Russia: flagged)."""
    out = []
    for hub in HUBS:
        direct = [(o, src) for (o, h), src in DIRECT_SERVICES.items()
                  if h == hub and o in {p["code"] for p in ga["seaports"]}]
        first_port = direct[0][0] if direct else start
        if _km(net, hub, end) > _km(net, first_port, end):
            continue  # the hub is not on the way (India -> Germany does not go by Shanghai)
        for key, av, what in (("hub-middle", ["RU"], "Middle Corridor, Russia avoided"),
                              ("hub-northern", [], NORTHERN)):
            try:
                first = plan(first_port, hub, modes="sea") if first_port != hub else None
                second = plan(hub, end, modes=LAND, avoid_countries=av,
                              allow_countries=None if av else ",".join(transit_policy.restrictions()))
            except CorridorError:
                continue
            r = merge([p for p in (first, second) if p is not None], handover)
            recipe = f"sea to {hub}, container trains ({what})" + (f"; {direct[0][1]}" if direct else "")
            out.append(Option(key, f"{describe(r)} ({what}){_liner_note(r)}", recipe, r, gateway_chain(r), container_only=True))
    return out


def _same_land(ctx: Context, a, b) -> bool:
    """Whether two places (port codes or Places) are on one connected land network."""
    from corridor.places import resolve

    if "land" not in ctx.cache:
        ctx.cache["land"] = land_component(ctx.net)
    p, q = (resolve(x, ctx.net) if isinstance(x, str) else x for x in (a, b))
    return ctx.cache["land"](p.lon, p.lat) == ctx.cache["land"](q.lon, q.lat)


def _km(net, a, b) -> float:
    """Great-circle km between two places (a port code, or a Place)."""
    from corridor.places import resolve

    p, q = (resolve(x, net) if isinstance(x, str) else x for x in (a, b))
    return float(haversine_km(p.lon, p.lat, q.lon, q.lat))


def _way(o: Option) -> tuple:
    """The way round: passages, modes (road aside), consignment, the landing country (where the
    cargo leaves the sea) and the borders crossed: two options alike in all of these are the same."""
    r = o.route
    sea = [leg for leg in r.legs if leg.mode == "sea"]
    landing = sea[-1].destination.country if sea else None
    return (tuple(sorted({p for leg in r.legs for p in leg.passages})), tuple(sorted(set(r.modes) - {"road"})),
            o.group, landing, frozenset(frozenset(b.countries) for b in r.border_crossings))


def prune(opts: list[Option]) -> list[Option]:
    """Distinct options only: one per way round (:func:`_way`), on sourced liner services if any,
    else the fastest: another one the same way (e.g. Batumi beside Poti) adds nothing."""
    out: list[Option] = []
    for o in sorted(opts, key=lambda o: _rank(o.route)):
        if not any(_way(o) == _way(k) for k in out):
            out.append(o)
    return [o for o in out if not any(_outdone(o, k) for k in out)]


def _outdone(o: Option, by: Option) -> bool:
    """``o`` is slower and dearer than ``by`` through the same passages and borders from the same
    start: a longer way round that only how it was composed made (e.g. landing at Tianjin and
    railing back to Shanghai), which a user would not recognise as an option."""
    a, b = o.route, by.route
    if o is by or o.group != by.group or not (a.priced and b.priced):
        return False
    same = (sorted(a.passages), sorted(a.borders), o.gateways[:2]) == (sorted(b.passages), sorted(b.borders),
                                                                       by.gateways[:2])
    return same and a.duration_h > b.duration_h and a.cost_usd > b.cost_usd
