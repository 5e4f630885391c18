"""What a request may name of the mode registry (:mod:`corridor.modes`): the modes on offer, the
default ones, the vessel kinds, and the check of a requested list of modes.

Kept out of modes.py, which is part of the network's fingerprint: a change here must not
rebuild the network.
"""

from __future__ import annotations

from corridor import modes as M
from corridor.errors import BadInput

AVAILABLE_MODES = (*M.SURFACE, "air")
DEFAULT_MODES = M.SURFACE  # air only when asked for (--modes air, or listed with others)
VESSELS = ("seagoing", "river-sea")


def check_modes(modes) -> frozenset:
    """The requested modes as a set of names.

    Parameters
    ----------
    modes
        None (the default modes), a comma-separated string or a list of mode names.

    Returns
    -------
    frozenset
        The mode names, lower case.

    Raises
    ------
    BadInput
        When a mode is not on offer or none is given.
    """
    if modes is None:
        return frozenset(DEFAULT_MODES)
    items = modes.split(",") if isinstance(modes, str) else list(modes)
    items = [m.strip().lower() for m in items if m.strip()]
    for m in items:
        if m not in AVAILABLE_MODES:
            raise BadInput(f"Mode {m!r} is not in the network yet; available modes: {', '.join(AVAILABLE_MODES)}.")
    if not items:
        raise BadInput(f"No mode given; available modes: {', '.join(AVAILABLE_MODES)}.")
    return frozenset(items)
