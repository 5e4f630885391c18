"""Sea costing: sailing time at the speed of the ship class, freight rate and GLEC intensity.

The speed of a call is the cargo's default (``sea.speed.container``, ``.bulk``, ``.general``;
``.river_sea`` for the river-sea class, whatever the cargo) unless the user gives one (:func:`speed`); :func:`with_speed` puts it in force in the
parameters, so :func:`kmh` and :func:`costs` read it like every other figure. Canals are
sea's own extra (:func:`canal`): a wait and dues per crossing.

Bulk is priced and counted per vessel class where ``defaults.toml`` has the class's own figure
(``sea.rate.bulk_capesize``, ``sea.ttw.bulk_capesize``...), else with the bulk figure
(:func:`factor_key`): a Capesize ton-mile costs a fraction of a container ton-mile.
"""

from __future__ import annotations

from corridor.costing import Assumption, Costs, linear
from corridor.costing.params import Params, defaults
from corridor.errors import BadInput

name = "sea"
KM_PER_NMI = 1.852  # the definition of the nautical mile


def _family(cargo) -> str:
    if cargo is None or cargo.kind == "container":
        return "container"
    return "bulk" if cargo.family == "bulk" else "general"


def speed_key(cargo) -> str:
    """The parameter holding the sea speed of ``cargo`` (containers when None)."""
    if cargo is not None and cargo.vclass == "river-sea":
        return "sea.speed.river_sea"
    return f"sea.speed.{_family(cargo)}"


def factor_key(figure: str, cargo, params) -> str:
    """The parameter for ``figure`` (rate, ttw, wtt) of ``cargo``: the bulk class's own when
    ``params`` has one, else the cargo family's."""
    fam = _family(cargo)
    if fam == "bulk":
        own = f"sea.{figure}.bulk_{cargo.vclass.replace('-', '_')}"
        if own in params:
            return own
    return f"sea.{figure}.{fam}"


def speed(speed_kn: float | None, cargo=None, params: Params | None = None) -> Assumption:
    """The speed assumption for a call: the caller's figure, else the default for the cargo."""
    if speed_kn is None:
        a = (params or defaults())[speed_key(cargo)]
        return Assumption("sea speed", a.value, "kn", a.source)
    if not 1.0 <= float(speed_kn) <= 40.0:
        raise BadInput(f"Sea speed {speed_kn} kn is not plausible: give 1-40 knots.")
    return Assumption("sea speed", float(speed_kn), "kn", "given by the user")


def with_speed(params: Params, cargo, sea_speed: Assumption) -> Params:
    """``params`` with ``sea_speed`` in force for ``cargo`` (unchanged when it is already)."""
    key = speed_key(cargo)
    a = params[key]
    if (a.value, a.source) == (sea_speed.value, sea_speed.source):
        return params
    return params.override({key: {"value": sea_speed.value, "source": sea_speed.source}}, "sea speed")


def kmh(params, cargo=None) -> float:
    return params.value(speed_key(cargo)) * KM_PER_NMI


def allowed(cargo) -> bool:
    return cargo.kind != "passengers"


def unit_factors(cargo, params) -> tuple[float, float, float]:
    """USD, kg TTW, kg WTT per km for the whole consignment."""
    qty = cargo.teu if _family(cargo) == "container" else (cargo.tonnes or 0.0)
    return tuple(params.value(factor_key(f, cargo, params)) * qty for f in ("rate", "ttw", "wtt"))


def costs(km, cargo, params) -> Costs:
    usd, ttw, wtt = unit_factors(cargo, params)
    return linear(km, 1.0 / kmh(params, cargo), usd, ttw, wtt)


def edge_costs(net, edges, cargo, params) -> Costs:
    """Sailing only: canal waits and dues are added per crossing (:func:`canal`)."""
    return costs(net.edge_km[edges], cargo, params)


def basis(cargo, params) -> dict[str, list[str]]:
    return {"duration_h": [speed_key(cargo)], "cost_usd": [factor_key("rate", cargo, params)],
            "co2e_kg": [factor_key("ttw", cargo, params), factor_key("wtt", cargo, params)]}


def canal(key: str, cargo, params) -> tuple[float, float, list[str]]:
    """Extra hours and USD (dues) for crossing a canal once."""
    if key not in ("suez", "panama"):
        return 0.0, 0.0, []
    per_teu = params.value(f"dues.{key}")
    qty = cargo.teu if cargo.kind == "container" else (cargo.tonnes or 0.0) / params.value("cargo.tonnes_per_teu")
    keys = [f"sea.canal_wait.{key}", f"dues.{key}"] + ([] if cargo.kind == "container" else ["cargo.tonnes_per_teu"])
    return params.value(f"sea.canal_wait.{key}"), per_teu * qty, keys
