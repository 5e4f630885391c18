"""OSRM-compatible services: ``/route/v1``, ``/table/v1`` and ``/nearest/v1``, so OSRM clients
(routingpy, osrm-frontend, leaflet-routing-machine) work against corridor as they are.

The request and answer follow OSRM's HTTP API v5 (http://project-osrm.org/docs/v5.24.0/api/):
coordinates ``lon,lat`` separated by ``;``, distances in metres, durations in seconds,
``code: "Ok"``, and errors as HTTP 400 ``{"code": "InvalidQuery" | "InvalidValue" | "InvalidOptions"
| "NoRoute" | "TooBig", "message": ...}``. The ``profile`` picks corridor's modes (:data:`PROFILES`).
corridor's own figures (USD, CO2e, passages, borders, assumptions) ride along in a ``corridor``
object on each route, step and waypoint. Where a coordinate is not a pair of numbers it is taken
as a corridor place (UN/LOCODE or name), e.g. ``/route/v1/sea/NLRTM;CNSHA``.

The answers are the native services': a route is :func:`corridor.whatif.solve` of a
:class:`~corridor.request.RouteRequest`; a table is :func:`corridor.matrix`, by sea or (any
surface profile) by the profile's modes as ``/table?modes=...`` answers it, with the transit
policy: each cell the surface search's least time between the pair and the km of that path,
as a route with ``services=direct`` finds it. The ``air`` table routes each pair (at most
:data:`MAX_ROUTED_CELLS` cells).
"""

from __future__ import annotations

import math

import numpy as np
from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse

from corridor.errors import CorridorError, NoRoute, PlaceNotFound
from corridor.geo import haversine_km
from corridor.policy_table import matrix
from corridor.polyline import encode
from corridor.request import RouteRequest
from corridor.server.errors import LimitExceeded
from corridor.server.limits import compute
from corridor.server.services.nearest import nearest_ports
from corridor.whatif import solve

router = APIRouter(tags=["osrm"])

SURFACE = ("sea", "rail", "road", "ferry")
PROFILES: dict[str, tuple[str, ...]] = {
    "sea": ("sea",), "rail": ("rail",), "road": ("road",), "ferry": ("ferry",), "surface": SURFACE,
    "air": ("air",),
    # the names OSRM clients send by default (routingpy, osrm-frontend: driving; OSRM's demo: car)
    "driving": ("road",), "car": ("road",), "truck": ("road",), "train": ("rail",),
}
MAX_ROUTED_CELLS = 100  # air tables route each pair: about 0.1-1 s a cell

# OSRM options that do not apply to corridor's networks: accepted (clients send them) and ignored.
_IGNORED = frozenset({"radiuses", "bearings", "hints", "approaches", "exclude", "snapping", "continue_straight",
                      "generate_hints", "skip_waypoints", "fallback_speed", "fallback_coordinate", "scale_factor",
                      "waypoints", "gaps", "tidy"})
_CORRIDOR = frozenset({"avoid", "allow", "vessel"})  # corridor options usable on every OSRM service
_ROUTE_PARAMS = frozenset({"alternatives", "steps", "annotations", "geometries", "overview"})
_TABLE_PARAMS = frozenset({"sources", "destinations", "annotations"})
_NEAREST_PARAMS = frozenset({"number"})
_ANNOTATIONS = ("distance", "duration", "speed", "weight", "nodes", "datasource")


class OsrmError(Exception):
    """An error in OSRM's shape: HTTP ``status`` with ``{"code", "message"}``."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code, self.status = code, status


async def _osrm(coro) -> JSONResponse:
    """Await the service's answer and turn corridor's errors into OSRM's (HTTP 400 and a code)."""
    try:
        body = await coro
    except OsrmError as e:
        return _error(e.code, str(e), e.status)
    except NoRoute as e:
        return _error("NoRoute", str(e), extra={"cut_by": e.cut_by})
    except PlaceNotFound as e:
        return _error("InvalidValue", str(e), extra={"suggestions": e.suggestions})
    except CorridorError as e:  # BadInput and any other error in the request
        return _error("InvalidValue", str(e))
    except LimitExceeded as e:
        return _error("TooBig" if e.code == "limit_exceeded" else "Timeout", str(e), e.status)
    return JSONResponse({"code": "Ok", **body})


def _error(code: str, message: str, status: int = 400, extra: dict | None = None) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, **(extra or {})}, status_code=status)


# ---------------------------------------------------------------- parameters


