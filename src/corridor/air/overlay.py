"""The air network a request flies, laid over the compiled network at load time, without a rebuild.

The compiled network holds every airport and the *modelled* flights (:mod:`corridor.air.model`).
Which flights a request may take is its ``air_network`` (:data:`AIR_NETWORKS`):

* ``sourced`` (the default): only routes known to be flown: the curated hub routes
  (``curated/air_routes.csv``, each with its carriers and a dated source) plus the user's
  OpenFlights import when present; no modelled link;
* ``modelled``: the modelled links, replaced by the imported routes where an airport is named in
  the import (an airport named there flies only its imported routes);
* ``imported``: the imported routes only (an import is needed).

In every network, closed airports (``curated/closed_airports.csv``) fly nothing, and domestic-only
airports (``curated/domestic_airports.csv``: Washington National, LaGuardia) fly only to airports
of their own country. :func:`air_network` returns a copy of the network that shares all its
arrays except the edge arrays and the adjacency (CSR), which gain one edge per added airport
pair, usable only in the directions listed (curated routes: both); a disabled edge needs an
impossible mode bit. Building the copy takes under a second, once per process, choice and import.

Why an overlay rather than compiling routes in: an import (user data) must not trigger a
one-minute rebuild, and a rejected import must leave nothing behind.
"""

from __future__ import annotations

import copy
import csv
import threading
from collections import OrderedDict
from functools import lru_cache
from importlib import resources

import numpy as np

from corridor import modes as M
from corridor.air import openflights
from corridor.air.consignment import AIR_NETWORKS
from corridor.build.air import KIND_IMPORTED, KIND_MODELLED
from corridor.errors import BadInput
from corridor.geo import haversine_km
from corridor.network_memo import network_key, per_network

NEVER = np.uint8(0x80)  # a mode bit no request allows
KIND_SOURCED = 3  # a curated, sourced route (added at load time, like KIND_IMPORTED)
CURATED_LABEL = "sourced (curated/air_routes.csv, each route with its carriers and a dated source)"

# Overlays by (base network's value, import stamp, choice): an overlay holds its base network, so
# a network loaded again from the same folder gets the overlay made on the first one (equal
# arrays); a few are kept, oldest out first.
_OVERLAYS: OrderedDict = OrderedDict()
_OVERLAYS_KEPT = 4
_LOCK = threading.Lock()


def _curated(name: str) -> list[dict]:
    path = resources.files("corridor.data") / "curated" / name
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=1)
def closed_airports() -> dict[str, dict]:
    """Closed airports by IATA code, each with its closing date and source."""
    return {r["iata"]: r for r in _curated("closed_airports.csv")}


@lru_cache(maxsize=1)
def domestic_airports() -> dict[str, dict]:
    """Airports that take no international flights (by IATA code), each with its rule and source."""
    return {r["iata"]: r for r in _curated("domestic_airports.csv")}


@lru_cache(maxsize=1)
def curated_routes() -> dict[frozenset, str]:
    """The curated routes as {frozenset({a, b}): 'carriers: source'}."""
    return {frozenset((r["from"], r["to"])): f"{r['carriers']}: {r['source']}" for r in _curated("air_routes.csv")}


def flies_between(a: str, b: str, country: dict[str, str]) -> bool:
    """Whether a route between airports ``a`` and ``b`` may be flown: neither is closed, and a
    domestic-only airport flies only within its country (``country``: IATA -> ISO code)."""
    pair = {a, b}
    return not (pair & closed_airports().keys()) and not (
        (pair & domestic_airports().keys()) and country.get(a) != country.get(b))


class AirIndex:
    """Airport codes <-> nodes of a network (airport nodes follow read_airports' order)."""

    def __init__(self, net):
        from corridor.data.airports import read_airports

        self.airports = read_airports()
        self.nodes = np.flatnonzero(net.node_mode == M.AIR)
        if len(self.nodes) != len(self.airports.iata):
            raise RuntimeError("the compiled network's airports do not match the installed airportsdata; "
                               "run 'corridor network --rebuild'")
        self.first = int(self.nodes[0])
        self.by_code = {str(c): self.first + i for i, c in enumerate(self.airports.iata)}

    def code(self, node: int) -> str:
        return str(self.airports.iata[node - self.first])

    def index(self, node: int) -> int:
        return node - self.first


