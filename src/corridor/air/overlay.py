"""Imported air routes on top of the compiled network, at load time, without a rebuild.

The compiled network holds every airport and the *modelled* flights. When routes are imported
(``corridor data import-air``), :func:`air_network` returns a copy of the network that shares
all its arrays except the edge arrays and the adjacency (CSR), which gain one edge per imported
airport pair, usable only in the directions the file lists. Imported routes replace the model
where they exist: an airport named in the imported file flies only its imported routes (its
modelled links need an impossible mode bit), while airports absent from the file keep their
modelled links. Building the copy takes well under a second, once per process and import.

Why an overlay rather than compiling imports in: the compiled network's fingerprint covers only
installed packages and the repository's code and tables, so an import (user data) must not
trigger a one-minute rebuild, and a rejected import must leave nothing behind.
"""

from __future__ import annotations

import copy

import numpy as np

from corridor import modes as M
from corridor.air import openflights
from corridor.build.air import KIND_IMPORTED, KIND_MODELLED
from corridor.geo import haversine_km

NEVER = np.uint8(0x80)  # a mode bit no request allows

_CACHE: dict = {}


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
    key = ("index", id(net))
    if key not in _CACHE:
        _CACHE[key] = AirIndex(net)
    return _CACHE[key]


def _stamp():
    path = openflights.imported_path()
    if not path.is_file():
        return None
    st = path.stat()
    return (str(path), st.st_mtime_ns, st.st_size)


def air_network(net):
    """``net`` itself when nothing is imported, else the network with the imported routes."""
    base = getattr(net, "air_base", net)
    stamp = _stamp()
    if stamp is None:
        return base
    key = ("overlay", id(base), stamp)
    if key not in _CACHE:
        doc = openflights.load_imported()
        _CACHE[key] = _overlay(base, doc) if doc else base
    return _CACHE[key]


def _overlay(net, doc: dict):
    idx = air_index(net)
    directed = {(s, d) for s, d, _ in doc["pairs"] if s in idx.by_code and d in idx.by_code}
    undirected = sorted({tuple(sorted(p)) for p in directed})
    u = np.array([idx.by_code[a] for a, _ in undirected], np.int32)
    v = np.array([idx.by_code[b] for _, b in undirected], np.int32)
    km = haversine_km(net.node_lon[u], net.node_lat[u], net.node_lon[v], net.node_lat[v])
    n_old = len(net.edge_km)
    ids = np.arange(n_old, n_old + len(u), dtype=np.int32)
    out = copy.copy(net)
    out.air_base = net
    out.air_import = {k: v for k, v in doc.items() if k != "pairs"}
    out.edge_u = np.concatenate([net.edge_u, u])
    out.edge_v = np.concatenate([net.edge_v, v])
    out.edge_km = np.concatenate([net.edge_km, km])
    out.edge_flags = np.concatenate([net.edge_flags, np.zeros(len(u), net.edge_flags.dtype)])
    out.edge_kind = np.concatenate([net.edge_kind, np.full(len(u), KIND_IMPORTED, np.uint8)])
    out.edge_mode = np.concatenate([net.edge_mode, np.full(len(u), M.AIR, np.uint8)])
    out.edge_ref = np.concatenate([net.edge_ref, np.full(len(u), -1, net.edge_ref.dtype)])
    out.edge_border = np.concatenate([net.edge_border, np.full(len(u), -1, net.edge_border.dtype)])
    req = np.concatenate([net.edge_req, np.full(len(u), M.bit(M.AIR), np.uint8)])
    served = np.zeros(net.n_nodes, bool)
    served[u] = served[v] = True
    modelled = np.flatnonzero((net.edge_mode == M.AIR) & (np.asarray(net.edge_kind) == KIND_MODELLED))
    replaced = modelled[served[net.edge_u[modelled]] | served[net.edge_v[modelled]]]
    req[replaced] = NEVER
    out.edge_req = req
    # Adjacency: the compiled CSR plus one arc per direction the file lists.
    fwd = np.array([(a, b) in directed for a, b in undirected])
    bwd = np.array([(b, a) in directed for a, b in undirected])
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
    out.air_stats = {"imported_pairs": len(undirected), "imported_arcs": int(len(tail)),
                     "modelled_links_replaced": int(len(replaced))}
    return out


def air_source(net) -> dict:
    """Which air data a network flies: for the answer's ``network.air`` and ``corridor data status``."""
    imp = getattr(net, "air_import", None)
    if imp is None:
        return {"data": "modelled", "label": "modelled",
                "rule": "large airports within 11,750 km of each other, medium airports to large ones within "
                        "1,000 km (airportsdata + airports-py scheduled service); see README 'Air'"}
    return {"data": "imported", "label": imported_label(imp), "file": imp["file"], "file_date": imp["file_date"],
            "sha256": imp["sha256"], "counts": imp["counts"],
            "note": "airports named in the imported file fly only their imported routes; others keep modelled links"}


def imported_label(imp: dict) -> str:
    return f"imported (OpenFlights, file date {imp['file_date']})"


def edge_source(net, e: int) -> str:
    if int(net.edge_kind[e]) == KIND_IMPORTED and getattr(net, "air_import", None):
        return imported_label(net.air_import)
    return "modelled"
