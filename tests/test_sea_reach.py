"""The sea graph's components answer "is there a sea route?" as the search does (issue #17):
a no-route explanation asks it once per closed passage, and a search from an ocean port that
fails walks the whole ocean."""

from __future__ import annotations

from corridor.costing import sea as sea_costing
from corridor.costing.profile import Profile
from corridor.data import passages as P
from corridor.engine.access import access
from corridor.engine.restrictions import Ctx, blocked_mask
from corridor.engine.sea_reach import sea_reach
from corridor.engine.search import best_path
from corridor.places import resolve
from corridor.request import RouteRequest


def _ctx(net, modes=frozenset({"sea"})):
    """The default request's search setting (a container, the default speed and rates)."""
    request = RouteRequest.make(origin="NLRTM", destination="BEANR")
    cargo, params = request.load(), request.params()
    return Ctx(net, Profile(modes, sea_costing.speed(request.speed_kn, cargo, params), cargo, params))


def test_components_agree_with_the_search_across_closed_and_opened_passages(net):
    ctx = _ctx(net)
    default = blocked_mask([], [], "seagoing")
    assert default & P.BIT["volga-don"]
    pairs = [("AZBAK", "NLRTM"), ("IRNSH", "AZBAK"), ("SGSIN", "NLRTM")]
    told = set()
    for mask in (default, default & ~P.BIT["volga-don"], blocked_mask(["suez"], [], "seagoing")):
        for x, y in pairs:
            a, b = (access(net, resolve(q, net), ctx.profile) for q in (x, y))
            known = sea_reach(ctx, a, b, mask)
            if known is not None:
                told.add(known)
                assert known == (best_path(ctx, a, b, mask) is not None), (x, y, mask)
    assert told == {True, False}  # both answers were given, each checked against a search


def test_a_request_that_is_not_sea_only_is_left_to_the_search(net):
    ctx = _ctx(net, frozenset({"sea", "rail", "road"}))
    a, b = (access(net, resolve(q, net), ctx.profile) for q in ("AZBAK", "NLRTM"))
    assert sea_reach(ctx, a, b, blocked_mask([], [], "seagoing")) is None


def test_components_per_mask_are_those_of_the_whole_graph_under_the_mask(net):
    """The per-metric base joined through the open passages partitions the sea nodes as the
    components of the whole sea graph under that mask do."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    from corridor.engine.sea_reach import _components

    ctx = _ctx(net)
    indptr, head, edge = net.sea_csr
    n = len(indptr) - 1

    def same_partition(x, y):
        return len(np.unique(np.stack([x, y]), axis=1)[0]) == len(np.unique(x)) == len(np.unique(y))

    default = blocked_mask([], [], "seagoing")
    for mask in (default, default & ~P.BIT["volga-don"], blocked_mask(["suez", "panama"], [], "seagoing"), 0):
        keep = np.isfinite(ctx.weight()[0][edge]) & ((net.edge_flags[edge] & np.uint32(mask)) == 0)
        kept_indptr = np.concatenate([[0], np.cumsum(keep)])[indptr]
        graph = csr_matrix((np.ones(int(keep.sum())), head[keep], kept_indptr), shape=(n, n))
        weak, strong = _components(ctx, mask)
        assert same_partition(weak, connected_components(graph, directed=False)[1]), mask
        assert same_partition(strong, connected_components(graph, directed=True, connection="strong")[1]), mask
