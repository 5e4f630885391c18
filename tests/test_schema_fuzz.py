"""A bounded schema-driven fuzz: every operation of the OpenAPI document, fed requests generated
from its own declarations (schemathesis), must never answer 500.

Bounded so the suite stays fast: a few examples per operation, no shrinking, a deadline per
example. The admin token is sent, so the admin operations run their real code, not only the
refusal. A 500 found here is fixed at its cause, not filtered out here.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, settings  # noqa: E402

TOKEN = "fuzz-admin-token"
MAX_EXAMPLES = 10
DEADLINE_MS = 15_000  # one example: a long route on a loaded machine stays well under this



def _app_and_schema():
    """The app, and its OpenAPI document read without starting it (no network needed to collect)."""
    from corridor.server.app import create_app
    from corridor.server.settings import Settings

    # small limits keep each example short; past them the refusal itself is what gets fuzzed
    application = create_app(Settings(request_timeout_s=1.5, max_table_cells=100))
    loaded = schemathesis.openapi.from_dict(application.openapi())
    loaded.app = application  # calls go to the app in-process (what from_asgi does after starting it)
    return application, loaded


APP, schema = _app_and_schema()


@pytest.fixture(scope="module")
def client(net, tmp_path_factory):
    """One in-process client for the whole run: the app's start-up (network, warm-up) runs once."""
    from schemathesis.python import asgi

    env = pytest.MonkeyPatch()
    folder = tmp_path_factory.mktemp("fuzz")
    env.setenv("CORRIDOR_REPORTS_DB", str(folder / "reports.sqlite3"))
    env.setenv("CORRIDOR_ADMIN_TOKEN", TOKEN)
    env.setenv("CORRIDOR_REPORTS_RATE", "off")
    with asgi.get_client(APP) as c:
        yield c
    env.undo()


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, phases=[Phase.explicit, Phase.generate], deadline=DEADLINE_MS,
          suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_operation_answers_500(case, client):
    response = case.call(session=client, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code != 500, (f"{case.method} {case.formatted_path} {case.query or ''} -> 500: "
                                         f"{response.text[:500]}")
