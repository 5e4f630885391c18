"""Alternatives and the Pareto front: other corridors for the same request.

:func:`alternatives` excludes what earlier answers used (a passage, a mode chain, a border, a
gateway port) and searches again, keeping answers that differ in chokepoints, borders or
modes; :func:`pareto` scans objective mixes and keeps the non-dominated routes. Both work on a
solver (``planner._Solver``) that runs one request under exclusions and objectives.
"""

from __future__ import annotations

from corridor.costing import objective as objective_mod
from corridor.data import passages as P
from corridor.errors import CorridorError
from corridor.route import Route, TransferKind


def signature(r: Route) -> tuple:
    pairs = frozenset(frozenset(b.countries) for b in r.border_crossings)
    keys = frozenset(k for leg in r.legs for k in leg.passages)
    return keys, pairs, tuple(sorted(set(r.modes) - {"road"}) or r.modes)


def features(r: Route) -> list[tuple[str, object]]:
    """What can be excluded to force a different corridor: passages, mode chains, borders, gateways."""
    feats: list[tuple[str, object]] = []
    for k in sorted({k for leg in r.legs for k in leg.passages},
                    key=lambda k: (P.BY_KEY[k].kind not in ("canal", "strait"), k)):
        feats.append(("passage", k))
    main = [m for m in r.modes if m != "road"]
    if "sea" not in r.modes and ({"rail", "road"} & set(r.modes)):
        feats.append(("mode", "land"))  # the overland corridor against the rest (sea, ferry)
    for m in main:
        feats.append(("mode", m))
    for leg in r.legs:
        if leg.border is not None and leg.border.kind != TransferKind.OPEN_BORDER:
            pair = frozenset(leg.border.countries)
            if ("border", pair) not in feats:
                feats.append(("border", pair))
        if leg.kind in (TransferKind.PORT, TransferKind.SHIP_FERRY):
            # the port's code is on its land end; the sea end of an inland port is a waypoint
            code = leg.origin.code or leg.destination.code
            if code and ("port", code) not in feats:
                feats.append(("port", code))
    return feats


def alternatives(solver, best: Route, k: int, objective, refs) -> list[Route]:
    """Up to k corridors that differ from the best and from each other in their chokepoints,
    borders or mode chain, found by excluding what earlier answers used; best first."""
    accepted = [best]
    sigs = {signature(best)}
    queue = [(best, ())]
    seen: set = set()
    budget = 3 * k + 4
    while queue and len(accepted) < k + 1 and budget > 0:
        r, excl = queue.pop(0)
        for feat in features(r):
            ex = tuple(sorted({*excl, feat}, key=str))
            if ex in seen:
                continue
            seen.add(ex)
            budget -= 1
            try:
                alt = solver.solve(objective, refs, ex)
            except CorridorError:
                alt = None
            if alt is not None and signature(alt) not in sigs:
                sigs.add(signature(alt))
                accepted.append(alt)
                queue.append((alt, ex))
            if len(accepted) >= k + 1 or budget <= 0:
                break
    rest = sorted(accepted[1:], key=lambda x: objective_mod.value(x.totals(), objective, refs))
    return [best, *rest[:k]]


def pareto(solver, refs) -> list[Route]:
    """Non-dominated routes in (time, USD, CO2e) over a scan of objective mixes."""
    mixes = [{"time": 1.0}, {"cost": 1.0}, {"co2": 1.0}, {"time": 1.0, "cost": 1.0}, {"time": 1.0, "co2": 1.0},
             {"cost": 1.0, "co2": 1.0}, {"time": 1.0, "cost": 1.0, "co2": 1.0}, {"time": 3.0, "co2": 1.0},
             {"time": 1.0, "co2": 3.0}]
    found: list[Route] = []
    for mix in mixes:
        try:
            r = solver.solve(mix, refs)
        except CorridorError:
            continue
        t = (round(r.duration_h, 3), round(r.cost_usd, 2), round(r.co2e_kg, 2))
        if any((round(x.duration_h, 3), round(x.cost_usd, 2), round(x.co2e_kg, 2)) == t for x in found):
            continue
        found.append(r)

    def dominated(a: Route) -> bool:
        ta = (a.duration_h, a.cost_usd, a.co2e_kg)
        return any(all(y <= x for x, y in zip(ta, (b.duration_h, b.cost_usd, b.co2e_kg))) and
                   (b.duration_h, b.cost_usd, b.co2e_kg) != ta for b in found)

    return [r for r in found if not dominated(r)]
