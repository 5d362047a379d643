"""Writes stay in the writer's area, and a retry returns the first result (issue 18).

Through the real app's JSON API on SQLite and PostgreSQL, with the demo's two areas: a
command never places a record in another area's workspace or reaches another area's
organisations, another area's ids are answered as made-up ones, idempotency keys belong to the
organisation that sent them, and every write answers once, without a 500 after the fact.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from hub.access.accounts import Permission
from hub.bootstrap import Hub
from tests.web import client_of, signed_in

LEICS_OFFICE, WELSH_OFFICE = "leicestershire-opcc", "dyfed-powys-opcc"
CITY, WELSH_COUNCIL = "leicester-city-council", "carmarthenshire-council"
SOON = date.today() + timedelta(days=60)


class Partner:
    """One organisation's partner system, calling the API with its own token."""

    def __init__(self, hub: Hub, client: TestClient, organisation_id: str) -> None:
        _id, token = hub.accounts.create_client(
            name="tests", organisation_id=organisation_id,
            permissions=[Permission.ACT, Permission.READ_EVENTS], created_by="tests",
        )
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def post(self, path: str, body: dict[str, Any], key: str | None = None) -> Any:
        headers = {**self.headers, **({"Idempotency-Key": key} if key is not None else {})}
        return self.client.post(path, json=body, headers=headers)

    def get(self, path: str) -> Any:
        return self.client.get(path, headers=self.headers)


@pytest.fixture
def api(demo_hub: Hub) -> dict[str, Partner]:
    client = client_of(demo_hub)
    return {o: Partner(demo_hub, client, o)
            for o in (LEICS_OFFICE, WELSH_OFFICE, CITY, WELSH_COUNCIL)}


def meeting(invitee: str, **extra: Any) -> dict[str, Any]:
    """A voluntary meeting (convened in England or Wales alike) inviting ``invitee``."""
    return {
        "kind": "voluntary", "title": "Reducing re-offending: joint board",
        "purpose": "Agree the year's priorities.", "place": "Council offices",
        "starts_local": f"{SOON.isoformat()}T10:00", "ends_local": f"{SOON.isoformat()}T12:00",
        "invitations": [{"organisation_id": invitee, "required": False}], **extra,
    }


def problem_of(answer: Any) -> tuple[int, str, str, str]:
    body = answer.json()
    return answer.status_code, body["code"], body["title"], body.get("detail", "")


def events_of(hub: Hub) -> int:
    return hub.store.head_position()


@pytest.mark.parametrize(
    ("writer", "invitee", "theirs"),
    [(WELSH_OFFICE, WELSH_COUNCIL, "area-leicestershire"),
     (LEICS_OFFICE, CITY, "area-dyfed-powys")],
    ids=["dyfed-powys-into-leicestershire", "leicestershire-into-dyfed-powys"],
)
def test_a_meeting_cannot_be_placed_in_another_areas_workspace(
    api: dict[str, Partner], demo_hub: Hub, writer: str, invitee: str, theirs: str
) -> None:
    """Finding 1: the workspace a meeting lives in is one the convenor belongs to; another
    area's is answered exactly as one that does not exist, and nothing is written."""
    head = events_of(demo_hub)
    foreign = api[writer].post("/api/meetings", meeting(invitee, workspace_id=theirs))
    made_up = api[writer].post("/api/meetings", meeting(invitee, workspace_id="area-atlantis"))
    assert foreign.status_code == 404, foreign.text
    assert problem_of(foreign) == problem_of(made_up)
    assert events_of(demo_hub) == head, "nothing may be written"
    own = api[writer].post("/api/meetings", meeting(invitee))
    assert own.status_code == 201, own.text


def test_another_areas_organisation_cannot_be_invited(
    api: dict[str, Partner], demo_hub: Hub
) -> None:
    """Finding 2: an invitee of another area is, for the convenor, not in the directory:
    the same refusal as a made-up organisation, and no invitation reaches it."""
    head = events_of(demo_hub)
    foreign = api[WELSH_OFFICE].post("/api/meetings", meeting(CITY))
    made_up = api[WELSH_OFFICE].post("/api/meetings", meeting("atlantis-city-council"))
    assert foreign.status_code == 422 and foreign.json()["code"] == "meeting.unknown_invitee"
    assert problem_of(foreign) == problem_of(made_up) or (
        problem_of(foreign)[:3] == problem_of(made_up)[:3]
        and problem_of(foreign)[3].replace(CITY, "<id>")
        == problem_of(made_up)[3].replace("atlantis-city-council", "<id>")
    )
    assert events_of(demo_hub) == head
    invitations = api[CITY].get("/api/meetings?limit=200").json()["items"]
    assert all(m["area_id"] == "leicestershire" for m in invitations)


def test_an_idempotency_key_belongs_to_the_organisation_that_sent_it(
    api: dict[str, Partner],
) -> None:
    """Finding 4: a key Leicestershire used is Dyfed-Powys's to use too; the answer names
    nothing of Leicestershire's."""
    key = "board-2027"
    leics = api[LEICS_OFFICE].post("/api/meetings", meeting(CITY), key=key)
    welsh = api[WELSH_OFFICE].post("/api/meetings", meeting(WELSH_COUNCIL), key=key)
    assert leics.status_code == 201 and welsh.status_code == 201, welsh.text
    assert welsh.json()["id"] != leics.json()["id"]
    assert leics.json()["id"] not in welsh.text


