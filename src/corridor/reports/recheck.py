"""The data a report points to: re-run the route query the reader's page came from on the
current network, so a maintainer sees today's figures beside the reported text.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

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


def recheck(query: str, page: str = "") -> dict | None:
    """Re-run a report's route query on the current network.

    Parameters
    ----------
    query, page : str
        The report's ``query`` and ``page`` (see :func:`route_request`).

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
    import corridor
    from corridor.network import fingerprint

    args = dict(request)
    try:
        r = corridor.route(args.pop("origin"), args.pop("destination"), **args).to_dict()
    except CorridorError as e:
        return {"request": request, "error": str(e), "network": fingerprint()}
    keep = ("distance_km", "distance_nmi", "duration_h", "passages")
    return {"request": request, "route": {k: r[k] for k in keep}, "network": fingerprint()}
