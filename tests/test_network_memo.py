"""Per-network caches key on the network's value, and mode sets share their prices (issues #15, #17)."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import numpy as np

from corridor import modes as M
from corridor.costing.cargo import make_cargo
from corridor.costing.profile import Profile, _priced, edge_weights
from corridor.network import Network
from corridor.network_memo import network_key, per_network


class _Folder:
    """What the caches read of a network to key it: its folder and manifest."""

    def __init__(self, path, manifest, **overlay):
        self.path, self.manifest = Path(path), manifest
        self.__dict__.update(overlay)


def test_a_reloaded_network_shares_the_cached_weights_and_is_not_kept_alive(net):
    again = Network(net.path)
    profile = Profile(frozenset({"sea", "rail"}))
    assert edge_weights(again, profile) is edge_weights(net, profile)  # computed once, by whichever asks first
    gone = weakref.ref(again)
    del again
    gc.collect()
    assert gone() is None


def test_mode_sets_share_one_pricing_and_only_shut_edges(net):
    sea, land = Profile(frozenset({"sea"})), Profile(frozenset({"rail", "road"}))
    a, b = edge_weights(net, sea), edge_weights(net, land)
    assert a.usd is b.usd and a.co2e_ttw_kg is b.co2e_ttw_kg and a.border_wait_h is b.border_wait_h
    both = np.isfinite(a.hours) & np.isfinite(b.hours)
    assert np.array_equal(a.hours[both], b.hours[both])
    assert np.isinf(a.hours[net.edge_mode == M.ROAD]).all() and np.isfinite(b.hours[net.edge_mode == M.ROAD]).any()
    assert a.hours_per_km != b.hours_per_km  # each bound from its own modes' fastest edges


def test_a_sea_request_prices_only_sea_edges_and_later_modes_price_as_if_at_once(net):
    cargo = make_cargo("general", tonnes=1234.0)  # a pricing no other test asks for first
    sea, surface = Profile(frozenset({"sea"}), cargo=cargo), Profile(frozenset(M.SURFACE), cargo=cargo)
    a = edge_weights(net, sea)
    land = np.isin(net.edge_mode, [M.ROAD, M.RAIL, M.TRANSFER])
    assert not a.usd[land].any() and not a.border_wait_h.any()  # nothing on land priced for a sea route
    b = edge_weights(net, surface)
    assert a.usd is b.usd and a.usd[land].any() and b.border_wait_h.any()  # priced into the shared arrays
    at_once = _priced.__wrapped__(net, cargo, surface.in_force).weights(net, surface)  # uncached: all modes first
    for name in ("hours", "border_wait_h", "usd", "co2e_ttw_kg", "co2e_wtt_kg", "border_usd", "border_co2e_kg"):
        assert getattr(at_once, name).tobytes() == getattr(b, name).tobytes(), name
    assert at_once.hours_per_km == b.hours_per_km


def test_a_different_network_computes_again(tmp_path):
    calls = []

    @per_network(maxsize=4)
    def count(net):
        calls.append(net)
        return len(calls)

    built = {"fingerprint": "abc", "built_at": "2026-01-01T00:00:00Z"}
    first = _Folder(tmp_path / "network", built)
    assert count(first) == count(_Folder(tmp_path / "network", dict(built))) == 1  # same folder, same files
    assert count(_Folder(tmp_path / "." / "network", built)) == 1  # the same folder spelt another way
    assert count(_Folder(tmp_path / "other", built)) == 2
    assert count(_Folder(tmp_path / "network", {**built, "built_at": "2026-02-01T00:00:00Z"})) == 3  # rebuilt
    overlay = _Folder(first.path, built, air_base=first, air_which="sourced", air_import=None)
    assert count(overlay) == 4  # the same folder with flights added
    assert network_key(overlay) != network_key(_Folder(first.path, built, air_base=first, air_which="modelled",
                                                       air_import=None))
