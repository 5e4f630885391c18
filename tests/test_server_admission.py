"""Admission by predicted wait, the Server-Timing parts and the request trace: the gate driven
directly over ASGI (no worker processes), and one answer of the session's real server."""

from __future__ import annotations

import asyncio
import json
import time
from types import SimpleNamespace

import pytest

from corridor.server.admission import Admission, AdmissionGate
from corridor.server.settings import Settings
from corridor.server.trace import TRACE_ENV


def test_expected_wait_counts_the_requests_beyond_the_slots():
    admission = Admission(max_inflight=2, max_queue=32, grace_s=1.0)
    assert admission.expected_wait_s(10) == 0.0  # no computation has ended: no estimate yet
    admission._took(0.004, "sea")
    assert admission.expected_wait_s(1) == 0.0  # a slot is free
    assert admission.expected_wait_s(2) == pytest.approx(0.004)  # both slots busy: the first ends in 4 ms
    assert admission.expected_wait_s(5) == pytest.approx(0.008)  # two rounds of two slots
    admission._took(0.104, "sea")  # one slow computation raises the mean by a tenth of the difference
    assert admission.work_s == pytest.approx(0.014) and admission.predicted_s("sea") == pytest.approx(0.014)


def test_a_kind_much_slower_than_the_most_frequent_is_long_and_predicted_by_its_own_mean():
    admission = Admission(max_inflight=2, max_queue=32, grace_s=1.0)
    for _ in range(5):
        admission._took(0.004, "sea")
    admission._took(0.010, "table")
    admission._took(0.040, "multimodal")
    assert not admission.is_long("sea") and not admission.is_long("table") and admission.is_long("multimodal")
    assert not admission.is_long("never seen")
    assert admission.predicted_s("multimodal") == pytest.approx(0.040)
    assert admission.predicted_s("never seen") == pytest.approx(admission.work_s)


def test_wait_of_a_quick_request_behind_a_long_one_is_the_other_slots():
    async def run():
        admission = Admission(max_inflight=2, max_queue=32, grace_s=1.0)
        for _ in range(5):
            admission._took(0.004, "sea")
        admission._took(0.2, "multimodal")
        await admission.acquire(1.0, "multimodal")  # runs: one slot held for about 0.2 s
        await admission.acquire(1.0, "sea")  # runs in the other
        # a quick request waits for the quick one, not for the long one; a long one for the long one
        return (admission.expected_wait_s(2), admission.expected_wait_s(2, "multimodal"),
                admission.expected_wait_s(4))  # two more quick ones ahead: all three in the quick slot

    quick, long, third = asyncio.run(run())
    assert quick == pytest.approx(0.004)
    assert long == pytest.approx(0.2)
    assert third == pytest.approx(0.012)


def test_predicted_waits_are_calibrated_by_the_measured_ones():
    async def run():
        admission = Admission(max_inflight=1, max_queue=32, grace_s=1.0)
        admission._took(0.01, "sea")
        await admission.acquire(1.0, "sea")  # runs
        uncalibrated = admission.expected_wait_s(1)
        second = asyncio.create_task(admission.acquire(1.0, "sea"))  # predicted to wait 0.01 s
        await asyncio.sleep(0.06)  # the first computation stalls: its slot frees after 0.06 s
        admission.release()
        await second
        calibration, calibrated = admission.calibration, admission.expected_wait_s(1)
        admission._waits_at -= 4 * admission.CALIBRATION_FADE_S  # no queued request measured since
        return uncalibrated, calibration, calibrated, admission.calibration

    uncalibrated, calibration, calibrated, faded = asyncio.run(run())
    assert uncalibrated == pytest.approx(0.01)
    assert 5 <= calibration <= 8  # measured about 6 times the prediction (bounded by CALIBRATION)
    assert calibrated == pytest.approx(calibration * 0.01, rel=1e-3)
    assert 1 < faded < 1 + 0.02 * (calibration - 1)  # back towards the model's own predictions


