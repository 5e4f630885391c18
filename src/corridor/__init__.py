"""corridor: an open multimodal trade-corridor planner.

>>> import corridor
>>> r = corridor.route("PECHY", "CNSHA")          # doctest: +SKIP
>>> round(r.distance_km), r.passages             # doctest: +SKIP
"""

# The functions route and places, which replace the package attributes of the same-named modules.
from corridor.api import PlaceQuery as PlaceQuery  # PlaceQuery: a type, for hints
from corridor.api import matrix, places, route
from corridor.errors import BadInput, CorridorError, NoRoute, PlaceNotFound
from corridor.places import PlaceMatch
from corridor.route import Border, Leg, Route, TransferKind

__version__ = "0.1.0"

__all__ = ["BadInput", "Border", "CorridorError", "Leg", "NoRoute", "PlaceMatch", "PlaceNotFound",
           "Route", "TransferKind", "matrix", "places", "route"]
