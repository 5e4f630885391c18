"""What a request closes: passages (a bit mask), and ports, countries, border pairs and the
borders closed by default (``data/policy/borders.csv``; edges set to inf in the request's
weights), with the search setting that carries them (:class:`Ctx`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from corridor import modes as M
from corridor.air import plan as air_plan
from corridor.costing import objective as objective_mod
from corridor.costing.profile import Profile, edges_of
from corridor.data import borders as border_table
from corridor.data import passages as P
from corridor.engine import hour_landmarks
from corridor.network import Network
from corridor.network_memo import HashedKey, network_key, per_network


def blocked_mask(avoid: list[str], allow: list[str], vessel: str) -> int:
    """Mask of the passages closed for a request.

    Parameters
    ----------
    avoid
        Passage keys the request keeps out.
    allow
        Passage keys closed by default that the request opens.
    vessel
        "seagoing" or "river-sea" (the latter may use the Volga-Don).

    Returns
    -------
    int
        The passages' bits (:func:`corridor.data.passages.mask_of`).
    """
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
    # (frozenset({"AM", "AZ"}), "road"): borders closed for one mode; by default the table's, so
    # every search (and the hierarchies built ahead, corridor.default_hierarchies) respects them
    closed_crossings: frozenset = field(default_factory=border_table.closed)
    _w: tuple | None = None

    _SETTINGS = ("profile", "objective", "refs", "closed_ports", "countries", "border_pairs", "closed_crossings")

    def replace(self, **kw) -> Ctx:
        d = {"net": self.net, **{k: getattr(self, k) for k in self._SETTINGS}}
        d.update(kw)
        return Ctx(**d)

    def settings(self) -> tuple:
        """Every field but the network, as hashable values (dicts as their sorted items): the key
        of caches of what a search setting gives; :meth:`from_settings` makes the setting again."""
        return tuple(tuple(sorted(v.items())) if isinstance(v, dict) else v
                     for v in (getattr(self, k) for k in self._SETTINGS))

    @classmethod
    def from_settings(cls, net: Network, settings: tuple) -> Ctx:
        """The setting :meth:`settings` describes, on ``net``."""
        return cls(net, **{k: dict(v) if k in ("objective", "refs") else v for k, v in zip(cls._SETTINGS, settings)})

    @property
    def weights(self):
        return air_plan.edge_weights(self.net, self.profile)  # the profile's, with air edges priced

    def weight(self) -> tuple[np.ndarray, float]:
        """The objective per edge (inf: not allowed) and its lower bound per km."""
        return self._weighted()[:2]

    def weight_key(self) -> tuple:
        """The value that identifies :meth:`weight`'s array: the network's value and the request
        parameters that made it (profile, objective, references, closures), for the caches
        keyed by weights (:func:`corridor.engine.hierarchies.cached_hierarchy`)."""
        return self._weighted()[2]

    def _weighted(self) -> tuple[np.ndarray, float, tuple]:
        if self._w is None:
            net = self.net
            key, w, bound, _ = _metric(net, self.profile, self.weights, self.objective, self.refs)
            if self.closed_ports or self.countries or self.border_pairs or self.closed_crossings:
                def bound_of(x):
                    return objective_mod.lower_bound_per_km(net, x, self.profile, self.objective, self.refs)

                key = HashedKey((key, self.closed_ports, self.countries, self.border_pairs, self.closed_crossings))
                w, bound = _closed_weight(net, w, key, bound_of)
            self._w = (w, max(bound, 1e-9), key)
        return self._w

    def landmark_scale(self, ref: np.ndarray) -> float:
        """The factor that turns :mod:`corridor.engine.hour_landmarks` distances (``ref`` per
        edge) into a lower bound of this request's objective: taken over the objective before
        the closures, which only raise weights, so one figure per metric serves them all."""
        hit = _metric(self.net, self.profile, self.weights, self.objective, self.refs)
        if hit[3] is None:
            hit[3] = hour_landmarks.scale(hit[1], ref)
        return hit[3]

    def connector(self, mode: np.ndarray, km: np.ndarray) -> np.ndarray:
        out = np.zeros(len(km))
        for m in sorted(set(mode.tolist())):  # not np.unique: it imports numpy.ma (tens of ms in a first route)
            sel = mode == m
            out[sel] = objective_mod.connector_weight(self.profile, int(m), km[sel], self.objective, self.refs)
        return out


_OBJECTIVE: dict = {}
_OBJECTIVE_SIZE = 4  # an entry is one float per edge (~15 MB on the full network)


def _metric(net: Network, profile: Profile, weights, objective: dict, refs: dict) -> list:
    """``[key, weight per edge, its lower bound per km, hour-landmark scale or None]`` of the
    request's objective before its closures, shared read-only per distinct metric: a mix over
    millions of edges costs tens of ms, and a read-only result lets :func:`_closed_weight` cache
    the closures on top of it. Keyed by the metric's values (``key``: the network's value,
    profile, objective, the references it reads), never by object ids."""
    key = HashedKey((network_key(net), profile, tuple(sorted(objective.items())),
                     tuple(sorted((k, refs[k]) for k in objective if k in refs))))
    hit = _OBJECTIVE.pop(key, None)
    if hit is None:
        if list(objective) == ["time"]:
            hit = [key, weights.hours, weights.hours_per_km, None]  # already shared and read-only
        else:
            w = objective_mod.edge_weight(net, weights, objective, refs)
            w.flags.writeable = False
            hit = [key, w, objective_mod.lower_bound_per_km(net, w, profile, objective, refs), None]
    _OBJECTIVE[key] = hit  # most recent last
    while len(_OBJECTIVE) > _OBJECTIVE_SIZE:
        _OBJECTIVE.pop(next(iter(_OBJECTIVE)))
    return hit


_CLOSED: dict = {}
_CLOSED_SIZE = 8


def _closed_weight(net: Network, w: np.ndarray, key: tuple, bound_of) -> tuple[np.ndarray, float]:
    """``w`` with the edges of closed ports, avoided countries, border pairs and closed
    crossings (pair, mode) set to inf, and its lower bound per km (``bound_of``). ``key`` is
    ``(w's metric key, ports, countries, pairs, crossings)``: the result's value, so the same
    request shape (e.g. the transit policy's Russia and Belarus) gets one shared, read-only
    array, which finds the hierarchy built for it
    (:func:`corridor.engine.hierarchies.cached_hierarchy`)."""
    hit = _CLOSED.get(key)
    if hit is not None:
        return hit
    shut = _shut_edges(net, *key[1:])
    shut = shut[np.isfinite(w[shut])]  # a sea route's closed road crossings are shut already
    if len(shut) or w.flags.writeable:
        out = w.copy()
        out[shut] = np.inf
    else:
        out = w  # the closures change nothing: share the metric's array
    bound = bound_of(out)
    if not w.flags.writeable:  # a shared metric: share the result too
        out.flags.writeable = False
        if len(_CLOSED) >= _CLOSED_SIZE:
            _CLOSED.pop(next(iter(_CLOSED)))
        _CLOSED[key] = (out, bound)
    return out, bound


def _shut_edges(net: Network, ports: frozenset, countries: frozenset, pairs: frozenset,
                crossings: frozenset = frozenset()) -> np.ndarray:
    """The edges (indices, maybe repeated) of closed ports, avoided countries, and border
    crossings of avoided pairs or closed (pair, mode)."""
    shut = [np.zeros(0, np.intp)]
    if countries:
        idx = [i for i, c in enumerate(net.tables["countries"]) if c in countries]
        bad = np.isin(net.node_country, idx)
        shut.append(np.flatnonzero(bad[net.edge_u] | bad[net.edge_v]))
    if ports:
        terminals = net.tables["terminals"]
        bad_t = np.array([t["code"] in ports for t in terminals], bool)
        transfers = edges_of(net, M.TRANSFER)
        shut.append(transfers[bad_t[net.edge_ref[transfers]]])
    if pairs or crossings:
        borders = net.tables["borders"]
        bad_b = np.array([frozenset(b["countries"]) in pairs or (frozenset(b["countries"]), b["mode"]) in crossings
                          for b in borders], bool)
        crossing = _crossing_edges(net)
        shut.append(crossing[bad_b[net.edge_border[crossing]]])
    return np.concatenate(shut)


@per_network(maxsize=4)
def _crossing_edges(net: Network) -> np.ndarray:
    """The edges that cross a border (read-only); once per network."""
    out = np.flatnonzero(np.asarray(net.edge_border) >= 0)
    out.setflags(write=False)
    return out
