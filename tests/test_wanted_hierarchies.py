"""Hierarchies for the metrics requests ask for (corridor.engine.wanted, corridor.wanted_hierarchies):
a search on A* records its metric by value, a fresh process makes the very same weights from
the record, the build (most requested first, within the cap) writes hierarchies the searches
then find and that answer as A* does. Cheap: the builds contract the sea layer of a bounded
region (the northern Aegean and the Sea of Marmara, some 300 sea nodes) of the session network, not the world."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest

from corridor.cache_clean import find_unused, speed_ups
from corridor.costing import params as params_mod
from corridor.costing import sea as sea_costing
from corridor.costing.cargo import make_cargo
from corridor.costing.profile import Profile
from corridor.data import passages as P
from corridor.engine import hierarchies as H
from corridor.engine import search
from corridor.engine import wanted as W
from corridor.engine.restrictions import Ctx, blocked_mask
from corridor.geo import to_unit_vectors
from corridor.hierarchy_integrity import damaged_speed_ups, record_of
from corridor.search import shortest_path
from corridor.search_ch import ch_shortest_path
from corridor.wanted_hierarchies import build_wanted


def _sha(weight: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(weight).tobytes()).hexdigest()


@pytest.fixture
def record_to(tmp_path, monkeypatch):
    """Metrics recorded into a file of this test (not the session network's folder), counted afresh."""
    monkeypatch.setattr(W, "FILE", str(tmp_path / "wanted.jsonl"))  # absolute: wins over the folder
    monkeypatch.setattr(W, "_SEEN", W.Counter())
    monkeypatch.setenv(W.RECORD_ENV, "1")
    monkeypatch.setenv(H.BACKGROUND_ENV, "0")
    monkeypatch.delenv("CORRIDOR_NO_CH", raising=False)
    return tmp_path / "wanted.jsonl"


def test_a_routes_metric_is_rebuilt_byte_for_byte_in_a_fresh_process(net, record_to, monkeypatch):
    """Dry bulk and a CO2e objective over the surface modes: the record a route's A* leaves gives
    another process exactly the weights that search used."""
    import corridor
    from corridor import planner

    used = {}
    note = W.note

    def spy(ctx, layer, blocked):
        used[(ctx.profile.cargo.kind, tuple(ctx.objective))] = (_sha(ctx.weight()[0]), layer, blocked)
        note(ctx, layer, blocked)

    monkeypatch.setattr(search, "cached_hierarchy", lambda *a: None)  # A* even where a hierarchy is built
    monkeypatch.setattr(W, "note", spy)
    surface = ["sea", "rail", "road", "ferry"]
    planner.forget_kept_legs()  # a request asked earlier in the session would not search
    corridor.route((40.18, 44.51), (41.72, 44.79), modes=surface, cargo="dry-bulk", tonnes=20000)
    corridor.route((40.18, 44.51), (41.72, 44.79), modes=surface, optimize="co2")
    records = [r for _, r in W.wanted(net.path)]
    assert {("dry-bulk", ("time",)), ("container", ("co2",))} <= set(used) and len(records) == len(used)
    code = ("import hashlib, json, sys, numpy as np; from corridor.network import load_network; "
            "from corridor.engine.wanted import ctx_of; net = load_network(progress=False); "
            "out = [(lambda c: [hashlib.sha256(np.ascontiguousarray(c[0].weight()[0]).tobytes()).hexdigest(), "
            "c[1], c[2]])(ctx_of(net, r)) for r in json.load(sys.stdin)]; print(json.dumps(out))")
    proc = subprocess.run([sys.executable, "-c", code], input=json.dumps(records), capture_output=True, text=True,
                          env=dict(os.environ), timeout=300, check=True)
    assert sorted(map(tuple, json.loads(proc.stdout))) == sorted(used.values())


class _Region:
    """The session network with its sea layer cut to a box (edges with both ends inside), in a
    folder of its own: hierarchies of its sea layer take a second to build."""

    def __init__(self, net, path, lon=(24.0, 30.0), lat=(38.0, 41.5)):
        self._net, self.path, self.manifest = net, path, {"region": [lon, lat]}
        indptr, head, edge = net.sea_csr
        n = int(net.n_sea_nodes)
        x, y = np.asarray(net.node_lon[:n]), np.asarray(net.node_lat[:n])
        inside = (x >= lon[0]) & (x <= lon[1]) & (y >= lat[0]) & (y <= lat[1])
        tail = np.repeat(np.arange(n), np.diff(indptr[:n + 1]))
        keep = inside[tail] & inside[head]
        self.sea_csr = (np.r_[0, np.cumsum(np.bincount(tail[keep], minlength=n))].astype(indptr.dtype),
                        head[keep], edge[keep])
        # the sea layer's edges as the hierarchies read them (engine.hierarchies._layer): the box's
        self.csr_indptr, self.csr_head, self.csr_edge = self.sea_csr
        self.inside = np.flatnonzero(inside & (np.diff(self.sea_csr[0]) > 0))

    def __getattr__(self, name):
        return getattr(self._net, name)


def _sea_ctx(region, cargo=None, objective=None) -> tuple[Ctx, int]:
    """A sea-only search setting as the planner makes it, and its closed passages."""
    cargo, params = make_cargo(**(cargo or {})), params_mod.load(None)
    profile = Profile(frozenset({"sea"}), sea_costing.speed(None, cargo, params), cargo, params)
    blocked = blocked_mask([], [], "seagoing") | P.mask_of(set(cargo.closed_passages()))
    return Ctx(region, profile, objective or {"time": 1.0}), blocked


def test_wanted_metrics_get_hierarchies_that_answer_as_astar(net, record_to, tmp_path):
    """The most requested first, within the cap (metrics, then bytes); the searches then find them
    by their weights, the integrity check accepts them, --clean keeps them, and every cost
    equals A*'s."""
    folder = tmp_path / "network-0123456789abcdef"
    folder.mkdir()
    region = _Region(net, folder)
    bulk, co2 = _sea_ctx(region, {"kind": "dry-bulk", "tonnes": 20000}), _sea_ctx(region, objective={"co2": 1.0})
    bulk_30kt = _sea_ctx(region, {"kind": "dry-bulk", "tonnes": 30000})  # the same hours: the same hierarchy
    assert _sha(bulk_30kt[0].weight()[0]) == _sha(bulk[0].weight()[0])
    for ctx, blocked in (bulk, bulk, bulk, bulk, bulk_30kt, bulk_30kt, co2):
        W.note(ctx, "sea", blocked)
    assert [n for n, _ in W.wanted(folder)] == [4, 2, 1]

    stale = folder / "ch-all-2-00000000-e000-0123456789ab.npz"  # an older construction code's: unused
    with open(stale, "wb") as f:
        f.truncate(2 ** 30)  # (sparse) larger than the whole budget, which it must not take
    assert len(build_wanted(region, most=1, progress=False)) == 1  # the dry bulk, asked four times
    stale.unlink()
    (first,) = folder.glob("ch-sea-*.npz")
    assert H.cached_hierarchy(region, "sea", bulk[0].weight()[0], bulk[1], bulk[0].weight_key()) is not None
    assert build_wanted(region, max_bytes=first.stat().st_size, progress=False)[1:] == []  # no room for a second
    assert len(build_wanted(region, most=2, progress=False)) == 2  # the 30,000 t takes no second place
    assert len(list(folder.glob("ch-sea-*.npz"))) == 2
    assert damaged_speed_ups(folder) == (2, {})
    assert not [p for p in speed_ups(folder)[1]] and not find_unused(tmp_path, folder)[0]

    rng, answered = np.random.default_rng(17), 0
    for ctx, blocked in (bulk, co2):
        weight, bound = ctx.weight()
        h = H.cached_hierarchy(region, "sea", weight, blocked, ctx.weight_key())
        assert h is not None and h.path.parent == folder
        for a, b in rng.choice(region.inside, (12, 2)):
            src, dst, zero = np.array([a]), np.array([b]), np.zeros(1)
            fast = ch_shortest_path(h, src, zero, dst, zero)
            slow = shortest_path(region, src, zero, dst, zero,
                                 to_unit_vectors([region.node_lon[b]], [region.node_lat[b]]), blocked=blocked,
                                 weight=weight, cost_per_km=bound, landmarks="sea", graph=region.sea_csr)
            assert (fast is None) == (slow is None)
            if slow is not None:
                assert fast.cost == pytest.approx(slow.cost, rel=1e-9, abs=1e-9)
                answered += 1
    assert answered >= 20


def test_nothing_is_recorded_or_built_with_the_background_build_off(net, tmp_path, monkeypatch, capsys):
    """CORRIDOR_BACKGROUND_BUILD=0: no record, no process. On: one record and one build asked
    for per new metric in a process, said on stderr; a repeat is counted, not written."""
    folder = tmp_path / "network-0123456789abcdef"
    folder.mkdir()
    region = _Region(net, folder)
    spawned = []
    monkeypatch.setattr(subprocess, "Popen", lambda cmd, **kw: spawned.append(cmd))
    monkeypatch.setattr(W, "_SEEN", W.Counter())
    monkeypatch.delenv(W.RECORD_ENV, raising=False)
    monkeypatch.delenv("CORRIDOR_NO_CH", raising=False)
    ctx, blocked = _sea_ctx(region, objective={"co2": 1.0})
    monkeypatch.setenv(H.BACKGROUND_ENV, "0")
    W.note(ctx, "sea", blocked)
    assert not (folder / W.FILE).exists() and spawned == []

    monkeypatch.setenv(H.BACKGROUND_ENV, "1")
    for _ in range(3):
        W.note(ctx, "sea", blocked)
    assert len(spawned) == 1 and spawned[0][1:4] == ["-m", "corridor.default_hierarchies", "--background"]
    assert "being built in the background" in capsys.readouterr().err
    assert [n for n, _ in W.wanted(folder)] == [2]  # lines at the 1st and 2nd request; the 3rd waits for the 4th
    mixed, _ = _sea_ctx(region, objective={"co2": 1.0, "cost": 1.0})
    mixed.refs = {"co2": 5.0, "cost": 7.0}  # scaled per pair of places: never asked twice
    W.note(mixed, "sea", blocked)
    assert len(W.wanted(folder)) == 1 and len(spawned) == 1


class _Builder:
    """A started builder process, running until ``done``."""

    def __init__(self, cmd):
        self.cmd, self.done = cmd, False

    def poll(self):
        return 0 if self.done else None


def test_one_builder_at_a_time_takes_every_new_metric(net, tmp_path, monkeypatch, capsys):
    """New metrics while the builder this process started still runs (it waits for this process
    to end, without the build lock): no second builder, and one line on stderr a process; once it
    has ended, the next new metric starts another."""
    folder = tmp_path / "network-0123456789abcdef"
    folder.mkdir()
    region = _Region(net, folder)
    builders = []
    monkeypatch.setattr(subprocess, "Popen", lambda cmd, **kw: builders.append(_Builder(cmd)) or builders[-1])
    for name, value in (("_SEEN", W.Counter()), ("_BUILDERS", {}), ("_WANTED_SAID", set())):
        monkeypatch.setattr(W if name == "_SEEN" else H, name, value)
    monkeypatch.delenv("CORRIDOR_NO_CH", raising=False)
    monkeypatch.setenv(H.BACKGROUND_ENV, "1")
    capsys.readouterr()
    for cargo in ({"teu": 2}, {"teu": 3}, {"teu": 4}):
        W.note(_sea_ctx(region, cargo=cargo)[0], "sea", _sea_ctx(region)[1])
    assert len(builders) == 1 and len(W.wanted(folder)) == 3
    assert capsys.readouterr().err.count("being built in the background") == 1
    builders[0].done = True
    W.note(_sea_ctx(region, cargo={"teu": 5})[0], "sea", _sea_ctx(region)[1])
    assert len(builders) == 2 and capsys.readouterr().err == ""


def test_a_miss_is_looked_up_again_once_the_folder_changed(tmp_path, monkeypatch):
    """A server switches to a metric's hierarchy once the background build wrote it: the miss is
    looked up again after RECHECK_S if a file was added to the network's folder meanwhile, and
    CORRIDOR_ONLY_DEFAULT_CH=1 leaves out what is not a default hierarchy."""
    class Net:  # the least a network needs to be a cache key (corridor.network_memo.network_key)
        path, manifest = tmp_path / "network-0123456789abcdef", {}

    net = Net()
    net.path.mkdir()
    weight, now, looked = np.zeros(3), [100.0], []
    weight.flags.writeable = False
    built = SimpleNamespace(labels=None, path=net.path / "ch-all-x.npz")
    on_disk: list = [None]
    monkeypatch.setattr(H, "hierarchy", lambda *a, **kw: looked.append(1) or on_disk[0])
    monkeypatch.setattr(H, "start_background_build", lambda n: False)  # the defaults are built
    monkeypatch.setattr(H.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(H, "_BY_ARRAY", {})
    monkeypatch.setenv(H.BACKGROUND_ENV, "1")
    monkeypatch.delenv("CORRIDOR_NO_CH", raising=False)
    monkeypatch.delenv(H.ONLY_DEFAULTS_ENV, raising=False)
    assert H.cached_hierarchy(net, "all", weight, 0, "k") is None and len(looked) == 1
    now[0] += H.RECHECK_S + 1
    assert H.cached_hierarchy(net, "all", weight, 0, "k") is None and len(looked) == 1  # nothing new: not looked up
    on_disk[0] = built
    (net.path / "ch-all-x.npz").write_bytes(b"")
    os.utime(net.path, ns=(1, 1))  # a new mtime, however coarse the file system's clock
    now[0] += H.RECHECK_S + 1
    assert H.cached_hierarchy(net, "all", weight, 0, "k") is built
    monkeypatch.setenv(H.ONLY_DEFAULTS_ENV, "1")
    assert H.cached_hierarchy(net, "all", weight, 0, "other key") is None
    H.defaults_marker(net.path).write_text(json.dumps({"hierarchies": [built.path.name]}))
    assert H.cached_hierarchy(net, "all", weight, 0, "a third key") is built


def test_wanted_goes_with_hierarchies(run):
    code, _, err = run("network", "--wanted")
    assert code != 0 and "corridor network --hierarchies --wanted" in err and "Traceback" not in err


def test_a_refused_closure_gets_its_hierarchy_and_metrics_fallen_out_are_removed(net, record_to, tmp_path,
                                                                                 monkeypatch):
    """A closure the closure shortcut refuses (the Dardanelles, on the default request) is
    recorded with its passage mask; as a closure of a default metric it takes a closure slot,
    not a metric's, and its hierarchy answers as A* does. A metric that falls out of the most
    requested loses the hierarchy this build made for it once that is old enough, its files
    with it; a process that has it loaded still searches it; a hierarchy the build did not make
    (a table's, a default's) is never removed."""
    from corridor import wanted_hierarchies as WH

    folder = tmp_path / "network-0123456789abcdef"
    folder.mkdir()
    region = _Region(net, folder)
    default, blocked = _sea_ctx(region)
    defaults = {H.hierarchy(region, "sea", blocked, default.weight()[0], quiet=True).path.name}
    H.defaults_marker(folder).write_text(json.dumps({"hierarchies": sorted(defaults)}))
    closed = blocked | P.BIT["dardanelles"]
    co2, bulk = _sea_ctx(region, objective={"co2": 1.0}), _sea_ctx(region, {"kind": "dry-bulk", "tonnes": 20000})
    assert WH.closes_a_default(default, "sea", closed, defaults)
    assert not WH.closes_a_default(bulk[0], "sea", bulk[1] | P.BIT["dardanelles"], defaults)  # another metric
    for ctx, mask in [(default, closed)] * 4 + [co2]:
        W.note(ctx, "sea", mask)
    assert [r["blocked"] for _, r in W.wanted(folder)] == [closed, co2[1]]
    assert [r["blocked"] for _, r, _ in WH.chosen(region, most=1, closures=0)] == [co2[1]]  # not a metric's slot
    assert [r["blocked"] for _, r, _ in WH.chosen(region, most=0, closures=1)] == [closed]
    assert len(build_wanted(region, most=1, closures=1, progress=False)) == 2
    assert sorted((folder / WH.BUILT).read_text().split()) == sorted(
        p.name for p in folder.glob("ch-sea-*.npz") if p.name not in defaults)

    weight, bound = default.weight()
    h = H.cached_hierarchy(region, "sea", weight, closed, default.weight_key())
    assert h is not None and H.mask_of(h.path) == closed
    rng, answered = np.random.default_rng(18), []
    for a, b in rng.choice(region.inside, (16, 2)):
        src, dst, zero = np.array([a]), np.array([b]), np.zeros(1)
        fast = ch_shortest_path(h, src, zero, dst, zero)
        slow = shortest_path(region, src, zero, dst, zero, to_unit_vectors([region.node_lon[b]], [region.node_lat[b]]),
                             blocked=closed, weight=weight, cost_per_km=bound, landmarks="sea", graph=region.sea_csr)
        assert (fast is None or not np.isfinite(fast.cost)) == (slow is None)
        if slow is not None:
            assert fast.cost == pytest.approx(slow.cost, rel=1e-9, abs=1e-9)
            answered.append((src, dst))
    assert 4 <= len(answered) < 16  # some pairs the closed strait cuts apart: no path either way

    co2_file = H.file_for(region, "sea", co2[1], co2[0].weight()[0])
    loaded = H.load_hierarchy(co2_file, int(region.n_sea_nodes), len(region.edge_u))
    table = folder / co2_file.name.replace(co2_file.name.rsplit("-", 1)[1], "0123456789ab.npz")
    table.write_bytes(b"")  # a hierarchy the build did not make: out of its reach
    for _ in range(8):
        W.note(bulk[0], "sea", bulk[1])  # now the most requested: the CO2e metric falls out of the first
    assert len(build_wanted(region, most=1, closures=1, progress=False)) == 2
    assert co2_file.exists() and len(list(folder.glob("ch-sea-*.npz"))) == 5  # saved just now: kept a while
    old = co2_file.stat().st_mtime - 2 * WH.EVICT_AGE_S
    for p in (co2_file, table, *(folder / name for name in defaults)):
        os.utime(p, (old, old))
    assert len(build_wanted(region, most=1, closures=1, progress=False)) == 2
    assert not co2_file.exists() and not record_of(co2_file).exists()
    assert table.exists() and h.path.exists() and len(list(folder.glob("ch-sea-*.npz"))) == 4
    src, dst = answered[0]
    assert np.isfinite(ch_shortest_path(loaded, src, np.zeros(1), dst, np.zeros(1)).cost)  # mapped: still readable
    assert H.load_hierarchy(co2_file, int(region.n_sea_nodes), len(region.edge_u)) is None
