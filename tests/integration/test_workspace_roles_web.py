"""Roles within a workspace through the real app, on SQLite and PostgreSQL: the API, the page's
form, and what an observer is refused (issue #3).

The demo makes the county council's officer a lead of the Leicestershire strategy board and
the voluntary network an observer there; the board's quarterly meeting invites the police.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from hub.access.accounts import Permission
from hub.access.actors import actor_for_user
from hub.access.policy import SYSTEM
from hub.bootstrap import Hub
from hub.cli import main
from hub.domain import directory
from hub.events import StreamRef
from hub.service import handle
from schemas.commands import directory as cmd
from tests.web import client_of, followed
from tests.web import signed_in as _as

BOARD = "leicestershire-rutland-strategy-board"
BOARD_MEETING = "/records/meetings/leicestershire-rutland-board-quarterly"
OFFICE = "opcc@leicestershire.example.org"
LEAD = "county@leicestershire.example.org"
OBSERVER = "network@voluntary.example.org"
POLICE = "police@leicestershire.example.org"
CITY_ADMIN = "city@leicester.example.org"
PANEL_VIEWER = "panel@leicestershire.example.org"
WELSH_OFFICE = "opcc@dyfed-powys.example.org"
WELSH_COUNCIL = "council@carmarthenshire.example.org"


def _user_id(hub: Hub, email: str) -> str:
    return str(hub.accounts.user_by_email(email).user_id)


def _set(client: TestClient, user_id: str, role: Any, workspace: str = BOARD) -> Any:
    return client.put(f"/api/workspaces/{workspace}/roles/{user_id}", json={"role": role})


def _roles(client: TestClient, workspace: str = BOARD) -> dict[str, str]:
    answer = client.get(f"/api/workspaces/{workspace}/roles")
    assert answer.status_code == 200, answer.text
    return {p["name"]: p["role"] for p in answer.json()["items"]}


# -- the API ----------------------------------------------------------------------------------


def test_the_demo_gives_the_board_a_lead_and_an_observer(demo_hub: Hub) -> None:
    roles = _roles(_as(demo_hub, POLICE))
    assert roles["Gareth Lowe"] == "lead"
    assert roles["Lee Fraser"] == "observer"
    assert roles["Tom Ellis"] == "member", "everyone else is a member"
    assert _as(demo_hub, OBSERVER).get("/api/me").json()["workspace_roles"] == {
        BOARD: "observer"
    }


def test_a_lead_sets_a_role_recorded_as_an_event_of_the_workspace(demo_hub: Hub) -> None:
    lead = _as(demo_hub, LEAD)
    police = _user_id(demo_hub, POLICE)
    answer = _set(lead, police, "observer")
    assert answer.status_code == 200, answer.text
    [event] = answer.json()["events"]
    assert event["type"] == "workspace.role_assigned"
    assert event["data"] == {"workspace_id": BOARD, "user_id": police,
                             "organisation_id": "leicestershire-police", "role": "observer"}
    assert _roles(lead)["Tom Ellis"] == "observer"
    # Audited like every other change: who set it is in the workspace's history.
    latest = demo_hub.store.read_stream(StreamRef.of("workspace", BOARD).id)[-1]
    assert latest.meta["actor_user"] == _user_id(demo_hub, LEAD)
    assert set(latest.workspaces) == {"area-leicestershire", BOARD}
    again = _set(lead, police, "observer")
    assert again.status_code == 200 and again.json()["events"] == [], "no change, no event"
    # A lead may appoint another lead.
    assert _set(lead, police, "lead").status_code == 200


@pytest.mark.parametrize("body", [{"role": "chair"}, {}, {"role": "observer", "extra": 1}])
def test_a_role_that_is_not_one_is_a_422_naming_the_field(demo_hub: Hub, body: Any) -> None:
    lead = _as(demo_hub, LEAD)
    answer = lead.put(f"/api/workspaces/{BOARD}/roles/{_user_id(demo_hub, POLICE)}", json=body)
    assert answer.status_code == 422
    problem = answer.json()
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert problem["code"] == "request.invalid"
    assert problem["errors"][0]["field"] in {"role", "extra"}
    assert _roles(lead)["Tom Ellis"] == "member", "nothing was written"


def test_another_areas_workspace_or_person_is_a_404_that_leaks_nothing(demo_hub: Hub) -> None:
    welsh = _as(demo_hub, WELSH_OFFICE)
    unknown_workspace = _set(welsh, _user_id(demo_hub, POLICE), "observer", "no-such-space")
    other_areas = _set(welsh, _user_id(demo_hub, POLICE), "observer")
    assert other_areas.status_code == unknown_workspace.status_code == 404
    assert other_areas.json()["code"] == unknown_workspace.json()["code"] == "record.not_found"
    assert welsh.get(f"/api/workspaces/{BOARD}/roles").status_code == 404
    office = _as(demo_hub, OFFICE)
    welsh_person = _set(office, _user_id(demo_hub, WELSH_COUNCIL), "observer")
    nobody = _set(office, "00000000-0000-0000-0000-000000000000", "observer")
    assert welsh_person.status_code == nobody.status_code == 404
    assert welsh_person.json()["code"] == nobody.json()["code"] == "user.not_found"


@pytest.mark.parametrize(
    ("email", "target", "role", "status", "code"),
    [
        (POLICE, LEAD, "observer", 403, "access.not_workspace_lead"),
        (CITY_ADMIN, POLICE, "observer", 403, "access.not_workspace_lead"),
        (CITY_ADMIN, CITY_ADMIN, "lead", 403, "access.not_workspace_lead"),
        (PANEL_VIEWER, PANEL_VIEWER, "member", 403, "access.viewer_cannot_act"),
        (OBSERVER, OBSERVER, "member", 403, "access.observer_cannot_act"),
        (CITY_ADMIN, CITY_ADMIN, "observer", 200, None),
        (OFFICE, OBSERVER, "member", 200, None),
        (OFFICE, POLICE, "lead", 200, None),
    ],
    ids=["member-is-no-lead", "admin-of-another-organisation", "admin-appoints-no-lead",
         "viewer", "observer-changes-nothing", "admin-narrows-own-people",
         "office-admin-keeps-workspaces", "office-admin-appoints-a-lead"],
)
def test_who_may_set_roles_is_the_policys_answer(
    demo_hub: Hub, email: str, target: str, role: str, status: int, code: str | None
) -> None:
    answer = _set(_as(demo_hub, email), _user_id(demo_hub, target), role)
    assert answer.status_code == status, answer.text
    if code is not None:
        assert answer.json()["code"] == code
        assert answer.json()["detail"], "the problem says why"


def test_only_people_of_a_member_organisation_hold_a_role(demo_hub: Hub) -> None:
    office = _as(demo_hub, OFFICE)
    answer = _set(office, _user_id(demo_hub, OBSERVER), "observer", "csp-safer-leicester")
    assert answer.status_code == 422
    assert answer.json()["code"] == "workspace.not_a_member"


def test_an_api_token_holds_no_workspace_role_and_sets_none(demo_hub: Hub) -> None:
    _client_id, token = demo_hub.accounts.create_client(
        name="Police RMS", organisation_id="leicestershire-police",
        permissions=[Permission.ACT, Permission.READ_EVENTS], created_by="test",
    )
    client = client_of(demo_hub)
    answer = client.put(f"/api/workspaces/{BOARD}/roles/{_user_id(demo_hub, POLICE)}",
                        json={"role": "observer"}, headers={"authorization": f"Bearer {token}"})
    assert answer.status_code == 403
    assert answer.json()["code"] == "access.not_workspace_lead"


def test_an_organisation_leaving_the_workspace_ends_its_peoples_roles(demo_hub: Hub) -> None:
    office = _as(demo_hub, OFFICE)
    leave = cmd.RemoveWorkspaceMember(
        workspace_id=BOARD, organisation_id="safer-communities-network"
    )
    handle(demo_hub, directory.WORKSPACE, BOARD, leave, SYSTEM)
    assert "Lee Fraser" not in _roles(office)
    user = demo_hub.accounts.user(_user_id(demo_hub, OBSERVER))
    assert actor_for_user(demo_hub.engine, user).workspace_roles == frozenset()


# -- enforcement ------------------------------------------------------------------------------


def _respond(client: TestClient) -> Any:
    meeting = client.get(f"/api{BOARD_MEETING.removeprefix('/records')}").json()
    return client.post(f"/api{BOARD_MEETING.removeprefix('/records')}/respond", json={
        "response": "attending", "expected_version": meeting["version"],
        "representatives": [{"name": "Tom Ellis", "role": "Partnerships"}],
    })


def test_an_observer_is_refused_by_the_api_with_a_clear_problem(demo_hub: Hub) -> None:
    police = _as(demo_hub, POLICE)
    # Roles are read with each request, so the change applies to a session already open.
    assert _set(_as(demo_hub, OFFICE), _user_id(demo_hub, POLICE), "observer").status_code == 200
    refused = _respond(police)
    assert refused.status_code == 403
    problem = refused.json()
    assert problem["code"] == "access.observer_cannot_act"
    assert BOARD in problem["detail"] and "observer" in problem["detail"]
    # The organisation role still decides elsewhere: back to member, the answer is taken.
    assert _set(_as(demo_hub, OFFICE), _user_id(demo_hub, POLICE), "member").status_code == 200
    assert _respond(police).status_code == 200


def test_an_observer_cannot_create_a_record_in_the_workspace_it_would_be_in(
    demo_hub: Hub,
) -> None:
    office = _as(demo_hub, OFFICE)
    # The office's admin may narrow their own role, like anyone's in the area's workspaces.
    answer = _set(office, _user_id(demo_hub, OFFICE), "observer", "csp-safer-leicester")
    assert answer.status_code == 200, answer.text

    def require(csp_id: str) -> Any:
        return office.post("/api/report-requests", json={
            "csp_id": csp_id, "kind": "informal", "title": "Knife crime", "matters": "Trends.",
        })

    refused = require("safer-leicester")
    assert refused.status_code == 403
    assert refused.json()["code"] == "access.observer_cannot_act"
    assert require("safer-rutland").status_code == 201, "the role narrows one workspace alone"


def _action_forms(page: str) -> list[str]:
    return re.findall(r'<form[^>]+action="' + re.escape(BOARD_MEETING) + r'/([a-z-]+)"', page)


def test_an_observer_is_shown_no_action_forms(demo_hub: Hub) -> None:
    before = _as(demo_hub, POLICE).get(BOARD_MEETING)
    assert before.status_code == 200
    assert "respond" in _action_forms(before.text), "an invitee is offered the response form"
    _set(_as(demo_hub, OFFICE), _user_id(demo_hub, POLICE), "observer")
    after = _as(demo_hub, POLICE).get(BOARD_MEETING)
    assert after.status_code == 200, "an observer still sees the record"
    assert _action_forms(after.text) == []
    workspace = _as(demo_hub, POLICE).get(f"/workspaces/{BOARD}")
    assert "You can see this workspace's records but not change them" in workspace.text


# -- the page ---------------------------------------------------------------------------------


def _version_on(page: Any) -> str:
    """The workspace version the page's form carries."""
    found = re.search(r'name="expected_version" value="(\d+)"', page.text)
    assert found, "the form carries the workspace's version"
    return found.group(1)


