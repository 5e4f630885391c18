"""Every table front end goes through corridor.policy_table, which passes the transit policy once."""

from __future__ import annotations

from corridor import batch, policy_table, transit_policy
from corridor.api import matrix as api_matrix


def _recording(monkeypatch) -> list[dict]:
    """Calls of the engine's table made through policy_table, with their keyword options."""
    calls = []
    monkeypatch.setattr(policy_table, "engine_matrix", lambda o, d, **kw: calls.append(kw) or _Empty())
    return calls


class _Empty:
    distance_km = duration_h = None


def test_the_api_and_the_batch_blocks_pass_the_policy_through_one_entry(monkeypatch):
    calls = _recording(monkeypatch)
    api_matrix(["NLRTM"], ["CNSHA"], modes="rail,road")
    batch._block(["NLRTM"], ["CNSHA"], {"modes": "rail,road"})
    avoided = transit_policy.load().avoided()
    assert avoided and [c["transit_avoided"] for c in calls] == [avoided, avoided]
    assert [c["modes"] for c in calls] == ["rail,road", "rail,road"]


def test_the_server_tables_use_the_same_entry():
    from corridor.server.services import osrm, table

    assert table.matrix is policy_table.matrix
    assert osrm.matrix is policy_table.matrix  # OSRM's /table/v1 by sea or surface modes
