"""Errors a user can act on. The CLI prints their message on one line and exits with ``exit_code``."""

from __future__ import annotations


class CorridorError(Exception):
    """Base class: a problem in the user's request, explained with the way out."""

    exit_code = 2


class PlaceNotFound(CorridorError):
    """A place query matched nothing; ``suggestions`` holds the closest matches."""

    def __init__(self, query: str, suggestions: list[str]):
        self.query = query
        self.suggestions = suggestions
        hint = f" Closest matches: {', '.join(suggestions)}." if suggestions else ""
        super().__init__(
            f"Unknown place {query!r}.{hint} Try `corridor places {query}` or give 'lat,lon'."
        )


class BadInput(CorridorError):
    """Malformed or contradictory input (coordinates, passage names, options)."""


class NoRoute(CorridorError):
    """No route satisfies the request; the message names the restriction that cut it."""

    exit_code = 3

    def __init__(self, message: str, *, cut_by: list[str] | None = None):
        self.cut_by = cut_by or []
        super().__init__(message)
