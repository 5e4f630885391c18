"""A country's gateways from the data: seaports ranked by published container throughput and
harbour size, airports with scheduled service, land border points; and the ocean ports through
which a country's sea trade enters (its own, or foreign ones reached overland)."""

from __future__ import annotations

import numpy as np

from corridor.data import wpi
from corridor.errors import BadInput
from corridor.geo import haversine_km
from corridor.network import Network
from corridor.places import city_place, country_ports, port_country, ports_in

OCEAN_PROBE = "NLRTM"  # a port on the open ocean: a gateway that cannot reach it by sea is on a closed sea


def main_city(iso2: str):
    """The country's capital from GeoNames (else its most populous city), as a Place.

    GeoNames' country table spells capitals in plain letters ("Brasilia", "Nur-Sultan") and its
    city table as written locally ("Brasília", "Astana"), so the capital is the country's city
    whose folded name (lower case, no accents or apostrophes) is the capital's, else the one with
    such an alternate name; the most populous first."""
    from corridor.data.cities import capitals, read_cities
    from corridor.data.city_names import city_name_index, fold

    c = read_cities("15000")
    idx = np.flatnonzero(np.asarray(c.country) == iso2)
    if not len(idx):
        return None
    capital = capitals().get(iso2)
    if capital is not None:
        wanted = fold(capital)
        named = [int(i) for i in idx if fold(str(c.name[i])) == wanted]
        named = named or [i for i in city_name_index().cities(wanted) if str(c.country[i]) == iso2]
        if named:
            return city_place(named[0])
    return city_place(int(idx[0]))  # cities are largest first


def _seaports(net: Network, iso2: str, city) -> tuple[list[dict], list[str]]:
    """The country's main seaports, best first, and how they were ranked.

    With the World Port Index imported (``corridor data fetch wpi``): by harbour size, then
    distance to the capital; a curated major port (``curated/ports.csv``, dated and sourced)
    ranks with the largest, since the index predates ports such as Chancay (2024). Without it:
    the port table's major ports, nearest the capital first."""
    from corridor.data.container_ports import read_container_ports
    from corridor.data.ports import read_ports

    index = wpi.load()
    ports = [int(i) for i in country_ports(net, iso2)]
    entries: dict[int, wpi.Port] = {}
    if index is not None:  # every port of the country the index sizes, not only the flagged ones
        nearby = [p for c, p in index[0].items() if c[:2] == iso2]
        for i in ports_in(net, iso2):
            e = wpi.match(index[0], str(net.port_code[i]), float(net.port_lon[i]), float(net.port_lat[i]), nearby)
            if e is not None:
                entries[int(i)] = e
        ports = sorted(set(ports) | set(entries))
    curated = {r.code for r in read_ports() if r.source == "curated" and r.major}
    boxes = read_container_ports()
    ports = sorted(set(ports) | {i for i in ports_in(net, iso2)
                                 if str(net.port_code[i]) in boxes})

    def distance(i: int) -> float:
        return float(haversine_km(city.lon, city.lat, net.port_lon[i], net.port_lat[i])) if city is not None else 0.0

    def size_rank(i: int) -> int:
        code = str(net.port_code[i])
        if code in curated:
            return 0
        return entries[i].size_rank if i in entries else len(wpi.SIZES)

    def container_rank(i: int) -> float:
        """Published annual TEU, largest first; ports the table lacks after them."""
        entry = boxes.get(str(net.port_code[i]))
        return -entry.teu if entry is not None else 0.0

    ports.sort(key=(lambda i: (container_rank(i), size_rank(i), distance(i))) if index is not None
               else (lambda i: (container_rank(i), distance(i))))
    seaports = []
    for i in ports[:8] if index is not None else ports:
        code = str(net.port_code[i])
        entry = entries.get(i)
        seaports.append({"code": code, "name": str(net.port_name[i]), "lat": float(net.port_lat[i]),
                         "lon": float(net.port_lon[i]), "major": bool(net.port_major[i]),
                         "wpi": entry.to_dict() if entry is not None else None, "curated": code in curated,
                         "container": boxes[code].to_dict() if code in boxes else None})
    ranked = [p for p in seaports if p["container"]]
    container_note = ("container ports first, by published annual TEU (curated/container_ports.csv): "
                      + ", ".join(f"{p['name']} {p['container']['teu'] / 1e6:.2f} M TEU "
                                  f"({p['container']['year']}, {p['container']['measure']})" for p in ranked)
                      ) if ranked else None
    if index is None:
        return seaports, [n for n in (container_note,) if n] + [
            ("other " if ranked else "") + "seaports ranked by the port table's major flag and distance to the "
            "capital; port size and facilities need the World Port Index: 'corridor data fetch wpi'"]
    by_size = (f"{'other ' if ranked else ''}seaports ranked by harbour size in the {index[1]['source']} "
               f"({index[1]['origin']}), then distance to the capital")
    notes = [n for n in (container_note,) if n] + [by_size]
    for p in seaports:
        if p["curated"] and (p["wpi"] is None or p["wpi"]["harbor_size"] not in wpi.SIZES[:1]):
            size = p["wpi"]["harbor_size"] if p["wpi"] else "no entry"
            notes.append(f"{p['name']} ({p['code']}): World Port Index '{size}', ranked as major from the curated "
                         "port table (newer, sourced; curated/ports.csv)")
    return seaports, notes


