"""From a request to a :class:`~corridor.route.Route`: places, network access, search, legs."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from corridor import modes as M
from corridor.costing import road as road_costing
from corridor.costing import sea as sea_costing
from corridor.costing.profile import Profile, assumptions_for, edge_weights
from corridor.data import passages as P
from corridor.directions import legs_from_path
from corridor.errors import BadInput, CorridorError, NoRoute
from corridor.geo import chord_for_km, haversine_km, km_for_chord, to_unit_vectors
from corridor.network import Network, load_network
from corridor.places import Place, port_place, resolve
from corridor.route import Route
from corridor.search import PathResult, shortest_path
from corridor.snapping import COAST_ALLOWANCE_KM, water_connectors

AVAILABLE_MODES = M.SURFACE
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
        speeds = {M.SEA: profile.kmh(M.SEA), M.ROAD: road_costing.kmh(), M.FERRY: np.inf}
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
    if place.kind in ("port", "country"):
        for i in place.ports:
            candidate = port_place(net, i) if place.kind == "country" else place
            parts = [(*_port_sea(net, i), M.SEA)] if use_sea else []
            code = str(net.port_code[i])
            if "ferry" in profile.modes and code in net.ferry_terminals:
                parts.append((np.array([net.ferry_terminals[code]]), np.zeros(1), M.FERRY))
            parts += _land(net, candidate.lon, candidate.lat, profile)
            acc.add(candidate, parts, profile, sea=use_sea)
    else:
        parts = _land(net, place.lon, place.lat, profile)
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


def _search(net: Network, a: Access, b: Access, blocked: int, profile: Profile):
    """Best path between two accesses and the connectors used at each end, or None."""
    a_nodes, a_cost, a_km, a_mode, a_owner = a.flat()
    b_nodes, b_cost, b_km, b_mode, b_owner = b.flat()
    weights = edge_weights(net, profile)
    targets = to_unit_vectors([p.lon for p in b.candidates], [p.lat for p in b.candidates])
    res = shortest_path(net, a_nodes, a_cost, b_nodes, b_cost, targets, blocked=blocked,
                        weight=weights.hours, cost_per_km=weights.hours_per_km, landmarks=profile.landmarks)
    if res is None:
        return None
    ia = int(np.flatnonzero(a_nodes == res.nodes[0])[np.argmin(np.abs(a_cost[a_nodes == res.nodes[0]] - res.source_cost))])
    ib = int(np.flatnonzero(b_nodes == res.nodes[-1])[np.argmin(np.abs(b_cost[b_nodes == res.nodes[-1]] - res.target_cost))])
    return res, weights, (int(a_owner[ia]), int(a_mode[ia]), float(a_km[ia])), \
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


def _explain(net, a: Access, b: Access, blocked: int, avoid: list[str], profile: Profile) -> NoRoute:
    what = f"No route from {a.requested.label} to {b.requested.label} by {', '.join(sorted(profile.modes))}"

    def why(key: str) -> str:
        p = P.BY_KEY[key]
        return f"the {p.name} (you asked to avoid it)" if key in avoid else f"the {p.name} ({p.closed_by_default})"

    closed = P.keys_of(blocked)
    cutters = [k for k in closed if _search(net, a, b, blocked & ~P.BIT[k], profile) is not None]
    if cutters:
        return NoRoute(f"{what}: every route crosses {' or '.join(why(k) for k in cutters)}"
                       f"{_wider_hint(net, a, b, blocked, profile)}.", cut_by=cutters)
    if closed and _search(net, a, b, 0, profile) is not None:
        return NoRoute(f"{what}: every route crosses several closed passages at once: "
                       f"{', '.join(why(k) for k in closed)}.", cut_by=closed)
    hint = _wider_hint(net, a, b, blocked, profile)
    if hint:
        return NoRoute(f"{what}{hint}.", cut_by=["modes"])
    return NoRoute(f"{what}: they are on networks that do not connect.")


def _wider_hint(net, a: Access, b: Access, blocked: int, profile: Profile) -> str:
    """'; allowing rail, road would give one' when more modes would find a route."""
    missing = [m for m in AVAILABLE_MODES if m not in profile.modes]
    if not missing:
        return ""
    wider = Profile(frozenset(AVAILABLE_MODES), profile.sea_speed)
    try:
        if _search(net, access(net, a.requested, wider), access(net, b.requested, wider), blocked, wider):
            return f"; allowing {', '.join(missing)} (--modes) would give one"
    except CorridorError:
        pass
    return ""


def _legs(net: Network, a: Access, b: Access, blocked: int, avoid: list[str], profile: Profile):
    found = _search(net, a, b, blocked, profile)
    direct = direct_crossing(net, a, b, profile)
    if found is None and direct is None:
        raise _explain(net, a, b, blocked, avoid, profile)
    if direct is not None and (found is None or direct[0] / profile.kmh(M.SEA) <= found[0].cost):
        km, ja, jb = direct
        empty = PathResult(km / profile.kmh(M.SEA), np.array([], np.int32), np.array([], np.int32), 0.0,
                           km / profile.kmh(M.SEA))
        return legs_from_path(net, empty, edge_weights(net, profile), a.candidates[ja], b.candidates[jb],
                              M.SEA, M.SEA, 0.0, km)
    res, weights, (ja, mode_a, km_a), (jb, mode_b, km_b) = found
    return legs_from_path(net, res, weights, a.candidates[ja], b.candidates[jb], mode_a, mode_b, km_a, km_b)


def check_modes(modes) -> frozenset:
    if modes is None:
        return frozenset(AVAILABLE_MODES)
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


def plan(origin, destination, *, modes=None, via=None, avoid=None, allow=None, vessel: str = "seagoing",
         speed_kn: float | None = None, network: Network | None = None) -> Route:
    """Plan a route; see :func:`corridor.route` for the options."""
    allowed = check_modes(modes)
    speed = sea_costing.speed(speed_kn)
    if vessel not in VESSELS:
        raise BadInput(f"Unknown vessel {vessel!r}; choose one of: {', '.join(VESSELS)}.")
    avoid_keys = P.parse_passage_list(avoid)
    allow_keys = P.parse_passage_list(allow)
    net = network or load_network()
    stops = [resolve(q, net) for q in (origin, *_as_list(via), destination)]
    notes = []
    if modes is None and all(s.kind in ("port", "country") for s in stops):
        allowed = frozenset({"sea"})  # port to port means by sea unless the caller says otherwise
        notes.append("port to port: by sea; pass modes (--modes sea,rail,road,ferry) to compare land routes")
    profile = Profile(allowed, speed)
    for s, t in zip(stops[:-1], stops[1:]):
        if (s.kind, s.code, round(s.lon, 6), round(s.lat, 6)) == (t.kind, t.code, round(t.lon, 6), round(t.lat, 6)):
            raise BadInput(f"Origin and destination of a leg are the same place ({s.label}); "
                           "give two different places.")
    accesses = [access(net, s, profile) for s in stops]
    blocked = blocked_mask(avoid_keys, allow_keys, vessel)
    legs = [leg for a, b in zip(accesses[:-1], accesses[1:]) for leg in _legs(net, a, b, blocked, avoid_keys, profile)]
    notes += [n for acc in accesses for n in acc.notes]
    notes += [f"{s.label}: {s.note}" for s in stops if s.note and s.note not in notes]
    restrictions = {
        "modes": sorted(profile.modes),
        "avoided": [P.BY_KEY[k].name for k in avoid_keys],
        "closed": [{"passage": P.BY_KEY[k].name, "why": P.BY_KEY[k].closed_by_default}
                   for k in P.keys_of(blocked) if k not in avoid_keys],
        "vessel": vessel,
    }
    used = {leg.mode for leg in legs if leg.mode != "transfer"}
    kinds = {leg.kind for leg in legs if leg.mode == "transfer"}
    manifest = net.manifest
    network_info = {"fingerprint": manifest["fingerprint"],
                    "sources": [f"{s['package']} {s['version']}: {s['name']}" for s in manifest["sources"]]}
    return Route(stops[0], stops[-1], legs, assumptions_for(profile, used, kinds), restrictions, network_info, notes)
