"""How a place joins the network: its candidate places (a port, a country's ports, the nearest
port of an inland point) and the connectors of each (sea, ferry, truck to rail and road,
airports), plus the straight open-water crossing between two nearby sea places."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from corridor import modes as M
from corridor import node_grid
from corridor.air import plan as air_plan
from corridor.costing import road as road_costing
from corridor.costing.profile import Profile
from corridor.errors import NoRoute
from corridor.geo import chord_for_km, haversine_km, km_for_chord, to_unit_vectors
from corridor.network import Network
from corridor.network_memo import per_network
from corridor.places import Place, port_place
from corridor.snapping import COAST_ALLOWANCE_KM, Connectors, water_connectors

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
        parts.append((*_land_nodes(net, mode, float(lon), float(lat)), M.ROAD))
    return parts


@per_network(maxsize=1024)
def _land_nodes(net: Network, mode: int, lon: float, lat: float) -> tuple[np.ndarray, np.ndarray]:
    """The ``mode`` nodes a truck joins from (lon, lat) and their km: kept per network and exact
    coordinates, of which they are a function; the arrays are shared, hence read-only."""
    nodes, chord = _grid(net).nearest(net, M.NAMES[mode], to_unit_vectors(lon, lat), LAND_CANDIDATES,
                                      chord_for_km(LAND_REACH_KM))
    km = km_for_chord(chord)
    nodes.flags.writeable = False
    km.flags.writeable = False
    return nodes, km


def _grid(net: Network) -> node_grid.NodeGrid:
    """The network's sea, rail and road nodes by grid cell (read from its folder, or built there
    once); an air overlay's are its base network's, the same nodes, so kept once for both."""
    return _base_grid(getattr(net, "air_base", None) or net)


@per_network(maxsize=2)
def _base_grid(net: Network) -> node_grid.NodeGrid:
    return node_grid.load_or_build(net)


class _SeaNodes:
    """The query :func:`~corridor.snapping.water_connectors` makes of a KD-tree of the sea
    layer's nodes, answered from the grid as scipy's tree answers it (misses: inf and the node
    count), without building the tree in every process."""

    def __init__(self, net: Network):
        self.net = net

    def query(self, x: np.ndarray, k: int, distance_upper_bound: float) -> tuple[np.ndarray, np.ndarray]:
        nodes, chord = _grid(self.net).nearest(self.net, "sea", x, k, distance_upper_bound)
        out_chord, out_nodes = np.full(k, np.inf), np.full(k, self.net.n_sea_nodes, np.intp)
        out_chord[:len(chord)], out_nodes[:len(nodes)] = chord, nodes
        return out_chord, out_nodes


@per_network(maxsize=1024)
def _point_water(net: Network, lon: float, lat: float) -> Connectors:
    """The water connectors of the point (lon, lat): a function of the network and the exact
    coordinates alone, so kept per both (a repeated point, or a liner hop from the same point,
    skips the costliest part of joining it); the arrays are shared, hence read-only."""
    c = water_connectors(lon, lat, tree=_SeaNodes(net), node_lon=net.node_lon, node_lat=net.node_lat,
                         joinable=net.node_joinable, mask=net.water)
    c.nodes.flags.writeable = False
    c.km.flags.writeable = False
    return c


def _nearest_port(net: Network, lon: float, lat: float) -> int:
    d = haversine_km(lon, lat, net.port_lon, net.port_lat)
    d[np.diff(net.port_conn_indptr) == 0] = np.inf
    return int(np.argmin(d))


def access(net: Network, place: Place, profile: Profile, water: Connectors | None = None) -> Access:
    """How ``place`` joins ``net`` by the modes of ``profile``.

    Parameters
    ----------
    net
        The compiled network.
    place
        A resolved place: port, country (its ports), passage (``--via suez``) or point.
    profile
        The request's costing profile; its modes decide which connectors count.
    water
        The point's :func:`~corridor.snapping.water_connectors` when already computed (tables
        compute them for all their points at once).

    Returns
    -------
    Access
        The candidate places with their connectors; an inland point by sea alone is served
        by its nearest port (said in ``notes``).

    Raises
    ------
    NoRoute
        When no candidate joins the network by these modes.
    """
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
            c = water if water is not None else _point_water(net, float(place.lon), float(place.lat))
            on_water = not c.empty and c.land_km <= POINT_MAX_LAND_KM
            if on_water:
                parts.append((c.nodes, c.km, M.SEA))
        acc.add(place, parts, profile, sea=on_water)
    # inland, or a river port seagoing ships cannot reach (not a seaport: no sea connectors)
    if not acc.candidates and use_sea and place.kind not in ("passage", "country"):
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
