"""Report requests through the real app's JSON API, on SQLite and PostgreSQL: who may do
what (DOMAIN.md §2), stale writes, bad payloads, refused transitions, lists, history and
attachments."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from hub.access.accounts import Permission
from hub.bootstrap import Hub
from tests.web import client_of

OFFICE, CITY, POLICE = "leicestershire-opcc", "leicester-city-council", "leicestershire-police"
COUNTY, WELSH = "leicestershire-county-council", "carmarthenshire-council"
REQUEST = {"csp_id": "safer-leicester", "kind": "informal", "title": "Knife crime, city centre",
           "matters": "Trends and the partnership's response."}


class Api:
    """One organisation's partner system, calling the API with its own token."""

    def __init__(self, hub: Hub, client: TestClient, organisation_id: str) -> None:
        _id, token = hub.accounts.create_client(
            name="tests", organisation_id=organisation_id,
            permissions=[Permission.ACT, Permission.READ_EVENTS], created_by="tests",
        )
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.post(path, json=body, headers=self.headers)

    def get(self, path: str) -> Any:
        return self.client.get(path, headers=self.headers)


@pytest.fixture
def client(demo_hub: Hub) -> TestClient:
    return client_of(demo_hub)


@pytest.fixture
def api(demo_hub: Hub, client: TestClient) -> dict[str, Api]:
    return {org: Api(demo_hub, client, org) for org in (OFFICE, CITY, POLICE, COUNTY, WELSH)}


def _require(api: dict[str, Api]) -> tuple[str, int]:
    answer = api[OFFICE].post("/api/report-requests", REQUEST)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["events"][0]["type"] == "report_request.required"
    return body["id"], body["version"]


def test_the_lifecycle_through_the_api_with_each_party_in_its_role(
    api: dict[str, Api],
) -> None:
    request_id, version = _require(api)
    path = f"/api/report-requests/{request_id}"
    answer = api[CITY].post(f"{path}/acknowledge", {"expected_version": version})
    assert answer.status_code == 200, answer.text
    version = answer.json()["version"]
    answer = api[POLICE].post(f"{path}/submit", {"expected_version": version,
                                                 "text": "Our report."})
    assert answer.status_code == 200, answer.text
    version = answer.json()["version"]
    answer = api[OFFICE].post(f"{path}/accept", {"expected_version": version})
    assert answer.status_code == 200, answer.text
    found = api[CITY].get(path).json()
    assert found["status"] == "accepted" and found["version"] == answer.json()["version"]
    history = api[CITY].get(f"{path}/history").json()["items"]
    assert [h["type"].split(".")[1] for h in history] == [
        "required", "acknowledged", "submitted", "accepted",
    ]
    assert [h["actor"]["organisation"] for h in history] == [OFFICE, CITY, POLICE, OFFICE]
    assert all(h["time"] for h in history)


@pytest.mark.parametrize(
    ("organisation", "action", "code", "status"),
    [
        (COUNTY, "acknowledge", "report_request.not_addressed_authority", 403),
        (OFFICE, "acknowledge", "report_request.not_addressed_authority", 403),
        (CITY, "accept", "access.not_policing_body", 403),
        (CITY, "withdraw", "access.not_policing_body", 403),
        (WELSH, "acknowledge", "record.not_found", 404),
        (WELSH, "withdraw", "record.not_found", 404),
    ],
)
def test_only_the_law_s_parties_may_act(
    api: dict[str, Api], organisation: str, action: str, code: str, status: int
) -> None:
    request_id, version = _require(api)
    answer = api[organisation].post(
        f"/api/report-requests/{request_id}/{action}", {"expected_version": version}
    )
    assert answer.status_code == status, answer.text
    assert answer.json()["code"] == code


def test_only_the_office_may_require_a_report(api: dict[str, Api]) -> None:
    answer = api[CITY].post("/api/report-requests", REQUEST)
    assert answer.status_code == 403 and answer.json()["code"] == "access.not_policing_body"
    answer = api[WELSH].post("/api/report-requests", REQUEST)
    assert answer.status_code == 404


def test_a_stale_write_is_a_409_carrying_the_current_version(api: dict[str, Api]) -> None:
    request_id, version = _require(api)
    path = f"/api/report-requests/{request_id}"
    assert api[CITY].post(f"{path}/acknowledge", {"expected_version": version}).status_code == 200
    stale = api[POLICE].post(f"{path}/submit", {"expected_version": version, "text": "x"})
    assert stale.status_code == 409
    assert stale.json()["code"] == "store.stale_version"
    assert stale.json()["current_version"] == version + 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**REQUEST, "title": ""}, "title"),
        ({**REQUEST, "kind": "urgent"}, "kind"),
        ({k: v for k, v in REQUEST.items() if k != "matters"}, "matters"),
        ({**REQUEST, "due_on": "next week"}, "due_on"),
        ({**REQUEST, "by_organisation": CITY}, "by_organisation"),
    ],
    ids=["empty-title", "unknown-kind", "missing-matters", "bad-date", "server-field"],
)
def test_bad_payloads_are_a_422_naming_the_field(
    api: dict[str, Api], demo_hub: Hub, body: dict[str, Any], field: str
) -> None:
    head = demo_hub.store.head_position()
    answer = api[OFFICE].post("/api/report-requests", body)
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    named = {e["field"] for e in problem.get("errors", [])} | {problem.get("detail", "")}
    assert any(field in n for n in named), problem
    assert demo_hub.store.head_position() == head