def test_the_page_sets_a_role_and_says_so(demo_hub: Hub) -> None:
    lead = _as(demo_hub, LEAD)
    page = lead.get(f"/workspaces/{BOARD}/roles")
    assert page.status_code == 200
    assert 'name="csrf_token"' in page.text and 'value="lead"' in page.text
    police = _user_id(demo_hub, POLICE)
    answer = lead.post(f"/workspaces/{BOARD}/roles", data={
        "csrf_token": lead.csrf, "user_id": police, "role": "observer",  # type: ignore[attr-defined]
        "expected_version": _version_on(page),
    })
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/workspaces/{BOARD}/roles?updated={police}"
    shown = lead.get(answer.headers["location"])
    assert "Tom Ellis is now an observer in this workspace" in shown.text
    assert _roles(lead)["Tom Ellis"] == "observer"
    # The workspace's activity names the person and the role, not an organisation's id.
    activity = lead.get(f"/workspaces/{BOARD}").text
    assert "made Tom Ellis an observer of the workspace" in activity


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"role": "observer"}, "user_id", "Select a person"),
        ({"user_id": "POLICE"}, "role", "Select a role"),
        ({"user_id": "POLICE", "role": "chair"}, "role", "Select a role"),
        ({"user_id": "someone-else", "role": "observer"}, "user_id",
         "Select a person from the list"),
    ],
    ids=["no-person", "no-role", "not-a-role", "not-offered"],
)
def test_bad_input_on_the_page_is_shown_in_the_summary_and_beside_the_field(
    demo_hub: Hub, data: dict[str, str], field: str, message: str
) -> None:
    lead = _as(demo_hub, LEAD)
    if data.get("user_id") == "POLICE":
        data = {**data, "user_id": _user_id(demo_hub, POLICE)}
    answer = followed(lead, lead.post(f"/workspaces/{BOARD}/roles",
                                      data={"csrf_token": lead.csrf, **data}))  # type: ignore[attr-defined]
    assert answer.status_code == 400
    assert "There is a problem" in answer.text
    assert f'href="#{field}"' in answer.text
    assert re.search(rf'id="{field}-error"[^>]*>\s*<span[^>]*>Error:</span> {message}', answer.text)
    assert _roles(lead)["Tom Ellis"] == "member"


