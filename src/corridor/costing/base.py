"""The interface every mode's costing module implements (:class:`ModeCosting`).

A mode module (``costing/sea.py``, ``rail.py``...) is itself the implementation: it defines
``name`` and the functions below at module level, and :mod:`corridor.costing.registry` lists
it. Every figure is read from the :class:`~corridor.costing.params.Params` passed in (the
shipped ``defaults.toml`` or a user's overrides), never from a Python constant.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from corridor.costing import Costs


@runtime_checkable
class ModeCosting(Protocol):
    """What a mode costs: time, money and CO2e per km, and the parameters behind them."""

    name: str  # the mode's name in corridor.modes.NAMES

    def allowed(self, cargo) -> bool:
        """Whether the mode may carry ``cargo`` at all."""
        ...

    def kmh(self, params, cargo=None) -> float:
        """The planning speed (km/h; for sea, that of the cargo's ship class)."""
        ...

    def costs(self, km, cargo, params) -> Costs:
        """Hours, USD and kg CO2e (TTW, WTT) of moving ``cargo`` over each of ``km``."""
        ...

    def edge_costs(self, net, edges: np.ndarray, cargo, params) -> Costs:
        """:meth:`costs` of the network's ``edges`` of this mode (a mode whose times come from
        a timetable reads it from the network's tables here)."""
        ...

    def basis(self, cargo, params) -> dict[str, list[str]]:
        """Figure (``duration_h``, ``cost_usd``, ``co2e_kg``) -> keys of the parameters behind it."""
        ...
