"""Costing (issue 4): time, money and CO2e per leg, cargo, objectives, alternatives, scenarios."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import corridor
from corridor.costing.cargo import make_cargo

DAY = 24.0


def _sources_everywhere(d: dict) -> None:
    for leg in d["legs"]:
        for figure in ("duration_h", "cost_usd", "co2e_kg"):
            assert figure in leg
            if leg[figure]:
                basis = leg["basis"].get(figure)
                assert basis, (leg["mode"], leg.get("kind"), figure)
                assert all(a["source"].strip() and a["unit"] for a in basis), basis
        assert leg["co2e_kg"] == pytest.approx(leg["co2e_wtt_kg"] + leg["co2e_ttw_kg"], abs=0.02)
    for key in ("duration_h", "cost_usd", "co2e_kg", "co2e_wtt_kg", "co2e_ttw_kg"):
        assert key in d


def test_chancay_shanghai_containers_door_to_door_at_sea():
    r = corridor.route("PECHY", "CNSHA", teu=1)
    assert 20 <= r.duration_h / DAY <= 28  # published direct service: 23 days
    assert r.cost_usd > 0 and r.co2e_kg > 0
    d = r.to_dict()
    _sources_everywhere(d)
    assert any("door to door at sea" in n for n in d["notes"])


def test_xian_baku_rail_and_ferry_containers():
    r = corridor.route("Xi'an", "Baku", modes="rail,ferry", teu=2)
    assert 7 <= r.duration_h / DAY <= 14  # published: 8 to 11 days
    _sources_everywhere(r.to_dict())


def test_avoiding_russia_takes_the_caspian_ferry():
    r = corridor.route("Xi'an", "Baku", modes="rail,ferry", avoid_countries="RU")
    assert "ferry" in r.modes and "RU" not in " ".join(r.borders)
    assert 7 <= r.duration_h / DAY <= 14
    ferry = [leg for leg in r.legs if leg.mode == "ferry"]
    assert ferry[0].origin.code in ("KZAAU", "KZKUR")


def test_shanghai_rotterdam_via_suez_and_via_the_cape():
    suez = corridor.route("CNSHA", "NLRTM")
    assert "Suez Canal" in suez.passages
    assert 27 <= suez.duration_h / DAY <= 38
    cape = corridor.route("CNSHA", "NLRTM", via="good-hope")
    assert "Cape of Good Hope" in cape.passages and "Suez Canal" not in cape.passages
    assert cape.duration_h > suez.duration_h
    dues = [a for leg in suez.legs for a in leg.basis.get("cost_usd", []) if a.name == "dues.suez"]
    assert dues and dues[0].source


def test_co2_and_time_choose_different_corridors_with_alternatives():
    kw = dict(modes="sea,rail,road,ferry", alternatives=2)
    fast = corridor.route("CNSHA", "NLRTM", optimize="time", **kw)
    green = corridor.route("CNSHA", "NLRTM", optimize="co2", **kw)
    assert "sea" not in fast.modes and "rail" in fast.modes  # overland by rail
    assert "sea" in green.modes and "Suez Canal" in green.passages
    assert green.co2e_kg < fast.co2e_kg and fast.duration_h < green.duration_h
    # each answer shows the other corridor among its alternatives
    assert any("sea" in a.modes for a in fast.extra["alternatives"][1:])
    d = fast.to_dict()
    assert d["alternatives"][0]["duration_h"] == d["duration_h"]
    assert all(set(a) >= {"duration_h", "cost_usd", "co2e_kg", "legs"} for a in d["alternatives"])


def test_alternatives_differ_materially():
    r = corridor.route("CNSHA", "NLRTM", alternatives=2)
    alts = r.extra["alternatives"]
    assert len(alts) == 3
    signatures = {(tuple(sorted(a.passages)), tuple(a.modes), tuple(b.split(" ")[0] for b in a.borders)) for a in alts}
    assert len(signatures) == 3
    assert any("Suez Canal" not in a.passages for a in alts[1:])


def test_pareto_front_is_non_dominated():
    r = corridor.route("CNSHA", "NLRTM", modes="sea,rail,road,ferry", pareto=True)
    front = r.extra["pareto"]
    assert len(front) >= 2
    pts = [(a.duration_h, a.cost_usd, a.co2e_kg) for a in front]
    for p in pts:
        assert not any(all(y <= x for x, y in zip(p, q)) and q != p for q in pts)


def test_suez_closed_scenario_states_the_difference(tmp_path):
    f = tmp_path / "suez.toml"
    f.write_text('name = "Suez closed"\nclose = {passages = ["suez"]}\n')
    r = corridor.route("CNSHA", "TRIST", scenario=f)
    d = r.to_dict()
    assert "Suez Canal" not in r.passages and "Suez Canal" in d["baseline"]["passages"]
    diff = d["difference"]
    assert diff["duration_days"] > 5 and diff["cost_usd"] > 0 and diff["co2e_kg"] > 0
    assert diff["duration_h"] == pytest.approx(d["duration_h"] - d["baseline"]["duration_h"], abs=0.2)


def test_scenario_service_direct_liner(tmp_path):
    f = tmp_path / "liner.toml"
    f.write_text('[[services]]\nfrom = "PECHY"\nto = "CNSHA"\ndays = 20\nusd_per_teu = 2000\n')
    r = corridor.route("PECHY", "CNSHA", scenario=f)
    assert r.duration_h == pytest.approx(20 * DAY)
    assert r.cost_usd == pytest.approx(2000)
    assert r.to_dict()["difference"]["duration_days"] < 0


def test_costs_override_changes_the_answer_without_a_rebuild(tmp_path, net):
    base = corridor.route("PECHY", "CNSHA")
    f = tmp_path / "costs.toml"
    f.write_text('[sea.rate]\ncontainer = {value = 0.5, source = "my quote"}\n[sea.speed]\ncontainer = 20\n')
    r = corridor.route("PECHY", "CNSHA", costs=f)
    assert r.cost_usd == pytest.approx(base.cost_usd * 0.5 / 0.244, rel=1e-3)
    assert r.duration_h == pytest.approx(base.duration_h * 16 / 20, rel=1e-6)
    from corridor.network import load_network
    assert load_network(progress=False) is net  # same compiled network, nothing rebuilt
    rate = [a for a in r.legs[0].basis["cost_usd"] if a.name == "sea.rate.container"][0]
    assert rate.source == "my quote"


def test_an_edited_costs_file_is_read_again(tmp_path, net):
    """The same request naming the same costs file, the file edited in between: the second
    answer uses the new rate (a long-running process must not keep a file's old figures)."""
    f = tmp_path / "costs.toml"
    f.write_text('[sea.rate]\ncontainer = {value = 0.5, source = "my quote"}\n')
    first = corridor.route("PECHY", "CNSHA", costs=str(f))
    f.write_text('[sea.rate]\ncontainer = {value = 1.0, source = "my new quote"}\n')
    second = corridor.route("PECHY", "CNSHA", costs=str(f))
    assert second.cost_usd == pytest.approx(2 * first.cost_usd, rel=1e-6)


def test_cargo_changes_speed_and_factors():
    bulk = corridor.route("PECHY", "CNSHA", cargo="dry-bulk", tonnes=50_000)
    box = corridor.route("PECHY", "CNSHA")
    assert bulk.duration_h > box.duration_h  # 11 kn against 16 kn
    assert bulk.to_dict()["cargo"]["tonnes"] == 50_000
    feu = corridor.route("PECHY", "CNSHA", feu=1)
    assert feu.cost_usd == pytest.approx(2 * box.cost_usd)


def test_vessel_class_closes_the_panama_canal():
    neo = corridor.route("CNSHA", "USNYC")
    ulcv = corridor.route("CNSHA", "USNYC", vessel_class="ulcv")
    if "Panama Canal" in neo.passages:
        assert "Panama Canal" not in ulcv.passages
    assert any(c["passage"] == "Panama Canal" for c in ulcv.to_dict()["restrictions"]["closed"])


@pytest.mark.parametrize("kwargs, message", [
    ({"cargo": "coal"}, "Unknown cargo"),
    ({"teu": -1}, "positive"),
    ({"teu": 1, "feu": 1}, "not both"),
    ({"cargo": "dry-bulk"}, "tonnes"),
    ({"cargo": "dry-bulk", "teu": 2}, "tonnes"),
    ({"cargo": "passengers", "passengers": 1.5}, "whole"),
    ({"vessel_class": "capesize"}, "does not carry"),
])
def test_cargo_validation(kwargs, message):
    with pytest.raises(corridor.BadInput, match=message):
        make_cargo(kwargs.pop("cargo", None), **kwargs)


def test_bad_objective_and_costs_file(tmp_path):
    with pytest.raises(corridor.BadInput, match="objective"):
        corridor.route("PECHY", "CNSHA", optimize="speed")
    f = tmp_path / "bad.toml"
    f.write_text("[sea.rate]\nbanana = 1\n")
    with pytest.raises(corridor.BadInput, match="unknown costing parameter"):
        corridor.route("PECHY", "CNSHA", costs=f)


def test_cli_json_carries_costs_and_sources(cli, tmp_path):
    f = tmp_path / "s.toml"
    f.write_text('close = {passages = ["suez"]}\n')
    p = cli("route", "CNSHA", "TRIST", "--scenario", str(f), "--json", "--teu", "2", check_rc=0)
    d = json.loads(p.stdout)
    _sources_everywhere(d)
    assert d["cargo"]["teu"] == 2 and d["difference"]["duration_days"] > 0
    p = cli("route", "CNSHA", "TRIST", "--scenario", str(f), check_rc=0)
    assert "days" in p.stdout and "USD" in p.stdout and "CO2e" in p.stdout
    p = cli("route", "PECHY", "CNSHA", "--cargo", "coal", check_rc=2)
    assert "cargo" in p.stderr and "'coal'" in p.stderr and "dry-bulk" in p.stderr  # option, value, choices


def test_no_unsourced_factor_set_anywhere():
    root = Path(corridor.__file__).parent
    pattern = re.compile(r"\b62\b.{0,40}\b22\b.{0,40}\b8\b.{0,40}\b602\b|\b602\b")
    for path in [*root.rglob("*.py"), *root.rglob("*.toml")]:
        assert not pattern.search(path.read_text(encoding="utf-8")), path
    from corridor.costing.params import defaults
    for key in defaults().keys():
        a = defaults()[key]
        assert a.source.strip() and a.unit.strip(), key
        assert a.value not in (0.062, 0.022, 0.008, 0.602), key


def test_every_registered_mode_implements_the_costing_interface():
    from corridor import modes as M
    from corridor.costing.base import ModeCosting
    from corridor.costing.params import defaults
    from corridor.costing.registry import COSTING, costing_for

    assert set(COSTING) == set(M.SURFACE) | {"air"}
    box = make_cargo(None)
    for name, costing in COSTING.items():
        assert isinstance(costing, ModeCosting), name
        assert costing.name == name and costing_for(name) is costing and name in M.BY_NAME
        keys = [k for ks in costing.basis(box, defaults()).values() for k in ks]
        assert keys and all(k in defaults().keys() for k in keys), (name, keys)
        c = costing.costs([100.0], box, defaults())
        assert c.hours.shape == c.usd.shape == c.co2e_kg.shape == (1,)
    with pytest.raises(corridor.BadInput, match="No costing for mode 'barge'"):
        costing_for("barge")


def _assumption_literals(path: Path) -> list[tuple[int, object, object]]:
    """(line, value, source) of every ``Assumption(name, value, unit, source)`` call written with
    literals in a module (source None when not a plain string)."""
    import ast

    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "Assumption":
            args = node.args
            if len(args) >= 2 and isinstance(args[1], ast.Constant):
                source = args[3] if len(args) > 3 else None
                text = None
                try:
                    text = ast.literal_eval(source) if source is not None else None
                except ValueError:
                    pass
                out.append((node.lineno, args[1].value, text))
    return out


def test_no_default_of_defaults_toml_is_twinned_in_python():
    """Every costing figure lives in defaults.toml only: no costing module writes an Assumption
    with a number, and no Python Assumption anywhere repeats the source of a defaults.toml entry."""
    from corridor.costing.params import defaults

    root = Path(corridor.__file__).parent
    sources = {defaults()[k].source for k in defaults().keys()}
    for path in sorted((root / "costing").glob("*.py")):
        assert not _assumption_literals(path), (path.name, _assumption_literals(path))
    for path in sorted(root.rglob("*.py")):
        for line, value, source in _assumption_literals(path):
            assert source not in sources, (f"{path.relative_to(root)}:{line}", value)


def test_changing_a_costing_default_does_not_change_the_network_fingerprint(tmp_path, monkeypatch):
    import shutil

    from corridor import network

    copy = tmp_path / "corridor"
    shutil.copytree(Path(corridor.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(network, "_package_root", lambda: copy)
    before = network.fingerprint.__wrapped__()
    toml = copy / "costing" / "defaults.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("value = 870.0", "value = 500.0"), encoding="utf-8")
    (copy / "costing" / "air.py").write_text("# changed\n", encoding="utf-8")
    assert network.fingerprint.__wrapped__() == before
    (copy / "air" / "model.py").write_text("# the air network's structure changed\n", encoding="utf-8")
    assert network.fingerprint.__wrapped__() != before  # the check can fail: structure is fingerprinted


def test_the_build_reads_no_costing_module():
    """What the offline build imports (its fingerprinted modules) loads no costing module, so
    no costing figure can shape the compiled network."""
    import subprocess
    import sys

    code = ("import importlib, sys\nfrom corridor import network\n"
            "for rel in network._FINGERPRINTED_MODULES:\n"
            "    importlib.import_module('corridor.' + rel[:-3].replace('/', '.'))\n"
            "print(sorted(m for m in sys.modules if m.startswith('corridor.costing.')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_an_air_factor_override_changes_an_air_route_without_a_rebuild(net):
    from corridor.network import load_network

    base = corridor.route("IST", "GYD", modes="air", cargo="passengers")  # check-in is a passenger's
    slow = corridor.route("IST", "GYD", modes="air", cargo="passengers",
                          costs={"air": {"cruise_speed": 400, "check_in": {"value": 3, "source": "my airline"}}})
    assert load_network(progress=False) is net  # same compiled network, nothing rebuilt
    flights = [leg for leg in slow.legs if leg.mode == "air"]
    assert flights
    for leg in flights:
        assert leg.duration_h == pytest.approx(0.5 + leg.distance_km / 400.0)
        speed = [a for a in leg.basis["duration_h"] if a.name == "air.cruise_speed"][0]
        assert speed.value == 400 and "user override" in speed.source
    km = sum(leg.distance_km for leg in flights)
    assert km == pytest.approx(sum(leg.distance_km for leg in base.legs if leg.mode == "air"))
    assert slow.duration_h == pytest.approx(base.duration_h + km * (1 / 400 - 1 / 870) + 1.0, rel=1e-6)
    listed = {a.name: a for a in slow.assumptions}
    assert listed["airport departure: check-in, security, boarding"].source == "my airline"


def test_a_passenger_fare_given_by_the_user_is_charged_per_air_journey():
    fare = corridor.route("IST", "GYD", modes="air", cargo="passengers", passengers=2,
                          costs={"air": {"passenger_fare": 150}})
    assert fare.cost_usd == pytest.approx(300 + sum(leg.cost_usd for leg in fare.legs if leg.mode != "air"))
    assert not any("leaves out the air fare" in n for n in fare.notes)
    free = corridor.route("IST", "GYD", modes="air", cargo="passengers", passengers=2)
    assert any("leaves out the air fare" in n for n in free.notes)


def test_bulk_is_priced_like_bulk_per_vessel_class():
    from corridor.costing.params import defaults

    params = defaults()
    # A Capesize ton-km costs a small fraction of a container ton-km (a TEU at 10 t)
    per_tonne_box = params.value("sea.rate.container") / params.value("cargo.tonnes_per_teu")
    assert params.value("sea.rate.bulk_capesize") < per_tonne_box / 10
    cape = corridor.route("BRTUB", "CNTAO", cargo="dry-bulk", tonnes=1, vessel_class="capesize")
    assert 20 <= cape.cost_usd <= 25  # Baltic C3 Tubarao-Qingdao, about $20-25/t
    assert cape.legs[0].basis["cost_usd"][0].name == "sea.rate.bulk_capesize"
    panamax = corridor.route("BRSSZ", "CNTAO", cargo="dry-bulk", tonnes=1)
    assert 30 <= panamax.cost_usd <= 40  # Panamax Brazil-North Asia grain, about $35/t
    assert cape.co2e_kg / cape.distance_km < panamax.co2e_kg / panamax.distance_km
    handy = corridor.route("BRSSZ", "CNTAO", cargo="dry-bulk", tonnes=1, vessel_class="handysize")
    assert handy.legs[0].basis["cost_usd"][0].name == "sea.rate.bulk"  # no class figure: the bulk rate
