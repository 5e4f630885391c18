"""corridor: an open multimodal trade-corridor planner.

>>> import corridor
>>> r = corridor.route("PECHY", "CNSHA")          # doctest: +SKIP
>>> round(r.distance_km), r.passages             # doctest: +SKIP
"""

from __future__ import annotations

from corridor.errors import BadInput, CorridorError, NoRoute, PlaceNotFound
from corridor.route import Leg, Route

__version__ = "0.1.0"


def route(origin, destination, *, modes=None, via=None, avoid=None, allow=None,
          vessel: str = "seagoing", speed_kn: float | None = None) -> Route:
    """Best route between two places.

    Parameters
    ----------
    origin, destination
        A UN/LOCODE ("PECHY"), a port name ("Chancay", typos tolerated), an ISO country
        code or name ("PE": its main seaports, the best one is chosen), a "lat,lon"
        string or a ``(lat, lon)`` tuple.
    modes
        Modes the route may use, a list or a comma-separated string; default every mode
        the network has (only "sea" for now).
    via
        A place, or a list of places, the route must call at, in order.
    avoid
        Passages to keep out of this call only, e.g. ``["suez", "bab-el-mandeb"]``.
    allow
        Passages closed by default to open for this call (``"northwest"``, ``"northeast"``).
    vessel
        "seagoing" (default) or "river-sea" (may use the Volga–Don inland waterway).
    speed_kn
        Sea speed in knots; default 16 kn (sourced in the output's ``assumptions``).

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
    from corridor.planner import plan

    return plan(origin, destination, modes=modes, via=via, avoid=avoid, allow=allow, vessel=vessel,
                speed_kn=speed_kn)


def places(query: str, *, limit: int = 10) -> list[dict]:
    """Places matching ``query`` (ports by code or name, countries, coordinates), best first."""
    from corridor.network import load_network
    from corridor.places import lookup

    return lookup(query, load_network(), limit=limit)


__all__ = ["route", "places", "Route", "Leg", "CorridorError", "PlaceNotFound", "BadInput", "NoRoute"]
