"""From a request to a :class:`~corridor.route.Route`: places, network access, search, legs."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from corridor import alternatives as alternatives_mod
from corridor import modes as M
from corridor import transit_policy, whatif
from corridor.air import plan as air_plan
from corridor.build.contraction import cached_hierarchy
from corridor.costing import road as road_costing
from corridor.costing import sea as sea_costing
from corridor.costing import objective as objective_mod
from corridor.costing.annotate import annotate
from corridor.costing.profile import Profile, assumptions_for
from corridor.data import passages as P
from corridor.directions import legs_from_path
from corridor.errors import BadInput, CorridorError, NoRoute
from corridor.geo import chord_for_km, haversine_km, km_for_chord, to_unit_vectors
from corridor.network import Network, load_network
from corridor.places import Place, port_place, resolve
from corridor.route import Route
from corridor.search import PathResult, shortest_path
from corridor.search_ch import ch_shortest_path
from corridor.snapping import COAST_ALLOWANCE_KM, water_connectors

AVAILABLE_MODES = (*M.SURFACE, "air")
DEFAULT_MODES = M.SURFACE  # air only when asked for (--modes air, or listed with others)
VESSELS = ("seagoing", "river-sea")
# A point whose water access crosses more land than this is served by its nearest port.
POINT_MAX_LAND_KM = 25.0
DIRECT_MAX_KM = 500.0
LAND_REACH_KM = 50.0  # a place joins rail and road nodes this close, by truck
LAND_CANDIDATES = 2


@dataclass
class Access:
    """How one requested place joins the network: candidate places, each with connectors."""

    requested: Place
    candidates: list[Place] = field(default_factory=list)
    nodes: list[np.ndarray] = field(default_factory=list)
    cost: list[np.ndarray] = field(default_factory=list)  # hours
    km: list[np.ndarray] = field(default_factory=list)
    mode: list[np.ndarray] = field(default_factory=list)  # mode of each connector
    sea: list[bool] = field(default_factory=list)  # candidate reaches the sea directly
    notes: list[str] = field(default_factory=list)

    def add(self, place: Place, parts: list[tuple[np.ndarray, np.ndarray, int]], profile: Profile,
            sea: bool) -> None:
        parts = [(n, k, m) for n, k, m in parts if len(n)]
        if not parts:
            return
        self.candidates.append(place)
        self.nodes.append(np.concatenate([n for n, _, _ in parts]).astype(np.int32))
        self.km.append(np.concatenate([k for _, k, _ in parts]))
        self.mode.append(np.concatenate([np.full(len(n), m) for n, _, m in parts]))
        speeds = {M.SEA: profile.kmh(M.SEA), M.ROAD: road_costing.kmh(profile.params), M.FERRY: np.inf,
                  M.AIR: air_plan.ROAD_KMH}
        self.cost.append(np.concatenate([k / speeds[m] for _, k, m in parts]))
        self.sea.append(sea)

    def flat(self):
        """All connectors: (node, cost, km, mode, candidate index)."""
        owner = np.concatenate([np.full(len(n), j) for j, n in enumerate(self.nodes)])
        return (np.concatenate(self.nodes), np.concatenate(self.cost), np.concatenate(self.km),
                np.concatenate(self.mode), owner)


def _port_sea(net: Network, i: int) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = net.port_conn_indptr[i], net.port_conn_indptr[i + 1]
    return np.asarray(net.port_conn_node[lo:hi]), np.asarray(net.port_conn_km[lo:hi])


def _land(net: Network, lon: float, lat: float, profile: Profile) -> list[tuple[np.ndarray, np.ndarray, int]]:
    """Truck connectors to the nearest rail and road nodes (drayage)."""
    parts = []
    for mode in (M.RAIL, M.ROAD):
        if M.NAMES[mode] not in profile.modes:
            continue
        tree, ids = net.land_trees[mode]
        chord, idx = tree.query(to_unit_vectors(lon, lat), k=LAND_CANDIDATES,
                                distance_upper_bound=chord_for_km(LAND_REACH_KM))
        ok = np.isfinite(chord)
        parts.append((ids[idx[ok]], km_for_chord(chord[ok]), M.ROAD))
    return parts


def _nearest_port(net: Network, lon: float, lat: float) -> int:
    d = haversine_km(lon, lat, net.port_lon, net.port_lat)
    d[np.diff(net.port_conn_indptr) == 0] = np.inf
    return int(np.argmin(d))


def access(net: Network, place: Place, profile: Profile) -> Access:
    acc = Access(place)
    use_sea = "sea" in profile.modes
    if place.kind == "passage":  # --via suez: a node on the passage's gate
        if use_sea:
            acc.add(place, [(np.array(place.ports, np.int32), np.zeros(len(place.ports)), M.SEA)], profile, sea=False)
    elif place.kind in ("port", "country"):
        for i in place.ports:
            candidate = port_place(net, i) if place.kind == "country" else place
            parts = [(*_port_sea(net, i), M.SEA)] if use_sea else []
            code = str(net.port_code[i])
            if "ferry" in profile.modes and code in net.ferry_terminals:
                parts.append((np.array([net.ferry_terminals[code]]), np.zeros(1), M.FERRY))
            parts += _land(net, candidate.lon, candidate.lat, profile)
            parts += air_plan.airport_parts(net, candidate, profile)
            acc.add(candidate, parts, profile, sea=use_sea)
    else:
        parts = _land(net, place.lon, place.lat, profile) + air_plan.airport_parts(net, place, profile)
        on_water = False
        if use_sea and place.kind == "point":
            c = water_connectors(place.lon, place.lat, tree=net.tree, node_lon=net.node_lon,
                                 node_lat=net.node_lat, joinable=net.node_joinable, mask=net.water)
            on_water = not c.empty and c.land_km <= POINT_MAX_LAND_KM
            if on_water:
                parts.append((c.nodes, c.km, M.SEA))
        acc.add(place, parts, profile, sea=on_water)
        if not acc.candidates and use_sea:
            i = _nearest_port(net, place.lon, place.lat)
            d = float(haversine_km(place.lon, place.lat, net.port_lon[i], net.port_lat[i]))
            note = (f"{place.label} is inland, away from the sea: nearest port used: {net.port_name[i]} "
                    f"({net.port_code[i]}), {d:.0f} km away")
            acc.add(port_place(net, i, note), [(*_port_sea(net, i), M.SEA)], profile, sea=True)
            acc.notes.append(note)
    if not acc.candidates:
        raise NoRoute(f"{place.label} has no access to the network by {', '.join(sorted(profile.modes))}"
                      f"{' (it is not joined to the sea)' if profile.modes == {'sea'} else ''}; "
                      "allow more modes or choose a place nearby.")
    return acc


def blocked_mask(avoid: list[str], allow: list[str], vessel: str) -> int:
    closed = [p.key for p in P.PASSAGES if p.closed_by_default and p.key not in allow]
    if vessel == "river-sea":
        closed = [k for k in closed if k != "volga-don"]
    return P.mask_of(set(avoid) | set(closed))


@dataclass
class Ctx:
    """One request's search setting: costing profile, objective, and edges shut by the request."""

    net: Network
    profile: Profile
    objective: dict = field(default_factory=lambda: {"time": 1.0})
    refs: dict = field(default_factory=dict)
    closed_ports: frozenset = frozenset()
    countries: frozenset = frozenset()  # ISO codes whose land, ports and borders are avoided
    border_pairs: frozenset = frozenset()  # frozenset({"CN", "KZ"}) pairs whose crossings are avoided
    _w: tuple | None = None

    def replace(self, **kw) -> "Ctx":
        d = {k: getattr(self, k) for k in ("net", "profile", "objective", "refs", "closed_ports", "countries",
                                             "border_pairs")}
        d.update(kw)
        return Ctx(**d)

    @property
    def weights(self):
        return air_plan.edge_weights(self.net, self.profile)  # the profile's, with air edges priced

    def weight(self) -> tuple[np.ndarray, float]:
        """The objective per edge (inf: not allowed) and its lower bound per km."""
        if self._w is None:
            net = self.net
            w = objective_mod.edge_weight(net, self.weights, self.objective, self.refs)
            if self.closed_ports or self.countries or self.border_pairs:
                w, bound = _closed_weight(net, w, self.closed_ports, self.countries, self.border_pairs,
                                          lambda x: objective_mod.lower_bound_per_km(net, x, self.profile,
                                                                                     self.objective, self.refs))
            elif list(self.objective) == ["time"]:
                bound = self.weights.hours_per_km
            else:
                bound = objective_mod.lower_bound_per_km(net, w, self.profile, self.objective, self.refs)
            self._w = (w, max(bound, 1e-9))
        return self._w

    def connector(self, mode: np.ndarray, km: np.ndarray) -> np.ndarray:
        out = np.zeros(len(km))
        for m in np.unique(mode):
            sel = mode == m
            out[sel] = objective_mod.connector_weight(self.profile, int(m), km[sel], self.objective, self.refs)
        return out


