"""Non-default requests' tail (issue #17, round 4): a land draft's geometry stays arrays until the
route is answered (a transit policy's free route is summed, then dropped); a request answered
from kept legs counts for its metric's hierarchy as a search on A* does, and kept A* legs give
way to the hierarchy once it has come; a new metric's hierarchy lookup reuses its layer's edges.
Cheap: two short land requests on the session network and one lookup."""

from __future__ import annotations

import json

import numpy as np
import pytest

import corridor
from corridor import planner, transit_policy
from corridor.engine import hierarchies as H
from corridor.engine import search
from corridor.engine import wanted as W

LAND = ["rail", "road", "ferry"]
YEREVAN, TBILISI = (40.18, 44.51), (41.72, 44.79)


@pytest.fixture(autouse=True)
def no_default_policy_file(monkeypatch, tmp_path):
    """The shipped policy table only, whatever policy file the machine has."""
    monkeypatch.delenv(transit_policy.POLICY_ENV, raising=False)
    monkeypatch.setattr("platformdirs.user_config_dir", lambda *a, **k: str(tmp_path / "config"))


def test_drafts_listed_when_answered_give_the_answer_lists_from_the_start_give(net, monkeypatch):
    """Warsaw to Almaty by land: the free route (through Belarus and Russia, avoided by default)
    is a draft only summed; the answer and its note on the free route are the same JSON as when
    every draft's geometry was lists at once, and each answered part is a list of [lon, lat] lists."""
    options = dict(modes=LAND)
    planner.forget_kept_legs()
    now = corridor.route("Warsaw", "Almaty", **options)
    assert now.restrictions["transit_policy"]["crossed_without_policy"] == ["BY", "RU"]
    parts = now.geometry["coordinates"]
    assert parts and all(type(p) is planner._Line and all(type(xy) is list and len(xy) == 2 for xy in p)
                         for p in parts)
    listed = []
    monkeypatch.setattr(planner, "_hop", lambda leg: listed.append(1) or planner._fresh(leg))
    planner.forget_kept_legs()
    then = corridor.route("Warsaw", "Almaty", **options)
    assert listed  # every draft made its lists at once
    assert json.dumps(now.to_dict(), sort_keys=True) == json.dumps(then.to_dict(), sort_keys=True)


@pytest.fixture
def on_astar(tmp_path, monkeypatch):
    """Searches on A* (no hierarchy found), metrics counted afresh into a file of this test."""
    monkeypatch.setattr(W, "FILE", str(tmp_path / "wanted.jsonl"))
    monkeypatch.setattr(W, "_SEEN", W.Counter())
    monkeypatch.setenv(W.RECORD_ENV, "1")
    monkeypatch.setenv(H.BACKGROUND_ENV, "0")
    monkeypatch.delenv("CORRIDOR_NO_CH", raising=False)
    monkeypatch.setattr(search, "cached_hierarchy", lambda *a: None)
    # and none has come since, whatever the cache holds (an earlier test may have built the metric's)
    monkeypatch.setattr(W, "cached_hierarchy", lambda *a: None)
    planner.forget_kept_legs()
    yield tmp_path / "wanted.jsonl"
    planner.forget_kept_legs()  # kept A* legs must not answer later tests


def test_a_request_answered_from_kept_legs_counts_for_its_metric(net, on_astar):
    """The same dry-bulk request four times: one A* search, three kept answers, and the metric is
    counted four times (written at the 1st, 2nd and 4th, as for searches)."""
    noted = W.noted()
    first = corridor.route(YEREVAN, TBILISI, modes=LAND, cargo="dry-bulk", tonnes=20000)
    assert W.noted() == noted + 1  # one search, on A*
    for _ in range(3):
        assert corridor.route(YEREVAN, TBILISI, modes=LAND, cargo="dry-bulk", tonnes=20000).totals() == first.totals()
    assert W.noted() == noted + 1  # the repeats did not search
    assert [n for n, r in W.wanted(on_astar.parent) if r["cargo"][0] == "dry-bulk"] == [4]


def test_kept_astar_legs_give_way_once_their_hierarchy_has_come(net, on_astar, monkeypatch):
    """A kept A* answer is dropped once its metric's hierarchy is found (another process would
    answer with the hierarchy's path, which may differ among equal-cost ones): the repeat
    searches again; while none has come, it does not."""
    first = corridor.route(YEREVAN, TBILISI, modes=LAND, cargo="dry-bulk", tonnes=20000)
    noted = W.noted()
    corridor.route(YEREVAN, TBILISI, modes=LAND, cargo="dry-bulk", tonnes=20000)
    assert W.noted() == noted
    monkeypatch.setattr(W, "cached_hierarchy", lambda *a: object())  # the background build wrote it
    again = corridor.route(YEREVAN, TBILISI, modes=LAND, cargo="dry-bulk", tonnes=20000)
    assert W.noted() == noted + 1  # searched again (on A* here: the search's own look-up still misses)
    assert again.totals() == pytest.approx(first.totals())


def test_a_kept_sea_answer_found_on_astar_counts_and_gives_way(net, on_astar, monkeypatch):
    """A sea-only request at a non-default speed, asked again: its answer found on A* is not
    kept whole, its kept stretches count for the metric, and they give way to the hierarchy once
    it has come (as land requests' kept legs do)."""
    first = corridor.route("PECHY", "CNSHA", modes=["sea"], speed_kn=13.5)
    noted = W.noted()
    assert corridor.route("PECHY", "CNSHA", modes=["sea"], speed_kn=13.5).totals() == first.totals()
    assert W.noted() == noted  # kept stretches: no search
    assert [n for n, r in W.wanted(on_astar.parent) if r["sea_speed"][1] == 13.5] == [2]
    monkeypatch.setattr(W, "cached_hierarchy", lambda *a: object())  # the background build wrote it
    again = corridor.route("PECHY", "CNSHA", modes=["sea"], speed_kn=13.5)
    assert W.noted() == noted + 1  # searched again (on A* here: the search's own look-up still misses)
    assert again.totals() == pytest.approx(first.totals())


def test_a_new_metrics_lookup_hashes_the_layers_kept_edges(net):
    """The edges a lookup hashes are the layer's (as a build takes them), kept read-only per
    network, layer and closed passages."""
    for layer in ("sea", "all"):
        ids = H._open_edge_ids(net, layer, 0)
        assert not ids.flags.writeable and ids is H._open_edge_ids(net, layer, 0)
        assert np.array_equal(ids, H._layer(net, layer, 0, net.edge_km)[4])
