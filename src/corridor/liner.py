"""Liner services and transshipment: where a container changes ship on a sea leg.

A route's search sails port to port in one go; container lines do not. After a route is found,
each sea leg of a container cargo is matched against published services (``data/liner/``, read
at query time: editing it needs no network rebuild):

* both ports on one service's rotation (``services.csv``): a direct service, named on the leg;
* a sourced hub chain (``lanes.csv``): the leg is sailed again through its hubs (``hubs.csv``),
  each hop on the sea network and on its named service, with a transshipment step at every hub
  paying ``dwell.transshipment`` (``costing/defaults.toml``);
* neither, on a deep-sea leg (over :data:`ASSUMED_HUB_MIN_NMI`): one transshipment is assumed
  at the hub of ``hubs.csv`` nearest the leg's sea path, the leg sailed through it; a hop keeps a
  sourced service where one calls at both its ports, the transfer's ``service`` is ``None`` and
  its ``assumption`` and a note say the hub is assumed;
* neither, on a shorter leg (or where no hub fits): the direct call is kept, the leg's service is
  ``None`` and a note says so.

Bulk and general cargo sail on tramp ships, direct: their legs are left as found.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise

import numpy as np

from corridor.costing import transfer as transfer_costing
from corridor.errors import CorridorError
from corridor.geo import KM_PER_NMI, haversine_km, km_for_chord, split_antimeridian, to_unit_vectors
from corridor.places import Place
from corridor.route import Leg, LinerService, TransferKind

# A chain this many times the direct call's length does not follow the leg's way round (its
# canal is closed or avoided): the direct call is kept and the note says why. A bound chosen
# for this check, not a published figure.
MAX_DETOUR = 1.5

# Assumptions, not published figures: a container leg with no sourced service longer than this
# crosses between trade regions, where lines sail hub to hub and feed secondary ports (no direct
# deep-sea call is claimed); an assumed hub lies within HUB_NEAR_PATH_KM of the leg's sea path and
# at least HUB_FROM_END_KM from both its ends (nearer, it would be a port call, not a feeder).
ASSUMED_HUB_MIN_NMI = 3000.0
HUB_NEAR_PATH_KM = 500.0
HUB_FROM_END_KM = 300.0

# The words of a route note saying a sea leg keeps a direct call no sourced service supports.
DIRECT_CALL_ASSUMED = "a direct call is assumed"


def assumes_direct_call(notes: list[str]) -> bool:
    """Whether a route's notes say one of its sea legs assumes a direct call with no sourced
    service and no assumed hub."""
    return any(DIRECT_CALL_ASSUMED in n for n in notes)


def assumes_hub(legs: list[Leg]) -> bool:
    """Whether a route changes ship at an assumed hub (a transshipment with no sourced service)."""
    return any(leg.kind == TransferKind.TRANSSHIPMENT and leg.service is None for leg in legs)


@dataclass(frozen=True)
class Hub:
    code: str
    name: str
    country: str
    routed_at: str  # the port of the network the hub is sailed to (Tanger Med: Tangier)
    serves: str
    role: str
    source: str
    date: str


@dataclass(frozen=True)
class Service:
    service: LinerService
    ports: frozenset


@dataclass(frozen=True)
class Lane:
    """A sourced hub chain: from any port of ``origins`` to any of ``destinations`` through the
    hubs ``via``, hop ``i`` on service ``services[i]``."""

    origins: frozenset
    destinations: frozenset
    via: tuple[str, ...]
    services: tuple[str, ...]
    source: str
    date: str
    note: str


def _rows(name: str) -> list[dict]:
    with resources.files("corridor").joinpath("data", "liner", name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=1)
def hubs() -> dict[str, Hub]:
    """The transshipment hubs of ``data/liner/hubs.csv`` by UN/LOCODE."""
    return {r["code"]: Hub(**r) for r in _rows("hubs.csv")}


@lru_cache(maxsize=1)
def services() -> dict[str, Service]:
    """The liner services of ``data/liner/services.csv`` by name."""
    return {r["service"]: Service(LinerService(r["service"], r["carrier"], r["source"], r["date"]),
                                  frozenset(r["ports"].split())) for r in _rows("services.csv")}


@lru_cache(maxsize=1)
def lanes() -> tuple[Lane, ...]:
    """The hub chains of ``data/liner/lanes.csv``."""
    return tuple(Lane(frozenset(r["from"].split()), frozenset(r["to"].split()), tuple(r["via"].split()),
                      tuple(s.strip() for s in r["services"].split(";")), r["source"], r["date"], r["note"])
                 for r in _rows("lanes.csv"))


@lru_cache(maxsize=4096)  # services() is read once too; asked for every hub of every container leg
def direct_service(a: str, b: str) -> LinerService | None:
    """A sourced service calling at both ports, or None."""
    return next((s.service for s in services().values() if a in s.ports and b in s.ports), None)


def chain(a: str, b: str) -> tuple[tuple[str, ...], tuple[str, ...], Lane] | None:
    """Hubs and the service of each hop from port ``a`` to port ``b`` (a lane sailed either way), or None."""
    for lane in lanes():
        if a in lane.origins and b in lane.destinations:
            return lane.via, lane.services, lane
        if b in lane.origins and a in lane.destinations:
            return lane.via[::-1], lane.services[::-1], lane
    return None


def _label(p: Place) -> str:
    return f"{p.label} ({p.code})" if p.code else p.label


def _transshipment(hub: Place, code: str, service: LinerService | None, profile) -> Leg:
    """A change of ship at hub ``code``; ``service`` None: the hub is assumed, no service sourced."""
    hours, usd, co2 = transfer_costing.costs(TransferKind.TRANSSHIPMENT, profile.cargo, profile.in_force)
    assumption = transfer_costing.label(TransferKind.TRANSSHIPMENT)
    name = f"{hubs()[code].name} ({code}) transshipment"
    if service is None:
        name += " (assumed)"
        assumption += f"; hub assumed: no sourced service (a leg over {ASSUMED_HUB_MIN_NMI:,.0f} nmi, corridor/liner.py)"
    return Leg("transfer", hub, hub, 0.0, hours, [], [], split_antimeridian([hub.lon, hub.lon], [hub.lat, hub.lat]),
               kind=TransferKind.TRANSSHIPMENT, name=name, assumption=assumption, cost_usd=usd, co2e_ttw_kg=co2,
               service=service)


def _via_hubs(leg: Leg, via, hop_services, profile, sail, port, assumed: bool = False) -> tuple[list[Leg] | None, str]:
    """The leg sailed through its hubs, hop ``i`` on ``hop_services[i]`` (None: not sourced), or
    None and why not. ``assumed``: the hubs are assumed, their transfers name no service."""
    stops = [leg.origin, *(port(hubs()[code].routed_at) for code in via), leg.destination]
    out: list[Leg] = []
    for i, (a, b) in enumerate(pairwise(stops)):
        try:
            hop = sail(a, b)
        except CorridorError as e:
            return None, f"no sea route from {_label(a)} to {_label(b)} in this request ({e})"
        hop[0].origin, hop[-1].destination = a, b  # the leg's own ends, named as the route named them
        for h in hop:
            h.service = hop_services[i]
        if i:
            out.append(_transshipment(a, via[i - 1], None if assumed else hop_services[i], profile))
        out += hop
    km = sum(h.distance_km for h in out)
    if km > MAX_DETOUR * leg.distance_km:
        return None, (f"through its hubs it sails {km:,.0f} km against {leg.distance_km:,.0f} km direct "
                      "(a closed or avoided passage)")
    return out, ""


def _points(geometry) -> np.ndarray:
    """A leg's geometry parts as one ``(n, 2)`` array of lon, lat: array parts (as
    :func:`corridor.directions.legs_from_path` makes them) as they are, lists of ``[lon, lat]``
    read through an iterator (about twice as fast as ``np.array`` on them)."""
    parts = [part if isinstance(part, np.ndarray) else
             np.fromiter(itertools.chain.from_iterable(part), float, 2 * len(part)).reshape(-1, 2)
             for part in geometry]
    return np.concatenate(parts) if parts else np.empty((0, 2))


def assumed_hubs(leg: Leg, port: Callable[[str], Place]) -> list[str]:
    """Hubs where a leg with no sourced service is assumed to change ship, best first: those with
    a sourced service to one of its ends, then the nearest to its sea path; empty for a leg of
    :data:`ASSUMED_HUB_MIN_NMI` or less.

    Parameters
    ----------
    leg
        A container sea leg with no sourced direct service or hub chain.
    port
        The place of a port of the network, by UN/LOCODE.
    """
    if leg.distance_km <= ASSUMED_HUB_MIN_NMI * KM_PER_NMI:
        return []
    path = _points(leg.geometry)
    ends = {leg.origin.code, leg.destination.code}
    codes = [code for code, hub in hubs().items() if code not in ends and hub.routed_at not in ends]
    if not codes or not len(path):
        return []
    at = [port(hubs()[code].routed_at) for code in codes]
    lon, lat = np.array([p.lon for p in at]), np.array([p.lat for p in at])
    # every hub against every point of the path at once: the nearest point has the largest dot
    # product of unit vectors (one matrix product, no hubs x points x 3 differences), and the
    # chord to that point gives the distance
    hub_xyz, path_xyz = to_unit_vectors(lon, lat), to_unit_vectors(path[:, 0], path[:, 1])
    gap = hub_xyz - path_xyz[np.argmax(hub_xyz @ path_xyz.T, axis=1)]
    off_path = km_for_chord(np.sqrt(np.einsum("hk,hk->h", gap, gap)))
    ends_lon, ends_lat = [leg.origin.lon, leg.destination.lon], [leg.origin.lat, leg.destination.lat]
    from_ends = haversine_km(lon[:, None], lat[:, None], ends_lon, ends_lat).min(axis=1)
    ranked = []
    for code, off, end in zip(codes, off_path.tolist(), from_ends.tolist()):
        if off <= HUB_NEAR_PATH_KM and end >= HUB_FROM_END_KM:
            linked = any(direct_service(code, e) for e in ends if e)
            ranked.append((not linked, off, code))
    return [code for *_, code in sorted(ranked)]


def _assumed_hub(leg: Leg, profile, sail, port) -> tuple[list[Leg] | None, str]:
    """The leg sailed through its best assumed hub and the note saying so, or None and why none
    (empty when the leg is short enough to be sailed direct)."""
    why = ""
    for code in assumed_hubs(leg, port):
        hub = port(hubs()[code].routed_at)
        hop_services = [direct_service(leg.origin.code, code), direct_service(code, leg.destination.code)]
        hops, why = _via_hubs(leg, (code,), hop_services, profile, sail, port, assumed=True)
        if hops is not None:
            sourced = "; ".join(f"{_label(a)} to {_label(b)} on {s.name} ({s.carrier})"
                                for a, b, s in ((leg.origin, hub, hop_services[0]), (hub, leg.destination, hop_services[1]))
                                if s is not None)
            return hops, (f"liner: no sourced service between {_label(leg.origin)} and {_label(leg.destination)}: "
                          f"one transshipment at {hubs()[code].name} ({code}) assumed"
                          + (f", {sourced}" if sourced else ", neither hop sourced"))
    return None, f"; no hub fits: {why}" if why else ""


def apply(legs: list[Leg], profile, sail: Callable[[Place, Place], list[Leg]],
          port: Callable[[str], Place]) -> tuple[list[Leg], list[str]]:
    """Legs with liner services named and hub chains sailed, and the notes to add.

    Parameters
    ----------
    legs
        The route's legs as found.
    profile
        The request's costing profile (its cargo decides: containers only).
    sail
        Sea legs between two places (sea only, the request's closures), raising
        :class:`~corridor.errors.CorridorError` when there is none.
    port
        The place of a port of the network, by UN/LOCODE.
    """
    if profile.cargo.kind != "container":
        return legs, []
    out: list[Leg] = []
    notes: list[str] = []
    for leg in legs:
        if leg.mode != "sea":
            out.append(leg)
            continue
        a, b = leg.origin.code, leg.destination.code
        leg.service = direct_service(a, b) if a and b else None
        found = chain(a, b) if a and b and leg.service is None else None
        if leg.service is not None:
            out.append(leg)
            continue
        if found is not None:
            via, names, lane = found
            hops, why = _via_hubs(leg, via, [services()[n].service for n in names], profile, sail, port)
            if hops is not None:
                out += hops
                notes.append(f"liner: {_label(leg.origin)} to {_label(leg.destination)} transships at "
                             f"{', '.join(hubs()[c].name for c in via)} ({lane.note})")
                continue
            notes.append(f"liner chain {_label(leg.origin)} to {_label(leg.destination)} via "
                         f"{', '.join(hubs()[c].name for c in via)} not used: {why}; {DIRECT_CALL_ASSUMED}")
        else:
            hops, note = _assumed_hub(leg, profile, sail, port)
            if hops is not None:
                out += hops
                notes.append(note)
                continue
            notes.append(f"no sourced liner service between {_label(leg.origin)} and {_label(leg.destination)}: "
                         f"{DIRECT_CALL_ASSUMED} (data/liner/){note}")
        out.append(leg)
    return out, notes