def test_a_formal_requirement_without_its_preconditions_is_refused_with_its_code(
    api: dict[str, Api],
) -> None:
    answer = api[OFFICE].post("/api/report-requests", {**REQUEST, "kind": "formal"})
    assert answer.status_code == 422
    assert answer.json()["code"] == "report_request.preconditions_missing"


def test_a_transition_not_allowed_is_a_409_with_its_code(api: dict[str, Api]) -> None:
    request_id, version = _require(api)
    path = f"/api/report-requests/{request_id}"
    answer = api[OFFICE].post(f"{path}/accept", {"expected_version": version})
    assert answer.status_code == 409 and answer.json()["code"] == "report_request.not_submitted"
    version = api[CITY].post(f"{path}/acknowledge", {"expected_version": version}).json()[
        "version"]
    # Each addressed authority acknowledges once.
    again = api[CITY].post(f"{path}/acknowledge", {"expected_version": version})
    assert again.status_code == 409
    assert again.json()["code"] == "report_request.already_acknowledged"


def test_lists_filter_and_never_show_another_area(api: dict[str, Api]) -> None:
    request_id, _ = _require(api)
    mine = api[CITY].get("/api/report-requests?csp_id=safer-leicester&status=required").json()
    assert request_id in {r["request_id"] for r in mine["items"]}
    assert all(r["csp_id"] == "safer-leicester" for r in mine["items"])
    assert all(r["status"] == "required" for r in mine["items"])
    welsh = api[WELSH].get("/api/report-requests?limit=200").json()
    assert welsh["items"], "the demo has Welsh requests the Welsh council can see"
    assert all(r["area_id"] == "dyfed-powys" for r in welsh["items"])
    assert api[WELSH].get(f"/api/report-requests/{request_id}").status_code == 404
    assert api[WELSH].get(f"/api/report-requests/{request_id}/history").status_code == 404
    assert api[CITY].get("/api/report-requests?due_before=soon").status_code == 400


def test_an_attachment_is_submitted_and_served_only_to_those_who_may_see_it(
    api: dict[str, Api], client: TestClient
) -> None:
    request_id, version = _require(api)
    path = f"/api/report-requests/{request_id}"
    upload = client.post(
        "/api/attachments", content=b"area,incidents\ncity centre,41\n",
        headers={**api[CITY].headers, "content-type": "text/csv", "x-filename": "data.csv"},
    )
    assert upload.status_code == 201, upload.text
    attachment = upload.json()
    assert attachment["size"] == 30 and len(attachment["sha256"]) == 64
    answer = api[CITY].post(f"{path}/submit", {
        "expected_version": version, "text": "See the data.",
        "attachment_ids": [attachment["attachment_id"]],
    })
    assert answer.status_code == 200, answer.text
    download = api[OFFICE].get(f"/api/attachments/{attachment['attachment_id']}")
    assert download.status_code == 200
    assert download.content == b"area,incidents\ncity centre,41\n"
    assert api[WELSH].get(f"/api/attachments/{attachment['attachment_id']}").status_code == 404
    refused = client.post(
        "/api/attachments", content=b"MZ\x90\x00", headers={
            **api[CITY].headers, "content-type": "application/x-msdownload",
            "x-filename": "run.exe"},
    )
    assert refused.status_code == 415


def test_a_request_read_through_the_api_says_what_it_asks_and_why(
    api: dict[str, Api],
) -> None:
    answer = api[OFFICE].post("/api/report-requests", {
        **REQUEST, "kind": "formal", "matters": "Knife crime in the city centre.",
        "s6_functions_confirmed": True, "specified_form": "No more than ten pages.",
        "not_satisfied_reasons": "The strategic assessment is two years old.",
        "proportionate_reasons": "A short report from existing data.",
    })
    assert answer.status_code == 201, answer.text
    found = api[CITY].get(f"/api/report-requests/{answer.json()['id']}").json()
    assert found["matters"] == "Knife crime in the city centre."
    assert found["specified_form"] == "No more than ten pages."
    assert found["not_satisfied_reasons"] == "The strategic assessment is two years old."
    assert found["proportionate_reasons"] == "A short report from existing data."
    # Another area's organisation gets what a made-up id gets.
    hidden = api[WELSH].get(f"/api/report-requests/{answer.json()['id']}")
    made_up = api[WELSH].get("/api/report-requests/no-such-request")
    assert hidden.status_code == made_up.status_code == 404
    assert hidden.json() == made_up.json()