def test_a_refusal_by_the_policy_is_shown_beside_the_role(demo_hub: Hub) -> None:
    admin = _as(demo_hub, CITY_ADMIN)
    page = admin.get(f"/workspaces/{BOARD}/roles")
    assert 'value="lead"' not in page.text, "an admin is not offered what they may not set"
    assert "Tom Ellis (" not in page.text.split('id="people"')[0], "nor other organisations' people"
    answer = followed(admin, admin.post(f"/workspaces/{BOARD}/roles", data={
        "csrf_token": admin.csrf,  # type: ignore[attr-defined]
        "user_id": _user_id(demo_hub, CITY_ADMIN), "role": "lead",
        "expected_version": _version_on(page),
    }))
    assert answer.status_code == 400
    assert re.search(r'id="role-error"[^>]*>\s*<span[^>]*>Error:</span> Only a lead', answer.text)


@pytest.mark.parametrize("sent", ["stale", "missing"])
def test_a_form_drawn_before_someone_else_changed_the_roles_is_refused_not_applied(
    demo_hub: Hub, sent: str
) -> None:
    lead = _as(demo_hub, LEAD)
    page = lead.get(f"/workspaces/{BOARD}/roles")
    police = _user_id(demo_hub, POLICE)
    office = _as(demo_hub, OFFICE)
    assert _set(office, police, "observer").status_code == 200
    data = {"csrf_token": lead.csrf, "user_id": police, "role": "lead"}  # type: ignore[attr-defined]
    if sent == "stale":
        data["expected_version"] = _version_on(page)
    answer = followed(lead, lead.post(f"/workspaces/{BOARD}/roles", data=data))
    assert answer.status_code == 409
    assert re.search(r'id="role-error"[^>]*>\s*<span[^>]*>Error:</span> The people or roles here '
                     r"changed since you opened this page", answer.text)
    assert _roles(lead)["Tom Ellis"] == "observer", "the other person's change stands"
    # The page drawn with the refusal shows the roles as they are and carries their version.
    assert int(_version_on(answer)) > int(_version_on(page))
    again = lead.post(f"/workspaces/{BOARD}/roles", data={**data, "expected_version":
                                                          _version_on(answer)})
    assert again.status_code == 303
    assert _roles(lead)["Tom Ellis"] == "lead"


