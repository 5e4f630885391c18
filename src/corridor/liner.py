"""Liner services and transshipment: where a container changes ship on a sea leg.

A route's search sails port to port in one go; container lines do not. After a route is found,
each sea leg of a container cargo is matched against published services (``data/liner/``, read
at query time: editing it needs no network rebuild):

* both ports on one service's rotation (``services.csv``): a direct service, named on the leg;
* a sourced hub chain (``lanes.csv``): the leg is sailed again through its hubs (``hubs.csv``),
  each hop on the sea network and on its named service, with a transshipment step at every hub
  paying ``dwell.transshipment`` (``costing/defaults.toml``);
* neither: the direct call is kept, the leg's service is ``None`` and a note says so.

Bulk and general cargo sail on tramp ships, direct: their legs are left as found.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise

from corridor.costing import transfer as transfer_costing
from corridor.errors import CorridorError
from corridor.geo import split_antimeridian
from corridor.places import Place
from corridor.route import Leg, LinerService, TransferKind

# A chain this many times the direct call's length does not follow the leg's way round (its
# canal is closed or avoided): the direct call is kept and the note says why. A bound chosen
# for this check, not a published figure.
MAX_DETOUR = 1.5


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


def _transshipment(hub: Place, code: str, service: LinerService, profile) -> Leg:
    hours, usd, co2 = transfer_costing.costs(TransferKind.TRANSSHIPMENT, profile.cargo, profile.in_force)
    return Leg("transfer", hub, hub, 0.0, hours, [], [], split_antimeridian([hub.lon, hub.lon], [hub.lat, hub.lat]),
               kind=TransferKind.TRANSSHIPMENT, name=f"{hubs()[code].name} ({code}) transshipment",
               assumption=transfer_costing.label(TransferKind.TRANSSHIPMENT), cost_usd=usd, co2e_ttw_kg=co2,
               service=service)


def _via_hubs(leg: Leg, via, names, profile, sail, port) -> tuple[list[Leg] | None, str]:
    """The leg sailed through its hubs, or None and why not."""
    stops = [leg.origin, *(port(hubs()[code].routed_at) for code in via), leg.destination]
    out: list[Leg] = []
    for i, (a, b) in enumerate(pairwise(stops)):
        try:
            hop = sail(a, b)
        except CorridorError as e:
            return None, f"no sea route from {_label(a)} to {_label(b)} in this request ({e})"
        hop[0].origin, hop[-1].destination = a, b  # the leg's own ends, named as the route named them
        for h in hop:
            h.service = services()[names[i]].service
        if i:
            out.append(_transshipment(a, via[i - 1], services()[names[i]].service, profile))
        out += hop
    km = sum(h.distance_km for h in out)
    if km > MAX_DETOUR * leg.distance_km:
        return None, (f"through its hubs it sails {km:,.0f} km against {leg.distance_km:,.0f} km direct "
                      "(a closed or avoided passage)")
    return out, ""


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
            hops, why = _via_hubs(leg, via, names, profile, sail, port)
            if hops is not None:
                out += hops
                notes.append(f"liner: {_label(leg.origin)} to {_label(leg.destination)} transships at "
                             f"{', '.join(hubs()[c].name for c in via)} ({lane.note})")
                continue
            notes.append(f"liner chain {_label(leg.origin)} to {_label(leg.destination)} via "
                         f"{', '.join(hubs()[c].name for c in via)} not used: {why}; a direct call is assumed")
        else:
            notes.append(f"no sourced liner service between {_label(leg.origin)} and {_label(leg.destination)}: "
                         "a direct call is assumed (data/liner/)")
        out.append(leg)
    return out, notes
