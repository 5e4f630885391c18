"""From a request to a :class:`~corridor.route.Route`: places, network access, search, legs."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from corridor.costing import sea as sea_costing
from corridor.data import passages as P
from corridor.errors import BadInput, CorridorError, NoRoute
from corridor.geo import densify, haversine_km, split_antimeridian, to_unit_vectors
from corridor.network import Network, load_network
from corridor.places import Place, port_place, resolve
from corridor.route import Leg, Route
from corridor.search import PathResult, shortest_path
from corridor.snapping import COAST_ALLOWANCE_KM, water_connectors

AVAILABLE_MODES = ("sea",)
VESSELS = ("seagoing", "river-sea")
# A point whose water access crosses more land than this is served by its nearest port.
POINT_MAX_LAND_KM = 25.0
DIRECT_MAX_KM = 500.0


@dataclass
class Access:
    """How one requested place joins the network: one or more candidate places with connectors."""

    requested: Place
    candidates: list[Place]
    nodes: list[np.ndarray]
    km: list[np.ndarray]
    notes: list[str] = field(default_factory=list)


def _port_access(net: Network, i: int) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = net.port_conn_indptr[i], net.port_conn_indptr[i + 1]
    return np.asarray(net.port_conn_node[lo:hi]), np.asarray(net.port_conn_km[lo:hi])


def _nearest_port(net: Network, lon: float, lat: float) -> int:
    d = haversine_km(lon, lat, net.port_lon, net.port_lat)
    joined = np.diff(net.port_conn_indptr) > 0
    d[~joined] = np.inf
    return int(np.argmin(d))


def access(net: Network, place: Place) -> Access:
    if place.kind in ("port", "country"):
        acc = Access(place, [], [], [])
        for i in place.ports:
            nodes, km = _port_access(net, i)
            if len(nodes):
                acc.candidates.append(port_place(net, i) if place.kind == "country" else place)
                acc.nodes.append(nodes)
                acc.km.append(km)
        if not acc.candidates:
            raise NoRoute(f"{place.label} is not joined to the sea network (it lies inland or on a lake "
                          "the network does not reach); choose a seaport nearby.")
        return acc
    c = water_connectors(place.lon, place.lat, tree=net.tree, node_lon=net.node_lon,
                         node_lat=net.node_lat, joinable=net.node_joinable, mask=net.water)
    if not c.empty and c.land_km <= POINT_MAX_LAND_KM:
        return Access(place, [place], [c.nodes], [c.km])
    i = _nearest_port(net, place.lon, place.lat)
    d = float(haversine_km(place.lon, place.lat, net.port_lon[i], net.port_lat[i]))
    note = f"{place.label} is inland, away from the sea: nearest port used: {net.port_name[i]} ({net.port_code[i]}), {d:.0f} km away"
    port = port_place(net, i, note)
    nodes, km = _port_access(net, i)
    return Access(place, [port], [nodes], [km], [note])


def blocked_mask(avoid: list[str], allow: list[str], vessel: str) -> int:
    closed = [p.key for p in P.PASSAGES if p.closed_by_default and p.key not in allow]
    if vessel == "river-sea":
        closed = [k for k in closed if k != "volga-don"]
    return P.mask_of(set(avoid) | set(closed))


def _search(net: Network, a: Access, b: Access, blocked: int) -> tuple[PathResult, int, int] | None:
    """Best path between two accesses, with the candidate used at each end."""
    owner_a = np.concatenate([np.full(len(n), j) for j, n in enumerate(a.nodes)])
    owner_b = np.concatenate([np.full(len(n), j) for j, n in enumerate(b.nodes)])
    targets = to_unit_vectors([p.lon for p in b.candidates], [p.lat for p in b.candidates])
    res = shortest_path(net, np.concatenate(a.nodes), np.concatenate(a.km), np.concatenate(b.nodes),
                        np.concatenate(b.km), targets, blocked)
    if res is None:
        return None
    src = np.concatenate(a.nodes) == res.nodes[0]
    dst = np.concatenate(b.nodes) == res.nodes[-1]
    ja = int(owner_a[src][np.argmin(np.abs(np.concatenate(a.km)[src] - res.source_km))])
    jb = int(owner_b[dst][np.argmin(np.abs(np.concatenate(b.km)[dst] - res.target_km))])
    return res, ja, jb


def _direct(net: Network, a: Access, b: Access) -> tuple[float, int, int] | None:
    """A straight open-water crossing between two nearby candidates, if one beats the network."""
    best = None
    for ja, pa in enumerate(a.candidates):
        for jb, pb in enumerate(b.candidates):
            d = float(haversine_km(pa.lon, pa.lat, pb.lon, pb.lat))
            if d > DIRECT_MAX_KM or (best and d >= best[0]):
                continue
            land = net.water.land_km_along(pa.lon, pa.lat, pb.lon, pb.lat, skip_start_km=COAST_ALLOWANCE_KM,
                                           skip_end_km=COAST_ALLOWANCE_KM)
            if land == 0.0:
                best = (d, ja, jb)
    return best


def _explain(net, a: Access, b: Access, blocked: int, avoid: list[str]) -> NoRoute:
    what = f"No sea route from {a.requested.label} to {b.requested.label}"

    def why(key: str) -> str:
        p = P.BY_KEY[key]
        return f"the {p.name} (you asked to avoid it)" if key in avoid else f"the {p.name} ({p.closed_by_default})"

    closed = P.keys_of(blocked)
    cutters = [k for k in closed if _search(net, a, b, blocked & ~P.BIT[k]) is not None]
    if cutters:
        return NoRoute(f"{what}: every route crosses {' or '.join(why(k) for k in cutters)}.", cut_by=cutters)
    if closed and _search(net, a, b, 0) is not None:
        return NoRoute(f"{what}: every route crosses several closed passages at once: "
                       f"{', '.join(why(k) for k in closed)}.", cut_by=closed)
    return NoRoute(f"{what}: they are on waters the network does not connect.")


def _leg(net: Network, a: Access, b: Access, blocked: int, avoid: list[str], speed) -> Leg:
    found = _search(net, a, b, blocked)
    direct = _direct(net, a, b)
    if found is None and direct is None:
        raise _explain(net, a, b, blocked, avoid)
    if direct is not None and (found is None or direct[0] <= found[0].km):
        km, ja, jb = direct
        lons, lats, flags = [], [], []
    else:
        res, ja, jb = found
        km = res.km
        lons, lats = net.node_lon[res.nodes].tolist(), net.node_lat[res.nodes].tolist()
        flags = net.edge_flags[res.edges]
    pa, pb = a.candidates[ja], b.candidates[jb]
    crossed: list[str] = []
    for f in flags:
        crossed += [k for k in P.keys_of(int(f)) if k not in crossed]
    line = densify([pa.lon, *lons, pb.lon], [pa.lat, *lats, pb.lat], max_step_km=100.0)
    return Leg("sea", pa, pb, km, sea_costing.sailing_hours(km, speed), crossed,
               [P.BY_KEY[k].name for k in crossed], split_antimeridian(*line))


def _check_modes(modes) -> list[str]:
    if modes is None:
        return list(AVAILABLE_MODES)
    items = modes.split(",") if isinstance(modes, str) else list(modes)
    items = [m.strip().lower() for m in items if m.strip()]
    for m in items:
        if m not in AVAILABLE_MODES:
            raise BadInput(f"Mode {m!r} is not in the network yet; available modes: {', '.join(AVAILABLE_MODES)}.")
    if not items:
        raise BadInput(f"No mode given; available modes: {', '.join(AVAILABLE_MODES)}.")
    return items


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
    _check_modes(modes)
    if vessel not in VESSELS:
        raise BadInput(f"Unknown vessel {vessel!r}; choose one of: {', '.join(VESSELS)}.")
    avoid_keys = P.parse_passage_list(avoid)
    allow_keys = P.parse_passage_list(allow)
    speed = sea_costing.speed(speed_kn)
    net = network or load_network()
    vias = _as_list(via)
    stops = [resolve(q, net) for q in (origin, *vias, destination)]
    for s, t in zip(stops[:-1], stops[1:]):
        if (s.kind, s.code, round(s.lon, 6), round(s.lat, 6)) == (t.kind, t.code, round(t.lon, 6), round(t.lat, 6)):
            raise BadInput(f"Origin and destination of a leg are the same place ({s.label}); "
                           "give two different places.")
    accesses = [access(net, s) for s in stops]
    blocked = blocked_mask(avoid_keys, allow_keys, vessel)
    legs = [_leg(net, a, b, blocked, avoid_keys, speed) for a, b in zip(accesses[:-1], accesses[1:])]
    notes = [n for acc in accesses for n in acc.notes]
    notes += [f"{s.label}: {s.note}" for s in stops if s.note and s.note not in notes]
    restrictions = {
        "avoided": [P.BY_KEY[k].name for k in avoid_keys],
        "closed": [{"passage": P.BY_KEY[k].name, "why": P.BY_KEY[k].closed_by_default}
                   for k in P.keys_of(blocked) if k not in avoid_keys],
        "vessel": vessel,
    }
    manifest = net.manifest
    network_info = {"fingerprint": manifest["fingerprint"],
                    "sources": [f"{s['package']} {s['version']}: {s['name']}" for s in manifest["sources"]]}
    return Route(stops[0], stops[-1], legs, [speed], restrictions, network_info, notes)


__all__ = ["plan", "CorridorError"]