def air_index(net) -> AirIndex:
    """The :class:`AirIndex` of ``net`` (an overlay has its base network's airports)."""
    return _air_index(getattr(net, "air_base", net))


@per_network(maxsize=2)
def _air_index(net) -> AirIndex:
    return AirIndex(net)


def import_stamp():
    """Path, modification time and size of the imported routes file, or None without an import."""
    path = openflights.imported_path()
    if not path.is_file():
        return None
    st = path.stat()
    return (str(path), st.st_mtime_ns, st.st_size)


def air_network(net, which: str = "sourced"):
    """``net`` with the flights of air network ``which`` (:data:`AIR_NETWORKS`) usable, and no other."""
    if which not in AIR_NETWORKS:
        raise BadInput(f"Unknown air network {which!r}; choose one of: {', '.join(AIR_NETWORKS)}.")
    base = getattr(net, "air_base", net)
    stamp = import_stamp()
    key = (network_key(base), stamp, which)
    with _LOCK:
        hit = _OVERLAYS.get(key)
        if hit is not None:
            _OVERLAYS.move_to_end(key)
            return hit
    doc = openflights.load_imported() if stamp is not None else None
    if which == "imported" and doc is None:
        raise BadInput("air_network 'imported' needs imported routes: run 'corridor data fetch air' or "
                       "'corridor data import-air FILE' first, or use air_network 'sourced'.")
    out = _overlay(base, which, doc)
    with _LOCK:
        out = _OVERLAYS.setdefault(key, out)  # a racing thread's, if it stored one first
        _OVERLAYS.move_to_end(key)
        while len(_OVERLAYS) > _OVERLAYS_KEPT:
            _OVERLAYS.popitem(last=False)
    return out


def _added_routes(which: str, doc: dict | None) -> dict[tuple[str, str], tuple[int, str]]:
    """Directed airport pairs the network ``which`` adds, each with its edge kind and source label."""
    out: dict[tuple[str, str], tuple[int, str]] = {}
    if which == "sourced":
        for pair, source in curated_routes().items():
            a, b = sorted(pair)
            out[(a, b)] = out[(b, a)] = (KIND_SOURCED, f"sourced: {source} (curated/air_routes.csv)")
    if doc is not None:
        label = imported_label(doc)
        for s, d, _ in doc["pairs"]:
            out.setdefault((s, d), (KIND_IMPORTED, label))
    return out


