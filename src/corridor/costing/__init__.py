"""Costing: what traversing the network costs, applied at query time (no rebuild needed).

One module per mode. Every figure comes with the :class:`Assumption` behind it, so each
number the product prints can name its source.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Assumption:
    name: str
    value: float
    unit: str
    source: str

    def to_dict(self) -> dict:
        return asdict(self)
