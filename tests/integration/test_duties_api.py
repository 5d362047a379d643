"""The duty register through the real app's JSON API, on SQLite and PostgreSQL: an authority
registers its priority, the office records a decision and cannot finalise it with a gap."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from starlette.testclient import TestClient

from hub.bootstrap import Hub
from tests.integration.test_reports_api import Api
from tests.web import client_of

OFFICE, CITY, WELSH = "leicestershire-opcc", "leicester-city-council", "carmarthenshire-council"


@pytest.fixture
def api(demo_hub: Hub) -> dict[str, Api]:
    client: TestClient = client_of(demo_hub)
    return {o: Api(demo_hub, client, o) for o in (OFFICE, CITY, WELSH)}


def _priority() -> dict[str, object]:
    today = date.today()
    return {
        "theme": "serious_violence", "title": "Reduce knife crime among under-25s",
        "source": {"kind": "strategic_assessment", "title": "Safer Leicester assessment"},
        "period": {"starts_on": (today - timedelta(days=30)).isoformat(),
                   "ends_on": (today + timedelta(days=300)).isoformat()},
        "csp_id": "safer-leicester",
    }


def test_a_decision_with_an_unconsidered_priority_cannot_be_finalised(
    api: dict[str, Api],
) -> None:
    priority = api[CITY].post("/api/priorities", _priority())
    assert priority.status_code == 201, priority.text
    decision = api[OFFICE].post("/api/regard-decisions", {
        "kind": "grant", "title": "Crime and disorder reduction grant 2027"})
    assert decision.status_code == 201, decision.text
    path = f"/api/regard-decisions/{decision.json()['id']}"
    register = api[OFFICE].get(f"{path}/register").json()
    gaps = [p for p in register["priorities"] if p["outcome"] == "unconsidered"]
    assert priority.json()["id"] in {p["priority_id"] for p in gaps}
    refused = api[OFFICE].post(f"{path}/finalise", {"expected_version": decision.json()[
        "version"]})
    assert refused.status_code in (409, 422)
    assert refused.json()["code"] == "regard.priorities_unconsidered"
    stale = api[OFFICE].post(f"{path}/finalise", {"expected_version": 0})
    assert stale.status_code == 409 and stale.json()["code"] == "store.stale_version"


def test_roles_and_areas_are_enforced(api: dict[str, Api]) -> None:
    assert api[OFFICE].post("/api/priorities", _priority()).status_code in (403, 422)
    refused = api[CITY].post("/api/regard-decisions", {"kind": "grant", "title": "x"})
    assert refused.status_code == 403 and refused.json()["code"] == "access.not_policing_body"
    created = api[CITY].post("/api/priorities", _priority()).json()
    assert api[WELSH].get(f"/api/priorities/{created['id']}").status_code == 404
    bad = api[CITY].post("/api/priorities", {**_priority(), "theme": "parking"})
    assert bad.status_code == 422
    assert "theme" in {e["field"] for e in bad.json()["errors"]}