def _params(request: Request, own: frozenset) -> dict[str, str]:
    params = dict(request.query_params)
    unknown = sorted(set(params) - own - _CORRIDOR - _IGNORED)
    if unknown:
        raise OsrmError("InvalidOptions", f"Unknown option {unknown[0]!r}; this service takes "
                        f"{', '.join(sorted(own | _CORRIDOR))} (and OSRM's {', '.join(sorted(_IGNORED))}, ignored).")
    return params


def _modes(profile: str) -> tuple[str, ...]:
    if profile not in PROFILES:
        raise OsrmError("InvalidOptions", f"Unknown profile {profile!r}; profiles: {', '.join(PROFILES)}.")
    return PROFILES[profile]


def _places(text: str, at_least: int) -> list[str | tuple[float, float]]:
    """OSRM's ``lon,lat;lon,lat`` as corridor places (``(lat, lon)``); other items are place names."""
    places: list[str | tuple[float, float]] = []
    for item in text.split(";"):
        parts = item.split(",")
        try:
            lon, lat = (float(p) for p in parts)
        except ValueError:
            if not item.strip() or "," in item:
                raise OsrmError("InvalidQuery", f"Coordinate {item!r} is not 'lon,lat' nor a place name.") from None
            places.append(item.strip())
            continue
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise OsrmError("InvalidValue", f"Coordinate {item!r} is out of range: lon,lat in degrees "
                            "(longitude -180..180 first, latitude -90..90).")
        places.append((lat, lon))
    if len(places) < at_least:
        raise OsrmError("InvalidQuery", f"At least {at_least} coordinate{'s' * (at_least > 1)} needed, "
                        f"got {len(places)}.")
    return places


def _flag(params: dict, name: str, default: bool) -> bool:
    value = params.get(name)
    if value is None:
        return default
    if value not in ("true", "false"):
        raise OsrmError("InvalidValue", f"{name} is true or false, not {value!r}.")
    return value == "true"


def _choice(params: dict, name: str, choices: tuple[str, ...], default: str) -> str:
    value = params.get(name, default)
    if value not in choices:
        raise OsrmError("InvalidValue", f"{name} is one of {', '.join(choices)}, not {value!r}.")
    return value


def _corridor_options(params: dict) -> dict:
    return {k: params[k] for k in _CORRIDOR if k in params}


def _indexes(params: dict, name: str, n: int) -> list[int]:
    value = params.get(name, "all")
    if value == "all":
        return list(range(n))
    try:
        out = [int(i) for i in value.split(";")]
    except ValueError:
        raise OsrmError("InvalidQuery", f"{name} is 'all' or indexes separated by ';', not {value!r}.") from None
    if any(not 0 <= i < n for i in out):
        raise OsrmError("InvalidValue", f"{name} indexes run from 0 to {n - 1}; got {value!r}.")
    return out


# ---------------------------------------------------------------- geometry


def _line(parts: list[list[list[float]]]) -> list[list[float]]:
    """One line from antimeridian-split parts (OSRM routes are one line), repeated points dropped."""
    out: list[list[float]] = []
    for part in parts:
        for lon, lat in part:
            if not out or out[-1] != [lon, lat]:
                out.append([lon, lat])
    return out