def test_the_page_refuses_a_post_without_the_csrf_token(demo_hub: Hub) -> None:
    lead = _as(demo_hub, LEAD)
    answer = lead.post(f"/workspaces/{BOARD}/roles", data={
        "user_id": _user_id(demo_hub, POLICE), "role": "observer"})
    assert answer.status_code == 403
    assert _roles(lead)["Tom Ellis"] == "member"


def test_a_member_sees_the_roles_but_no_form(demo_hub: Hub) -> None:
    page = _as(demo_hub, POLICE).get(f"/workspaces/{BOARD}/roles")
    assert page.status_code == 200
    assert "Gareth Lowe" in page.text and "Set a role" not in page.text
    assert _as(demo_hub, WELSH_OFFICE).get(f"/workspaces/{BOARD}/roles").status_code == 404


def test_the_operator_sets_a_role_from_the_command_line(
    demo_hub: Hub, demo_database_url: str, redis_url: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", demo_database_url)
    monkeypatch.setenv("REDIS_URL", redis_url)
    assert main(["workspace-role", BOARD, POLICE, "lead"]) == 0
    assert f"{POLICE} is now lead" in capsys.readouterr().out
    assert _roles(_as(demo_hub, POLICE))["Tom Ellis"] == "lead"
    assert main(["workspace-role", "csp-safer-leicester", OBSERVER, "lead"]) == 1
    assert "workspace.not_a_member" in capsys.readouterr().err
