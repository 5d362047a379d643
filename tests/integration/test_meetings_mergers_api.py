"""Meetings and mergers through the real app's JSON API, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from starlette.testclient import TestClient

from hub.bootstrap import Hub
from tests.integration.test_reports_api import Api
from tests.web import client_of

OFFICE, CITY, POLICE, WELSH = (
    "leicestershire-opcc", "leicester-city-council", "leicestershire-police",
    "carmarthenshire-council",
)
WELSH_OFFICE = "dyfed-powys-opcc"


@pytest.fixture
def api(demo_hub: Hub) -> dict[str, Api]:
    client: TestClient = client_of(demo_hub)
    return {o: Api(demo_hub, client, o) for o in (OFFICE, CITY, POLICE, WELSH, WELSH_OFFICE)}


def _meeting(day: date, hour: int = 10) -> dict[str, object]:
    return {
        "kind": "reg_14a", "title": "Serious violence duty: county strategy",
        "purpose": "Agree the joint strategic needs assessment.",
        "starts_local": f"{day.isoformat()}T{hour:02d}:00", "ends_local":
        f"{day.isoformat()}T{hour + 2:02d}:00",
        "place": "County Hall, Glenfield",
        "invitations": [{"organisation_id": CITY, "required": True},
                        {"organisation_id": POLICE, "required": False}],
    }


def _next(month: int) -> date:
    today = date.today()
    year = today.year + 1
    return date(year, month, 14)


def test_a_meeting_in_january_and_july_keeps_london_wall_clock_time(
    api: dict[str, Api],
) -> None:
    winter = api[OFFICE].post("/api/meetings", _meeting(_next(1)))
    summer = api[OFFICE].post("/api/meetings", _meeting(_next(7)))
    assert winter.status_code == 201 and summer.status_code == 201, (winter.text, summer.text)
    w = api[CITY].get(f"/api/meetings/{winter.json()['id']}").json()
    s = api[CITY].get(f"/api/meetings/{summer.json()['id']}").json()
    assert w["starts_at"].startswith(f"{_next(1).isoformat()}T10:00:00")
    assert s["starts_at"].startswith(f"{_next(7).isoformat()}T09:00:00")
    history = api[CITY].get(f"/api/meetings/{winter.json()['id']}/history").json()["items"]
    assert history[0]["type"] == "meeting.convened"


def test_invitees_respond_and_a_required_decline_is_flagged(api: dict[str, Api]) -> None:
    created = api[OFFICE].post("/api/meetings", _meeting(_next(3))).json()
    path = f"/api/meetings/{created['id']}"
    declined = api[CITY].post(f"{path}/respond", {
        "expected_version": created["version"], "response": "declining",
        "reason": "Budget setting meeting at the same time."})
    assert declined.status_code == 200, declined.text
    meeting = api[OFFICE].get(path).json()
    assert meeting["required_declines"] == 1
    stale = api[POLICE].post(f"{path}/respond", {
        "expected_version": created["version"], "response": "declining", "reason": "x"})
    assert stale.status_code == 409 and stale.json()["current_version"] == meeting["version"]


def test_a_meeting_ending_before_it_starts_is_refused(api: dict[str, Api]) -> None:
    body = {**_meeting(_next(3)), "ends_local": f"{_next(3).isoformat()}T09:00"}
    answer = api[OFFICE].post("/api/meetings", body)
    assert answer.status_code == 422, answer.text


def test_only_the_office_convenes_reg_14a_and_other_areas_see_nothing(
    api: dict[str, Api],
) -> None:
    refused = api[CITY].post("/api/meetings", {**_meeting(_next(3)), "area_id": "leicestershire"})
    assert refused.status_code == 403 and refused.json()["code"] == "meeting.not_policing_body"
    created = api[OFFICE].post("/api/meetings", _meeting(_next(3))).json()
    assert api[WELSH].get(f"/api/meetings/{created['id']}").status_code == 404
    listed = api[WELSH].get("/api/meetings?limit=200").json()["items"]
    assert all(m["area_id"] == "dyfed-powys" for m in listed)


def test_a_merger_is_proposed_and_a_party_consents_for_itself(api: dict[str, Api]) -> None:
    proposal = {
        "csp_ids": ["blaby-csp", "oadby-and-wigston-csp"],
        "purposes": ["reducing_crime_and_disorder"],
        "proposed_name": "Blaby and Oadby & Wigston Community Safety Partnership",
        "effective_date": (date.today() + timedelta(days=200)).isoformat(),
    }
    created = api[OFFICE].post("/api/mergers", proposal)
    assert created.status_code == 201, created.text
    path = f"/api/mergers/{created.json()['id']}"
    merger = api[POLICE].get(path).json()
    assert merger["status"] == "proposed"
    assert POLICE in {p["organisation_id"] for p in merger["parties"]}
    consent = api[POLICE].post(f"{path}/consent", {
        "expected_version": merger["version"], "revision": merger["revision"],
        "signatory": "Chief Constable", "signatory_role": "Chief Constable",
        "signed_on": date.today().isoformat(), "document_title": "Combination agreement",
        "document_reference": "LP/2026/114"})
    assert consent.status_code == 200, consent.text
    assert api[CITY].post(f"{path}/consent", {
        "expected_version": consent.json()["version"], "revision": merger["revision"],
        "signatory": "x", "signatory_role": "x", "signed_on": date.today().isoformat(),
        "document_title": "x", "document_reference": "x",
    }).status_code == 403, "Leicester City Council is not a party to this merger"


def test_a_welsh_merger_is_refused_in_wales(api: dict[str, Api]) -> None:
    answer = api[WELSH_OFFICE].post("/api/mergers", {
        "csp_ids": ["carmarthenshire-csp", "ceredigion-csp"],
        "purposes": ["reducing_crime_and_disorder"], "proposed_name": "West Wales CSP",
        "effective_date": (date.today() + timedelta(days=200)).isoformat(),
    })
    assert answer.status_code == 422
    assert answer.json()["code"] in {"merger.welsh_csp", "access.england_only"}


def test_the_office_invites_more_organisations_and_another_areas_is_a_made_up_one(
    api: dict[str, Api],
) -> None:
    created = api[OFFICE].post("/api/meetings", _meeting(_next(4))).json()
    path = f"/api/meetings/{created['id']}/invitations"
    body = {"expected_version": created["version"],
            "invitations": [{"organisation_id": "llr-icb", "required": True},
                            {"organisation_id": CITY}]}
    not_keeper = api[CITY].post(path, body)
    assert not_keeper.status_code == 403, not_keeper.text
    assert not_keeper.json()["code"] == "access.not_policing_body"
    unseen = {
        org: api[OFFICE].post(path, {**body, "invitations": [{"organisation_id": org}]})
        for org in (WELSH, "no-such-organisation")
    }
    assert {a.status_code for a in unseen.values()} == {422}
    assert {a.json()["code"] for a in unseen.values()} == {"meeting.unknown_invitee"}
    added = api[OFFICE].post(path, body)
    assert added.status_code == 200, added.text
    [event] = added.json()["events"]
    assert event["type"] == "meeting.invitees_added"
    # The council was invited at convening: it keeps its invitation as it was.
    assert event["data"]["invitations"] == [{"organisation_id": "llr-icb", "required": True}]
    meeting = api[OFFICE].get(f"/api/meetings/{created['id']}").json()
    assert {(i["organisation_id"], i["required"], i["response"])
            for i in meeting["invitations"]} == {
        (CITY, True, None), (POLICE, False, None), ("llr-icb", True, None)}
    again = api[OFFICE].post(path, {**body, "expected_version": meeting["version"]})
    assert again.status_code == 422 and again.json()["code"] == "meeting.already_invited"
    other_area = api[WELSH_OFFICE].post(path, body)
    made_up = api[WELSH_OFFICE].post("/api/meetings/no-such-meeting/invitations", body)
    assert (other_area.status_code, other_area.json()["code"]) == (
        made_up.status_code, made_up.json()["code"])
