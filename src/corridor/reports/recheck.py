"""The data a report points to: re-run the route query the reader's page came from on the
current network, so a maintainer sees today's figures beside the reported text.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

from corridor.errors import CorridorError


def route_request(query: str, page: str = "") -> dict | None:
    """The :func:`corridor.route` options in a report's query (or its page URL's query).

    Parameters
    ----------
    query : str
        ``?from=PECHY&to=CNSHA&avoid=suez`` or without the ``?``: any option of ``GET /route``
        under its query name (``from``, ``to``, ``speed``...) or its Python name (``origin``,
        ``speed_kn``...); list options may repeat or be comma-separated.
    page : str
        The page URL, used when ``query`` names no route.

    Returns
    -------
    dict or None
        Keyword options for :func:`corridor.route`, checked as the route request declares them
        (:mod:`corridor.request.route`), or None when the query describes no valid route.
    """
    from corridor.request import ROUTE

    by_name = {name: opt for opt in ROUTE.options if opt.kind != "table" for name in (opt.query, opt.name)}
    for text in (query, urlsplit(page).query if page else ""):
        params = parse_qs(text.lstrip("?#"), keep_blank_values=False)
        given = {by_name[k].name: v for k, v in params.items() if k in by_name}
        if given.get("origin") and given.get("destination"):
            break
    else:
        return None
    raw = {name: (v if ROUTE[name].kind == "places" else ",".join(v) if ROUTE[name].kind == "list" else v[0])
           for name, v in given.items()}
    try:
        checked = ROUTE.check(raw)
    except CorridorError:
        return None
    return {k: list(checked[k]) if isinstance(checked[k], tuple) else checked[k] for k in raw}


def api_query(request: dict) -> str:
    """The ``/route`` query string (``from=...&to=...``) for :func:`route_request`'s arguments."""
    from corridor.request import ROUTE

    return urlencode([(ROUTE[k].query, item) for k, v in request.items()
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
    from corridor.request import RouteRequest
    from corridor.whatif import solve

    try:
        r = solve(RouteRequest.make(**request), network=network).to_dict()
    except CorridorError as e:
        return {"request": request, "error": str(e), "network": fingerprint()}
    except Exception as e:  # a planner bug must not hide the report from its reviewer
        return {"request": request, "error": f"internal error ({type(e).__name__}: {e})", "network": fingerprint()}
    keep = ("distance_km", "distance_nmi", "duration_h", "passages")
    return {"request": request, "route": {k: r[k] for k in keep}, "network": fingerprint()}