_CLOSED: dict = {}
_CLOSED_SIZE = 8


def _closed_weight(net: Network, w: np.ndarray, ports: frozenset, countries: frozenset, pairs: frozenset,
                   bound_of) -> tuple[np.ndarray, float]:
    """``w`` with the edges of closed ports, avoided countries and border pairs set to inf, and
    its lower bound per km (``bound_of``). From a shared, read-only ``w`` (a costing profile's)
    the result is shared and read-only too, so the same request shape (e.g. the transit
    policy's Russia and Belarus) finds the hierarchy built for it
    (:func:`corridor.build.contraction.cached_hierarchy`). The entries hold the network and
    ``w`` themselves, so their ids are not reused while cached."""
    key = (id(net), id(w), ports, countries, pairs)
    hit = _CLOSED.get(key)
    if hit is not None and hit[0] is net and hit[1] is w:
        return hit[2], hit[3]
    out = np.where(_shut_edges(net, ports, countries, pairs), np.inf, w)
    bound = bound_of(out)
    if not w.flags.writeable:
        out.flags.writeable = False
        if len(_CLOSED) >= _CLOSED_SIZE:
            _CLOSED.pop(next(iter(_CLOSED)))
        _CLOSED[key] = (net, w, out, bound)
    return out, bound


def _shut_edges(net: Network, ports: frozenset, countries: frozenset, pairs: frozenset):
    if not (ports or countries or pairs):
        return None
    shut = np.zeros(len(net.edge_km), bool)
    if countries:
        idx = [i for i, c in enumerate(net.tables["countries"]) if c in countries]
        bad = np.isin(net.node_country, idx)
        shut |= bad[net.edge_u] | bad[net.edge_v]
    if ports:
        terminals = net.tables["terminals"]
        bad_t = np.array([t["code"] in ports for t in terminals] + [False])
        sel = net.edge_mode == M.TRANSFER
        ref = np.where(sel, np.asarray(net.edge_ref), len(terminals))
        shut |= bad_t[np.clip(ref, 0, len(terminals))] & sel
    if pairs:
        borders = net.tables["borders"]
        bad_b = np.array([frozenset(b["countries"]) in pairs for b in borders] + [False])
        shut |= bad_b[np.where(net.edge_border >= 0, net.edge_border, len(borders))]
    return shut


