"""From a request to a :class:`~corridor.route.Route`: places, network access, search, legs."""

from __future__ import annotations

import gc
import sys
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import chain
from types import MappingProxyType

import numpy as np

from corridor import alternatives as alternatives_mod
from corridor import deadline, liner, transit_policy
from corridor import modes as M
from corridor.air import plan as air_plan
from corridor.costing import draft as draft_check
from corridor.costing import objective as objective_mod
from corridor.costing import sea as sea_costing
from corridor.costing import transfer as transfer_costing
from corridor.costing.annotate import annotate
from corridor.costing.params import Params
from corridor.costing.profile import Profile, assumptions_for
from corridor.costing.ranges import set_ranges
from corridor.costing.registry import costing_for
from corridor.data import borders as border_table
from corridor.data import passages as P
from corridor.directions import border_row, legs_from_path
from corridor.engine import wanted
from corridor.engine.access import Access, access, direct_crossing
from corridor.engine.restrictions import Ctx, blocked_mask
from corridor.engine.sea_reach import sea_reach
from corridor.engine.search import (
    best_path as _search,  # the name this module's callers use
)
from corridor.errors import BadInput, CorridorError, NoRoute
from corridor.geo import haversine_km
from corridor.mode_options import DEFAULT_MODES
from corridor.network import Network, load_network
from corridor.network_memo import HashedKey, per_network
from corridor.places import Place, resolve
from corridor.request import RouteRequest
from corridor.route import Leg, Route, json_copy
from corridor.search import PathResult


def _explain(ctx: Ctx, a: Access, b: Access, blocked: int, avoid: list[str]) -> NoRoute:
    profile = ctx.profile
    what = f"No route from {a.requested.label} to {b.requested.label} by {', '.join(sorted(profile.modes))}"
    if ctx.countries or ctx.closed_ports:
        what += (f" avoiding {', '.join(sorted(ctx.countries | ctx.closed_ports))}")
    grounded = sorted(m for m in profile.modes if not costing_for(m).allowed(profile.cargo))
    if grounded:  # e.g. air with the default cargo, a container: said, not left to guess
        kind = profile.cargo.kind
        what += f" ({' and '.join(grounded)} cannot carry {kind if kind == 'passengers' else kind + ' cargo'})"

    def why(key: str) -> str:
        p = P.BY_KEY[key]
        return f"the {p.name} (you asked to avoid it)" if key in avoid else f"the {p.name} ({p.closed_by_default or 'closed for this vessel class or scenario'})"

    closed = P.keys_of(blocked)
    cutters = [k for k in closed if _exists(ctx, a, b, blocked & ~P.BIT[k])]
    if cutters:
        return NoRoute(f"{what}: every route crosses {' or '.join(why(k) for k in cutters)}"
                       f"{_wider_hint(ctx, a, b, blocked)}.", cut_by=cutters)
    if closed and _exists(ctx, a, b, 0):
        return NoRoute(f"{what}: every route crosses several closed passages at once: "
                       f"{', '.join(why(k) for k in closed)}.", cut_by=closed)
    hint = _wider_hint(ctx, a, b, blocked)
    if hint:
        return NoRoute(f"{what}{hint}.", cut_by=["modes"])
    return NoRoute(f"{what}: they are on networks that do not connect.")


def _exists(ctx: Ctx, a: Access, b: Access, blocked: int) -> bool:
    """Whether a path exists: told by the sea graph's components where they can, else searched."""
    known = sea_reach(ctx, a, b, blocked)
    return known if known is not None else _search(ctx, a, b, blocked) is not None


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


NEAR_CLOSED_KM = 60.0  # a closed border this close to the route is one it went round
# the latitude gap beyond which two points are farther apart than that (1 km spare for rounding)
_NEAR_CLOSED_DEG_LAT = (NEAR_CLOSED_KM + 1.0) / float(haversine_km(0.0, 0.0, 0.0, 1.0))


@per_network(maxsize=4)
def _closed_border_points(net: Network) -> dict:
    """(country pair, mode) -> lon, lat arrays of the network's crossing edges of that border."""
    borders = net.tables["borders"]
    out: dict = {}
    for e in np.flatnonzero(np.asarray(net.edge_border) >= 0):
        b = borders[int(net.edge_border[e])]
        v = int(net.edge_v[e])
        out.setdefault((frozenset(b["countries"]), b["mode"]), []).append((net.node_lon[v], net.node_lat[v]))
    return {k: np.array(v, float) for k, v in out.items()}