def gateways(net: Network, iso2: str) -> dict:
    """Seaports (see :func:`_seaports`), airports with scheduled service (large, then medium)
    and land border points, all from the data."""
    import pycountry

    from corridor.air.hubs import closed_airports
    from corridor.air.hubs import routes as flown_routes
    from corridor.air.model import LARGE, MEDIUM
    from corridor.data.airports import read_airports

    country = pycountry.countries.get(alpha_2=iso2.upper())
    if country is None:
        raise BadInput(f"Unknown country {iso2!r}; give an ISO 3166 alpha-2 code such as PE or AZ.")
    iso2 = country.alpha_2
    city = main_city(iso2)
    seaports, port_notes = _seaports(net, iso2, city)
    a = read_airports()
    closed = closed_airports()  # e.g. Berlin-Tegel: airports-py may still list it as scheduled
    sel = [i for i in range(len(a.iata)) if str(a.country[i]) == iso2 and a.scheduled[i] and a.size[i] in (LARGE, MEDIUM)
           and str(a.iata[i]) not in closed]
    flying = {code for pair in flown_routes()[0] for code in pair}  # on a flown international route: listed first
    sel.sort(key=lambda i: (str(a.iata[i]) not in flying, a.size[i] != LARGE,
                            float(haversine_km(city.lon, city.lat, a.lon[i], a.lat[i])) if city is not None else 0.0))
    airports = [{"iata": str(a.iata[i]), "name": str(a.name[i]), "lat": float(a.lat[i]), "lon": float(a.lon[i]),
                 "type": "large" if a.size[i] == LARGE else "medium"} for i in sel[:6]]
    borders = []
    eb = np.asarray(net.edge_border)
    for j, b in enumerate(net.tables["borders"]):
        if iso2 not in b["countries"]:
            continue
        e = np.flatnonzero(eb == j)
        if not len(e):
            continue
        u = int(net.edge_u[e[0]])
        other = [c for c in b["countries"] if c != iso2]
        borders.append({"neighbour": other[0] if other else iso2, "mode": b["mode"],
                        "lat": float(net.node_lat[u]), "lon": float(net.node_lon[u]),
                        "break_of_gauge": bool(b.get("break_of_gauge"))})
    notes = list(port_notes) if seaports else []
    if not seaports:
        notes.append(f"{country.name} has no seaport in the data (landlocked or none listed): sea options use "
                     "the ports of its land neighbours, named in each option")
    if not airports:
        notes.append(f"{country.name} has no airport with scheduled service of type large or medium in the data")
    if not borders:
        notes.append(f"{country.name} has no land border crossing in the rail and road network")
    return {"country": iso2, "name": country.name, "capital": city.label if city else None,
            "seaports": seaports, "airports": airports, "borders": borders, "notes": notes}


NEIGHBOUR_PORTS = 4  # nearest foreign ports tried when none is within the overland budget


COAST_KM = 800.0  # ports closer than this to a better-ranked one serve the same coast
COASTS = 3  # own ports tried per country: the best-ranked one of each coast


def _coasts(ports: list[dict]) -> list[str]:
    """The best-ranked container port of each coast (ports at least :data:`COAST_KM` apart), so a
    pair is tried from every coast and the whole chain picks one (US -> JP: the Pacific coast)."""
    chosen: list[dict] = []
    for p in ports:
        if all(haversine_km(p["lon"], p["lat"], q["lon"], q["lat"]) >= COAST_KM for q in chosen):
            chosen.append(p)
        if len(chosen) == COASTS:
            break
    return [p["code"] for p in chosen]


def own_ocean_ports(g: dict, ocean) -> list[dict]:
    """Country ``g``'s own seaports on the open ocean that its trade leaves from: the container
    port of each coast (:func:`_coasts`), else its first two."""
    reaching = [p for p in g["seaports"] if ocean(p["code"])]
    boxes = [p for p in reaching if p["container"]]  # container ports, when the table has some: no minor coast
    codes = _coasts(boxes) if boxes else [p["code"] for p in reaching[:2]]
    return [p for c in codes for p in reaching if p["code"] == c]


def trade_end(g: dict, ocean):
    """Where a country's goods start or end: its main seaport when that reaches the ocean (the
    port is the gateway), else its capital (landlocked, or a Caspian coast only)."""
    if g["seaports"] and ocean(g["seaports"][0]["code"]):
        return g["seaports"][0]["code"]
    city = main_city(g["country"])
    return city if city is not None else g["country"]




