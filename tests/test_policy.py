"""The transit risk policy: the table, flags on crossed countries, policy tables and files."""

from __future__ import annotations

import os

import pycountry
import pytest

import corridor
from corridor import transit_policy
from corridor.errors import BadInput
from corridor.request import RouteRequest

LAND = "rail,road,ferry"


@pytest.fixture(autouse=True)
def no_default_policy_file(monkeypatch, tmp_path):
    """Tests see the shipped table only, whatever policy file the machine has."""
    monkeypatch.delenv(transit_policy.POLICY_ENV, raising=False)
    monkeypatch.setattr("platformdirs.user_config_dir", lambda *a, **k: str(tmp_path / "config"))


def test_the_table_is_valid_and_sourced():
    rows = transit_policy.table()
    iso = {c.alpha_2 for c in pycountry.countries}
    for code, row in rows.items():
        assert code in iso and row.category in transit_policy.CATEGORIES and row.category != "user"
        assert row.action in transit_policy.ACTIONS
        assert row.why.strip() and row.measure.strip() and row.source.strip() and row.source_date[:4].isdigit()
    assert {"RU", "BY"} <= set(transit_policy.restrictions())
    assert {"RU", "BY", "IR", "SY", "AF", "YE", "SD", "SS", "LY", "MM", "KP", "UA", "VE", "IQ"} <= set(rows)
    left_out = transit_policy.not_listed()
    assert left_out and all(r["country"] in iso and r["reason"].strip() and r["source"].strip() for r in left_out)
    assert not {r["country"] for r in left_out} & set(rows)


def test_a_route_through_a_flagged_country_says_so():
    r = corridor.route("Baku", "Muscat", modes=LAND)
    crossed = transit_policy.countries_crossed(r)
    flagged = {c for c, row in transit_policy.table().items() if row.action == "flag"}
    assert "IR" in crossed and "IR" in flagged
    entries = {e["country"]: e for e in r.restrictions["transit_risk"]}
    assert set(entries) == (crossed & set(transit_policy.table())) - {"AZ", "OM"}
    assert entries["IR"]["category"] == "sanctions" and entries["IR"]["source"]
    note = [n for n in r.notes if n.startswith("crosses Iran")]
    assert len(note) == 1 and "sanctions" in note[0] and entries["IR"]["source"] in note[0]
    assert r.to_dict()["restrictions"]["transit_risk"] == r.restrictions["transit_risk"]
    assert "transit_policy" not in r.restrictions and "policy_files" not in r.restrictions


def test_a_stop_in_a_flagged_country_is_not_flagged():
    r = corridor.route("Turkmenbashi", "Bandar Abbas", modes=LAND)
    assert r.destination.country == "IR"
    assert not any(e["country"] == "IR" for e in r.restrictions.get("transit_risk", []))


def test_a_policy_that_avoids_iran_reroutes_and_says_so():
    free = corridor.route("Baku", "Muscat", modes=LAND)
    strict = corridor.route("Baku", "Muscat", modes=LAND, policy={"countries": {"IR": "avoid"}})
    assert "IR" in transit_policy.countries_crossed(free)
    assert "IR" not in transit_policy.countries_crossed(strict)
    entry = strict.restrictions["transit_policy"]
    assert entry["crossed_without_policy"] == ["IR"] and entry["lift_with"] == "--allow-countries IR"
    assert entry["route_without_policy"]["borders"] == free.borders
    assert entry["why"][0]["set_by"] == "option policy"
    assert strict.restrictions["policy_files"] == ["option policy"]
    assert any(n.startswith("transit through Iran avoided by your policy") for n in strict.notes)


def test_a_policy_file_read_by_default_is_named_and_allow_lifts_the_default(tmp_path, monkeypatch):
    path = tmp_path / "policy.toml"
    path.write_text('[countries]\nRU = "allow"\n', encoding="utf-8")
    monkeypatch.setenv(transit_policy.POLICY_ENV, str(path))
    r = corridor.route("Xi'an", "Baku", modes="rail,ferry")
    assert any(b.startswith("KZ–RU") for b in r.borders) and "transit_policy" not in r.restrictions
    assert r.restrictions["policy_files"] == [str(path)]
    ru = [e for e in r.restrictions["transit_risk"] if e["country"] == "RU"]
    assert ru and ru[0]["action"] == "allow" and ru[0]["set_by"] == str(path)


