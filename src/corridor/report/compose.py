"""Pieces of a report option: the :class:`Option`, its consignment group, and the joining of
separately planned parts into one route (port handover between sea and land), its gateway chain
and its name, built from the typed legs."""

from __future__ import annotations

import itertools
import sys
from dataclasses import dataclass, field

from corridor import liner, transit_policy
from corridor.errors import CorridorError
from corridor.network import Network
from corridor.route import Route, TransferKind

LAND = "rail,road,ferry"

# Transfers where the cargo changes vehicle (border crossings are counted apart, as borders).
TRANSSHIPMENTS = frozenset({TransferKind.PORT, TransferKind.SHIP_FERRY, TransferKind.CONNECTION,
                            TransferKind.RAIL_ROAD_TERMINAL, TransferKind.TRANSSHIPMENT})


# Consignments compared apart: an option is only ranked against options moving the same thing.
GROUPS = {
    "surface": "by sea, rail, road and ferry",
    "air-freight": "air freight",
    "air-passengers": "air passengers",
}
BEST = (("fastest", "duration_days"), ("cheapest", "cost_usd"), ("lowest CO2e", "co2e_kg"))


@dataclass
class Option:
    """One option of the report. Its label ends by naming every transit-policy country the
    route crosses (bar the pair's own), with the policy's category and action, as
    ``corridor route`` notes them (``restrictions.transit_risk``): set here, so no recipe can
    leave it out."""

    key: str
    label: str
    recipe: str
    route: Route
    gateways: list[str]
    container_only: bool = False

    def __post_init__(self) -> None:
        entries = transit_risks(self.route)
        if entries:
            self.route.restrictions = dict(self.route.restrictions, transit_risk=entries)
        named = [e for e in entries if e["name"] not in self.label]  # e.g. "may cross Russia" says it already
        if named:
            self.label += "; crosses " + and_join([f"{e['name']} ({e['category']}, {_ACTION[e['action']]})"
                                                  for e in named])

    @property
    def group(self) -> str:
        """Which consignment the option moves (a key of :data:`GROUPS`)."""
        if "air" not in self.route.modes:
            return "surface"
        return "air-passengers" if self.route.cargo.get("kind") == "passengers" else "air-freight"

    def summary(self) -> dict:
        r = self.route
        transship = sum(1 for leg in r.legs if leg.kind in TRANSSHIPMENTS)
        return {"key": self.key, "label": self.label, "recipe": self.recipe, "modes": r.modes,
                "distance_km": round(r.distance_km, 1), "duration_days": round(r.duration_h / 24, 2),
                "duration_days_range": [round(h / 24, 2) for h in r.duration_h_range],  # fast, slow
                "cost_usd": round(r.cost_usd, 2) if r.priced else None, "co2e_kg": round(r.co2e_kg, 2),
                "transshipments": transship, "chokepoints": r.passages, "borders": r.borders,
                "gateway_chain": self.gateways, "container_only": self.container_only, "group": self.group,
                "direct_call_assumed": liner.assumes_direct_call(r.notes),
                "consignment": _consignment(r.cargo)}


def _consignment(cargo: dict) -> str:
    """What an option carries, in words: '1 TEU container', '1 t general', '1 passenger'."""
    if cargo.get("kind") == "passengers":
        n = cargo.get("passengers", 1)
        return f"{n:g} passenger" + ("s" if n != 1 else "")
    if "teu" in cargo:
        return f"{cargo['teu']:g} TEU {cargo['kind']}"
    return f"{cargo.get('tonnes', 0):g} t {cargo['kind']}"


def group_summary(rows: list[dict]) -> list[dict]:
    """The summary rows by consignment group (in :data:`GROUPS` order), each group naming its
    fastest, cheapest and lowest-CO2e option; each row gets ``best`` (the marks it holds).
    Unpriced options (USD null) are not candidates for cheapest; an option assuming a direct
    sea call with no sourced liner service is a candidate only when no option of its group is on
    sourced services (or an assumed hub): it stays listed, unmarked."""
    groups = []
    for key, title in GROUPS.items():
        members = [r for r in rows if r["group"] == key]
        if not members:
            continue
        marks = {}
        candidates = [r for r in members if not r["direct_call_assumed"]] or members
        for mark, field_name in BEST:
            ranked = [r for r in candidates if r[field_name] is not None]
            if ranked:
                marks[mark] = min(ranked, key=lambda r: r[field_name])["key"]
        for r in members:
            r["best"] = [m for m, k in marks.items() if k == r["key"]]
        groups.append({"group": key, "title": title, "consignments": sorted({r["consignment"] for r in members}),
                       "options": [r["key"] for r in members], **marks})
    return groups