def _search(ctx: Ctx, a: Access, b: Access, blocked: int):
    """Best path between two accesses and the connectors used at each end, or None."""
    net, profile = ctx.net, ctx.profile
    a_nodes, _, a_km, a_mode, a_owner = a.flat()
    b_nodes, _, b_km, b_mode, b_owner = b.flat()
    a_cost, b_cost = ctx.connector(a_mode, a_km), ctx.connector(b_mode, b_km)
    a_cost = air_plan.connector_costs(ctx, a_cost, a_km, a_mode, arriving=False)
    b_cost = air_plan.connector_costs(ctx, b_cost, b_km, b_mode, arriving=True)
    weight, bound = ctx.weight()
    targets = to_unit_vectors([p.lon for p in b.candidates], [p.lat for p in b.candidates])
    sea_only = profile.modes == frozenset({"sea"})
    hierarchy = None if "air" in profile.modes else cached_hierarchy(net, "sea" if sea_only else "all", weight,
                                                                      blocked)
    if hierarchy is not None:  # built for exactly these weights and closures: A*'s cost, far faster
        res = ch_shortest_path(hierarchy, a_nodes, a_cost, b_nodes, b_cost)
    else:
        res = shortest_path(net, a_nodes, a_cost, b_nodes, b_cost, targets, blocked=blocked,
                            weight=weight, cost_per_km=bound,
                            landmarks="none" if "air" in profile.modes else profile.landmarks,
                            graph=net.sea_csr if sea_only else None)
    if res is None or not np.isfinite(res.cost):
        return None
    ia = int(np.flatnonzero(a_nodes == res.nodes[0])[np.argmin(np.abs(a_cost[a_nodes == res.nodes[0]] - res.source_cost))])
    ib = int(np.flatnonzero(b_nodes == res.nodes[-1])[np.argmin(np.abs(b_cost[b_nodes == res.nodes[-1]] - res.target_cost))])
    return res, ctx.weights, (int(a_owner[ia]), int(a_mode[ia]), float(a_km[ia])), \
        (int(b_owner[ib]), int(b_mode[ib]), float(b_km[ib]))


