"""Item checks shared by the declarations: passage names, country codes, UN/LOCODEs."""

from __future__ import annotations

from functools import lru_cache

from corridor.data import passages as P
from corridor.errors import BadInput


def passage(text: str) -> str:
    """A passage name or alias -> its key (``cape-horn`` -> ``magellan``)."""
    return P.resolve_passage(text)


@lru_cache(maxsize=1)
def _iso_codes() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries) | {"XK"}  # Kosovo: user-assigned, widely used


def country(text: str) -> str:
    """An ISO 3166-1 alpha-2 code, upper case; unknown codes are refused by name."""
    code = text.strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise BadInput(f"Countries are given as ISO 3166 alpha-2 codes such as RU or IR, not {text!r}.")
    if code not in _iso_codes():
        raise BadInput(f"{code} is not an ISO 3166 country code; look it up with `corridor places {code}`.")
    return code


def locode(text: str) -> str:
    """A UN/LOCODE (``PECLL``, ``PE CLL``) in its compact form."""
    code = text.strip().upper().replace(" ", "")
    if len(code) != 5 or not code[:2].isalpha() or not code[2:].isalnum():
        raise BadInput(f"Ports are given as UN/LOCODEs such as PECLL or CNSHA, not {text!r}.")
    return code