@dataclass
class Context:
    net: Network
    a: str
    b: str
    cargo: dict
    progress: bool = True
    gateways: dict = field(default_factory=dict)
    cache: dict = field(default_factory=dict)  # planned parts and the ocean-port mask, shared by the what-ifs

    def say(self, text: str) -> None:
        if self.progress:
            print(f"report: {text}", file=sys.stderr, flush=True)


def handover_leg(cargo: dict, costs):
    """A port transfer (ship <-> rail or road) between two separately planned parts, costed like
    the planner's port terminals (costing/transfer.py, defaults.toml, ``costs`` overrides)."""
    from corridor.costing import params as params_mod
    from corridor.costing import transfer as transfer_costing
    from corridor.costing.cargo import make_cargo
    from corridor.route import Leg

    params = params_mod.load(costs)
    the_cargo = make_cargo(cargo.get("cargo"), teu=cargo.get("teu"), tonnes=cargo.get("tonnes"))
    hours, usd, co2 = transfer_costing.costs("port", the_cargo, params)
    basis = {k: [params[x] for x in v] for k, v in transfer_costing.basis("port", the_cargo).items()}
    basis["duration_h"] = [params.labelled(x) for x in transfer_costing.basis("port", the_cargo)["duration_h"]]

    def leg(at) -> Leg:
        return Leg("transfer", at, at, 0.0, hours, [], [], [[[at.lon, at.lat], [at.lon, at.lat]]],
                   kind=TransferKind.PORT, name=f"{at.label} (port)", assumption=transfer_costing.label("port"),
                   cost_usd=usd, co2e_ttw_kg=co2, basis=basis)
    return leg


def moves(r: Route) -> list[str]:
    return [leg.mode for leg in r.legs if leg.mode != "transfer"]


AT_SEA_ONLY = ("door to door at sea", "port to port: by sea")  # notes that a sea part alone is quay to quay


def merge(parts: list[Route], handover=None) -> Route:
    """One route from parts planned one after another; where a part arriving by sea meets one
    leaving by land (or the reverse), ``handover(port)`` adds the port transfer between them."""
    if len(parts) == 1:
        return parts[0]
    legs, handed_over = list(parts[0].legs), []
    for before, after in itertools.pairwise(parts):
        a, b = moves(before), moves(after)
        if handover is not None and a and b and (a[-1] == "sea") != (b[0] == "sea"):
            handed_over.append(handover(before.destination))
            legs.append(handed_over[-1])
        legs += after.legs
    seen, assumptions = set(), []
    for x in [x for r in parts for x in r.assumptions] + [x for leg in handed_over for x in leg.basis["duration_h"]]:
        if x.name not in seen:  # the port dwell of a handover is an assumption of the route too
            seen.add(x.name)
            assumptions.append(x)
    restrictions = dict(parts[0].restrictions, modes=sorted({m for r in parts for m in r.restrictions["modes"]}),
                        avoided=sorted({x for r in parts for x in r.restrictions.get("avoided", [])}))
    risks = {e["country"]: e for r in reversed(parts) for e in r.restrictions.get("transit_risk", [])}
    if risks:  # each part's, not the first part's only
        restrictions["transit_risk"] = [risks[c] for c in sorted(risks)]
    notes = list(dict.fromkeys(n for r in parts for n in r.notes if not n.startswith(AT_SEA_ONLY)))
    return Route(parts[0].origin, parts[-1].destination, legs, assumptions, restrictions, parts[0].network,
                 notes, parts[0].cargo, parts[0].objective)


_ACTION = {"flag": "flagged by the transit policy", "avoid": "avoided by the transit policy, but no route avoids it",
           "allow": "allowed for this option"}


def transit_risks(r: Route) -> list[dict]:
    """The transit-policy countries ``r`` crosses, bar its own ends' countries: the entry its parts
    were planned with (``restrictions.transit_risk``), else the default policy's (a country that
    was the end of a part, e.g. a gateway port's)."""
    ends = [r.origin.country, r.destination.country]
    planned = {e["country"]: e for e in r.restrictions.get("transit_risk", [])}
    return [planned.get(e["country"], e) for e in transit_policy.risks(r, transit_policy.load(), ends)]


