"""What a request may name of the mode registry (:mod:`corridor.modes`): the modes on offer, the
default ones and the vessel kinds (checked where a request enters: :mod:`corridor.request`).

Kept out of modes.py, which is part of the network's fingerprint: a change here must not
rebuild the network.
"""

from __future__ import annotations

from corridor import modes as M

AVAILABLE_MODES = (*M.SURFACE, "air")
DEFAULT_MODES = M.SURFACE  # air only when asked for (--modes air, or listed with others)
VESSELS = ("seagoing", "river-sea")