OVERLAND_KM = 2100.0  # straight line from the capital (Baku -> Aliağa on the Aegean is about 1,970 km)
OVERLAND_DAYS = 6.0  # land leg budget from a foreign port to the capital (assumption, see OVERLAND_NOTE)
GATEWAY_AREA_KM = 50.0  # ports closer than this to a better-ranked one are the same gateway (Aliağa, Izmir)
OVERLAND_NOTE = (
    f"foreign entry ports: every major or container seaport on the open ocean within {OVERLAND_KM:,.0f} km of the "
    f"capital, in a land neighbour or a neighbour's neighbour, whose land leg to the capital takes at most "
    f"{OVERLAND_DAYS:g} days (assumption: about the rail time from Türkiye's Aegean coast to the Caspian; "
    "beyond it a nearer port on the same sea serves the country better); ranked by the whole chain to the partner")


def ocean_mask(net: Network) -> np.ndarray:
    """Per port: joined to the sea lanes of the open ocean (not a closed sea such as the Caspian),
    from the connected components of the sea layer."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    from corridor.engine.restrictions import blocked_mask

    indptr, head, edge = net.sea_csr
    n = net.n_sea_nodes
    # passages closed to a seagoing ship by default (the Volga-Don) do not join two seas
    open_lane = (np.asarray(net.edge_flags)[edge] & blocked_mask([], [], "seagoing")) == 0
    # copies: eliminate_zeros works in place, and the network's own arrays must stay as they are
    graph = csr_matrix((open_lane.astype(float), head.copy(), indptr.copy()), shape=(n, n))
    graph.eliminate_zeros()
    _, component = connected_components(graph, directed=False)
    starts, nodes = np.asarray(net.port_conn_indptr), np.asarray(net.port_conn_node)
    joined = np.diff(starts) > 0
    first = component[nodes[np.minimum(starts[:-1], len(nodes) - 1)]]
    probe = int(np.flatnonzero(np.asarray(net.port_code) == OCEAN_PROBE)[0])
    return joined & (first == first[probe])


def _near_countries(net: Network, iso2: str) -> set[str]:
    """The country's land neighbours and their neighbours (the transit countries), from the
    border crossings of the network."""
    pairs = [set(b["countries"]) for b in net.tables["borders"] if len(set(b["countries"])) == 2]
    first = {c for p in pairs if iso2 in p for c in p} - {iso2}
    return (first | {c for p in pairs if p & first for c in p}) - {iso2}


def overland_candidates(net: Network, iso2: str, city, on_ocean: np.ndarray, within: float = OVERLAND_KM) -> list[int]:
    """Foreign ocean seaports (major or with published container throughput) that may serve
    ``iso2`` overland: within ``within`` km (:data:`OVERLAND_KM`) of ``city``, in a neighbour or transit country,
    one per gateway area (:data:`GATEWAY_AREA_KM`), best-ranked first (container throughput, then
    the major flag, then distance). The land legs are planned by the caller."""
    from corridor.data.container_ports import read_container_ports

    if city is None:
        return []
    boxes = read_container_ports()
    near = _near_countries(net, iso2)
    codes = np.asarray(net.port_code)
    km = haversine_km(city.lon, city.lat, net.port_lon, net.port_lat)
    major = np.asarray(net.port_major, bool)
    idx = [int(i) for i in np.flatnonzero((km <= within) & on_ocean)
           if port_country(net, i) in near and (major[i] or str(codes[i]) in boxes)]
    idx.sort(key=lambda i: (-(boxes[str(codes[i])].teu if str(codes[i]) in boxes else 0.0), not major[i], km[i]))
    chosen: list[int] = []
    for i in idx:
        if all(haversine_km(net.port_lon[i], net.port_lat[i], net.port_lon[j], net.port_lat[j]) >= GATEWAY_AREA_KM
               for j in chosen):
            chosen.append(i)
    return chosen


def land_component(net: Network):
    """Connected components of the land network (rail, road, ferries and the transfers between
    them) and a function giving a (lon, lat) point's component (its nearest road node), so that a
    land search that cannot succeed (Baku -> Lima, a port on an island) is not run."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    from corridor import modes as M
    from corridor.geo import to_unit_vectors

    u, v, mode = np.asarray(net.edge_u), np.asarray(net.edge_v), np.asarray(net.edge_mode)
    n_sea = net.n_sea_nodes
    keep = np.isin(mode, (M.RAIL, M.ROAD, M.FERRY, M.TRANSFER)) & (u >= n_sea) & (v >= n_sea)
    n = len(net.node_lon)
    _, component = connected_components(coo_matrix((np.ones(int(keep.sum())), (u[keep], v[keep])), shape=(n, n)),
                                        directed=False)
    tree, ids = net.land_trees[M.ROAD]

    def of(lon: float, lat: float) -> int:
        return int(component[ids[tree.query(to_unit_vectors(np.array([lon]), np.array([lat])))[1][0]]])
    return of