def direct_crossing(net: Network, a: Access, b: Access, profile: Profile) -> tuple[float, int, int] | None:
    """A straight open-water crossing between two nearby sea candidates, if one exists."""
    if "sea" not in profile.modes:
        return None
    best = None
    for ja, pa in enumerate(a.candidates):
        for jb, pb in enumerate(b.candidates):
            if not (a.sea[ja] and b.sea[jb]):
                continue
            d = float(haversine_km(pa.lon, pa.lat, pb.lon, pb.lat))
            if d > DIRECT_MAX_KM or (best and d >= best[0]):
                continue
            land = net.water.land_km_along(pa.lon, pa.lat, pb.lon, pb.lat, skip_start_km=COAST_ALLOWANCE_KM,
                                           skip_end_km=COAST_ALLOWANCE_KM)
            if land == 0.0:
                best = (d, ja, jb)
    return best


def _explain(ctx: Ctx, a: Access, b: Access, blocked: int, avoid: list[str]) -> NoRoute:
    profile = ctx.profile
    what = f"No route from {a.requested.label} to {b.requested.label} by {', '.join(sorted(profile.modes))}"
    if ctx.countries or ctx.closed_ports:
        what += (f" avoiding {', '.join(sorted(ctx.countries | ctx.closed_ports))}")

    def why(key: str) -> str:
        p = P.BY_KEY[key]
        return f"the {p.name} (you asked to avoid it)" if key in avoid else f"the {p.name} ({p.closed_by_default or 'closed for this vessel class or scenario'})"

    closed = P.keys_of(blocked)
    cutters = [k for k in closed if _search(ctx, a, b, blocked & ~P.BIT[k]) is not None]
    if cutters:
        return NoRoute(f"{what}: every route crosses {' or '.join(why(k) for k in cutters)}"
                       f"{_wider_hint(ctx, a, b, blocked)}.", cut_by=cutters)
    if closed and _search(ctx, a, b, 0) is not None:
        return NoRoute(f"{what}: every route crosses several closed passages at once: "
                       f"{', '.join(why(k) for k in closed)}.", cut_by=closed)
    hint = _wider_hint(ctx, a, b, blocked)
    if hint:
        return NoRoute(f"{what}{hint}.", cut_by=["modes"])
    return NoRoute(f"{what}: they are on networks that do not connect.")


def _wider_hint(ctx: Ctx, a: Access, b: Access, blocked: int) -> str:
    """'; allowing rail, road would give one' when more modes would find a route."""
    profile = ctx.profile
    missing = [m for m in DEFAULT_MODES if m not in profile.modes]
    if not missing:
        return ""
    wider = ctx.replace(profile=replace(profile, modes=frozenset(DEFAULT_MODES) | profile.modes))
    try:
        if _search(wider, access(ctx.net, a.requested, wider.profile), access(ctx.net, b.requested, wider.profile),
                   blocked):
            return f"; allowing {', '.join(missing)} (--modes) would give one"
    except CorridorError:
        pass
    return ""