def by_sea(plan, port: str, end, **kw) -> Route | None:
    """The planner's whole chain from ``port`` to ``end`` by sea and land (so the ports and
    terminals on the way are costed exactly as ``corridor route`` costs them); None when it fails
    or does not leave by sea in one sea part (e.g. rail all the way)."""
    try:
        r = plan(port, end, modes=f"sea,{LAND}", **kw)
    except CorridorError:
        return None
    at_sea = [i for i, m in enumerate(moves(r)) if m == "sea"]
    return r if at_sea and at_sea == list(range(len(at_sea))) else None


def sea_then_land(plan, port: str, entries: list[str], land, handover, avoid) -> list[Route]:
    """Sea from ``port`` to each entry port, then ``land(entry)`` inland, with the port transfer
    between them: for chains where the planner would leave the sea altogether."""
    out = []
    for e in entries:
        if e == port or land(e) is False:
            continue
        try:
            sea = plan(port, e, modes="sea", avoid=avoid)
        except CorridorError:
            continue
        out.append(merge([sea] + ([land(e)] if land(e) else []), handover))
    return out


def gateway_chain(r: Route) -> list[str]:
    """Gateway chain: the places where cargo changes mode or country, first to last: ports,
    ferry terminals, hubs, airports, border crossings and the destination."""
    out: list[str] = []

    def add(name: str) -> None:
        if name and (not out or out[-1] != name):
            out.append(name)

    add(r.origin.label)
    for leg in r.legs:
        if leg.mode == "transfer":
            if leg.border is not None:
                add(leg.border.name)
            continue
        if leg.mode == "road":
            continue
        for p in (leg.origin, leg.destination):
            if p.kind not in ("waypoint", "passage", "border"):
                add(p.label)
    add(r.destination.label)
    return out


FIRST_MILE_KM = 100.0  # road moves shorter than this are drayage (to a port or yard), left out of a name


def describe(r: Route) -> str:
    """An option's name from its typed legs: the movements in order, each with its mode, the
    passages it crosses and where it ends; a transfer between two legs of the same mode (a ship
    change at a transshipment hub, a border) keeps the movement and names the hub, e.g.
    'sea via Panama Canal and Bosporus to Poti, rail to Baku'."""
    parts: list[dict] = []
    last_mode, pending = None, []
    for leg in r.legs:
        if leg.mode == "transfer":
            if leg.border is None:
                pending.append(leg.origin.label)
                if parts and parts[-1]["to_border"]:  # a ferry clears customs at the port it lands at: name the port
                    parts[-1].update(to=leg.origin.label, to_border=False)
            continue
        if leg.mode == last_mode:
            part = parts[-1]
            part["hubs"] += pending  # a change of vehicle inside one movement (hub, transshipment)
        else:
            part = {"mode": leg.mode, "km": 0.0, "passages": [], "hubs": []}
            parts.append(part)
        pending = []
        part["km"] += leg.distance_km
        part["to"], part["to_waypoint"] = leg.destination.label, leg.destination.kind == "waypoint"
        part["to_border"] = leg.destination.kind == "border"
        part["passages"] += [n for n in leg.passage_names if n not in part["passages"]]
        last_mode = leg.mode
    moved = []
    for p in parts:
        if p["mode"] == "road" and p["km"] < FIRST_MILE_KM:
            if moved and moved[-1]["to_waypoint"]:
                # a short road move left out hands its end to the movement before: "rail to Baku",
                # "rail to New York", not the nameless node where the road begins ("near Baku (AZ)")
                moved[-1] = dict(moved[-1], to=p["to"], to_waypoint=p["to_waypoint"])
            continue
        moved.append(p)
    moved = moved or parts
    parts = []
    for p in moved:  # a short road move between two legs of one mode (port to rail yard) joins them
        if parts and parts[-1]["mode"] == p["mode"]:
            parts[-1].update(to=p["to"], km=parts[-1]["km"] + p["km"],
                             passages=parts[-1]["passages"] + [n for n in p["passages"] if n not in parts[-1]["passages"]])
        else:
            parts.append(p)
    words = []
    for p in parts:
        via = p["passages"] + [f"{h} (change)" for h in dict.fromkeys(p["hubs"]) if p["mode"] in ("sea", "air")]
        text = p["mode"] + (f" via {and_join(via)}" if via else "") + f" to {p['to']}"
        words.append(text)
    return ", ".join(words)


def and_join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