def test_the_policy_option_takes_a_file_and_replace_drops_the_table(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('replace = true\n[countries.IR]\naction = "flag"\n', encoding="utf-8")
    policy = transit_policy.load(RouteRequest.make(origin="Baku", destination="Muscat", policy=str(path)).policy)
    assert set(policy.rows) == {"IR"} and policy.files == (str(path),)
    assert policy.rows["IR"].category == "sanctions"  # kept from the table row it changes
    assert policy.avoided() == frozenset()


@pytest.mark.parametrize("table, problem", [
    ({"countries": {"IR": "forbid"}}, "action 'forbid'"),
    ({"countries": {"IR": {"action": "avoid", "category": "risky"}}}, "category 'risky'"),
    ({"countries": {"QQ": "avoid"}}, "QQ is not an ISO 3166"),
    ({"countries": {"Iran": "avoid"}}, "ISO 3166 alpha-2"),
    ({"countries": ["IR"]}, "countries is a table"),
    ({"countries": {"IR": 3}}, "countries.IR is int"),
    ({"countries": {"IR": {"category": "sanctions"}}}, "no action"),
    ({"country": {"IR": "avoid"}}, "unknown key country"),
    ({"replace": "yes"}, "replace is true or false"),
])
def test_a_bad_policy_is_refused_by_name(table, problem):
    with pytest.raises(BadInput) as e:
        corridor.route("Baku", "Muscat", modes=LAND, policy=table)
    assert problem in str(e.value) and "option policy" in str(e.value)


def test_a_bad_policy_file_is_refused_naming_the_file(tmp_path, monkeypatch):
    path = tmp_path / "policy.toml"
    path.write_text('[countries]\nIR = "avoid"\nSY = "banned"\n', encoding="utf-8")
    with pytest.raises(BadInput, match=r"policy\.toml: SY has action 'banned'"):
        corridor.route("Baku", "Muscat", modes=LAND, policy=str(path))
    monkeypatch.setenv(transit_policy.POLICY_ENV, str(tmp_path / "missing.toml"))
    with pytest.raises(BadInput, match="CORRIDOR_POLICY=.*missing.toml: no such policy file"):
        corridor.route("Baku", "Muscat", modes=LAND)


def test_the_default_policy_file_is_read_again_when_it_changes(tmp_path):
    """A long-running server keeps the parsed policy per file version: one created, edited or
    removed while it runs is what its next request gets."""
    path = tmp_path / "config" / "policy.toml"
    assert transit_policy.load().files == () and transit_policy.load().rows["RU"].action == "avoid"
    path.parent.mkdir()
    path.write_text('[countries]\nRU = "flag"\n', encoding="utf-8")
    assert transit_policy.load().rows["RU"].action == "flag" and transit_policy.load().files == (str(path),)
    path.write_text('[countries]\nRU = "allow"\nIR = "flag"\n', encoding="utf-8")
    assert transit_policy.load().rows["RU"].action == "allow"
    assert transit_policy.load(allow_countries=("IR",)).rows["IR"].action == "allow"
    path.unlink()
    assert transit_policy.load().rows["RU"].action == "avoid" and transit_policy.load().files == ()


def test_an_edit_within_one_clock_tick_is_read(tmp_path):
    """An edit that keeps the file's inode, size and modification time (two writes within one
    tick of the kernel's file clock, made certain here by setting the time back) is still seen:
    a recent file's version includes its bytes."""
    path = tmp_path / "config" / "policy.toml"
    path.parent.mkdir()
    path.write_text('[countries]\nRU = "flag"\n', encoding="utf-8")
    stamp = path.stat().st_mtime_ns
    assert transit_policy.load().rows["RU"].action == "flag"
    with open(path, "r+", encoding="utf-8") as f:  # in place: the same inode
        f.write('[countries]\nIR = "flag"\n')
    os.utime(path, ns=(stamp, stamp))
    assert path.stat().st_size == len('[countries]\nRU = "flag"\n')
    rows = transit_policy.load().rows
    assert rows["RU"].action == "avoid" and rows["IR"].action == "flag"