def test_a_long_request_may_wait_a_few_of_its_own_computations():
    """A long request delays no quick one: it is refused when its wait exceeds max_wait_s and
    LONG_FACTOR times its own predicted seconds (here 4 x 0.1 s), not max_wait_s alone."""
    from corridor.server.admission import TryLater

    async def run():
        admission = Admission(max_inflight=2, max_queue=32, grace_s=1.0, max_wait_s=0.05)
        for _ in range(5):
            admission._took(0.004, "sea")
        admission._took(0.1, "multimodal")
        queued = []
        with pytest.raises(TryLater, match="max_wait_s"):
            for _ in range(10):
                queued.append(asyncio.create_task(admission.acquire(5.0, "multimodal")))
                await asyncio.sleep(0)  # runs it up to its wait in the queue, or its refusal
                if queued[-1].done():
                    queued.pop().result()
        waiting = admission.waiting
        for task in queued:
            task.cancel()
        await asyncio.gather(*queued, return_exceptions=True)
        return waiting

    # one runs; those queued wait about 0.1, 0.2, 0.3 and 0.4 s; the next, 0.5 s, is refused
    assert asyncio.run(run()) == 4


def test_a_long_request_leaves_a_slot_to_the_quick_ones_queued_after_it():
    """Real worker processes (no network: the jobs sleep): with two slots and two long requests,
    the second waits for the long lane and a quick request sent after it runs at once."""
    from corridor.server.pool import ProcessPool

    async def timed(admission, kind: str, seconds: float) -> tuple[float, float]:
        turn = await admission.acquire(30.0, kind)
        started = time.monotonic()
        await admission.run(turn, time.sleep, (seconds,), {}, time.monotonic() + 30)
        return started, time.monotonic()

    async def run():
        admission = Admission(max_inflight=2, max_queue=32, grace_s=1.0)
        admission.pool = ProcessPool(2, grace_s=1.0, on_free=admission.release, setup=dict)
        await admission.pool.start("no network")
        try:
            for _ in range(5):
                admission._took(0.005, "sea")
            admission._took(0.3, "multimodal")
            first = asyncio.create_task(timed(admission, "multimodal", 0.5))
            await asyncio.sleep(0.05)
            second = asyncio.create_task(timed(admission, "multimodal", 0.05))
            await asyncio.sleep(0.05)
            assert admission.status()["waiting"] == 1  # a slot is free, but not for a second long one
            quick = await timed(admission, "sea", 0.01)
            return await first, await second, quick
        finally:
            admission.close()

    first, second, quick = asyncio.run(asyncio.wait_for(run(), 120))
    assert quick[1] < first[1]  # the quick request was answered while the first long one still ran
    assert second[0] >= first[1] - 0.01  # the second long one started once the first had ended


async def _through_gate(gate: AdmissionGate, state, queries: list[str], release: asyncio.Event) -> list[dict]:
    """Send GETs of ``queries`` through ``gate`` one after the other (each reaching the app or
    refused before the next), the app holding every admitted one until ``release``."""
    sent: list[dict] = [{} for _ in queries]

    async def one(i: int, query: str):
        scope = {"type": "http", "method": "GET", "path": "/route", "query_string": query.encode(),
                 "headers": [], "app": SimpleNamespace(state=state)}

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            if message["type"] == "http.response.start":
                sent[i].update(status=message["status"], headers=dict(message["headers"]))
            else:
                sent[i]["body"] = message.get("body", b"")

        await gate(scope, receive, send)

    tasks = []
    for i, query in enumerate(queries):
        tasks.append(asyncio.create_task(one(i, query)))
        await asyncio.sleep(0.01)  # admitted (holding) or answered by now
    release.set()
    await asyncio.gather(*tasks)
    return sent


def _gate(release: asyncio.Event, **limits) -> AdmissionGate:
    async def app(scope, receive, send):  # a computation held until released
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    return AdmissionGate(app, paths=("/route",), **limits)


def test_gate_refuses_a_long_predicted_wait_before_the_queue_is_full():
    async def run():
        admission = Admission(max_inflight=1, max_queue=100, grace_s=1.0)
        admission._took(0.02)  # 20 ms a computation: a 50 ms wait is two ahead, not three
        release = asyncio.Event()
        gate = _gate(release, max_inflight=1, max_queue=100, max_wait_s=0.05)
        return await _through_gate(gate, SimpleNamespace(admission=admission), [f"n={i}" for i in range(5)], release)

    sent = asyncio.run(run())
    assert [s["status"] for s in sent] == [200, 200, 200, 503, 503]
    refused = json.loads(sent[3]["body"])
    assert refused["code"] == "overloaded" and refused["limit"] == "max_wait_s" and refused["value"] == 0.05
    assert sent[3]["headers"][b"retry-after"] == b"1"