def _legs(ctx: Ctx, a: Access, b: Access, blocked: int, avoid: list[str]):
    net, profile = ctx.net, ctx.profile
    found = _search(ctx, a, b, blocked)
    direct = direct_crossing(net, a, b, profile) if not ctx.closed_ports and not ctx.countries else None
    if found is None and direct is None:
        raise _explain(ctx, a, b, blocked, avoid)
    if direct is not None:
        direct_cost = float(ctx.connector(np.array([M.SEA]), np.array([direct[0]]))[0])
    if direct is not None and (found is None or direct_cost <= found[0].cost):
        km, ja, jb = direct
        empty = PathResult(direct_cost, np.array([], np.int32), np.array([], np.int32), 0.0, direct_cost)
        return legs_from_path(net, empty, ctx.weights, a.candidates[ja], b.candidates[jb],
                              M.SEA, M.SEA, 0.0, km)
    res, weights, (ja, mode_a, km_a), (jb, mode_b, km_b) = found
    return air_plan.legs(net, res, weights, a.candidates[ja], b.candidates[jb], mode_a, mode_b, km_a, km_b)


def check_modes(modes) -> frozenset:
    if modes is None:
        return frozenset(DEFAULT_MODES)
    items = modes.split(",") if isinstance(modes, str) else list(modes)
    items = [m.strip().lower() for m in items if m.strip()]
    for m in items:
        if m not in AVAILABLE_MODES:
            raise BadInput(f"Mode {m!r} is not in the network yet; available modes: {', '.join(AVAILABLE_MODES)}.")
    if not items:
        raise BadInput(f"No mode given; available modes: {', '.join(AVAILABLE_MODES)}.")
    return frozenset(items)


def _as_list(via) -> list:
    """``via`` as a list of places: one place (name, Place, (lat, lon)) or a list of them."""
    if via is None:
        return []
    if isinstance(via, (str, Place)):
        return [via]
    if isinstance(via, (tuple, list)) and len(via) == 2 and all(isinstance(v, (int, float)) for v in via):
        return [tuple(via)]
    return list(via)


def _passage_place(net: Network, key: str) -> Place:
    """A sea node on the passage's gate (nearest to the gate's first point), for --via suez."""
    p = P.BY_KEY[key]
    sel = np.flatnonzero(((net.edge_flags & np.uint32(P.BIT[key])) != 0) & (net.edge_mode == M.SEA))
    if not len(sel):
        raise BadInput(f"The {p.name} has no lane in the network.")
    lon0, lat0 = p.gates[0][0]
    nodes = np.unique(np.concatenate([np.asarray(net.edge_u)[sel], np.asarray(net.edge_v)[sel]]))
    d = haversine_km(lon0, lat0, net.node_lon[nodes], net.node_lat[nodes])
    node = int(nodes[np.argmin(d)])
    return Place("passage", p.name, float(net.node_lon[node]), float(net.node_lat[node]), code=key, ports=(node,))


def _via_place(q, net: Network):
    """A via item naming a passage (``suez``, ``cape``) is a passage; anything else a place.
    A passage name wins over a port of the same name: give the port's UN/LOCODE (EGSUZ) instead."""
    if isinstance(q, str):
        key = P._LOOKUP.get(P._norm(q))
        if key is not None:
            return _passage_place(net, key)
    return resolve(q, net)


def _parse_countries(value) -> frozenset:
    if value is None:
        return frozenset()
    items = value.split(",") if isinstance(value, str) else list(value)
    out = set()
    for item in items:
        code = str(item).strip().upper()
        if not code:
            continue
        if len(code) != 2 or not code.isalpha():
            raise BadInput(f"Countries are given as ISO 3166 alpha-2 codes such as RU or IR, not {item!r}.")
        out.add(code)
    return frozenset(out)


