"""Distance and time between many origins and many destinations (a table, as in OSRM's ``table``).

By sea unless the request names other modes; a multimodal table is described at
:func:`_fill_surface` (its cells: :data:`CELLS_NOTE`). By sea, each place is resolved
and joined to the network once. Then one single-source Dijkstra per
origin, compiled by numba, runs over the same CSR arrays and passage mask as
:mod:`corridor.search`, starting from all of the origin's connectors at once and stopping
as soon as every destination connector is settled. A destination's value is the least
(node distance + connector km) over its connectors, so the figures equal those of
:func:`corridor.route` for the same pair. Origins are shared between threads; the kernel
releases the GIL. When a contraction hierarchy of the sea layer is at hand for the request's
closed passages (:mod:`corridor.build.contraction`), a bucket many-to-many search on it
replaces the Dijkstras, with the same figures (see ``_fill``).

>>> from corridor import matrix
>>> m = matrix(["PECHY", "NLRTM"], ["CNSHA", "SGSIN"], avoid="suez")   # doctest: +SKIP
>>> m.distance_km.shape                                                # doctest: +SKIP
(2, 2)
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from corridor import deadline
from corridor import modes as M
from corridor.costing import Assumption
from corridor.costing import sea as sea_costing
from corridor.costing.profile import Profile
from corridor.data import passages as P
from corridor.engine import table_surface
from corridor.engine.access import DIRECT_MAX_KM, Access, access
from corridor.engine.hierarchies import cached_hierarchy
from corridor.engine.restrictions import blocked_mask
from corridor.engine.table_access import clear_crossings, water_connectors_many
from corridor.errors import BadInput, NoRoute
from corridor.geo import chord_for_km, to_unit_vectors
from corridor.jit import njit
from corridor.network import Network, load_network
from corridor.optional import require
from corridor.places import Place, resolve
from corridor.request import TableRequest
from corridor.search import _heap_pop, _heap_push
from corridor.search_ch import ch_table


@njit(cache=True, nogil=True)
def _dijkstra_rows(indptr, head, edge, weight, edge_flags, blocked, src_indptr, src_nodes, src_cost,
                   dst_indptr, dst_nodes, dst_cost, edge_x, src_x, dst_x, out, out_x):
    """Fill ``out[i, j]``: least cost (``weight`` per edge) from origin ``i``'s connectors to
    destination ``j``'s; with ``edge_x`` not empty, also ``out_x[i, j]``: the sum of ``edge_x``
    (and of the connectors' ``src_x``, ``dst_x``) along that least-cost path (km beside hours)."""
    n = indptr.shape[0] - 1
    carry = edge_x.shape[0] > 0
    is_dst = np.zeros(n, np.bool_)
    for k in range(dst_nodes.shape[0]):
        is_dst[dst_nodes[k]] = True
    n_dst = 0
    for v in range(n):
        if is_dst[v]:
            n_dst += 1
    g = np.empty(n)
    x = np.empty(n if carry else 0)
    settled = np.empty(n, np.bool_)
    cap = head.shape[0] + src_nodes.shape[0] + 1
    keys = np.empty(cap)
    vals = np.empty(cap, np.int32)
    for i in range(src_indptr.shape[0] - 1):
        g[:] = np.inf
        settled[:] = False
        size = 0
        for k in range(src_indptr[i], src_indptr[i + 1]):
            s = src_nodes[k]
            if src_cost[k] < g[s]:
                g[s] = src_cost[k]
                if carry:
                    x[s] = src_x[k]
                size = _heap_push(keys, vals, size, g[s], s)
        remaining = n_dst
        while size > 0 and remaining > 0:
            d, u, size = _heap_pop(keys, vals, size)
            if settled[u] or d > g[u]:
                continue  # stale heap entry
            settled[u] = True
            if is_dst[u]:
                remaining -= 1
            for slot in range(indptr[u], indptr[u + 1]):
                e = edge[slot]
                if edge_flags[e] & blocked:
                    continue
                v = head[slot]
                nd = d + weight[e]
                if nd < g[v]:
                    g[v] = nd
                    if carry:
                        x[v] = x[u] + edge_x[e]
                    size = _heap_push(keys, vals, size, nd, v)
        for j in range(dst_indptr.shape[0] - 1):
            best = np.inf
            for k in range(dst_indptr[j], dst_indptr[j + 1]):
                c = g[dst_nodes[k]] + dst_cost[k]
                if c < best:
                    best = c
                    if carry:
                        out_x[i, j] = x[dst_nodes[k]] + dst_x[k]
            out[i, j] = best


@dataclass
class Matrix:
    """A distance and time table; row ``i`` is ``origins[i]``, column ``j`` is ``destinations[j]``.

    Attributes
    ----------
    origins, destinations : list of Place
        The places as resolved (a country is listed as the country; its best port is
        chosen per pair, as :func:`corridor.route` does).
    distance_km, duration_h : numpy.ndarray
        ``len(origins) × len(destinations)`` floats, NaN where no route exists. By sea: the
        sea km and the sailing time at the sea speed; with other modes: the surface search's
        least hours and the km of that path (:data:`CELLS_NOTE`).
    assumptions : list of Assumption
        The sea speed behind ``duration_h``, with its source.
    restrictions : dict
        Passages avoided and closed, and the vessel, as in :meth:`corridor.Route.to_dict`
        (and ``modes``, for a table by other modes than sea).
    notes : list of str
        Places served by their nearest port, places the network does not reach.
    network : dict
        Fingerprint and sources of the compiled network.
    """

    origins: list[Place]
    destinations: list[Place]
    distance_km: np.ndarray
    duration_h: np.ndarray
    assumptions: list[Assumption]
    restrictions: dict
    network: dict
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready form: nested lists, ``None`` where no route exists."""

        def table(a: np.ndarray) -> list[list[float | None]]:
            return [[None if np.isnan(x) else round(float(x), 1) for x in row] for row in a]

        return {
            "origins": [p.to_dict() for p in self.origins],
            "destinations": [p.to_dict() for p in self.destinations],
            "distance_km": table(self.distance_km), "duration_h": table(self.duration_h),
            "assumptions": [a.to_dict() for a in self.assumptions],
            "restrictions": self.restrictions, "notes": self.notes, "network": self.network,
        }

    def _long(self) -> dict[str, list | np.ndarray]:
        """One row per (origin, destination) pair, origins first: column name -> values."""
        n, m = len(self.origins), len(self.destinations)
        i, j = np.repeat(np.arange(n), m), np.tile(np.arange(m), n)
        return {
            "origin": [self.origins[k].label for k in i], "origin_code": [self.origins[k].code for k in i],
            "destination": [self.destinations[k].label for k in j],
            "destination_code": [self.destinations[k].code for k in j],
            "row": i, "column": j,
            "distance_km": self.distance_km.ravel(), "duration_h": self.duration_h.ravel(),
        }

    def to_pandas(self):
        """The table in long form: a pandas DataFrame with one row per pair (pandas is needed).

        Returns
        -------
        pandas.DataFrame
            Columns ``origin``, ``origin_code``, ``destination``, ``destination_code``, ``row`` and
            ``column`` (indexes into the table), ``distance_km``, ``duration_h`` (NaN: no route).
            ``df.pivot(index="row", columns="column", values="distance_km")`` gives the square table.

        Raises
        ------
        BadInput
            If pandas is not installed.
        """
        return require("pandas", "Matrix.to_pandas()").DataFrame(self._long())

    def to_arrow(self):
        """The :meth:`to_pandas` long form as a ``pyarrow.Table`` (no pandas needed); the missing
        values of ``distance_km`` and ``duration_h`` are nulls."""
        import pyarrow as pa

        columns = self._long()
        arrays = {k: (pa.array(v, mask=np.isnan(v)) if k in ("distance_km", "duration_h") else pa.array(v))
                  for k, v in columns.items()}
        return pa.table(arrays)


def _key(query):
    """A hashable key for a place query, so each distinct place is resolved once."""
    return tuple(query) if isinstance(query, list) else query


def _resolve_all(queries, net: Network, cache: dict, profile: Profile) -> list[tuple[Place, Access | None]]:
    """(place, access or None, why not) per query; each distinct place resolved once, the
    coordinate points joined to the water all at once (:mod:`corridor.engine.table_access`)."""
    keys = [_key(q) for q in queries]
    new: dict = {}
    for q, k in zip(queries, keys):
        if k not in cache and k not in new:
            deadline.check()
            new[k] = resolve(q, net)
    points = [k for k, p in new.items() if p.kind == "point"] if "sea" in profile.modes else []
    water = dict(zip(points, water_connectors_many(net, [new[k].lon for k in points], [new[k].lat for k in points])))
    for k, place in new.items():
        try:
            cache[k] = (place, access(net, place, profile, water.get(k)), None)
        except NoRoute as e:  # a port off the network: its row or column stays NaN
            cache[k] = (place, None, str(e))
    return [cache[k] for k in keys]


def _connectors(accs: list[Access | None]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR arrays (indptr, nodes, km) of every place's connectors, all candidates together."""
    nodes = [np.concatenate(a.nodes) if a else np.empty(0, np.int32) for a in accs]
    kms = [np.concatenate(a.km) if a else np.empty(0) for a in accs]
    indptr = np.zeros(len(accs) + 1, np.int64)
    np.cumsum([len(n) for n in nodes], out=indptr[1:])
    return indptr, np.concatenate(nodes).astype(np.int32), np.concatenate(kms).astype(np.float64)


CH_MIN_CELLS = 10_000_000
"""Tables with at least this many cells build the contraction hierarchy for their passage
mask if it is not cached yet (about two minutes, once per network and mask: Dijkstra rows would take
longer); smaller tables use it only when it is already on disk (build it ahead with
``corridor network --hierarchies``)."""


ROWS_PER_CHECK = 4
"""Dijkstra rows each thread runs between two deadline checks (a row on the sea layer takes
milliseconds to a few tenths of a second)."""


def _hierarchy(net: Network, blocked: int, cells: int):
    """The sea CH (km metric) for ``blocked``, or None when the plain Dijkstra should run."""
    if os.environ.get("CORRIDOR_NO_CH"):
        return None
    from corridor.engine.hierarchies import sea_hierarchy

    return sea_hierarchy(net, blocked, build=cells >= CH_MIN_CELLS)


def _fill(net: Network, blocked: int, src, dst, out: np.ndarray, threads: int, *, use_ch: bool | None = None) -> None:
    """Fill ``out`` with least km: by a join of hub labels when the contraction hierarchy at hand
    has them, by buckets on the hierarchy when it has not (or ``use_ch``), else by one Dijkstra
    per origin row, split between ``threads`` threads. All give the same figures (up to float
    rounding, ~1e-11 km). The Dijkstra rows check the :mod:`corridor.deadline` between blocks;
    the label join and the bucket search are one call each (milliseconds for a server-sized
    table), after which the deadline is checked."""
    if use_ch is not False:
        h = _hierarchy(net, blocked, out.size if use_ch is None else CH_MIN_CELLS)
        if h is not None:
            from corridor import hub_labels

            if h.labels is not None:
                hub_labels.table(h.labels, src, dst, out, threads)
            else:
                ch_table(h, src, dst, out, threads)
            deadline.check()
            return
    indptr_s, head_s, edge_s = net.sea_csr
    dijkstra_rows((indptr_s, head_s, edge_s), net.edge_km, net.edge_flags, blocked, src, dst, out, threads)


def dijkstra_rows(graph, weight, edge_flags, blocked: int, src, dst, out: np.ndarray, threads: int,
                  carried=None, progress=None) -> None:
    """Fill ``out`` with least costs by one Dijkstra per origin row on ``graph`` (CSR indptr,
    head, edge id), ``weight`` per edge, passages in ``blocked`` closed; ``src``, ``dst`` as
    :func:`_connectors` gives them (with the cost as third array). ``carried``: as
    :func:`corridor.search_ch.ch_table` takes it (per edge here, not per hierarchy edge).
    ``progress(rows_done, rows)`` after each block of rows."""
    indptr, nodes, cost = src
    none = np.empty(0)
    edge_x, src_x, dst_x, out_x = (none, none, none, np.empty((len(out), 0))) if carried is None else carried
    indptr_g, head_g, edge_g = graph

    def rows(lo: int, hi: int) -> None:
        sub = indptr[lo:hi + 1]
        part = slice(sub[0], sub[-1])
        _dijkstra_rows(indptr_g, head_g, edge_g, weight, edge_flags, np.uint32(blocked), sub - sub[0], nodes[part],
                       cost[part], *dst, edge_x, src_x[part], dst_x, out[lo:hi], out_x[lo:hi])

    # Rows go in blocks of ROWS_PER_CHECK per thread, with a deadline check between blocks: one
    # kernel call cannot be interrupted, so a server's timed-out table stops within one block.
    n_rows, step = len(indptr) - 1, ROWS_PER_CHECK * max(1, threads)
    with ThreadPoolExecutor(max(1, threads)) as pool:
        for start in range(0, n_rows, step):
            deadline.check()
            parts = [c for c in np.array_split(np.arange(start, min(start + step, n_rows)), max(1, threads)) if len(c)]
            list(pool.map(lambda c: rows(int(c[0]), int(c[-1]) + 1), parts))
            if progress is not None:
                progress(min(start + step, n_rows), n_rows)


def _place_key(a: Place) -> tuple:
    """Equal for the same place."""
    return a.kind, a.code, round(a.lon, 6), round(a.lat, 6)


def _near(src, dst) -> np.ndarray:
    """``[i, j]``: some candidate of origin ``i`` may lie within DIRECT_MAX_KM of one of destination
    ``j`` (a superset: :func:`_crossings` checks the distance itself)."""
    from scipy.spatial import cKDTree

    def flat(rows):
        pts = [(c.lon, c.lat, i) for i, (_, a, _) in enumerate(rows) if a for c in a.candidates]
        pts = np.array(pts, dtype=float).reshape(-1, 3)
        return cKDTree(to_unit_vectors(pts[:, 0], pts[:, 1]).reshape(-1, 3)), pts[:, 2].astype(np.int64)

    out = np.zeros((len(src), len(dst)), bool)
    (o_tree, o_row), (d_tree, d_col) = flat(src), flat(dst)
    # a chord a hair longer than DIRECT_MAX_KM's, so rounding can only add pairs, never drop one
    pairs = o_tree.sparse_distance_matrix(d_tree, chord_for_km(DIRECT_MAX_KM) * (1 + 1e-6), output_type="ndarray")
    out[o_row[pairs["i"]], d_col[pairs["j"]]] = True
    return out


def _crossings(net: Network, a: list[Access], b: list[Access]) -> np.ndarray:
    """Per pair of accesses ``(a[k], b[k])``, the shortest straight open-water crossing between
    their sea candidates (:func:`corridor.engine.access.direct_crossing`), inf when there is
    none; each distinct pair of accesses checked once, all of them together."""
    index: dict = {}  # places repeat: each distinct access once
    accs: list[Access] = []
    for x in (*a, *b):
        if id(x) not in index:
            index[id(x)] = len(accs)
            accs.append(x)
    sea = [[(p.lon, p.lat) for p, on_sea in zip(x.candidates, x.sea) if on_sea] for x in accs]
    n_cand = np.array([len(c) for c in sea], np.int64)
    first = np.concatenate([[0], np.cumsum(n_cand)[:-1]]).astype(np.int64)
    lonlat = np.array([p for c in sea for p in c], float).reshape(-1, 2)
    k = len(accs)
    key = np.array([index[id(x)] for x in a], np.int64) * k + np.array([index[id(y)] for y in b], np.int64)
    pairs, which = np.unique(key, return_inverse=True)
    pa, pb = pairs // k, pairs % k
    n = n_cand[pa] * n_cand[pb]  # every sea candidate of one with every one of the other
    owner = np.repeat(np.arange(len(pairs)), n)
    local = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    ca = first[pa][owner] + local // n_cand[pb][owner]
    cb = first[pb][owner] + local % n_cand[pb][owner]
    d, clear = clear_crossings(net, lonlat[ca, 0], lonlat[ca, 1], lonlat[cb, 0], lonlat[cb, 1])
    ok = clear & (d <= DIRECT_MAX_KM)
    best = np.full(len(pairs), np.inf)
    np.minimum.at(best, owner[ok], d[ok])
    return best[which.reshape(-1)]


def _sequence(places):
    """Places as a list (any iterable of them: a generator, a pandas column)."""
    return places if places is None or isinstance(places, (str, list, tuple)) else list(places)


def matrix(origins, destinations, *, modes=None, avoid=None, allow=None, vessel: str = "seagoing",
           speed_kn: float | None = None, network: Network | None = None, threads: int | None = None,
           transit_avoided: frozenset | None = None, progress=None) -> Matrix:
    """The table :func:`corridor.matrix` answers (see it for the options), on ``network``
    (default: the installed one). Unreachable pairs are NaN, not errors.

    ``transit_avoided``: the countries the transit policy avoids
    (``corridor.transit_policy.load().avoided()``, which the engine may not import), closed in
    a multimodal table's cells as the planner closes them; None: no policy (said in the notes).
    ``progress(rows_done, rows)``: called as a multimodal table without a hierarchy fills its rows."""
    req = TableRequest.make(origins=_sequence(origins), destinations=_sequence(destinations), modes=modes,
                            avoid=avoid, allow=allow, vessel=vessel, speed_kn=speed_kn)
    origins, destinations, vessel = list(req.origins), list(req.destinations or ()), req.vessel
    if not origins or not destinations:
        raise BadInput("A table needs at least one origin and one destination.")
    avoid_keys, allow_keys = list(req.avoid), list(req.allow)
    net = network or load_network()
    threads = threads or os.cpu_count() or 1
    notes: list[str] = []
    if req.multimodal:
        ctx, blocked = table_surface.setting(net, req.modes, avoid_keys, allow_keys, vessel, req.speed_kn)
        profile, speed = ctx.profile, ctx.profile.sea_speed
    else:
        speed = sea_costing.speed(req.speed_kn)
        profile, blocked = Profile(frozenset({"sea"}), speed), blocked_mask(avoid_keys, allow_keys, vessel)
    cache: dict = {}
    src = _resolve_all(origins, net, cache, profile)
    dst = _resolve_all(destinations, net, cache, profile)

    km = np.full((len(src), len(dst)), np.nan)
    if req.multimodal:
        hours = np.full_like(km, np.nan)
        notes += _fill_surface(ctx, blocked, src, dst, hours, km, threads, transit_avoided, progress)
    else:
        _fill(net, blocked, _connectors([a for _, a, _ in src]), _connectors([a for _, a, _ in dst]), km, threads)
        km[np.isinf(km)] = np.nan
    # What corridor.route adds to the network search: a straight open-water crossing between
    # nearby places when it is shorter, and nothing at all between a place and itself.
    ids: dict = {}
    sid = np.array([ids.setdefault(_place_key(p), len(ids)) for p, _, _ in src])
    did = np.array([ids.setdefault(_place_key(q), len(ids)) for q, _, _ in dst])
    same = sid[:, None] == did[None, :]
    if "sea" in profile.modes:
        rows, cols = np.nonzero(_near(src, dst) & ~same)
        direct = _crossings(net, [src[i][1] for i in rows], [dst[j][1] for j in cols])
        if req.multimodal:  # compared in the search's unit, hours, as the route compares them
            direct_h = ctx.connector(np.full(len(direct), M.SEA), np.where(np.isfinite(direct), direct, 0.0))
            better = np.isfinite(direct) & ~(direct_h > hours[rows, cols])
            hours[rows[better], cols[better]] = direct_h[better]
        else:
            better = np.isfinite(direct) & ~(direct > km[rows, cols])  # as corridor.route: when not longer, or no route
        km[rows[better], cols[better]] = direct[better]
    km[same] = 0.0
    if not req.multimodal:
        hours = km / (speed.value * 1.852)
    else:
        hours[same] = 0.0

    for _, a, problem in (*src, *dst):
        for note in ([problem] if problem else a.notes):
            if note not in notes:
                notes.append(note)
    manifest = net.manifest
    restrictions = {"avoided": [P.BY_KEY[k].name for k in avoid_keys],
                    "closed": [{"passage": P.BY_KEY[k].name, "why": P.BY_KEY[k].closed_by_default}
                               for k in P.keys_of(blocked) if k not in avoid_keys],
                    "vessel": vessel}
    if req.multimodal:
        restrictions["modes"] = sorted(req.modes)
    return Matrix(
        [p for p, _, _ in src], [p for p, _, _ in dst], km, hours, [speed], restrictions,
        {"fingerprint": manifest["fingerprint"],
         "sources": [f"{s['package']} {s['version']}: {s['name']}" for s in manifest["sources"]]},
        notes)


CELLS_NOTE = ("multimodal cells: the surface search's least time (hours, with transfers and border crossings "
              "as the network times them) and the km of that path, as corridor.route finds them with "
              "services=direct; its default, services=liner, may differ where it sails containers on liner "
              "services; USD and CO2e: route a pair")


def _search_block(ctx, blocked: int, src, dst, rows, cols, hours: np.ndarray, km: np.ndarray, threads: int,
                  progress, ways: set) -> None:
    """Cells ``rows`` x ``cols`` of ``hours`` and ``km`` (NaN where no route) by the search
    setting ``ctx``: buckets on its hierarchy when one is on disk, else Dijkstra rows; names
    the way in ``ways``."""
    net = ctx.net
    a, a_km = table_surface.connectors(ctx, [src[i][1] for i in rows])
    b, b_km = table_surface.connectors(ctx, [dst[j][1] for j in cols])
    h_out, k_out = np.full((len(rows), len(cols)), np.inf), np.full((len(rows), len(cols)), np.nan)
    weight, _ = ctx.weight()
    h = cached_hierarchy(net, "all", weight, blocked, ctx.weight_key())
    if h is not None:
        ways.add("buckets on the whole network's contraction hierarchy")
        ch_table(h, a, b, h_out, threads, carried=(table_surface.search_edge_km(h, net.edge_km), a_km, b_km, k_out))
        deadline.check()
    else:
        ways.add("one Dijkstra per row (no hierarchy for these options)")
        flip = len(cols) < len(rows)  # the network is undirected: search from the shorter side
        if flip:
            a, b, a_km, b_km = b, a, b_km, a_km
            h_out, k_out = h_out.T.copy(), k_out.T.copy()
        dijkstra_rows((net.csr_indptr, net.csr_head, net.csr_edge), weight, net.edge_flags, blocked, a, b, h_out,
                      threads, carried=(net.edge_km, a_km, b_km, k_out), progress=progress)
        if flip:
            h_out, k_out = h_out.T, k_out.T
    h_out[~np.isfinite(h_out)] = np.nan
    k_out[np.isnan(h_out)] = np.nan
    hours[np.ix_(rows, cols)] = h_out
    km[np.ix_(rows, cols)] = k_out


def _fill_surface(ctx, blocked: int, src, dst, hours: np.ndarray, km: np.ndarray, threads: int,
                  transit_avoided: frozenset | None, progress) -> list[str]:
    """Fill ``hours`` and ``km`` of a multimodal table (NaN where no route), block by block of
    cells sharing one set of countries closed by the transit policy; returns the notes that
    say what the cells are and how they were found."""
    notes = [CELLS_NOTE]
    if transit_avoided is None:
        notes.append("no transit policy applied: cells may cross countries corridor.route avoids by default")
        transit_avoided = frozenset()
    elif transit_avoided:
        notes.append(f"transit policy: cells avoid {', '.join(sorted(transit_avoided))} (but a pair's own "
                     "countries), as corridor.route does")
    o_country = [table_surface.country_of(p) for p, _, _ in src]
    d_country = [table_surface.country_of(p) for p, _, _ in dst]
    ways: set = set()
    for countries, rows, cols in table_surface.policy_groups(o_country, d_country, transit_avoided):
        _search_block(ctx.replace(countries=countries), blocked, src, dst, rows, cols, hours, km, threads,
                      progress, ways)
    if transit_avoided:
        # as the planner: where no route avoids the policy's countries, the answer crosses them
        rows, cols = (np.flatnonzero(np.isnan(hours).any(axis=k)) for k in (1, 0))
        if len(rows):
            before = np.isnan(hours)
            h, k = np.full_like(hours, np.nan), np.full_like(km, np.nan)
            _search_block(ctx, blocked, src, dst, rows, cols, h, k, threads, progress, ways)
            crossing = before & ~np.isnan(h)
            hours[crossing], km[crossing] = h[crossing], k[crossing]
            if crossing.any():
                notes.append(f"{int(crossing.sum()):,} cells have no route that avoids the transit policy's countries: "
                             "they cross them, as corridor.route's answer then does (its transit_risk names them)")
    notes.append(f"cells found by {' and '.join(sorted(ways))}")
    missing = int(np.isnan(hours).sum())
    if missing:
        notes.append(f"{missing:,} of {hours.size:,} cells have no route by {', '.join(sorted(ctx.profile.modes))} "
                     "(NaN; corridor.route says why for one pair)")
    return notes


__all__ = ["matrix", "Matrix"]
