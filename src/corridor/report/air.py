"""The report's air options: freight (1 t) and passengers (1) on chains of flown routes."""

from __future__ import annotations

from corridor.errors import CorridorError
from corridor.report import memo
from corridor.report.compose import Context, Option, gateway_chain, merge
from corridor.report.gateways import main_city
from corridor.report.memo import Change
from corridor.request import RouteRequest

AIR_FREIGHT = {"cargo": "general", "tonnes": 1.0}  # the air freight consignment: 1 t of general cargo


def _air_chain(ga: dict, gb: dict) -> list[str] | None:
    """Airports (IATA) from ``ga``'s country to ``gb``'s over flown routes (:mod:`corridor.air.hubs`);
    closed airports are not in the routes, so never in the chain."""
    from corridor.air import hubs
    from corridor.data.airports import read_airports

    a = read_airports()
    coords = {str(code): (float(lon), float(lat)) for code, lon, lat in zip(a.iata, a.lon, a.lat)}

    def gateways_of(g: dict) -> list[str]:  # every airport of the country with scheduled service
        listed = [x["iata"] for x in g["airports"]]
        return listed + [str(c) for c, country, on in zip(a.iata, a.country, a.scheduled)
                         if country == g["country"] and on and str(c) not in listed]
    ends = [main_city(g["country"]) for g in (ga, gb)]
    start, end = ((c.lon, c.lat) if c is not None else None for c in ends)
    return hubs.best_chain(gateways_of(ga), gateways_of(gb), coords, start, end)


def air_options(ctx: Context, *, costs, avoid, open_borders=frozenset(), change: Change | None = None) -> list[Option]:
    """Air freight (1 t of general cargo) and air passengers (1) city to city: road to the first
    airport, the flights of the chain (each one a flown route), road from the last airport; freight
    pays its handling at origin, hubs and destination as the planner counts it (corridor.air).
    ``change``: what a what-if changes; a plan it cannot alter keeps the baseline's answer (:mod:`.memo`)."""
    from corridor import planner as planner_mod
    from corridor.air import hubs

    ga, gb = ctx.gateways[ctx.a], ctx.gateways[ctx.b]
    chain = _air_chain(ga, gb)
    flown_from = hubs.routes()[1]  # which data the flown routes come from (routes() rereads an import)
    if chain is None:
        ga["notes"].append(f"no air option: the flown routes known (curated/air_routes.csv"
                           f"{', OpenFlights import' if 'OpenFlights' in flown_from else ''}) do not link "
                           f"{ga['name']}'s airports with {gb['name']}'s; 'corridor data fetch air' (OpenFlights) adds more")
        return []
    city_a, city_b = main_city(ga["country"]), main_city(gb["country"])
    via = " and ".join(chain[1:-1])
    recipes = (("air-freight", f"air freight {' -> '.join(chain)} (1 t of general cargo)", AIR_FREIGHT),
               ("air-passengers", f"air passengers {' -> '.join(chain)} (1 passenger)",
                {"cargo": "passengers", "passengers": 1}))
    out = []
    for key, label, load in recipes:

        def plan(o, d, load=load, **kw):
            this = memo.key(o, d, dict(kw, **load, costs=costs, avoid=list(avoid)), open_borders)
            before = memo.key(o, d, dict(kw, **load, costs=None, avoid=[]))
            return memo.planned(ctx.cache, this, before, change or memo.Change(unknown=True), kw.get("modes"),
                                lambda: planner_mod.plan(RouteRequest.make(origin=o, destination=d, costs=costs,
                                                                           avoid=avoid, **load, **kw),
                                                         network=ctx.net, open_borders=open_borders))
        try:
            parts = [plan(city_a, chain[0], modes="road")] if city_a is not None else []
            flights = plan(chain[0], chain[-1], modes="air", via=chain[1:-1])
            parts += [flights] + ([plan(chain[-1], city_b, modes="road")] if city_b is not None else [])
        except CorridorError:
            continue
        flown = [leg.destination.code for leg in flights.legs if leg.mode == "air"]
        if flown != chain[1:]:  # the modelled network added a stop of its own: not a flown chain
            continue
        r = merge(parts)
        # the flights are flown routes (checked above); only their times come from the air model
        r.notes = [n for n in r.notes if not n.startswith("air: modelled")] + [
            f"air: each flight is a route flown ({flown_from}); flight times from the air model"]
        recipe = (f"{label}; each flight a route flown ({flown_from})" + (f", connecting at {via}" if via else ""))
        out.append(Option(key, label, recipe, r, gateway_chain(r)))
    return out
