"""Back-pressure of the HTTP service on a real uvicorn server: a tiny computing limit, 503 with
Retry-After at once when it is full, /health answering during overload, a timed-out request
answered on time and its work stopped so that the next request is served."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from http_server import ServerProcess

from corridor.server.app import GRACE_S

TIMEOUT_S = 1.0
# 44 searches of a few tenths of a second each: far longer than TIMEOUT_S, stopped between searches.
SLOW = {"from": "Tashkent", "to": "Hamburg", "alternatives": 10, "pareto": "true"}
FAST = {"from": "NLRTM", "to": "BEANR"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = ServerProcess(tmp_path_factory.mktemp("backpressure") / "server.log",
                      env={"CORRIDOR_MAX_INFLIGHT": "1", "CORRIDOR_MAX_QUEUE": "1",
                           "CORRIDOR_REQUEST_TIMEOUT": str(TIMEOUT_S), "CORRIDOR_MAX_ALTERNATIVES": "10"})
    yield s
    s.stop()


def _idle(base: str, within_s: float) -> float:
    """Seconds until /health shows no computation running (fails after ``within_s``)."""
    start = time.monotonic()
    while time.monotonic() - start < within_s:
        if httpx.get(f"{base}/health", timeout=5).json()["load"]["running"] == 0:
            return time.monotonic() - start
        time.sleep(0.05)
    pytest.fail(f"a computation still runs {within_s} s after its request timed out")


async def _timed(http: httpx.AsyncClient, path: str, params=None, after_s: float = 0.0):
    await asyncio.sleep(after_s)
    t = time.perf_counter()
    r = await http.get(path, params=params)
    return r, time.perf_counter() - t


def test_overload_is_refused_at_once_and_health_answers(server):
    async def run():
        async with httpx.AsyncClient(base_url=server.base, timeout=30) as http:
            # one computes, one waits, the other four find the queue full; /health asked meanwhile
            return await asyncio.gather(*[_timed(http, "/route", SLOW, after_s=0.05 * i) for i in range(6)],
                                        _timed(http, "/health", after_s=0.5))

    *routes, (health, health_s) = asyncio.run(run())
    refused = [(r, s) for r, s in routes if r.status_code == 503]
    assert len(refused) == 4, [r.status_code for r, _ in routes]
    for r, s in refused:
        assert r.json()["code"] == "overloaded" and r.json()["limit"] == "max_queue"
        assert int(r.headers["Retry-After"]) >= 1 and s < 0.5
    assert sorted(r.status_code for r, _ in routes if r.status_code != 503) == [504, 504]
    assert health.status_code == 200 and health_s < 0.25
    assert health.json()["load"]["max_inflight"] == 1
    _idle(server.base, GRACE_S + 1)  # stopped at a deadline check, or its worker replaced GRACE_S after


def test_an_answer_the_cache_keeps_is_served_while_every_slot_is_taken(server):
    """A repeated request is answered from the answer cache before admission: never refused 503
    while the slot and the queue are taken by other work, and sent with the same bytes and headers."""
    give_up = time.monotonic() + 60
    while True:  # 1 s limit: on a busy machine, or while a replaced worker loads, a try may time out
        first = httpx.get(f"{server.base}/route", params=FAST, timeout=30)
        if first.status_code == 200 or time.monotonic() > give_up:
            break
    assert first.status_code == 200

    async def run():
        async with httpx.AsyncClient(base_url=server.base, timeout=30) as http:
            # one computes, one waits, the third finds the gate full; then the kept answer is asked
            return await asyncio.gather(*[_timed(http, "/route", SLOW, after_s=0.05 * i) for i in range(3)],
                                        _timed(http, "/route", FAST, after_s=0.4))

    *slow, (kept, kept_s) = asyncio.run(run())
    assert sorted(r.status_code for r, _ in slow) == [503, 504, 504]  # the gate was full all along
    assert kept.status_code == 200 and kept_s < 0.5, (kept.status_code, kept_s)
    assert kept.content == first.content and kept.headers["content-type"] == first.headers["content-type"]
    assert "server-timing" in kept.headers
    _idle(server.base, GRACE_S + 1)


def test_timeout_answers_on_time_and_frees_the_worker(server):
    t = time.perf_counter()
    r = httpx.get(f"{server.base}/route", params=SLOW, timeout=30)
    took = time.perf_counter() - t
    assert r.status_code == 504 and r.json()["code"] == "timeout"
    assert TIMEOUT_S <= took < TIMEOUT_S * 1.25, took
    # the work stopped at a deadline check rather than running its 44 searches to the end
    assert _idle(server.base, GRACE_S + 1) < GRACE_S
    assert httpx.get(f"{server.base}/health", timeout=5).json()["load"]["replaced"] == 0  # no worker killed
    fast = httpx.get(f"{server.base}/route", params=FAST, timeout=30)
    assert fast.status_code == 200 and fast.json()["distance_km"] > 0


def test_oversized_place_is_refused_without_computing(server):
    t = time.perf_counter()
    r = httpx.get(f"{server.base}/route", params={"from": "x" * 10_000, "to": "BEANR"}, timeout=30)
    assert r.status_code in (400, 422) and time.perf_counter() - t < 0.5
    held_ms = float(r.headers["server-timing"].split("dur=")[1])
    assert held_ms < 10, r.headers["server-timing"]  # refused in under 10 ms inside the server
    assert r.json()["code"] in ("bad_input", "invalid_parameter") and "from" in r.json()["message"]
    assert httpx.get(f"{server.base}/health", timeout=5).json()["load"]["running"] == 0


def test_rate_limit_is_shared_by_processes_and_trusts_only_configured_proxies(tmp_path):
    from corridor.server.ratelimit import SharedRateLimit, client_address, parse_proxies

    db = tmp_path / "rate.sqlite"
    worker_a, worker_b = SharedRateLimit(2, 60.0, db), SharedRateLimit(2, 60.0, db)  # two workers, one file
    assert worker_a.acquire("192.0.2.7") == 0 and worker_b.acquire("192.0.2.7") == 0
    wait = worker_a.acquire("192.0.2.7")
    assert 29 < wait <= 30  # a third request within the minute waits for half the period (one token of two)
    assert worker_b.acquire("192.0.2.8") == 0  # other clients keep their own bucket
    proxies = parse_proxies("10.0.0.0/8, 127.0.0.1")
    assert client_address("10.1.2.3", "198.51.100.9, 10.0.0.5", proxies) == "198.51.100.9"
    assert client_address("203.0.113.5", "198.51.100.9", proxies) == "203.0.113.5"  # not a proxy: header ignored
    assert client_address("127.0.0.1", "1.1.1.1, 198.51.100.9", proxies) == "198.51.100.9"  # forged first hop
    with pytest.raises(ValueError, match="not-an-ip"):
        parse_proxies("10.0.0.1,not-an-ip")


def test_rate_limited_requests_get_429_with_retry_after(tmp_path):
    from fastapi.testclient import TestClient

    from corridor.server.app import create_app
    from corridor.server.settings import Settings

    settings = Settings(rate_limit="2/minute", rate_db=tmp_path / "rate.sqlite")
    with TestClient(create_app(settings)) as client:
        assert [client.get("/route", params=FAST).status_code for _ in range(2)] == [200, 200]
        r = client.get("/route", params=FAST)
        assert r.status_code == 429 and r.json()["code"] == "rate_limited"
        assert 1 <= int(r.headers["Retry-After"]) <= 30
        assert client.get("/health").status_code == 200  # /health is never rate limited


def test_a_table_stops_at_its_deadline_between_blocks_of_rows(net, monkeypatch):
    from corridor import deadline
    from corridor.engine import table

    monkeypatch.setenv("CORRIDOR_NO_CH", "1")  # the Dijkstra rows (the bucket search is one short call)
    kernel, rows_done = table._dijkstra_rows, []

    def slow_kernel(*args):
        kernel(*args)
        rows_done.append(args[-1].shape[0])
        time.sleep(0.3)  # each block outlasts the whole deadline

    monkeypatch.setattr(table, "_dijkstra_rows", slow_kernel)
    ports = ["NLRTM", "BEANR", "DEHAM", "CNSHA", "SGSIN", "CNNGB", "KRPUS", "USLAX", "USNYC", "AEJEA",
             "ESALG", "GRPIR", "EGPSD", "INNSA", "LKCMB", "BRSSZ", "ZADUR", "JPTYO", "AUMEL", "PECHY"]
    with pytest.raises(deadline.DeadlineExceeded), deadline.within(0.25):
        table.matrix(ports, ports[:3], network=net, threads=1)
    assert sum(rows_done) <= table.ROWS_PER_CHECK < len(ports)  # stopped after one block, not all 20 rows


def test_a_stuck_worker_is_killed_after_the_grace_and_replaced():
    from corridor.errors import BadInput
    from corridor.request import RouteRequest
    from corridor.server.pool import ProcessPool

    async def run():
        freed = []
        # workers without a network (setup=dict): this tests the pool, not the searches
        pool = ProcessPool(1, grace_s=0.3, on_free=lambda: freed.append(time.monotonic()), setup=dict)
        await pool.start("no network")
        try:
            with pytest.raises(BadInput, match="speed"):  # a job's own error comes back as itself
                await pool.run(RouteRequest.make, (), {"origin": "A", "destination": "B", "speed_kn": -1},
                               time.monotonic() + 30)
            start = time.monotonic()
            with pytest.raises(TimeoutError):  # time.sleep never checks the deadline: a stuck job
                await pool.run(time.sleep, (60,), {}, start + 0.2)
            assert time.monotonic() - start < 0.4
            while len(freed) < 2:
                await asyncio.sleep(0.02)
            assert freed[1] - start < 0.2 + 0.3 + 0.5 and pool.status()["replaced"] == 1
            assert await pool.run(abs, (-3,), {}, time.monotonic() + 60) == 3  # the replacement works
        finally:
            pool.close()

    asyncio.run(asyncio.wait_for(run(), 120))