@dataclass
class _Request:
    stops: list
    accesses: list
    blocked: int
    avoid_keys: list
    restrictions: dict
    notes: list


def _route(ctx: Ctx, req: _Request) -> Route:
    legs = [leg for a, b in zip(req.accesses[:-1], req.accesses[1:])
            for leg in _legs(ctx, a, b, req.blocked, req.avoid_keys)]
    annotate(legs, ctx.profile)
    used = {leg.mode for leg in legs if leg.mode != "transfer"}
    kinds = {leg.kind for leg in legs if leg.mode == "transfer"}
    manifest = ctx.net.manifest
    network_info = {"fingerprint": manifest["fingerprint"],
                    "sources": [f"{s['package']} {s['version']}: {s['name']}" for s in manifest["sources"]]}
    objective = {"weights": ctx.objective, "reference": {k: round(v, 2) for k, v in ctx.refs.items()}}
    r = Route(req.stops[0], req.stops[-1], legs, assumptions_for(ctx.profile, used, kinds), req.restrictions,
              network_info, list(req.notes), cargo=ctx.profile.cargo.to_dict(), objective=objective)
    air_plan.annotate_route(r, ctx.net, ctx.profile, used)
    return r


def _filter_access(acc: Access, closed_ports: frozenset, countries: frozenset) -> Access:
    if not (closed_ports or countries):
        return acc
    keep = [j for j, c in enumerate(acc.candidates)
            if not (c.code in closed_ports or (c.kind == "port" and c.country in countries))]
    if not keep:
        raise NoRoute(f"{acc.requested.label} is closed in this request (ports {', '.join(sorted(closed_ports)) or '-'}, "
                      f"countries avoided {', '.join(sorted(countries)) or '-'}); choose another place.",
                      cut_by=["scenario"])
    out = Access(acc.requested, notes=acc.notes)
    for name in ("candidates", "nodes", "cost", "km", "mode", "sea"):
        setattr(out, name, [getattr(acc, name)[j] for j in keep])
    return out


class _Solver:
    """Runs one request under exclusions (for alternatives) and objectives (for the Pareto front)."""

    def __init__(self, net, profile, stops, base_blocked, avoid_keys, restrictions, notes, closed_ports, countries):
        self.net, self.profile, self.stops = net, profile, stops
        self.base_blocked, self.avoid_keys = base_blocked, avoid_keys
        self.restrictions, self.notes = restrictions, notes
        self.closed_ports, self.countries = closed_ports, countries
        self._accesses: dict = {}

    def accesses(self, profile, closed_ports):
        key = (profile.modes, profile.sea_speed, closed_ports)
        if key not in self._accesses:
            self._accesses[key] = [_filter_access(access(self.net, s, profile), closed_ports, self.countries)
                                   for s in self.stops]
        return self._accesses[key]

    def seed(self, profile, closed_ports, accesses) -> None:
        """Reuse accesses already computed for ``profile`` (before port closures)."""
        self._accesses[(profile.modes, profile.sea_speed, closed_ports)] = [
            _filter_access(a, closed_ports, self.countries) for a in accesses]

    def solve(self, objective=None, refs=None, exclude=()) -> Route:
        blocked, modes, ports, pairs = self.base_blocked, set(self.profile.modes), set(self.closed_ports), set()
        avoid = list(self.avoid_keys)
        for kind, value in exclude:
            if kind == "passage":
                blocked |= P.BIT[value]
                avoid.append(value)
            elif kind == "mode":
                modes -= {"rail", "road"} if value == "land" else {value}
            elif kind == "port":
                ports.add(value)
            elif kind == "border":
                pairs.add(value)
        if not modes:
            raise NoRoute("no mode left", cut_by=["modes"])
        profile = replace(self.profile, modes=frozenset(modes))
        ctx = Ctx(self.net, profile, objective or {"time": 1.0}, refs or {}, frozenset(ports), self.countries,
                  frozenset(pairs))
        restrictions = dict(self.restrictions, modes=sorted(modes))
        if exclude:
            restrictions["excluded"] = [f"{k}: {'-'.join(sorted(v)) if isinstance(v, frozenset) else v}"
                                        for k, v in exclude]
        req = _Request(self.stops, self.accesses(profile, frozenset(ports)), blocked, avoid, restrictions, self.notes)
        return _route(ctx, req)