def _near_closed(points: dict, line: np.ndarray, closed: frozenset) -> frozenset:
    """The keys of the ``closed`` borders whose network crossings (``points``) lie within
    :data:`NEAR_CLOSED_KM` of ``line`` (an ``(n, 2)`` array of lon, lat), each as "AM-AZ"."""
    keys = [key for key in closed if key in points]
    if not (len(line) and keys):
        return frozenset()
    line = line[:: max(1, len(line) // 2000)]
    # every closed border's crossings against the line at once; only the pairs of points
    # close enough in latitude can be near (a degree of latitude is the least km a degree
    # can be), and they keep their exact distances
    at = np.concatenate([points[key] for key in keys])
    owner = np.repeat(np.arange(len(keys)), [len(points[key]) for key in keys])
    i, j = np.nonzero(np.abs(at[:, None, 1] - line[None, :, 1]) <= _NEAR_CLOSED_DEG_LAT)
    nearest = np.full(len(keys), np.inf)
    np.minimum.at(nearest, owner[i], haversine_km(at[i, 0], at[i, 1], line[j, 0], line[j, 1]))
    return frozenset("-".join(sorted(key[0])) for key, km in zip(keys, nearest.tolist()) if km <= NEAR_CLOSED_KM)


@per_network(maxsize=512)
def _near_closed_kept(net: Network, closed: frozenset, parts: tuple[bytes, ...]) -> frozenset:
    """:func:`_near_closed` for a line made of kept parts (:class:`_Line`), kept per network and
    value (the parts' bytes): a repeated sea request sails the same kept line again."""
    line = np.concatenate([np.frombuffer(raw, float).reshape(-1, 2) for raw in parts])
    return _near_closed(_closed_border_points(net), line, closed)


def _border_notes(route: Route, net: Network, closed: frozenset) -> None:
    """Say which closed borders the route went round (those the network has within
    :data:`NEAR_CLOSED_KM` of the route) and what each restricted crossing it uses is subject to."""
    parts = route.geometry["coordinates"]
    if parts and all(type(part) is _Line for part in parts):
        shut = _near_closed_kept(net, closed, tuple(part.raw for part in parts))
    else:
        line = np.array([xy for part in parts for xy in part], float)
        shut = _near_closed(_closed_border_points(net), line, closed)
    if shut:
        rows = [r for r in border_table.rows() if r.key in shut and r.status == "closed"]
        route.restrictions["closed_borders"] = [r.to_dict() for r in rows]
        route.notes.append(f"closed borders near the route, not crossed: {', '.join(sorted(shut))} "
                           "(data/policy/borders.csv; a scenario can open one: open = {borders = [\"AM-AZ\"]})")
    seen = set()
    for leg in route.legs:
        if leg.border is None:
            continue
        row = border_row(tuple(sorted(leg.border.countries)), transfer_costing.border_mode(leg.kind),
                         float(leg.origin.lon), float(leg.origin.lat))
        if row is not None and row.status == "restricted" and row not in seen:
            seen.add(row)
            route.notes.append(f"{row.label}: restricted: {row.note} ({row.source}, {row.date})")


@dataclass
class _Request:
    stops: list
    accesses: list
    blocked: int
    avoid_keys: list
    restrictions: dict
    notes: list
    liner: bool = False  # sail container sea legs on sourced liner services (corridor.liner)


def _sailer(ctx: Ctx, blocked: int, avoid: list[str]):
    """Sea legs between two places under the request's closures, for the liner hub chains."""
    settings: list = []  # made on the first hop: most routes sail none (a sourced service, or short)

    def sail(a: Place, b: Place):
        if not settings:
            settings.append(ctx.replace(profile=replace(ctx.profile, modes=frozenset({"sea"}))).settings())
        return [_hop(leg) for leg in _sea_hop(ctx.net, a, b, settings[0], blocked, tuple(avoid))]

    return sail


class _Line(list):
    """A geometry part of a leg made from a kept one (:func:`_fresh`): the ``[lon, lat]`` lists a
    leg gives, and the kept part's bytes (``raw``, read-only), a value that
    :func:`_border_notes` keys its result by instead of reading thousands of lists again."""

    __slots__ = ("raw",)

    def __init__(self, raw: bytes):
        super().__init__(np.frombuffer(raw, float).reshape(-1, 2).tolist())
        self.raw = raw


def _kept(leg: Leg) -> Leg:
    """A leg as a cache keeps it: its geometry's parts as the bytes of ``(n, 2)`` float arrays,
    not thousands of small lists (which the garbage collector would walk again and again while
    the cache lives). :func:`_fresh` gives it back as a leg."""
    kept = object.__new__(type(leg))  # as replace() would give (a FlightLeg stays one), without checking again
    kept.__dict__.update(leg.__dict__, geometry=[_raw(part) for part in leg.geometry])
    return kept


def _raw(part) -> bytes:
    """A geometry part as :func:`_kept` keeps it: an array's bytes (a moving leg's part, as
    :func:`~corridor.directions.legs_from_path` makes it, or a liner hop's: :func:`_hop`), else a
    list of ``[lon, lat]`` read through an iterator (about twice as fast as ``np.array`` on it)."""
    if isinstance(part, np.ndarray):
        return np.asarray(part, float).tobytes()
    return np.fromiter(chain.from_iterable(part), float, 2 * len(part)).tobytes()


def _fresh(leg: Leg) -> Leg:
    """A copy of a kept leg (:func:`_kept`) that shares nothing editable with it: the liner
    renames a hop's ends and services, costing annotates it, and a caller may edit its answer's
    lists."""
    return _copied(leg, [_Line(raw) for raw in leg.geometry])


def _hop(leg: Leg) -> Leg:
    """A copy of a kept leg (:func:`_kept`) for the liner to sail through a hub, or for a draft
    that may be dropped unread (:func:`_legs_on_liner`): its own lists and dicts, as
    :func:`_fresh` gives, but its geometry read-only arrays over the kept bytes, not lists: the
    liner sets a hop's ends and service and never reads its line, and the route's legs are kept
    again at once (:func:`_raw`), so lists made here would be thrown away; a draft's are made
    when it is answered (:func:`_listed`)."""
    return _copied(leg, [np.frombuffer(raw, float).reshape(-1, 2) for raw in leg.geometry])


def _listed(route: Route) -> None:
    """Give the legs of a draft made by :func:`_hop` the geometry :func:`_fresh` gives (lists of
    ``[lon, lat]``, :class:`_Line`), now that it is answered; a leg that has them is left alone."""
    for leg in route.legs:
        if any(isinstance(part, np.ndarray) for part in leg.geometry):
            leg.geometry = [_Line(_bytes_under(part)) if isinstance(part, np.ndarray) else part for part in leg.geometry]


def _bytes_under(part: np.ndarray) -> bytes:
    """The kept bytes a :func:`_hop` array views (the same object, whose hash :func:`_border_notes`'
    cache has already computed), else a copy of the array's."""
    owner = part.base
    while isinstance(owner, np.ndarray):
        owner = owner.base
    return owner if isinstance(owner, bytes) else np.asarray(part, float).tobytes()


def _copied(leg: Leg, geometry: list) -> Leg:
    """``leg`` with its own lists and dicts and ``geometry``, as :func:`dataclasses.replace` would
    give (a FlightLeg stays one), without checking a checked leg again."""
    copy = object.__new__(type(leg))
    copy.__dict__.update(leg.__dict__, passages=list(leg.passages), passage_names=list(leg.passage_names),
                         geometry=geometry, basis={k: list(v) for k, v in leg.basis.items()})
    return copy


@per_network(maxsize=256)
def _sea_hop(net: Network, a: Place, b: Place, settings: tuple, blocked: int, avoid: tuple) -> tuple:
    """The sea legs from ``a`` to ``b`` for one search setting (:meth:`Ctx.settings`), kept per
    network and the setting's values: liner hops to and from the same hubs recur across requests
    (and a repeated request sails them again), each a search plus its legs. Never edit the legs
    returned: copy them."""
    sea = Ctx.from_settings(net, settings)
    return tuple(_kept(leg) for leg in _legs(sea, access(net, a, sea.profile), access(net, b, sea.profile), blocked,
                                             list(avoid)))


@per_network(maxsize=4)
def _hub_ports(net: Network) -> dict[str, Place]:
    """The network's port of every liner hub (``data/liner/hubs.csv``), by UN/LOCODE: the liner
    asks for every hub's on each deep-sea container leg, one dictionary look-up each."""
    out = {}
    for code in {hub.routed_at for hub in liner.hubs().values()}:
        try:
            out[code] = resolve(code, net)
        except CorridorError:
            pass  # not in this network: asking for it raises, as resolve does
    return out


def _porter(net: Network):
    """The liner's ``port``: the network's port by UN/LOCODE, the hubs' looked up in a dictionary
    fetched once a route (a kept value is fetched in microseconds, and a leg asks for every hub)."""
    hub_ports = _hub_ports(net)

    def port(code: str) -> Place:
        hub = hub_ports.get(code)
        return hub if hub is not None else resolve(code, net)

    return port


class _Stop:
    """A stop as a cache key: equal and hashed as its place (a value); it carries the place's
    access to the network, so that computing a missing entry does not join the place again."""

    __slots__ = ("place", "access")

    def __init__(self, acc: Access):
        self.place, self.access = acc.requested, acc

    def __eq__(self, other) -> bool:
        return isinstance(other, _Stop) and other.place == self.place

    def __hash__(self) -> int:
        return hash(self.place)


def _legs_of_stops(net: Network, stops: tuple, settings: tuple, blocked: int, avoid: tuple,
                   on_liner: bool) -> tuple[tuple, tuple]:
    """The legs between the ``stops`` (:class:`_Stop`) for one search setting (:meth:`Ctx.settings`:
    it holds the closed ports and countries that filter the stops' accesses), the liner applied
    when ``on_liner``, and the liner's notes; legs as a cache keeps them (:func:`_kept`). Never
    edit the legs returned: copy them."""
    ctx = Ctx.from_settings(net, settings)
    legs = [leg for a, b in zip(stops[:-1], stops[1:]) for leg in _legs(ctx, a.access, b.access, blocked, list(avoid))]
    notes: list[str] = []
    if on_liner:
        legs, notes = liner.apply(legs, ctx.profile, _sailer(ctx, blocked, list(avoid)), _porter(net))
    return tuple(_kept(leg) for leg in legs), tuple(notes)


# Legs kept per network and value: a repeated request neither searches nor builds legs nor
# matches liner hubs again. A sea-only request open to every port and country keeps each
# stretch between two stops (the liner treats each sea leg on its own); any other request, or a
# transit policy's free route asked again, keeps all its stops at once. Three caches, so that
# land routes do not push sea stretches out, nor requests (which mostly do not recur) the hub
# hops of :func:`_sea_hop` (which do).
_sea_stretch = per_network(maxsize=256)(_legs_of_stops)
_stretches = per_network(maxsize=256)(_legs_of_stops)


def forget_kept_legs() -> None:
    """Empty the legs and answers kept per value (:func:`_sea_stretch`, :func:`_sea_hop`,
    :func:`_stretches`, :func:`_sea_answer`): for a comparison of two ways of searching
    (``CORRIDOR_NO_CH``), or a spy on the search, that must see every request searched."""
    for kept in (_sea_stretch, _sea_hop, _stretches, _sea_answer):
        kept.cache_clear()


def _legs_on_liner(ctx: Ctx, req: _Request) -> tuple[list[Leg], list[str]]:
    """The route's legs between its stops, sailed on liner services when the request asks, and
    the liner's notes. A sea-only request open to every port and country is the value of its
    stops and setting (:func:`_sea_stretch`); the liner treats each sea leg on its own, so
    stretch by stretch is the same answer. Any other request is the value of all its stops and
    setting (:func:`_stretches`); its legs' geometry is left as arrays until the route is
    answered (:meth:`_Solver.finish`): a transit policy's free route, or the fastest route a mixed
    objective is scaled by, is only summed, then dropped, and the lists of a long land route cost
    milliseconds (and the garbage collector's time after them)."""
    pairs = list(zip(req.accesses[:-1], req.accesses[1:]))
    if ctx.profile.modes == frozenset({"sea"}) and not (ctx.closed_ports or ctx.countries):
        settings, kept = ctx.settings(), []
        for a, b in pairs:
            deadline.check()  # a kept stretch runs no search, where the check otherwise is
            kept.append(_kept_or_again(_sea_stretch, ctx, req, ((_Stop(a), _Stop(b)), settings, req.blocked,
                                                                 tuple(req.avoid_keys), req.liner)))
        return [_fresh(leg) for legs, _ in kept for leg in legs], [n for _, notes in kept for n in notes]
    deadline.check()  # as above: kept stretches run no search
    key = (tuple(_Stop(a) for a in req.accesses), ctx.settings(), req.blocked, tuple(req.avoid_keys), req.liner)
    kept, notes = _kept_or_again(_stretches, ctx, req, key)
    return [_hop(leg) for leg in kept], list(notes)


def _kept_or_again(kept, ctx: Ctx, req: _Request, key: tuple):
    """``kept(ctx.net, *key)`` (:func:`_sea_stretch` or :func:`_stretches`), counting a kept
    answer for its metric as a search on A* counts (:func:`corridor.engine.wanted.again`), and
    searching again when that metric's hierarchy has come since: kept legs found by A* give way
    to the hierarchy's, as another process would answer, not a possibly different equal-cost path."""
    if kept.holds(ctx.net, *key) and wanted.again(ctx, req.blocked, key[1]):
        kept.forget(ctx.net, *key)
    return kept(ctx.net, *key)


def _route(ctx: Ctx, req: _Request) -> Route:
    legs, liner_notes = _legs_on_liner(ctx, req)
    notes = [*req.notes, *liner_notes]
    annotate(legs, ctx.profile)
    used = {leg.mode for leg in legs if leg.mode != "transfer"}
    kinds = {leg.kind for leg in legs if leg.mode == "transfer"}
    manifest = ctx.net.manifest
    network_info = {"fingerprint": manifest["fingerprint"],
                    "sources": [f"{s['package']} {s['version']}: {s['name']}" for s in manifest["sources"]]}
    objective = {"weights": ctx.objective, "reference": {k: round(v, 2) for k, v in ctx.refs.items()}}
    r = Route(req.stops[0], req.stops[-1], legs, assumptions_for(ctx.profile, used, kinds), req.restrictions,
              network_info, notes, cargo=ctx.profile.cargo.to_dict(), objective=objective)
    air_plan.annotate_route(r, ctx.net, ctx.profile, used)
    set_ranges(r.legs, ctx.profile)
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

    def __init__(self, net, profile, stops, base_blocked, avoid_keys, restrictions, notes, closed_ports, countries,
                 closed_crossings=None, liner=False):
        self.net, self.profile, self.stops, self.liner = net, profile, stops, liner
        self.base_blocked, self.avoid_keys = base_blocked, avoid_keys
        self.restrictions, self.notes = restrictions, notes
        self.closed_ports, self.countries = closed_ports, countries
        self.closed_crossings = border_table.closed() if closed_crossings is None else closed_crossings
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
        """The best route for ``objective`` under ``exclude``, with its notes on closed and
        restricted borders."""
        return self.finish(self.draft(objective, refs, exclude))

    def finish(self, route: Route) -> Route:
        """A :meth:`draft` as answered: its geometry as lists (:func:`_listed`), with its notes
        on closed and restricted borders."""
        _listed(route)
        _border_notes(route, self.net, self.closed_crossings)
        return route

    def draft(self, objective=None, refs=None, exclude=()) -> Route:
        """The route :meth:`solve` answers, without the border notes (a route only compared or
        summed, then dropped, does not need them; they cost milliseconds on long land routes)."""
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
                  frozenset(pairs), self.closed_crossings)
        restrictions = dict(self.restrictions, modes=sorted(modes))
        if exclude:
            restrictions["excluded"] = [f"{k}: {'-'.join(sorted(v)) if isinstance(v, frozenset) else v}"
                                        for k, v in exclude]
        req = _Request(self.stops, self.accesses(profile, frozenset(ports)), blocked, avoid, restrictions, self.notes,
                       self.liner)
        return _route(ctx, req)


def _best(solver: _Solver, objective: dict, pareto: bool, finish: bool = True) -> tuple[Route, dict]:
    """The best route for the objective, and the reference totals a mixed objective is scaled by;
    a draft (:meth:`_Solver.draft`) unless ``finish``."""
    refs: dict = {}
    if list(objective) != ["time"] and len(objective) > 1:
        fastest = solver.draft({"time": 1.0})
        refs = {k: max(fastest.totals()[objective_mod.FIELD[k]], 1e-9) for k in objective}
    if pareto and not refs:
        fastest = solver.draft({"time": 1.0})
        refs = {k: max(fastest.totals()[objective_mod.FIELD[k]], 1e-9) for k in ("time", "cost", "co2")}
    best = solver.draft(objective, refs)
    return (solver.finish(best) if finish else best), refs


def _apply_transit_policy(solver: _Solver, best: Route, refs: dict, policy: transit_policy.Policy,
                          avoided: frozenset, accesses, objective, pareto: bool):
    """Search again without the ``avoided`` policy countries when the free answer crosses one of
    them; the answer then states what the route through them would have given. Searching free
    first keeps the common case (no policy country near) at one search. ``best`` is the free
    answer's draft (:meth:`_Solver.draft`): finished here when it is the answer, else only
    summed."""
    hit = avoided & transit_policy.countries_crossed(best)
    if not hit:
        return solver, solver.finish(best), refs
    entry = transit_policy.summary(best, frozenset(hit), avoided, policy.rows)
    strict = _Solver(solver.net, solver.profile, solver.stops, solver.base_blocked, solver.avoid_keys,
                     dict(solver.restrictions, transit_policy=entry), [*solver.notes, transit_policy.note(entry)],
                     solver.closed_ports, solver.countries | avoided, solver.closed_crossings, solver.liner)
    strict.seed(solver.profile, solver.closed_ports, accesses)
    try:
        best_strict, refs_strict = _best(strict, objective, pareto)
    except CorridorError:
        # no route avoids them: the answer crosses them, and its transit_risk says so
        return solver, solver.finish(best), refs
    return strict, best_strict, refs_strict


def _flag_transit_risks(route: Route, policy: transit_policy.Policy, stop_countries) -> None:
    """Name every policy country ``route`` crosses (bar the stops'): ``restrictions["transit_risk"]``
    and one note each; and the policy files the answer used."""
    if "transit_risk" in route.restrictions:  # the best route is also the first alternative
        return
    entries = transit_policy.risks(route, policy, stop_countries)
    route.restrictions = dict(route.restrictions)  # routes of one solver share its dict
    if policy.files:
        route.restrictions["policy_files"] = list(policy.files)
    if entries:
        route.restrictions["transit_risk"] = entries
        route.notes = [*route.notes, *(transit_policy.risk_note(e) for e in entries)]


def cargo_for_vessel(the_cargo, vessel: str):
    """The cargo as carried: a river-sea voyage (``vessel``) sails in the river-sea class at its
    speed and size, unless the caller named a class."""
    if vessel == "river-sea" and not the_cargo.vessel_class and the_cargo.family != "passengers":
        return replace(the_cargo, vessel_class="river-sea")
    return the_cargo


def _shipping_of(request: RouteRequest) -> tuple:
    """The cargo as carried, the costing parameters, the sea speed, the vessel and the passages
    closed to its class (read-only): what the request's options alone give."""
    the_cargo = cargo_for_vessel(request.load(), request.vessel)
    params = request.params()
    speed = sea_costing.speed(request.speed_kn, the_cargo, params)
    vessel = "river-sea" if the_cargo.vclass == "river-sea" else request.vessel
    return the_cargo, params, speed, vessel, MappingProxyType(draft_check.closed_passages(the_cargo, params))


_shipping_kept = lru_cache(maxsize=256)(_shipping_of)


def _shipping(request: RouteRequest) -> tuple:
    """:func:`_shipping_of`, kept per request value (a request checked again for the same options
    is the same value, often the same object): a repeated request skips reading its cargo and
    the draught table; a request holding a table (a dict) is not a key and is read each time, and
    one naming a costs file reads it each time (it may have been edited)."""
    if request.costs is not None and not isinstance(request.costs, Params):
        return _shipping_of(request)
    try:
        return _shipping_kept(request)
    except TypeError:  # unhashable: a dict among its options
        return _shipping_of(request)


@per_network(maxsize=1024)
def _joined(net: Network, place: Place, profile: Profile) -> Access:
    """:func:`~corridor.engine.access.access` of a request's stop, kept per network, place and
    profile (values: it is a function of them): a repeated request joins its two places again
    without snapping or slicing connectors. Shared as the kept sea stretches' stops already
    share theirs (:class:`_Stop`): never edit it (port closures filter it into a new one)."""
    return access(net, place, profile)


def _answer_key(request: RouteRequest, stops: tuple, open_borders: frozenset) -> HashedKey | None:
    """The key :func:`_sea_answer` keeps the whole answer to ``request`` between ``stops`` by, or
    None when it is not kept: kept are sea-only requests (by their modes, or port to port) with
    no alternatives or Pareto front (routes inside routes), costs none or a table already read
    (a file named may change), and every option a value (a dict is none). Nothing else in a
    sea-only answer reads the clock, a user's file or the transit policy (land routes only)."""
    if request.alternatives or request.pareto or not (request.costs is None or isinstance(request.costs, Params)):
        return None
    if request.modes is None:
        if not all(s.kind in ("port", "country", "passage") for s in stops):
            return None
    elif frozenset(request.modes) != frozenset({"sea"}):
        return None
    key = HashedKey((request, stops, open_borders))  # hashed once: the cache looks it up three times
    try:
        hash(key)
    except TypeError:  # a dict among the options (a policy table)
        return None
    return key


@per_network(maxsize=256)
def _sea_answer(net: Network, key: HashedKey) -> Route:
    """The answer :func:`_plan` gives a request between its resolved stops (``key``:
    :func:`_answer_key`), kept per network and value as :func:`_kept_route` keeps it: a repeated
    sea request neither joins its places, nor costs, annotates or notes its legs again (an answer
    found on A* is dropped by the caller: its stretches give way to the hierarchy when it comes).
    Never edit it: :func:`_answer_of` copies it."""
    request, stops, open_borders = key
    return _kept_route(_plan(request, network=net, open_borders=open_borders, stops=stops))


def _kept_route(route: Route) -> Route:
    """A route just planned (no caller holds it) as :func:`_sea_answer` keeps it: each leg's
    geometry as :func:`_kept` keeps it (bytes; a part made from kept bytes, :class:`_Line`, and
    not edited since, gives those); :func:`_answer_of` gives each caller a copy."""
    for leg in route.legs:
        leg.geometry = [part.raw if type(part) is _Line else _raw(part) for part in leg.geometry]
    return route


def _answer_of(kept: Route) -> Route:
    """A kept answer (:func:`_kept_route`) as a caller gets it: legs as :func:`_fresh` gives them
    and every list and dict copied, sharing nothing editable with the kept one."""
    return _routed(kept, [_fresh(leg) for leg in kept.legs])


def _routed(route: Route, legs: list[Leg]) -> Route:
    """``route`` with ``legs`` and its own copies of its lists and dicts (their items are values:
    places, assumptions, strings, numbers)."""
    return Route(route.origin, route.destination, legs, list(route.assumptions), json_copy(route.restrictions),
                 json_copy(route.network), list(route.notes), json_copy(route.cargo), json_copy(route.objective),
                 json_copy(route.extra))


def _freeze_when_loaded() -> None:
    """Once numba is loaded (by the first route that searched with a compiled kernel), move every
    object alive to the permanent generation, once: numba's compiler and types, scipy's,
    corridor's modules, tables and kept values (some 140,000 objects, alive as long as the
    process), which every full collection walked otherwise (27-210 ms each, about one request in
    200 of a busy process, stalling whichever request allocated then). A full collection comes
    first, so no garbage is frozen; what is made later stays collectable. In a process that
    embeds corridor, an object alive then that later dies in a reference cycle is not freed
    (objects freed by their reference count, most, are): README, "Non-default requests, round 5".
    A server worker freezes after its warm-up too (``corridor.server.pool``)."""
    if _FROZEN or "numba" not in sys.modules:
        return
    _FROZEN.append(True)
    gc.collect()
    gc.freeze()


_FROZEN: list = []


def plan(request: RouteRequest, *, network: Network | None = None, open_borders: frozenset = frozenset()) -> Route:
    """Plan the route a checked request asks for; see :func:`corridor.route` for the options (a
    scenario is planned on top of this, by :func:`corridor.whatif.solve`). The borders closed in
    ``data/policy/borders.csv`` are closed, less the country pairs in ``open_borders``
    (frozensets of two ISO codes: a scenario's ``open.borders``)."""
    route = air_plan.sourced_or_modelled(request, lambda req: _plan(req, network=network, open_borders=open_borders))
    _freeze_when_loaded()
    return route


def _plan(request: RouteRequest, *, network: Network | None, open_borders: frozenset, stops: tuple = ()) -> Route:
    """:func:`plan` without the modelled air network's second try; ``stops`` are the request's
    stops already resolved (by a miss of :func:`_sea_answer`), else they are resolved here and a
    sea-only answer is kept."""
    net = air_plan.network_for(network or load_network(), request.modes, request.air_network)  # its air network
    if not stops:
        stops = (resolve(request.origin, net), *[_via_place(q, net) for q in request.via],
                 resolve(request.destination, net))
        key = _answer_key(request, stops, open_borders)
        if key is not None:
            deadline.check()  # a kept answer runs no search, where the check otherwise is
            astar = wanted.on_astar()
            kept = _sea_answer(net, key)
            if wanted.on_astar() != astar:  # resting on A* for want of a hierarchy: its stretches
                _sea_answer.forget(net, key)  # stay kept, and give way when it comes (_kept_or_again)
            return _answer_of(kept)
    modes = request.modes
    allowed = frozenset(modes) if modes is not None else frozenset(DEFAULT_MODES)
    the_cargo, params, speed, vessel, closed_for_class = _shipping(request)
    objective = request.objective()
    alternatives = request.alternatives
    avoid_keys, allow_keys = list(request.avoid), list(request.allow)
    countries, allowed_countries = frozenset(request.avoid_countries), frozenset(request.allow_countries)
    ports_closed = frozenset(request.close_ports)
    stops = list(stops)
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
        # kind and code first, then the rounded coordinates only while still equal (round is slow)
        if (s.kind == t.kind and s.code == t.code
                and round(s.lon, 6) == round(t.lon, 6) and round(s.lat, 6) == round(t.lat, 6)):
            raise BadInput(f"Origin and destination of a leg are the same place ({s.label}); "
                           "give two different places.")
    blocked = blocked_mask(avoid_keys, allow_keys, vessel)
    for key in closed_for_class:
        blocked |= P.BIT[key]
    if the_cargo.vessel_class:  # a class the caller named must fit the ports named
        for s in stops:
            why = draft_check.port_refusal(the_cargo, params, s)
            if why:
                raise BadInput(f"{why}: a {the_cargo.vclass} ship cannot call there; choose a smaller vessel "
                               "class (--vessel-class) or another port.")
    accesses = [_joined(net, s, profile) for s in stops]
    notes += [n for acc in accesses for n in acc.notes]
    notes += [f"{s.label}: {s.note}" for s in stops if s.note and s.note not in notes]
    restrictions = {
        "modes": sorted(profile.modes),
        "avoided": [P.BY_KEY[k].name for k in avoid_keys],
        "closed": [{"passage": P.BY_KEY[k].name,
                    "why": P.BY_KEY[k].closed_by_default or closed_for_class.get(k, "")}
                   for k in P.keys_of(blocked) if k not in avoid_keys],
        "vessel": vessel,
    }
    if countries:
        restrictions["avoided_countries"] = sorted(countries)
    if ports_closed:
        restrictions["closed_ports"] = sorted(ports_closed)
    if open_borders:
        restrictions["opened_borders"] = sorted("-".join(sorted(p)) for p in open_borders)
    solver = _Solver(net, profile, stops, blocked, avoid_keys, restrictions, notes, ports_closed, countries,
                     border_table.closed_for(frozenset(open_borders)), request.services == "liner")
    solver.seed(profile, ports_closed, accesses)  # joining points to the network is the costly part
    land = allowed != frozenset({"sea"})
    best, refs = _best(solver, objective, request.pareto, finish=not land)  # a land answer may be dropped
    if land:
        stop_countries = [s.country or (s.code if s.kind == "country" else None) for s in stops]
        policy = transit_policy.load(request.policy, allowed_countries)
        avoided = transit_policy.avoided_by_default(policy, stop_countries, countries)
        solver, best, refs = _apply_transit_policy(solver, best, refs, policy, avoided, accesses, objective,
                                                   request.pareto)
        _flag_transit_risks(best, policy, stop_countries)
    if the_cargo.vessel_class:
        shallow = draft_check.shallow_calls(best, the_cargo, params, frozenset(s.code for s in stops))
        if shallow:  # plan again without the ports the class cannot enter, and say why
            again = plan(request.with_options(close_ports=(*request.close_ports, *shallow)), network=network,
                         open_borders=open_borders)
            again.notes = [*again.notes, *(f"{code} not used: {why}" for code, why in shallow.items())]
            return again
    if alternatives:
        alts = alternatives_mod.alternatives(solver, best, alternatives, objective, refs)
        if modes is None:  # air is never a default mode: offer it beside the others (in place of the last)
            by_air = air_plan.by_air(request, lambda req: plan(req, network=net, open_borders=open_borders))
            if by_air is not None:
                alts = [*alts[:alternatives], by_air]
        if land:
            for alt in alts:
                _flag_transit_risks(alt, policy, stop_countries)
        best.extra["alternatives"] = alts
    if request.pareto:
        front = alternatives_mod.pareto(solver, refs)
        front.sort(key=lambda r: objective_mod.value(r.totals(), objective, refs or {k: 1.0 for k in objective}))
        best.extra["pareto"] = front
    return best
