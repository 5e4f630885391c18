"""The report's plans, kept over its runs (the baseline and each what-if), so that a what-if
plans again only what its change can alter.

Every plan is an exact best-path search. A change that closes passages (Suez closed) or makes
crossing them slower or dearer (a queue at Panama) only takes edges away or raises their
weight, so a plan whose baseline answer crosses none of them keeps that answer under it; an
opened border adds land edges, so only plans with no land mode keep theirs. The what-if's
rows read the routes' legs and totals, never the request they were planned for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from corridor.errors import CorridorError
from corridor.route import Route

LAND_MODES = frozenset({"rail", "road", "ferry"})


@dataclass(frozen=True)
class Change:
    """What a what-if changes, as far as the plans' reuse is concerned.

    Attributes
    ----------
    passages
        Passage keys closed, or made slower or dearer to cross, by the change.
    open_borders
        Country pairs (frozensets of two ISO codes) opened by the change.
    unknown
        The change alters figures on more than the named passages: nothing is reused.
    """

    passages: frozenset = frozenset()
    open_borders: frozenset = frozenset()
    unknown: bool = False

    def keeps(self, route: Route, modes: str | None) -> bool:
        """Whether ``route``, planned without the change over ``modes`` (a comma list; None:
        the default modes), is the answer under it too."""
        if self.unknown:
            return False
        if self.passages & {p for leg in route.legs for p in leg.passages}:
            return False
        return not (self.open_borders and (modes is None or LAND_MODES & set(modes.split(","))))


def key(origin, destination, kw: dict, open_borders: frozenset = frozenset()) -> tuple:
    """The cache key of one plan: its ends, its request options and the borders opened."""
    return (str(origin), str(destination), repr(sorted(kw.items())), repr(sorted(map(sorted, open_borders))))


def planned(cache: dict, this: tuple, baseline: tuple, change: Change, modes: str | None,
            compute: Callable[[], Route]) -> Route:
    """The plan cached under ``this``: the baseline's (cached under ``baseline``) when the change
    keeps it, else ``compute()``; a :class:`~corridor.errors.CorridorError` is cached and raised."""
    if this not in cache:
        before = cache.get(baseline) if baseline != this else None
        if isinstance(before, Route) and change.keeps(before, modes):
            cache[this] = before
        else:
            try:
                cache[this] = compute()
            except CorridorError as e:
                cache[this] = e
    if isinstance(cache[this], CorridorError):
        raise cache[this]
    return cache[this]
