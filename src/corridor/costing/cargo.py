"""What is carried: containers, bulk, general cargo or passengers, and the vessel class.

The cargo decides the sea speed (container ships vs bulk carriers), which factors apply
(per TEU-km or per tonne-km) and which passages a ship may use (Panamax, Neopanamax, ULCV
and Capesize limits; river-sea ships on the Volga–Don).
"""

from __future__ import annotations

from dataclasses import dataclass

from corridor.errors import BadInput

KINDS = ("container", "dry-bulk", "liquid-bulk", "general", "passengers")
_ALIASES = {"containers": "container", "teu": "container", "feu": "container", "bulk": "dry-bulk",
            "dry": "dry-bulk", "liquid": "liquid-bulk", "tanker": "liquid-bulk", "general-cargo": "general",
            "breakbulk": "general", "passenger": "passengers", "pax": "passengers"}

# Vessel classes: the passages each may not use, and why (sources in the text).
CLASSES = {
    "container": {
        "feeder": {},
        "panamax": {},
        "neopanamax": {},
        "ulcv": {"panama": "the Neopanamax locks take container ships 'up to around 15,000 TEU' "
                           "(freightwaves.com on the Panama Canal Authority)"},
        "river-sea": {},
    },
    "bulk": {
        "handysize": {}, "supramax": {}, "panamax": {},
        "capesize": {"panama": "assumption: a laden Capesize draught (about 18 m) exceeds the Neopanamax locks"},
        "river-sea": {},
    },
    "general": {"general": {}, "river-sea": {}},
    "passengers": {"ferry": {}},
}
DEFAULT_CLASS = {"container": "neopanamax", "bulk": "panamax", "general": "general", "passengers": "ferry"}


@dataclass(frozen=True)
class Cargo:
    kind: str = "container"
    teu: float = 1.0  # containers
    tonnes: float = 0.0  # bulk and general cargo (containers: gross weight, 0 = default per TEU)
    passengers: int = 0
    vessel_class: str = ""

    @property
    def family(self) -> str:
        """container | bulk | general | passengers: the column of the factor tables that applies."""
        return {"dry-bulk": "bulk", "liquid-bulk": "bulk"}.get(self.kind, self.kind)

    @property
    def vclass(self) -> str:
        return self.vessel_class or DEFAULT_CLASS[self.family]

    def closed_passages(self) -> dict[str, str]:
        return CLASSES[self.family][self.vclass]

    def describe(self) -> str:
        if self.kind == "container":
            return f"{self.teu:g} TEU of containers" + (f" ({self.tonnes:g} t)" if self.tonnes else "")
        if self.kind == "passengers":
            return f"{self.passengers} passengers"
        return f"{self.tonnes:g} t of {self.kind} cargo"

    def to_dict(self) -> dict:
        d = {"kind": self.kind, "vessel_class": self.vclass}
        if self.kind == "container":
            d["teu"] = self.teu
        if self.tonnes:
            d["tonnes"] = self.tonnes
        if self.kind == "passengers":
            d["passengers"] = self.passengers
        return d


def _positive(name: str, value) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise BadInput(f"{name} must be a number, not {value!r}.") from None
    if not v > 0 or v != v or v == float("inf"):
        raise BadInput(f"{name} must be a positive number, not {value!r}.")
    return v


def make_cargo(kind=None, *, teu=None, feu=None, tonnes=None, passengers=None, vessel_class=None) -> Cargo:
    """A validated :class:`Cargo`; the kind is inferred from the quantities when not given."""
    if isinstance(kind, Cargo):
        return kind
    if kind is not None:
        k = str(kind).strip().lower()
        k = _ALIASES.get(k, k)
        if k not in KINDS:
            raise BadInput(f"Unknown cargo {kind!r}; choose one of: {', '.join(KINDS)}.")
    elif passengers is not None:
        k = "passengers"
    elif tonnes is not None and teu is None and feu is None:
        k = "general"
    else:
        k = "container"
    if k == "container":
        if teu is not None and feu is not None:
            raise BadInput("Give containers as TEU or as FEU, not both (1 FEU = 2 TEU).")
        if passengers is not None:
            raise BadInput("A container shipment has no passengers; use --cargo passengers.")
        count = 2 * _positive("FEU", feu) if feu is not None else _positive("TEU", teu) if teu is not None else 1.0
        cargo = Cargo("container", teu=count, tonnes=_positive("tonnes", tonnes) if tonnes is not None else 0.0)
    elif k == "passengers":
        if teu is not None or feu is not None or tonnes is not None:
            raise BadInput("Passengers are counted with --passengers N, not TEU or tonnes.")
        n = _positive("passengers", passengers if passengers is not None else 1)
        if n != int(n):
            raise BadInput(f"passengers must be a whole number, not {passengers!r}.")
        cargo = Cargo("passengers", teu=0.0, passengers=int(n))
    else:
        if teu is not None or feu is not None:
            raise BadInput(f"{k} cargo is counted in tonnes (--tonnes), not TEU or FEU; use --cargo container.")
        if passengers is not None:
            raise BadInput(f"{k} cargo has no passengers.")
        if tonnes is None:
            raise BadInput(f"Say how many tonnes of {k} cargo (--tonnes T).")
        cargo = Cargo(k, teu=0.0, tonnes=_positive("tonnes", tonnes))
    if vessel_class:
        vc = str(vessel_class).strip().lower()
        allowed = CLASSES[cargo.family]
        if vc not in allowed:
            raise BadInput(f"Vessel class {vessel_class!r} does not carry {cargo.kind} cargo; choose one of: "
                           f"{', '.join(allowed)}.")
        cargo = Cargo(cargo.kind, cargo.teu, cargo.tonnes, cargo.passengers, vc)
    return cargo


DEFAULT = Cargo()