def _simplify(points: list[list[float]], tolerance: float) -> list[list[float]]:
    """Douglas-Peucker on degrees: the points that stray more than ``tolerance`` from the chord."""
    if len(points) < 3:
        return points
    a = np.asarray(points, float)
    keep = np.zeros(len(a), bool)
    keep[[0, -1]] = True
    stack = [(0, len(a) - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        chord = a[j] - a[i]
        rel = a[i + 1:j] - a[i]
        norm = math.hypot(*chord)
        dist = (np.abs(chord[0] * rel[:, 1] - chord[1] * rel[:, 0]) / norm if norm
                else np.hypot(rel[:, 0], rel[:, 1]))
        k = int(np.argmax(dist))
        if dist[k] > tolerance:
            keep[i + 1 + k] = True
            stack += [(i, i + 1 + k), (i + 1 + k, j)]
    return a[keep].tolist()


def _geometry(points: list[list[float]], fmt: str):
    points = [[round(lon, 6), round(lat, 6)] for lon, lat in points]
    if fmt == "geojson":
        return {"type": "LineString", "coordinates": points}
    return encode(points, 6 if fmt == "polyline6" else 5)


def _overview(points: list[list[float]], overview: str, fmt: str):
    if overview == "false":
        return None
    if overview == "simplified" and len(points) > 2:
        a = np.asarray(points)
        extent = float(max(np.ptp(a[:, 0]), np.ptp(a[:, 1])))
        points = _simplify(points, extent / 2000)  # about a pixel on a map showing the whole route
    return _geometry(points, fmt)


# ---------------------------------------------------------------- route


def _step(leg, first: bool, fmt: str) -> dict:
    points = _line(leg.geometry) if leg.mode != "transfer" else []
    start = [round(leg.origin.lon, 6), round(leg.origin.lat, 6)]
    if len(points) < 2:  # a transfer (or a degenerate leg) happens at one place
        points = [start, start]
    name = leg.name if leg.mode == "transfer" else ", ".join(leg.passage_names)
    return {
        "distance": round(leg.distance_km * 1000, 1), "duration": round(leg.duration_h * 3600, 1),
        "weight": round(leg.duration_h * 3600, 1), "name": name or "", "mode": leg.mode,
        "geometry": _geometry(points, fmt), "driving_side": "right",
        "maneuver": {"type": "depart" if first else "notification", "location": start,
                     "bearing_before": 0, "bearing_after": 0},
        "intersections": [{"location": start, "bearings": [], "entry": []}],
        "corridor": leg.to_dict(),
    }


def _arrive(place, fmt: str) -> dict:
    at = [round(place.lon, 6), round(place.lat, 6)]
    return {"distance": 0.0, "duration": 0.0, "weight": 0.0, "name": place.label, "mode": "arrive",
            "geometry": _geometry([at, at], fmt), "driving_side": "right",
            "maneuver": {"type": "arrive", "location": at, "bearing_before": 0, "bearing_after": 0},
            "intersections": [{"location": at, "bearings": [], "entry": []}]}


def _annotation(route, wanted: set[str]) -> dict:
    """Per segment of the full geometry: each moving leg's distance and time shared out along its
    line by great-circle length (transfer time is not on any segment: see the steps)."""
    km, hours = [], []
    for leg in route.legs:
        pts = np.asarray(_line(leg.geometry) if leg.mode != "transfer" else [], float)
        if len(pts) < 2:
            continue
        seg = haversine_km(pts[:-1, 0], pts[:-1, 1], pts[1:, 0], pts[1:, 1])
        share = seg / seg.sum() if seg.sum() > 0 else np.full(len(seg), 1 / len(seg))
        km += (share * leg.distance_km).tolist()
        hours += (share * leg.duration_h).tolist()
    out = {}
    if "distance" in wanted:
        out["distance"] = [round(k * 1000, 1) for k in km]
    if wanted & {"duration", "weight"}:
        seconds = [round(h * 3600, 1) for h in hours]
        out.update({k: seconds for k in ("duration", "weight") if k in wanted})
    if "speed" in wanted:
        out["speed"] = [round(k / h / 3.6, 1) if h > 0 else 0.0 for k, h in zip(km, hours)]
    return out


def _osrm_route(route, opts: dict) -> dict:
    """One OSRM route of one or more corridor routes (one per pair of consecutive waypoints)."""
    legs = []
    for part in route:
        leg = {"distance": round(part.distance_km * 1000, 1), "duration": round(part.duration_h * 3600, 1),
               "weight": round(part.duration_h * 3600, 1),
               "summary": ", ".join(part.passages) or ", ".join(part.modes), "steps": []}
        if opts["steps"]:
            leg["steps"] = [_step(x, i == 0, opts["geometries"]) for i, x in enumerate(part.legs)]
            leg["steps"].append(_arrive(part.destination, opts["geometries"]))
        if opts["annotations"]:
            leg["annotation"] = _annotation(part, opts["annotations"])
        legs.append(leg)
    points = _line([p for part in route for leg in part.legs if leg.mode != "transfer" for p in leg.geometry])
    out = {"distance": sum(x["distance"] for x in legs), "duration": sum(x["duration"] for x in legs),
           "weight": sum(x["weight"] for x in legs), "weight_name": "duration", "legs": legs}
    geometry = _overview(points, opts["overview"], opts["geometries"])
    if geometry is not None:
        out["geometry"] = geometry
    out["corridor"] = [_corridor_summary(part) for part in route] if len(route) > 1 else _corridor_summary(route[0])
    return out


def _corridor_summary(route) -> dict:
    d = route.to_dict(extra=False)
    for key in ("legs", "geometry"):
        d.pop(key)
    return d


def _waypoint(place, given) -> dict:
    distance = 0.0
    if isinstance(given, tuple):
        distance = float(haversine_km(given[1], given[0], place.lon, place.lat)) * 1000
    return {"location": [round(place.lon, 6), round(place.lat, 6)], "name": place.label,
            "distance": round(distance, 1), "hint": "", "corridor": place.to_dict()}


def _solve_route(net, places, modes, corridor_opts, alternatives):
    """Corridor routes between consecutive places; with alternatives, the planner's own."""
    def one(a, b, k=0):
        return solve(RouteRequest.make(origin=a, destination=b, modes=modes, alternatives=k, **corridor_opts),
                     network=net)

    if len(places) == 2:
        best = one(places[0], places[1], alternatives)
        # the planner's list starts with the best route itself
        return [[r] for r in best.extra.get("alternatives", [best])[:alternatives + 1]]
    return [[one(a, b) for a, b in zip(places, places[1:])]]


@router.get("/route/v1/{profile}/{coordinates}", summary="OSRM route service")
async def osrm_route(request: Request, profile: str = Path(description="sea, rail, road, ferry, surface, air; "
                                                                        "driving/car/truck = road, train = rail"),
                     coordinates: str = Path(description="lon,lat;lon,lat... (or place names)")):
    """OSRM's ``route``: ``alternatives`` (true/false/N), ``steps`` (corridor legs as steps),
    ``annotations`` (distance, duration, speed), ``geometries`` (polyline, polyline6, geojson),
    ``overview`` (simplified, full, false); corridor's ``avoid``, ``allow``, ``vessel`` too."""

    async def run():
        params = _params(request, _ROUTE_PARAMS)
        modes = _modes(profile)
        places = _places(coordinates, 2)
        alt = params.get("alternatives", "false")
        alternatives = {"true": 1, "false": 0}.get(alt, int(alt) if alt.isdigit() else -1)
        if alternatives < 0:
            raise OsrmError("InvalidValue", f"alternatives is true, false or a number, not {alt!r}.")
        limit = request.app.state.settings.max_alternatives
        if alternatives > limit:
            raise OsrmError("InvalidValue", f"{alternatives} alternatives asked; this server's limit is {limit}.")
        if alternatives and len(places) > 2:
            raise OsrmError("InvalidOptions", "Alternatives are given between two coordinates only, as OSRM does.")
        annotations = params.get("annotations", "false")
        wanted = ({"distance", "duration"} if annotations == "true" else set() if annotations == "false"
                  else set(annotations.split(",")))
        if wanted - set(_ANNOTATIONS):
            raise OsrmError("InvalidValue", f"annotations is true, false or a list of {', '.join(_ANNOTATIONS)}; "
                            f"got {annotations!r}.")
        opts = {"steps": _flag(params, "steps", False), "annotations": wanted,
                "geometries": _choice(params, "geometries", ("polyline", "polyline6", "geojson"), "polyline"),
                "overview": _choice(params, "overview", ("simplified", "full", "false"), "simplified")}
        routes = await compute(request, _solve_route, request.app.state.network, places, modes,
                               _corridor_options(params), alternatives)
        first = routes[0]
        stops = [first[0].origin] + [part.destination for part in first]
        return {"routes": [_osrm_route(r, opts) for r in routes],
                "waypoints": [_waypoint(p, g) for p, g in zip(stops, places)]}

    return await _osrm(run())


# ---------------------------------------------------------------- table


def _routed_table(net, origins, destinations, modes, corridor_opts):
    """Distance (km) and duration (h) by routing each pair; NaN where no route exists."""
    km = np.full((len(origins), len(destinations)), np.nan)
    hours = km.copy()
    placed: dict = {}
    for i, a in enumerate(origins):
        for j, b in enumerate(destinations):
            if a == b:  # a place to itself, as OSRM's diagonal
                km[i, j] = hours[i, j] = 0.0
                continue
            try:
                r = solve(RouteRequest.make(origin=a, destination=b, modes=modes, **corridor_opts), network=net)
            except NoRoute:
                continue
            km[i, j], hours[i, j] = r.distance_km, r.duration_h
            placed.setdefault(("o", i), r.origin)
            placed.setdefault(("d", j), r.destination)
    return km, hours, placed, {}


def _table(net, origins, destinations, modes, corridor_opts):
    """By sea or by surface modes, :func:`corridor.matrix` (as ``/table``: the one table entry
    point, under the transit policy), in one thread: the server's worker processes are its
    parallelism."""
    m = matrix(origins, destinations, modes=modes, network=net, threads=1, **corridor_opts)
    placed = {("o", i): p for i, p in enumerate(m.origins)} | {("d", j): p for j, p in enumerate(m.destinations)}
    extra = {"assumptions": [a.to_dict() for a in m.assumptions], "restrictions": m.restrictions,
             "notes": m.notes, "network": m.network}
    return m.distance_km, m.duration_h, placed, extra


def _cells(a: np.ndarray, factor: float) -> list[list[float | None]]:
    return [[None if np.isnan(x) else round(float(x) * factor, 1) for x in row] for row in a]


@router.get("/table/v1/{profile}/{coordinates}", summary="OSRM table service")
async def osrm_table(request: Request, profile: str = Path(description="as for /route/v1"),
                     coordinates: str = Path(description="lon,lat;lon,lat... (or place names)")):
    """OSRM's ``table``: ``sources``, ``destinations`` (indexes or ``all``), ``annotations``
    (``duration``, ``distance`` or both); ``null`` where no route exists."""

    async def run():
        params = _params(request, _TABLE_PARAMS)
        modes = _modes(profile)
        places = _places(coordinates, 1)
        src, dst = _indexes(params, "sources", len(places)), _indexes(params, "destinations", len(places))
        wanted = set(params.get("annotations", "duration").split(","))
        if not wanted or wanted - {"duration", "distance"}:
            raise OsrmError("InvalidValue", f"annotations is duration, distance or duration,distance; "
                            f"got {params['annotations']!r}.")
        cells, limit = len(src) * len(dst), request.app.state.settings.max_table_cells
        routed = "air" in modes
        if routed:
            limit = min(limit, MAX_ROUTED_CELLS)
        if cells > limit:
            raise OsrmError("TooBig", f"The table has {len(src)} x {len(dst)} = {cells:,} cells; this server's "
                            f"limit for profile {profile!r} is {limit:,}"
                            + (" (air tables route each pair)." if routed else "."))
        origins, destinations = [places[i] for i in src], [places[j] for j in dst]
        net = request.app.state.network
        if not routed:
            km, hours, placed, extra = await compute(request, _table, net, origins, destinations, modes,
                                                     _corridor_options(params))
        else:
            km, hours, placed, extra = await compute(request, _routed_table, net, origins, destinations, modes,
                                                     _corridor_options(params))
        body = {}
        if "duration" in wanted:
            body["durations"] = _cells(hours, 3600)
        if "distance" in wanted:
            body["distances"] = _cells(km, 1000)
        body["sources"] = [_table_waypoint(placed.get(("o", n)), places[i]) for n, i in enumerate(src)]
        body["destinations"] = [_table_waypoint(placed.get(("d", n)), places[j]) for n, j in enumerate(dst)]
        if extra:
            body["corridor"] = extra
        return body

    return await _osrm(run())


def _table_waypoint(place, given) -> dict:
    if place is not None:
        return _waypoint(place, given)
    # a place no route reached: echo the input
    lon, lat = (given[1], given[0]) if isinstance(given, tuple) else (None, None)
    return {"location": [lon, lat], "name": given if isinstance(given, str) else "", "distance": None, "hint": ""}


# ---------------------------------------------------------------- nearest


@router.get("/nearest/v1/{profile}/{coordinates}", summary="OSRM nearest service (ports)")
async def osrm_nearest(request: Request, profile: str = Path(description="sea or surface: the nearest ports"),
                       coordinates: str = Path(description="lon,lat")):
    """OSRM's ``nearest``: the ``number`` (default 1, at most 50) ports nearest to the point
    that are joined to the network, great-circle distance in metres."""

    async def run():
        params = _params(request, _NEAREST_PARAMS)
        if "sea" not in _modes(profile):
            raise OsrmError("InvalidOptions", f"nearest answers ports, for profile sea or surface, not {profile!r}.")
        places = _places(coordinates, 1)
        if len(places) != 1 or not isinstance(places[0], tuple):
            raise OsrmError("InvalidQuery", "nearest takes exactly one coordinate 'lon,lat'.")
        number = params.get("number", "1")
        if not number.isdigit() or not 1 <= int(number) <= 50:
            raise OsrmError("InvalidValue", f"number is a whole number from 1 to 50, not {number!r}.")
        lat, lon = places[0]
        ports = nearest_ports(request.app.state.network, lat, lon, int(number))
        if not ports:
            raise OsrmError("NoSegment", "No port joined to the network was found.")
        return {"waypoints": [{"location": [p["lon"], p["lat"]], "name": p["name"],
                               "distance": round(p.pop("distance_km") * 1000, 1), "hint": "", "nodes": [0, 0],
                               "corridor": p} for p in ports]}

    return await _osrm(run())
