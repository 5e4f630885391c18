"""The caches derived from a network are keyed by values (the network's folder and manifest,
the request parameters that made a weight array), never by object ids: two objects of equal
value share one entry, and distinct values never do."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from corridor.engine import hierarchies as H


def _twin(net):
    """Another object of the same value: the same folder and manifest, the same arrays."""
    return copy.copy(net)


def test_the_snap_tree_is_shared_by_equal_networks(net):
    from corridor.search_ch import _snap_tree

    tree, ids = _snap_tree(net)
    assert _snap_tree(_twin(net))[0] is tree
    assert np.all(net.node_joinable[ids])


def test_the_air_index_is_shared_by_equal_networks_and_their_overlays(net):
    from corridor.air.overlay import air_index, air_network

    idx = air_index(net)
    assert air_index(_twin(net)) is idx
    assert air_index(air_network(net, "sourced")) is idx


def test_an_overlay_is_made_once_per_network_value_and_choice(net):
    from corridor.air.overlay import air_network

    sourced = air_network(net, "sourced")
    assert air_network(_twin(net), "sourced") is sourced
    modelled = air_network(net, "modelled")
    assert modelled is not sourced and modelled.air_which == "modelled"
    assert air_network(sourced, "sourced") is sourced  # an overlay's base decides


@pytest.fixture(scope="module")
def profile():
    from corridor.costing import params as params_mod
    from corridor.costing import sea as sea_costing
    from corridor.costing.cargo import make_cargo
    from corridor.costing.profile import Profile
    from corridor.modes import SURFACE

    cargo, params = make_cargo(None), params_mod.load(None)
    return Profile(frozenset(SURFACE), sea_costing.speed(None, cargo, params), cargo, params)


def test_equal_requests_on_equal_networks_share_one_weight_array(net, profile):
    from corridor.engine.restrictions import Ctx

    a, b = Ctx(net, profile), Ctx(_twin(net), profile)
    assert a.weight()[0] is b.weight()[0] and a.weight_key() == b.weight_key()
    closed = a.replace(countries=frozenset({"IR"}))
    assert closed.weight_key() != a.weight_key()
    assert np.isinf(closed.weight()[0]).sum() > np.isinf(a.weight()[0]).sum()


def test_cached_hierarchy_keys_arrays_by_value(net, monkeypatch):
    """Equal arrays (another object, another network object of the same value) find the entry
    made for the first; a different array or key does not."""
    asked = []
    monkeypatch.setattr(H, "hierarchy", lambda n, layer, blocked, w, **kw: asked.append(w.copy()))
    monkeypatch.setattr(H, "_BY_ARRAY", {})
    monkeypatch.delenv("CORRIDOR_NO_CH", raising=False)
    monkeypatch.setenv(H.BACKGROUND_ENV, "0")
    w = np.arange(5.0)
    w.flags.writeable = False
    same = w.copy()
    same.flags.writeable = False
    H.cached_hierarchy(net, "all", w, 0)
    H.cached_hierarchy(_twin(net), "all", same, 0)
    assert len(asked) == 1
    other = w + 1
    other.flags.writeable = False
    H.cached_hierarchy(net, "all", other, 0)
    assert len(asked) == 2 and np.array_equal(asked[1], other)
    H.cached_hierarchy(net, "all", w, 0, ("a request", 1))  # a caller's key names the value
    H.cached_hierarchy(net, "all", other, 0, ("a request", 1))
    assert len(asked) == 3
