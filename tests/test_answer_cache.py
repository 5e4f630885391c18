"""The server's cache of encoded answers: identical requests get the same bytes, without a worker."""

from __future__ import annotations

from corridor.request import RouteRequest
from corridor.server.answers import AnswerCache


def test_the_least_recently_used_answers_go_first_and_big_ones_are_not_kept():
    cache = AnswerCache(max_bytes=100)
    for name in "abcde":
        cache.put(name, b"x" * 10)
    assert cache.get("a") == b"x" * 10  # now the most recently used
    for name in "fghijk":
        cache.put(name, b"y" * 10)
    assert cache.size <= 100 and cache.get("a") is not None and cache.get("b") is None
    cache.put("table", b"z" * 11)  # over a tenth of the cache
    assert cache.get("table") is None
    assert cache.status()["hits"] == 2 and cache.status()["misses"] == 2


def test_requests_with_the_same_values_share_a_key():
    """Keyed by the request's values, not the object: two requests built apart hit the same answer."""
    cache = AnswerCache(max_bytes=1000)
    cache.put((RouteRequest.make(origin="NLRTM", destination="SGSIN"), "json"), b"{}")
    assert cache.get((RouteRequest.make(origin="NLRTM", destination="SGSIN"), "json")) == b"{}"
    assert cache.get((RouteRequest.make(origin="NLRTM", destination="SGSIN", avoid=["suez"]), "json")) is None


def test_an_answer_is_found_by_its_request_target_while_it_is_kept():
    cache = AnswerCache(max_bytes=100_000)
    target, headers = ("/route", b"from=NLRTM&to=SGSIN"), [(b"content-type", b"application/json")]
    cache.remember_target(target, "k", headers)  # no answer kept for "k": nothing to find
    assert cache.by_target(target) is None
    cache.put("k", b"{}")
    cache.remember_target(target, "k", headers)
    assert cache.by_target(target) == (b"{}", headers) and cache.status()["hits"] == 1
    assert cache.by_target(("/route", b"from=NLRTM&to=BEANR")) is None
    for i in range(20):  # "k" flushed by newer answers: its target finds nothing either
        cache.put(i, b"x" * 9_000)
    assert cache.get("k") is None and cache.by_target(target) is None


def test_a_repeated_route_is_answered_from_the_cache_with_the_same_bytes(http):
    params = {"from": "DEHAM", "to": "USNYC"}
    first = http.get("/route", params=params)
    hits = http.get("/health").json()["answer_cache"]["hits"]
    again = http.get("/route", params=params)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content and again.headers["content-type"] == "application/json"
    assert http.get("/health").json()["answer_cache"]["hits"] == hits + 1