def _best(solver: _Solver, objective: dict, pareto: bool) -> tuple[Route, dict]:
    """The best route for the objective, and the reference totals a mixed objective is scaled by."""
    refs: dict = {}
    if list(objective) != ["time"] and len(objective) > 1:
        fastest = solver.solve({"time": 1.0})
        refs = {k: max(fastest.totals()[objective_mod.FIELD[k]], 1e-9) for k in objective}
    if pareto and not refs:
        fastest = solver.solve({"time": 1.0})
        refs = {k: max(fastest.totals()[objective_mod.FIELD[k]], 1e-9) for k in ("time", "cost", "co2")}
    return solver.solve(objective, refs), refs


def _apply_transit_policy(solver: _Solver, best: Route, refs: dict, policy: frozenset, accesses, objective,
                          pareto: bool):
    """Search again without the policy countries when the free answer crosses one of them; the
    answer then states what the route through them would have given. Searching free first keeps
    the common case (no policy country near) at one search."""
    hit = policy & transit_policy.countries_crossed(best)
    if not hit:
        return solver, best, refs
    entry = transit_policy.summary(best, frozenset(hit), policy)
    strict = _Solver(solver.net, solver.profile, solver.stops, solver.base_blocked, solver.avoid_keys,
                     dict(solver.restrictions, transit_policy=entry), [*solver.notes, transit_policy.note(entry)],
                     solver.closed_ports, solver.countries | policy)
    strict.seed(solver.profile, solver.closed_ports, accesses)
    try:
        best_strict, refs_strict = _best(strict, objective, pareto)
    except CorridorError:
        best.notes.append(transit_policy.kept_note(frozenset(hit)))
        return solver, best, refs
    return strict, best_strict, refs_strict


