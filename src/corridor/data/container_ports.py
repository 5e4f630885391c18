"""The world's main container ports and their published annual TEU (``curated/container_ports.csv``).

The World Port Index sizes harbours, not container traffic; this small table ranks the ports a
container report should offer first. Each row names its source, year and what the figure measures
(port throughput, one terminal's throughput, or design capacity for a port too new to have a year).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class ContainerPort:
    code: str  # UN/LOCODE
    name: str
    country: str
    teu: float
    year: int
    measure: str
    source: str

    def to_dict(self) -> dict:
        return {"teu": self.teu, "year": self.year, "measure": self.measure, "source": self.source}


@lru_cache(maxsize=1)
def read_container_ports() -> dict[str, ContainerPort]:
    """The table by UN/LOCODE."""
    path = resources.files("corridor.data") / "curated" / "container_ports.csv"
    with path.open(newline="", encoding="utf-8") as f:
        return {r["code"]: ContainerPort(r["code"], r["name"], r["country"], float(r["teu"]), int(r["year"]),
                                         r["measure"], r["source"]) for r in csv.DictReader(f)}
