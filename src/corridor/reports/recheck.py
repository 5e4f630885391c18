"""The data a report points to: re-run the route query the reader's page came from on the
current network, so a maintainer sees today's figures beside the reported text.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

from corridor.errors import CorridorError

_ORIGIN = ("from", "origin")
_DESTINATION = ("to", "destination")
_LISTS = ("via", "avoid", "allow", "modes")


def route_request(query: str, page: str = "") -> dict | None:
    """The :func:`corridor.route` arguments in a report's query (or its page URL's query).

    Parameters
    ----------
    query : str
        ``?from=PECHY&to=CNSHA&avoid=suez`` or without the ``?``; ``origin`` and
        ``destination`` are accepted for ``from`` and ``to``, ``speed`` or ``speed_kn``
        for the speed; list options may repeat or be comma-separated.
    page : str
        The page URL, used when ``query`` names no route.

    Returns
    -------
    dict or None
        Keyword arguments for :func:`corridor.route` (``origin`` and ``destination``
        included), or None when the query does not describe a route.
    """
    for text in (query, urlsplit(page).query if page else ""):
        params = parse_qs(text.lstrip("?#"), keep_blank_values=False)
        origin = next((params[k][0] for k in _ORIGIN if k in params), None)
        destination = next((params[k][0] for k in _DESTINATION if k in params), None)
        if origin and destination:
            break
    else:
        return None
    out: dict = {"origin": origin, "destination": destination}
    for key in _LISTS:
        items = [p.strip() for v in params.get(key, []) for p in v.split(",") if p.strip()]
        if items:
            out[key] = items
    if "vessel" in params:
        out["vessel"] = params["vessel"][0]
    speed = next((params[k][0] for k in ("speed_kn", "speed") if k in params), None)
    if speed:
        try:
            out["speed_kn"] = float(speed)
        except ValueError:
            return None
    return out


def api_query(request: dict) -> str:
    """The ``/route`` query string (``from=...&to=...``) for :func:`route_request`'s arguments."""
    names = {"origin": "from", "destination": "to", "speed_kn": "speed"}
    return urlencode([(names.get(k, k), item) for k, v in request.items()
                      for item in (v if isinstance(v, list) else [v])])


def recheck(query: str, page: str = "", network=None) -> dict | None:
    """Re-run a report's route query on the current network.

    Parameters
    ----------
    query, page : str
        The report's ``query`` and ``page`` (see :func:`route_request`).
    network : corridor.network.Network, optional
        The loaded network (default: load it).

    Returns
    -------
    dict or None
        None when the query names no route; else ``request`` (the arguments) and either
        ``route`` (``distance_km``, ``distance_nmi``, ``duration_h``, ``passages``,
        ``network``: the current fingerprint) or ``error`` (why it has no answer now).
    """
    request = route_request(query, page)
    if request is None:
        return None
    from corridor.network import fingerprint
    from corridor.planner import plan

    args = dict(request)
    try:
        r = plan(args.pop("origin"), args.pop("destination"), network=network, **args).to_dict()
    except CorridorError as e:
        return {"request": request, "error": str(e), "network": fingerprint()}
    except Exception as e:  # a planner bug must not hide the report from its reviewer
        return {"request": request, "error": f"internal error ({type(e).__name__}: {e})", "network": fingerprint()}
    keep = ("distance_km", "distance_nmi", "duration_h", "passages")
    return {"request": request, "route": {k: r[k] for k in keep}, "network": fingerprint()}