def _overlay(net, which: str, doc: dict | None):
    idx = air_index(net)
    country = {str(c): str(k) for c, k in zip(idx.airports.iata, idx.airports.country)}
    closed, domestic = closed_airports(), domestic_airports()
    directed = {(a, b): v for (a, b), v in _added_routes(which, doc).items()
                if a in idx.by_code and b in idx.by_code and flies_between(a, b, country)}
    undirected = sorted({tuple(sorted(p)) for p in directed})
    u = np.array([idx.by_code[a] for a, _ in undirected], np.int32)
    v = np.array([idx.by_code[b] for _, b in undirected], np.int32)
    kind = np.array([directed.get(p, directed.get(p[::-1]))[0] for p in undirected], np.uint8)
    labels = [directed.get(p, directed.get(p[::-1]))[1] for p in undirected]
    km = haversine_km(net.node_lon[u], net.node_lat[u], net.node_lon[v], net.node_lat[v])
    n_old = len(net.edge_km)
    ids = np.arange(n_old, n_old + len(u), dtype=np.int32)
    out = copy.copy(net)
    out.air_base, out.air_which, out.air_first_added, out.air_labels = net, which, n_old, labels
    out.air_import = {k: v for k, v in doc.items() if k != "pairs"} if doc else None
    out.edge_u = np.concatenate([net.edge_u, u])
    out.edge_v = np.concatenate([net.edge_v, v])
    out.edge_km = np.concatenate([net.edge_km, km])
    out.edge_flags = np.concatenate([net.edge_flags, np.zeros(len(u), net.edge_flags.dtype)])
    out.edge_kind = np.concatenate([net.edge_kind, kind.astype(net.edge_kind.dtype)])
    out.edge_mode = np.concatenate([net.edge_mode, np.full(len(u), M.AIR, np.uint8)])
    out.edge_ref = np.concatenate([net.edge_ref, np.full(len(u), -1, net.edge_ref.dtype)])
    out.edge_border = np.concatenate([net.edge_border, np.full(len(u), -1, net.edge_border.dtype)])
    req = np.concatenate([net.edge_req, np.full(len(u), M.bit(M.AIR), np.uint8)])
    modelled = np.flatnonzero((net.edge_mode == M.AIR) & (np.asarray(net.edge_kind) == KIND_MODELLED))
    if which == "modelled":  # an airport named in the import flies only its imported routes
        served = np.zeros(net.n_nodes, bool)
        served[u] = served[v] = True
        off = served[net.edge_u[modelled]] | served[net.edge_v[modelled]]
        mu, mv = (np.array([idx.code(int(n)) for n in net.edge_u[modelled]]),
                  np.array([idx.code(int(n)) for n in net.edge_v[modelled]]))
        shut = np.isin(mu, list(closed)) | np.isin(mv, list(closed))
        abroad = np.array([country[a] != country[b] for a, b in zip(mu, mv)], bool)
        shut |= abroad & (np.isin(mu, list(domestic)) | np.isin(mv, list(domestic)))
        off |= shut
    else:
        off = np.ones(len(modelled), bool)
    req[modelled[off]] = NEVER
    out.edge_req = req
    # Adjacency: the compiled CSR plus one arc per direction listed.
    fwd = np.array([(a, b) in directed for a, b in undirected], bool)
    bwd = np.array([(b, a) in directed for a, b in undirected], bool)
    tail = np.concatenate([u[fwd], v[bwd]])
    head = np.concatenate([v[fwd], u[bwd]])
    eid = np.concatenate([ids[fwd], ids[bwd]])
    old_tail = np.repeat(np.arange(net.n_nodes, dtype=np.int32), np.diff(net.csr_indptr))
    all_tail = np.concatenate([old_tail, tail])
    order = np.argsort(all_tail, kind="stable")
    indptr = np.zeros(net.n_nodes + 1, dtype=np.int32)
    np.cumsum(np.bincount(all_tail, minlength=net.n_nodes), out=indptr[1:])
    out.csr_indptr = indptr
    out.csr_head = np.concatenate([net.csr_head, head])[order].astype(np.int32)
    out.csr_edge = np.concatenate([net.csr_edge, eid])[order].astype(np.int32)
    out.air_stats = {"added_pairs": len(undirected), "added_arcs": len(tail),
                     "modelled_links_off": int(off.sum())}
    return out


def air_source(net) -> dict:
    """Which air data a network flies: for the answer's ``network.air`` and ``corridor data status``."""
    which = getattr(net, "air_which", "modelled")
    imp = getattr(net, "air_import", None)
    imported = ({"file": imp["file"], "file_date": imp["file_date"], "sha256": imp["sha256"], "counts": imp["counts"]}
                if imp else {})
    if which == "sourced":
        label = CURATED_LABEL + (f" and {imported_label(imp)}" if imp else "")
        return {"data": "sourced", "label": label, "routes": len(curated_routes()), **imported}
    if which == "imported":
        return {"data": "imported", "label": imported_label(imp), **imported}
    out = {"data": "modelled", "label": "modelled",
           "rule": "large airports within 11,750 km of each other, medium airports to large ones within "
                   "1,000 km (airportsdata + airports-py scheduled service); see README 'Air'"}
    if imp:
        out.update(imported, label=f"modelled and {imported_label(imp)}",
                   note="airports named in the imported file fly only their imported routes; others keep modelled links")
    return out


def imported_label(imp: dict) -> str:
    return f"imported (OpenFlights, file date {imp['file_date']})"


def edge_source(net, e: int) -> str:
    """Where a flight edge comes from: its curated source, the import, or "modelled"."""
    first = getattr(net, "air_first_added", None)
    if first is not None and e >= first:
        return net.air_labels[e - first]
    return "modelled"