@pytest.mark.parametrize("collection", ["meetings", "mergers", "report-requests"])
def test_a_retried_create_returns_the_first_result(
    api: dict[str, Partner], demo_hub: Hub, collection: str
) -> None:
    """Finding 4: a create retried with its key returns the first record, 200, and records
    nothing more (the record's id comes from the key)."""
    body = {
        "meetings": meeting(CITY),
        "mergers": {
            "csp_ids": ["blaby-csp", "oadby-and-wigston-csp"],
            "purposes": ["reducing_crime_and_disorder"],
            "proposed_name": "Blaby and Oadby & Wigston CSP",
            "effective_date": (date.today() + timedelta(days=200)).isoformat(),
        },
        "report-requests": {"csp_id": "safer-leicester", "kind": "informal",
                            "title": "Knife crime", "matters": "Trends."},
    }[collection]
    first = api[LEICS_OFFICE].post(f"/api/{collection}", body, key="retry-1")
    assert first.status_code == 201, first.text
    head = events_of(demo_hub)
    retry = api[LEICS_OFFICE].post(f"/api/{collection}", body, key="retry-1")
    assert retry.status_code == 200, retry.text
    assert (retry.json()["id"], retry.json()["replayed"]) == (first.json()["id"], True)
    assert [e["id"] for e in retry.json()["events"]] == [e["id"] for e in first.json()["events"]]
    assert events_of(demo_hub) == head


def test_a_key_reused_for_another_request_names_no_stream(api: dict[str, Partner]) -> None:
    """Finding 4: reusing one's own key for a different record is refused without naming
    the record it was first used for."""
    first = api[LEICS_OFFICE].post("/api/meetings", meeting(CITY), key="k-reused")
    record = first.json()["id"]
    path = f"/api/meetings/{record}/cancel"
    cancelled = api[LEICS_OFFICE].post(
        path, {"expected_version": first.json()["version"], "reason": "Clash"}, key="k-2"
    )
    assert cancelled.status_code == 200, cancelled.text
    other = api[LEICS_OFFICE].post("/api/mergers", {
        "csp_ids": ["blaby-csp", "melton-csp"], "purposes": ["reducing_reoffending"],
        "proposed_name": "Blaby and Melton CSP",
        "effective_date": (date.today() + timedelta(days=200)).isoformat(),
    }, key="k-2")
    assert other.status_code == 422, other.text
    assert other.json()["code"] == "store.idempotency_key_reused"
    assert record not in other.text and "meeting" not in other.json()["detail"]


@pytest.mark.parametrize("key", ["k" * 256, ""], ids=["too-long", "empty"])
def test_an_unusable_idempotency_key_is_a_400(
    api: dict[str, Partner], demo_hub: Hub, key: str
) -> None:
    """Finding 12 (its idempotency part): a key is 1 to 255 printable characters."""
    head = events_of(demo_hub)
    answer = api[LEICS_OFFICE].post("/api/meetings", meeting(CITY), key=key)
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "request.bad_idempotency_key"
    assert events_of(demo_hub) == head


def test_an_action_is_assigned_once_and_answered_without_a_500(
    api: dict[str, Partner], demo_hub: Hub
) -> None:
    """Finding 7: assigning an action answers 200 with the action's id, and a retry with the
    same key records nothing more."""
    held = [m for m in api[LEICS_OFFICE].get("/api/meetings?status=held&limit=200")
            .json()["items"] if m["convenor_id"] == LEICS_OFFICE]
    assert held, "the demo has a held meeting"
    path = f"/api/meetings/{held[0]['meeting_id']}"
    version = api[LEICS_OFFICE].get(path).json()["version"]
    body = {"expected_version": version, "description": "Circulate the data sharing plan",
            "owner_organisation_id": LEICS_OFFICE, "due_on": SOON.isoformat()}
    answer = api[LEICS_OFFICE].post(f"{path}/actions", body, key="action-1")
    assert answer.status_code == 200, answer.text
    created = answer.json()
    assert created["id"] == held[0]["meeting_id"] and created["created_id"]
    assert created["events"][0]["type"] == "meeting.action_assigned"
    retry = api[LEICS_OFFICE].post(f"{path}/actions", body, key="action-1")
    assert retry.status_code == 200 and retry.json()["replayed"], retry.text
    assert retry.json()["created_id"] == created["created_id"]
    actions = api[LEICS_OFFICE].get(path).json()["actions"]
    assert [a["action_id"] for a in actions].count(created["created_id"]) == 1


def test_an_invitation_for_another_areas_account_is_answered_as_for_a_new_email(
    demo_hub: Hub,
) -> None:
    """Finding 3 (invitations by email): an email with an account in another area gets the
    answer an unknown email gets; one of the admin's own area is still refused."""
    admin = signed_in(demo_hub, "opcc@dyfed-powys.example.org")
    headers = {"X-CSRF-Token": admin.csrf, "Origin": "http://testserver"}  # type: ignore[attr-defined]

    def invite(email: str) -> Any:
        return admin.post("/api/invitations", json={"email": email}, headers=headers)

    foreign = invite("opcc@leicestershire.example.org")
    unknown = invite("new.officer@dyfed-powys.example.org")
    assert foreign.status_code == unknown.status_code == 201, foreign.text
    assert set(foreign.json()) == set(unknown.json())
    own = invite("council@carmarthenshire.example.org")
    assert own.status_code == 409 and own.json()["code"] == "user.email_taken"