def test_gate_predicts_no_wait_behind_answers_still_being_sent():
    async def run():
        admission = Admission(max_inflight=1, max_queue=100, grace_s=1.0)
        admission._took(0.02)
        release = asyncio.Event()

        async def app(scope, receive, send):  # answered at once, its body sent only at the release
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await release.wait()
            await send({"type": "http.response.body", "body": b"{}"})

        gate = AdmissionGate(app, paths=("/route",), max_inflight=1, max_queue=100, max_wait_s=0.05)
        return await _through_gate(gate, SimpleNamespace(admission=admission), [f"n={i}" for i in range(5)], release)

    assert [s["status"] for s in asyncio.run(run())] == [200] * 5


def test_gate_still_bounds_the_queue():
    async def run():
        admission = Admission(max_inflight=1, max_queue=1, grace_s=1.0)  # no estimate: the bound alone
        release = asyncio.Event()
        gate = _gate(release, max_inflight=1, max_queue=1, max_wait_s=10.0)
        return await _through_gate(gate, SimpleNamespace(admission=admission), ["a=1", "a=2", "a=3"], release)

    sent = asyncio.run(run())
    assert [s["status"] for s in sent] == [200, 200, 503]
    assert json.loads(sent[2]["body"])["limit"] == "max_queue"


def test_trace_says_what_each_request_arrived_behind(tmp_path, monkeypatch):
    trace = tmp_path / "trace.jsonl"
    monkeypatch.setenv(TRACE_ENV, str(trace))

    async def run():
        admission = Admission(max_inflight=1, max_queue=1, grace_s=1.0)
        release = asyncio.Event()
        gate = _gate(release, max_inflight=1, max_queue=1, max_wait_s=10.0)
        return await _through_gate(gate, SimpleNamespace(admission=admission), ["a=1", "a=2", "a=3"], release)

    asyncio.run(run())
    lines = {line["q"]: line for line in map(json.loads, trace.read_text().splitlines())}
    assert [lines[f"/route?a={i}"]["status"] for i in (1, 2, 3)] == [200, 200, 503]
    assert lines["/route?a=1"]["ahead"] == []
    assert [q for q, _ in lines["/route?a=3"]["ahead"]] == ["/route?a=1", "/route?a=2"]
    held_ms = [ms for _, ms in lines["/route?a=3"]["ahead"]]
    assert held_ms[0] > held_ms[1] > 0  # the first had been held longer
    assert lines["/route?a=1"]["held_ms"] >= 20  # held until the last had arrived


def test_computed_answers_say_their_wait_and_work(http):
    first = http.get("/route", params={"from": "GRPIR", "to": "ESALG"})
    timing = {m.split(";")[0].strip(): float(m.split("dur=")[1]) for m in first.headers["server-timing"].split(",")}
    assert set(timing) == {"app", "wait", "work"} and timing["wait"] + timing["work"] <= timing["app"] + 0.2
    kept = http.get("/route", params={"from": "GRPIR", "to": "ESALG"})  # the answer cache: no slot, no work
    assert kept.headers["server-timing"].startswith("app;dur=") and "work" not in kept.headers["server-timing"]
    assert http.get("/health").json()["load"]["work_ms"] > 0


def test_max_wait_from_env():
    assert Settings.from_env({"CORRIDOR_MAX_WAIT": "0.2"}).max_wait_s == 0.2
    with pytest.raises(ValueError, match="CORRIDOR_MAX_WAIT"):
        Settings.from_env({"CORRIDOR_MAX_WAIT": "0"})


def test_only_a_sea_route_between_two_ports_is_a_quick_kind():
    """Port to port by sea is quick; the same ports by land, through a via, or with
    alternatives are not (they take the long lane's prediction)."""
    from types import SimpleNamespace

    from corridor.request.route import RouteRequest
    from corridor.server.services.route import _kind

    request = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(port_codes={"CNSHA", "NLRTM"})))
    quick = [_kind(request, RouteRequest.make(origin=o, destination="NLRTM", **options))[1]
             for o, options in (("CNSHA", {}), ("CNSHA", {"modes": ["sea"]}), ("Shanghai", {}),
                                ("CNSHA", {"modes": ["sea", "rail", "road"]}), ("CNSHA", {"alternatives": 2}),
                                ("CNSHA", {"via": ["Suez Canal"]}))]
    assert quick == [True, True, False, False, False, False]