def plan(origin, destination, *, modes=None, via=None, avoid=None, allow=None, vessel: str = "seagoing",
         speed_kn: float | None = None, network: Network | None = None, cargo=None, teu=None, feu=None,
         tonnes=None, passengers=None, vessel_class=None, optimize=None, alternatives: int = 0,
         pareto: bool = False, scenario=None, costs=None, avoid_countries=None, close_ports=None,
         allow_countries=None) -> Route:
    """Plan a route; see :func:`corridor.route` for the options."""
    from corridor import scenario as scenario_mod
    from corridor.costing import params as params_mod
    from corridor.costing.cargo import make_cargo

    net = air_plan.network_for(network or load_network(), modes)  # imported air routes, when air is asked for
    sc = scenario_mod.parse(scenario)
    common = dict(modes=modes, via=via, avoid=avoid, allow=allow, vessel=vessel, speed_kn=speed_kn, cargo=cargo,
                  teu=teu, feu=feu, tonnes=tonnes, passengers=passengers, vessel_class=vessel_class,
                  optimize=optimize, costs=costs, avoid_countries=avoid_countries, close_ports=close_ports,
                  allow_countries=allow_countries)
    if sc is not None:
        return whatif.plan_with_scenario(sc, origin, destination, common, alternatives=alternatives, pareto=pareto,
                                         network=net)

    allowed = check_modes(modes)
    the_cargo = make_cargo(cargo, teu=teu, feu=feu, tonnes=tonnes, passengers=passengers, vessel_class=vessel_class)
    params = params_mod.load(costs)
    speed = sea_costing.speed(speed_kn, the_cargo, params)
    if vessel not in VESSELS:
        raise BadInput(f"Unknown vessel {vessel!r}; choose one of: {', '.join(VESSELS)}.")
    if the_cargo.vclass == "river-sea":
        vessel = "river-sea"
    objective = objective_mod.parse(optimize)
    if alternatives is None:
        alternatives = 0
    if isinstance(alternatives, bool) or not isinstance(alternatives, int) or not 0 <= alternatives <= 10:
        raise BadInput(f"alternatives must be a whole number from 0 to 10, not {alternatives!r}.")
    avoid_keys = P.parse_passage_list(avoid)
    allow_keys = P.parse_passage_list(allow)
    countries = _parse_countries(avoid_countries)
    allowed_countries = _parse_countries(allow_countries)
    ports_closed = frozenset(str(c).strip().upper().replace(" ", "") for c in
                             ((close_ports.split(",") if isinstance(close_ports, str) else close_ports) or [])
                             if str(c).strip())
    stops = [resolve(origin, net), *[_via_place(q, net) for q in _as_list(via)], resolve(destination, net)]
    notes = []
    if modes is None and all(s.kind in ("port", "country", "passage") for s in stops):
        allowed = frozenset({"sea"})  # port to port means by sea unless the caller says otherwise
        notes.append("port to port: by sea; pass modes (--modes sea,rail,road,ferry) to compare land routes")
    if "sea" in allowed and allowed == frozenset({"sea"}) and not sea_costing.allowed(the_cargo):
        raise BadInput("Passengers are not carried by sea in this release; use --modes rail,road,ferry.")
    if allowed == frozenset({"sea"}) and all(s.kind in ("port", "country") for s in (stops[0], stops[-1])):
        notes.append("door to door at sea: quay to quay, sailing time plus canal waits; dwell at the first and "
                     "last port and their handling charges are not included")
    profile = Profile(allowed, speed, the_cargo, params)
    for s, t in zip(stops[:-1], stops[1:]):
        if (s.kind, s.code, round(s.lon, 6), round(s.lat, 6)) == (t.kind, t.code, round(t.lon, 6), round(t.lat, 6)):
            raise BadInput(f"Origin and destination of a leg are the same place ({s.label}); "
                           "give two different places.")
    blocked = blocked_mask(avoid_keys, allow_keys, vessel)
    for key in the_cargo.closed_passages():
        blocked |= P.BIT[key]
    accesses = [access(net, s, profile) for s in stops]
    notes += [n for acc in accesses for n in acc.notes]
    notes += [f"{s.label}: {s.note}" for s in stops if s.note and s.note not in notes]
    restrictions = {
        "modes": sorted(profile.modes),
        "avoided": [P.BY_KEY[k].name for k in avoid_keys],
        "closed": [{"passage": P.BY_KEY[k].name,
                    "why": P.BY_KEY[k].closed_by_default or the_cargo.closed_passages().get(k, "")}
                   for k in P.keys_of(blocked) if k not in avoid_keys],
        "vessel": vessel,
    }
    if countries:
        restrictions["avoided_countries"] = sorted(countries)
    if ports_closed:
        restrictions["closed_ports"] = sorted(ports_closed)
    solver = _Solver(net, profile, stops, blocked, avoid_keys, restrictions, notes, ports_closed, countries)
    solver.seed(profile, ports_closed, accesses)  # joining points to the network is the costly part
    best, refs = _best(solver, objective, pareto)
    if allowed != frozenset({"sea"}):
        stop_countries = [s.country or (s.code if s.kind == "country" else None) for s in stops]
        policy = transit_policy.avoided_by_default(stop_countries, allowed_countries, countries)
        solver, best, refs = _apply_transit_policy(solver, best, refs, policy, accesses, objective, pareto)
    if alternatives:
        alts = alternatives_mod.alternatives(solver, best, alternatives, objective, refs)
        if modes is None:  # air is never a default mode: offer it beside the others (in place of the last)
            by_air = air_plan.by_air(lambda: plan(origin, destination, **dict(common, modes="air", via=None),
                                                  network=net))
            if by_air is not None:
                alts = [*alts[:alternatives], by_air]
        best.extra["alternatives"] = alts
    if pareto:
        front = alternatives_mod.pareto(solver, refs)
        front.sort(key=lambda r: objective_mod.value(r.totals(), objective, refs or {k: 1.0 for k in objective}))
        best.extra["pareto"] = front
    return best
