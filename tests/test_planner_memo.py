"""What the planner keeps between calls (issue #17): a point's water connectors and truck nodes,
and the liner's sea hops, kept per network and value. A kept answer must be the one a fresh
computation gives, and nothing a caller or a later step edits may reach it."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import corridor
from corridor.costing.params import defaults
from corridor.engine import access as access_mod
from corridor.route import TransferKind
from corridor.snapping import water_connectors


def _port_point(net, code: str) -> tuple[float, float]:
    i = int(np.flatnonzero(np.asarray(net.port_code) == code)[0])
    return float(net.port_lat[i]), float(net.port_lon[i])


def test_a_kept_point_is_what_snapping_it_again_gives_and_cannot_be_edited(net):
    lat, lon = _port_point(net, "NLRTM")
    kept = access_mod._point_water(net, lon, lat)
    fresh = water_connectors(lon, lat, tree=net.tree, node_lon=net.node_lon, node_lat=net.node_lat,
                             joinable=net.node_joinable, mask=net.water)
    assert len(kept.nodes) and np.array_equal(kept.nodes, fresh.nodes) and np.array_equal(kept.km, fresh.km)
    assert kept.land_km == fresh.land_km
    assert access_mod._point_water(net, lon, lat) is kept
    assert not kept.nodes.flags.writeable and not kept.km.flags.writeable


def test_an_answer_through_kept_liner_hops_is_unchanged_by_edits_to_an_earlier_one(net):
    a, b = _port_point(net, "CNSHA"), _port_point(net, "NLRTM")
    first = corridor.route(a, b, modes="sea")
    assert any(leg.kind == TransferKind.TRANSSHIPMENT for leg in first.legs)  # sailed through a hub
    expected = copy.deepcopy(first.to_dict())  # to_dict shares the legs' lists
    for leg in first.legs:  # a caller editing its answer in place
        if leg.geometry and leg.geometry[0]:
            leg.geometry[0][0][0] += 1.0
        leg.passages.append("suez")
        leg.basis["extra"] = []
        leg.service = None
    again = corridor.route(a, b, modes="sea")
    assert again.to_dict() == expected
    round_africa = corridor.route(a, b, modes="sea", avoid="suez")  # other closures: its own hops, not these
    assert "suez" not in {p for leg in round_africa.legs for p in leg.passages} and "suez" in {
        p for leg in again.legs for p in leg.passages}
    assert round_africa.distance_km > again.distance_km


def test_a_liner_hop_shares_nothing_editable_with_its_kept_leg_and_keeps_its_bytes(net):
    from corridor import planner

    a, b = _port_point(net, "CNSHA"), _port_point(net, "NLRTM")
    kept = planner._kept(corridor.route(a, b, modes="sea", services="direct").legs[0])
    hop = planner._hop(kept)
    assert [planner._raw(part) for part in hop.geometry] == kept.geometry  # kept again as it was
    assert hop.to_dict() == planner._fresh(kept).to_dict()
    hop.passages.append("panama")
    hop.basis["extra"] = []
    hop.origin = b
    assert "panama" not in kept.passages and "extra" not in kept.basis and kept.origin != b
    assert not any(part.flags.writeable for part in hop.geometry)  # views of the kept bytes


def test_parameters_hash_by_value():
    base = defaults()
    same = base.override({}, "none")
    other = base.override({"dwell": {"port": 99.0}}, "test")
    assert same is not base and same == base and hash(same) == hash(base)
    assert other != base and hash(other) != hash(base)


def test_a_kept_sea_stretch_is_the_answer_the_request_by_request_path_gives(net):
    from corridor import planner

    a, b = _port_point(net, "CNSHA"), _port_point(net, "USNYC")
    planner._sea_stretch.cache_clear()
    kept = corridor.route(a, b, modes="sea")
    assert planner._sea_stretch.cache_len() == 1
    # a closed port far from the way makes the planner search and apply the liner request by request
    unkept = corridor.route(a, b, modes="sea", close_ports="FJSUV")
    assert planner._sea_stretch.cache_len() == 1
    assert [leg.to_dict() for leg in kept.legs] == [leg.to_dict() for leg in unkept.legs]
    assert [n for n in kept.notes if n.startswith("liner")] == [n for n in unkept.notes if n.startswith("liner")]


def test_a_kept_line_gives_the_border_notes_its_lists_give(net):
    from corridor import planner

    a, b = _port_point(net, "TRIST"), _port_point(net, "UAODS")  # a Black Sea coast with land borders near it
    route = corridor.route(a, b, modes="sea", services="direct")
    parts = route.geometry["coordinates"]
    assert parts and all(type(part) is planner._Line for part in parts)  # made from a kept stretch
    closed = frozenset(planner._closed_border_points(net))  # every border the network has, closed
    kept = planner._near_closed_kept(net, closed, tuple(part.raw for part in parts))
    listed = planner._near_closed(planner._closed_border_points(net),
                                  np.array([xy for part in parts for xy in map(list, part)], float), closed)
    assert kept and kept == listed
    as_lists = copy.deepcopy(route)  # plain lists: the notes read them point by point
    for leg in as_lists.legs:
        leg.geometry = [list(map(list, part)) for part in leg.geometry]
    planner._border_notes(route, net, closed)
    planner._border_notes(as_lists, net, closed)
    assert route.notes == as_lists.notes and route.restrictions == as_lists.restrictions
    assert any(n.startswith("closed borders near the route") for n in route.notes)


def test_a_request_answered_from_kept_legs_still_meets_its_deadline(net):
    from corridor import deadline

    a, b = _port_point(net, "SGSIN"), _port_point(net, "AEJEA")
    corridor.route(a, b, modes="sea")  # now kept
    with deadline.within(-1.0), pytest.raises(deadline.DeadlineExceeded):
        corridor.route(a, b, modes="sea")


def test_editing_an_answers_dictionary_leaves_the_route_and_the_next_answer_as_they_were(net):
    a, b = _port_point(net, "CNSHA"), _port_point(net, "NLRTM")
    route = corridor.route(a, b, modes="sea")
    d = route.to_dict()
    expected = copy.deepcopy(d)
    d["geometry"]["coordinates"][0][0][0] += 1.0
    d["geometry"]["coordinates"][0].append([0.0, 0.0])
    for leg in d["legs"]:
        leg["passages"].append("x")
        leg["passage_keys"].append("x")
    d["notes"].append("x")
    d["restrictions"]["modes"].append("x")
    d["restrictions"]["vessel"] = "x"
    d["cargo"]["kind"] = "x"
    d["objective"]["weights"]["x"] = 1.0
    d["network"]["sources"].append("x")
    assert route.to_dict() == expected
    assert corridor.route(a, b, modes="sea").to_dict() == expected


def test_a_kept_stop_is_not_edited_by_a_request_that_closes_one_of_its_ports(net):
    from corridor import planner

    before = corridor.route("PE", "CNSHA").to_dict()  # a country: its ports are the candidates
    port = before["legs"][0]["from_place"]["code"]
    closed = corridor.route("PE", "CNSHA", close_ports=port)
    assert port and closed.legs[0].origin.code != port
    assert corridor.route("PE", "CNSHA").to_dict() == before
    assert planner._joined.cache_len() > 0


def test_a_repeated_surface_request_is_answered_from_its_kept_legs(monkeypatch):
    """A request that is not sea-only keeps its legs by value: asked again it does not search,
    answers the same, and an answer edited by its caller does not change the next one."""
    from corridor import planner

    planner.forget_kept_legs()
    surface = ["sea", "rail", "road", "ferry"]
    first = corridor.route((40.18, 44.51), (41.72, 44.79), modes=surface)  # Yerevan -> Tbilisi
    searched = []
    monkeypatch.setattr(planner, "_search", lambda *a: searched.append(1))
    first.legs[0].geometry[0][0][0] = 0.0
    first.legs[0].passages.append("suez")
    again = corridor.route((40.18, 44.51), (41.72, 44.79), modes=surface)
    assert not searched and planner._stretches.cache_len() == 1
    planner.forget_kept_legs()
    monkeypatch.undo()
    fresh = corridor.route((40.18, 44.51), (41.72, 44.79), modes=surface)
    assert again.to_dict() == fresh.to_dict() and again.legs[0].geometry[0][0][0] != 0.0


def test_a_repeated_sea_request_is_answered_whole_from_its_kept_answer(net, monkeypatch):
    """A sea-only request keeps its whole answer by value: asked again it neither costs nor
    notes its legs, answers what planning it again gives, and an answer its caller edited in
    place (legs, notes, restrictions, network, cargo, objective) does not change the next one."""
    from corridor import planner

    a, b = _port_point(net, "CNSHA"), _port_point(net, "NLRTM")
    planner.forget_kept_legs()
    first = corridor.route(a, b, modes="sea")
    expected = copy.deepcopy(first.to_dict())
    first.legs[0].geometry[0][0][0] += 1.0
    first.legs[0].basis["duration_h"].append("x")
    first.notes.append("x")
    first.restrictions["closed"][0]["why"] = "x"
    first.network["sources"].append("x")
    first.cargo["kind"] = "x"
    first.objective["weights"]["x"] = 1.0
    annotated = []
    monkeypatch.setattr(planner, "annotate", lambda *a: annotated.append(1))
    again = corridor.route(a, b, modes="sea")
    assert not annotated and planner._sea_answer.cache_len() == 1
    assert again.to_dict() == expected
    planner.forget_kept_legs()
    monkeypatch.undo()
    assert corridor.route(a, b, modes="sea").to_dict() == expected


def test_only_a_sea_only_request_of_values_keeps_its_whole_answer(net):
    """Land modes, alternatives and a costs table given as a dict are planned each time (the
    kept legs may still serve them); a port-to-port request with no modes is sea-only."""
    from corridor import planner

    planner.forget_kept_legs()
    corridor.route((40.18, 44.51), (41.72, 44.79), modes="sea,rail,road,ferry")  # Yerevan -> Tbilisi
    corridor.route("CNSHA", "NLRTM", modes="sea", alternatives=1)
    corridor.route("CNSHA", "NLRTM", modes="sea", costs={"sea": {"speed": {"container": {"value": 12.0}}}})
    assert planner._sea_answer.cache_len() == 0
    corridor.route("CNSHA", "NLRTM")
    assert planner._sea_answer.cache_len() == 1
