"""The Python API: ``route``, ``matrix`` and ``places``, re-exported by ``corridor``.

They live in their own module so that the names do not collide with the modules
``corridor.route`` and ``corridor.places`` (the API reference shows them from here).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Union

from corridor.places import PlaceMatch
from corridor.route import Route

if TYPE_CHECKING:
    from corridor.engine.table import Matrix


# A place: a name or code, a "lat,lon" string, or a (lat, lon) pair.
PlaceQuery = Union[str, tuple[float, float]]
Names = Union[str, Sequence[str], None]  # a comma-separated string or a list
Table = Union[str, "os.PathLike[str]", Mapping[str, Any], None]  # a TOML file or the same keys as a dict


def route(origin: PlaceQuery, destination: PlaceQuery, *, modes: Names = None,
          via: PlaceQuery | Sequence[PlaceQuery] | None = None,
          avoid: Names = None, allow: Names = None, vessel: str = "seagoing", speed_kn: float | None = None,
          cargo: str | None = None, teu: float | None = None, feu: float | None = None,
          tonnes: float | None = None, passengers: int | None = None, vessel_class: str | None = None,
          optimize: str | Mapping[str, float] | None = None, alternatives: int = 0, pareto: bool = False,
          scenario: Table = None, costs: Table = None, avoid_countries: Names = None, close_ports: Names = None,
          allow_countries: Names = None, policy: Table = None, services: str = "liner",
          air_network: str = "sourced") -> Route:
    """Best route between two places.

    Parameters
    ----------
    origin, destination
        A UN/LOCODE ("PECHY"), a port name ("Chancay", typos tolerated), an ISO country
        code or name ("PE": its main seaports, the best one is chosen), a "lat,lon"
        string or a ``(lat, lon)`` tuple.
    modes
        Modes the route may use, a list or a comma-separated string (sea, rail, road,
        ferry, air); default sea, rail, road and ferry (port to port: sea only).
    via
        A place, or a list of places, the route must call at, in order.
    avoid
        Passages to keep out of this call only, e.g. ``["suez", "bab-el-mandeb"]``.
    allow
        Passages closed by default to open for this call (``"northwest"``, ``"northeast"``).
    vessel
        "seagoing" (default) or "river-sea" (may use the Volga–Don inland waterway).
    speed_kn
        Sea speed in knots; default by cargo: 16 kn container ships, 11 kn bulk carriers
        (sourced in the output's ``assumptions``).
    cargo, teu, feu, tonnes, passengers, vessel_class
        What is carried: ``cargo`` is container (default, 1 TEU), dry-bulk, liquid-bulk,
        general or passengers; quantities in TEU or FEU (1 FEU = 2 TEU), tonnes or
        passengers; ``vessel_class`` e.g. neopanamax, ulcv, capesize, river-sea.
    optimize
        time (default), cost, co2, distance, or a mix "time=1,co2=1".
    alternatives
        K: add ``route.extra["alternatives"]``, the best and up to K genuinely different
        corridors (other chokepoints, borders or mode chains), best first.
    pareto
        Add ``route.extra["pareto"]``: the non-dominated time / cost / CO2e routes.
    scenario
        A TOML file (or dict) closing passages, borders or ports, changing speeds, dwell
        or rates, or adding a service; the route gains ``baseline`` and ``difference``.
    costs
        A TOML file (or dict) overriding any costing default (``costing/defaults.toml``).
    avoid_countries, close_ports
        ISO country codes whose land, ports and borders to avoid; UN/LOCODEs of ports to close.
    allow_countries
        ISO country codes to lift from the default transit policy: land routes avoid transit
        through the countries of ``data/policy/transit_restrictions.csv`` (Russia, Belarus:
        sanctions risk) unless a stop is there; when that changes the answer, the route says
        so in ``restrictions["transit_policy"]`` and its notes, with the route through them.
    policy
        A TOML file (or dict) changing the transit policy for this call, over the table and
        the policy file read by default (``$CORRIDOR_POLICY`` or ``<user config
        dir>/corridor/policy.toml``): ``{"countries": {"IR": "avoid", "RU": "allow"}}``, with
        ``"replace": True`` to drop the table. Routes crossing a flagged (or allowed) policy
        country say so in ``restrictions["transit_risk"]`` and a note; the files read are
        named in ``restrictions["policy_files"]``.
    services
        "liner" (default): a container's sea legs sail on sourced liner services
        (``data/liner/``), changing ship at their hubs with the transshipment dwell paid, each
        leg's ``service`` named (``None`` and a note where no service is sourced); "direct":
        a direct call on every sea leg. Bulk cargo always sails direct.
    air_network
        Which flights air may take: ``"sourced"`` (default: routes with a published source,
        ``curated/air_routes.csv``, plus your OpenFlights import), ``"modelled"`` (links by a
        documented rule) or ``"imported"`` (your import only). With air as the only mode and no
        sourced chain, the modelled network answers and a note says so.

    Returns
    -------
    Route
        With ``distance_km``, ``duration_h``, ``legs``, ``passages``, ``geometry`` and
        ``to_geojson()``; ``to_dict()`` is the CLI's ``--json`` output.

    Raises
    ------
    PlaceNotFound, BadInput, NoRoute
        With a message that says what to change.
    """
    options = dict(locals())  # exactly the declared options (corridor.request.ROUTE)
    from corridor.request import RouteRequest
    from corridor.whatif import solve

    return solve(RouteRequest.make(**options))


def matrix(origins: Sequence[PlaceQuery], destinations: Sequence[PlaceQuery] | None = None, *,
           modes: Names = None, avoid: Names = None, allow: Names = None, vessel: str = "seagoing",
           speed_kn: float | None = None, threads: int | None = None) -> Matrix:
    """Distance and time from every origin to every destination (OSRM's ``table``), by sea
    unless ``modes`` says otherwise.

    Parameters
    ----------
    origins, destinations
        Places, each anything :func:`route` accepts; without destinations, origins x origins.
    modes
        As :func:`route` takes them, but the default is sea and air is refused. With rail, road
        or ferry a cell is the surface search's least time (hours) and the km of that path,
        under the transit policy; ``notes`` says so (README: Tables of many routes).
    avoid, allow, vessel, speed_kn
        As :func:`route` takes them (declared once in :mod:`corridor.request.table`).
    threads
        Threads that share the origin rows; default the number of CPUs.

    Returns
    -------
    Matrix
        ``distance_km`` and ``duration_h`` arrays of shape ``(len(origins), len(destinations))``,
        NaN where no route exists, with the resolved places.

    Raises
    ------
    PlaceNotFound, BadInput
        For a place that cannot be resolved or an invalid option.
    """
    from corridor.policy_table import matrix as table

    return table(origins, origins if destinations is None else destinations, modes=modes, avoid=avoid,
                 allow=allow, vessel=vessel, speed_kn=speed_kn, threads=threads)


matrix.matrix = matrix  # type: ignore[attr-defined]  # the 0.1 spelling corridor.matrix.matrix(...) still works


def places(query: str, *, limit: int = 10) -> list[PlaceMatch]:
    """Places matching ``query`` (ports by code or name, countries, coordinates), best first.

    Parameters
    ----------
    query
        A port name or UN/LOCODE (typos tolerated), a city, an ISO country code or name (its
        main seaports), or "lat,lon".
    limit
        At most this many matches, 1 to 100.

    Returns
    -------
    list of PlaceMatch
        Typed matches; ``m.to_dict()`` is the JSON of ``corridor places --json``, and
        ``m["name"]`` still reads a field as the dicts of corridor 0.1 did.

    Raises
    ------
    BadInput
        For an empty or over-long query, malformed coordinates or a limit out of range.
    """
    from corridor.network import load_network
    from corridor.places import find

    return find(query, load_network(), limit=limit)
