"""What flies: the air networks a request may choose, the default air consignment, and the
cargo that cannot fly.

Kept free of heavy imports: the request (:mod:`corridor.request.route`) checks options with it.
"""

from __future__ import annotations

from corridor.errors import BadInput

# Which flights a request may take (see :mod:`corridor.air.overlay`): sourced routes (default),
# the modelled network, or the user's import alone.
AIR_NETWORKS = ("sourced", "modelled", "imported")
DEFAULT_TONNES = 1.0  # the air consignment when none is given: 1 t of general cargo
# Cargo no air option carries (corridor.costing.air reads it too): a box or bulk flies only as
# general cargo, by weight.
GROUNDED = ("container", "dry-bulk", "liquid-bulk")


def air_only(modes) -> bool:
    return modes is not None and tuple(modes) == ("air",)


def default_tonnes(request) -> float | None:
    """The request's tonnes, or :data:`DEFAULT_TONNES` when it asks for air alone and names no
    quantity (nor a cargo other than general)."""
    unset = all(getattr(request, k) is None for k in ("tonnes", "teu", "feu", "passengers"))
    cargo = None if request.cargo is None else str(request.cargo).strip().lower()
    if air_only(request.modes) and unset and cargo in (None, "general"):
        return DEFAULT_TONNES
    return request.tonnes


def check(modes, cargo) -> None:
    """Refuse a cargo that cannot fly when air is the only mode asked for."""
    if air_only(modes) and cargo.kind in GROUNDED:
        raise BadInput(f"{cargo.describe()} cannot go by air (--modes air): air freight carries general cargo "
                       f"by weight; ask for --cargo general --tonnes T (default {DEFAULT_TONNES:g} t) or "
                       f"passengers, or send the {cargo.kind} by sea, rail or road (--modes sea,rail,road,ferry).")


def for_air(request):
    """``request`` itself when its cargo can fly, else the same request carrying the default air
    consignment (:data:`DEFAULT_TONNES` of general cargo)."""
    if request.load().kind not in GROUNDED:
        return request
    return request.with_options(cargo="general", tonnes=DEFAULT_TONNES, teu=None, feu=None, passengers=None,
                                vessel_class=None)
