"""The meetings calendar, inviting a whole partnership in one step (at convening and after),
"Check your answers" before a report is required, and the meetings list naming an area-wide
meeting's area: through the real app, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from starlette.testclient import TestClient

from hub.access.policy import Actor
from hub.bootstrap import Hub
from hub.handlers.meetings import convene_meeting
from hub.queries import lists
from hub.queries.directory import csps_of
from hub.web.api.meetings import MEETING_QUERIES
from tests.web import form_values, signed_in

OPCC = Actor(user_id="test-opcc", organisation_id="leicestershire-opcc",
             area_ids=frozenset({"leicestershire"}))
INVITED = [{"organisation_id": "leicester-city-council"}]


@pytest.fixture
def office(demo_hub: Hub) -> TestClient:
    return signed_in(demo_hub, "opcc@leicestershire.example.org")


def _convene(hub: Hub, title: str, starts: datetime, workspace_id: str | None = None) -> str:
    return convene_meeting(
        hub, OPCC, kind="voluntary", title=title, purpose="Plan.", starts_local=starts,
        ends_local=starts.replace(hour=min(starts.hour + 1, 23), minute=59),
        invitations=INVITED, workspace_id=workspace_id, place="Force headquarters",
    ).id


def _day(html: str, day: str) -> str:
    cell = re.search(rf'<td[^>]*id="day-{day}"[^>]*>(.*?)</td>', html, re.S)
    assert cell, f"no cell for {day}"
    return cell.group(1)


def test_the_calendar_shows_each_meeting_on_its_london_day_to_those_who_may_see_it(
    demo_hub: Hub, office: TestClient
) -> None:
    # 23:30 on 30 June is 22:30 UTC; 00:30 on 1 July is 23:30 UTC on 30 June.
    late = _convene(demo_hub, "Late June review", datetime(2027, 6, 30, 23, 30))
    early = _convene(demo_hub, "Early July briefing", datetime(2027, 7, 1, 0, 30))
    june = office.get("/records/meetings/calendar?month=2027-06")
    assert june.status_code == 200
    assert f'href="/records/meetings/{late}">23:30 Late June review' in _day(
        june.text, "2027-06-30")
    # The grid's last week shows the first days of July, with their meetings.
    assert "Early July briefing" in _day(june.text, "2027-07-01")
    assert "1 meeting in June 2027" in june.text
    assert 'href="/records/meetings/calendar?month=2027-05&amp;view=month"' in june.text
    assert 'href="/records/meetings/calendar?month=2027-07&amp;view=month"' in june.text
    july = office.get("/records/meetings/calendar?month=2027-07&view=agenda")
    assert f'href="/records/meetings/{early}">00:30 Early July briefing' in july.text
    assert "Thursday 1 July 2027" in july.text and "Late June review" not in july.text

    # Today is marked, in this month's grid.
    today = demo_hub.clock().date()
    now = office.get("/records/meetings/calendar").text
    assert f'id="day-{today.isoformat()}" aria-current="date"' in now
    assert now.count('aria-current="date"') == 1
    assert f"{today:%B %Y}</h1>" in now
    # A month that is not one is this month, never an error.
    assert office.get("/records/meetings/calendar?month=2027-13").status_code == 200

    # Another area's organisation sees none of Leicestershire's meetings.
    welsh = signed_in(demo_hub, "council@carmarthenshire.example.org")
    assert "Late June review" not in welsh.get("/records/meetings/calendar?month=2027-06").text
    # The calendar is linked from the navigation and from the meetings list.
    listed = office.get("/records/meetings").text
    assert 'href="/records/meetings/calendar"' in listed and 'id="calendar-link"' in listed


def test_an_area_wide_meeting_is_listed_as_for_the_whole_area(
    demo_hub: Hub, office: TestClient
) -> None:
    _convene(demo_hub, "Area-wide summit", datetime(2027, 3, 1, 10, 0))
    _convene(demo_hub, "City partnership meeting", datetime(2027, 3, 2, 10, 0),
             workspace_id="csp-safer-leicester")
    html = office.get("/records/meetings").text
    rows = dict(re.findall(r'>([^<]+)</a></th>\s*<td class="govuk-table__cell">([^<]*)</td>',
                           html))
    assert rows["Area-wide summit"] == "All of Leicestershire"
    assert rows["City partnership meeting"] == "Safer Leicester Partnership"


def _convene_form(office: TestClient, groups: list[str]) -> dict[str, object]:
    return {
        "csrf_token": office.csrf, "kind": "reg_14a",  # type: ignore[attr-defined]
        "title": "Serious violence duty", "purpose": "Agree the strategy.",
        "place": "Force headquarters",
        "starts_local": "2027-02-10T10:00", "ends_local": "2027-02-10T12:00",
        "invitations-rows": "2", "invitations-0-organisation_id": "leicestershire-police",
        "invite_groups": groups,
    }


def test_a_whole_partnership_is_invited_in_one_step_and_checked_by_name(
    demo_hub: Hub, office: TestClient
) -> None:
    safer = next(c for c in csps_of(demo_hub.engine, OPCC) if c["csp_id"] == "safer-leicester")
    form = office.get("/records/meetings/new").text
    assert 'value="csp:safer-leicester"' in form and "carmarthenshire" not in form

    checking = office.post("/records/meetings/new",
                           data=_convene_form(office, ["csp:safer-leicester"]))
    assert checking.status_code == 303
    assert checking.headers["location"].startswith("/records/meetings/new/check?kept=")
    check = office.get(checking.headers["location"]).text
    assert "Check your answers" in check
    answers = re.search(r'<dl class="govuk-summary-list" id="answers">(.*?)</dl>', check, re.S)
    assert answers
    assert "<p class=\"govuk-body\">Leicester City Council, Required</p>" in answers.group(1)
    assert "<p class=\"govuk-body\">Leicestershire Police</p>" in answers.group(1)
    assert "leicester-city-council" not in answers.group(1), "names, never ids"
    carried = form_values(check, "check-form")
    invited = [v for k, vs in carried.items() if k.endswith("-organisation_id") for v in vs]
    # The one chosen by hand stays first, once; then each authority of the partnership.
    assert invited[0] == "leicestershire-police"
    assert sorted(invited) == sorted(set(safer["responsible_authorities"]))
    made = office.post("/records/meetings/new", data=carried)
    assert made.status_code == 303
    meeting = MEETING_QUERIES.get(demo_hub, made.headers["location"].rsplit("/", 1)[1],
                                  workspace_ids=None)
    assert {i["organisation_id"] for i in meeting["invitations"]} == set(
        safer["responsible_authorities"])
    # Those the group added are required to attend (reg 14A); the one chosen by hand as chosen.
    assert {i["organisation_id"] for i in meeting["invitations"] if not i["required"]} == {
        "leicestershire-police"}


def test_a_group_the_convenor_may_not_see_is_answered_as_a_made_up_one(
    office: TestClient
) -> None:
    answers = []
    for group in ("csp:carmarthenshire-csp", "csp:no-such-partnership"):
        data = _convene_form(office, [group])
        data["title"] = ""
        refused = office.post("/records/meetings/new", data=data, follow_redirects=True)
        assert refused.status_code == 400
        answers.append(re.sub(r'nonce="[^"]+"', "", refused.text))
    assert answers[0] == answers[1]
    assert "carmarthenshire" not in answers[0]


def _invite_form(office: TestClient, version: int, groups: list[str]) -> dict[str, object]:
    return {"csrf_token": office.csrf, "expected_version": str(version),  # type: ignore[attr-defined]
            "invitations-rows": "1", "invite_groups": groups}


def test_more_organisations_are_invited_by_group_on_the_meetings_own_question_page(
    demo_hub: Hub, office: TestClient
) -> None:
    meeting_id = _convene(demo_hub, "Knife crime: the city's response", datetime(2027, 2, 3, 10))
    page = f"/records/meetings/{meeting_id}"
    assert f'href="{page}/invitations"' in office.get(page).text
    question = office.get(f"{page}/invitations").text
    assert 'value="csp:safer-leicester"' in question and "carmarthenshire" not in question
    # The council invited at convening is not offered again by name.
    offered = re.findall(r'<option value="([^"]+)"', question)
    assert "leicestershire-police" in offered and "leicester-city-council" not in offered
    version = MEETING_QUERIES.get(demo_hub, meeting_id, workspace_ids=None)["version"]

    # Another area's partnership is answered as a made-up one is: it adds no one.
    answers = []
    for group in ("csp:carmarthenshire-csp", "csp:no-such-partnership"):
        refused = office.post(f"{page}/invitations", data=_invite_form(office, version, [group]),
                              follow_redirects=True)
        assert refused.status_code == 400
        answers.append(re.sub(r'nonce="[^"]+"', "", refused.text))
    assert answers[0] == answers[1]
    assert "carmarthenshire" not in answers[0]

    checking = office.post(f"{page}/invitations",
                           data=_invite_form(office, version, ["csp:safer-leicester"]))
    assert checking.headers["location"].startswith(f"{page}/invitations/check?kept=")
    check = office.get(checking.headers["location"]).text
    assert "Already invited, so left as it is: Leicester City Council." in check
    # "Change" goes back to the question with the partnership's organisations listed by name.
    change = re.search(rf'href="({page}/invitations\?kept=[^"#]+)', check)
    assert change
    asked_again = form_values(office.get(change.group(1)).text, "invitations-form")
    named = {v for k, vs in asked_again.items() if k.endswith("-organisation_id") for v in vs}
    assert "leicestershire-police" in named and "leicester-city-council" not in named
    assert not asked_again.get("invite_groups")
    done = office.post(f"{page}/invitations", data=form_values(check, "check-form"))
    assert done.headers["location"] == f"{page}?done=invitations"
    shown = office.get(done.headers["location"]).text
    assert "You invited more organisations: each has been sent the invitation" in shown
    safer = next(c for c in csps_of(demo_hub.engine, OPCC) if c["csp_id"] == "safer-leicester")
    meeting = MEETING_QUERIES.get(demo_hub, meeting_id, workspace_ids=None)
    # A voluntary meeting requires no one's attendance.
    assert {(i["organisation_id"], i["required"]) for i in meeting["invitations"]} == {
        (o, False) for o in safer["responsible_authorities"]}

    # Answers confirmed on a page drawn before that change come back to the question, saying
    # what changed.
    stale = office.post(f"{page}/invitations", follow_redirects=True, data={
        **_invite_form(office, version, []), "confirmed": "yes",
        "invitations-0-organisation_id": "rutland-county-council"})
    assert stale.status_code == 409 and "Someone else changed this record" in stale.text
    assert 'id="invitations-form"' in stale.text
    # Ticked again, the partnership adds no one, and the page says why.
    again = office.post(f"{page}/invitations", follow_redirects=True,
                        data=_invite_form(office, meeting["version"], ["csp:safer-leicester"]))
    assert again.status_code == 400
    assert "Everyone in the groups you chose is already invited" in again.text
    # An invitee is offered no such page.
    city = signed_in(demo_hub, "city@leicester.example.org")
    assert f"{page}/invitations" not in city.get(page).text
    assert city.get(f"{page}/invitations", follow_redirects=False).headers["location"] == page


def _requests(hub: Hub) -> int:
    return lists.report_requests(hub, ["area-leicestershire"], status=None, csp_id=None,
                                 offset=0).total


def test_requiring_a_report_is_checked_first_and_changed_keeping_the_input(
    demo_hub: Hub, office: TestClient
) -> None:
    before = _requests(demo_hub)
    asked = office.post("/records/report-requests/new", data={
        "csrf_token": office.csrf, "csp_id": "safer-leicester",  # type: ignore[attr-defined]
        "kind": "informal", "title": "Shop theft", "matters": "Trends in shop theft.",
    })
    assert asked.status_code == 303 and "/new/check?kept=" in asked.headers["location"]
    check = office.get(asked.headers["location"]).text
    assert "Safer Leicester Partnership" in check and "Trends in shop theft." in check
    change = re.search(r'href="(/records/report-requests/new\?kept=[^"#]+)#title"', check)
    assert change
    again = office.get(change.group(1)).text
    assert 'value="Shop theft"' in again and "Trends in shop theft." in again
    assert _requests(demo_hub) == before, "nothing is required until it is confirmed"
    made = office.post("/records/report-requests/new", data=form_values(check, "check-form"))
    assert made.status_code == 303
    assert "Shop theft" in office.get(made.headers["location"]).text
    # The answers are for the session that gave them: another's check page starts afresh.
    other = signed_in(demo_hub, "opcc@leicestershire.example.org")
    assert other.get(asked.headers["location"]).headers["location"] == (
        "/records/report-requests/new")


def test_a_consent_is_checked_first_and_changed_on_the_merger_page_keeping_the_input(
    demo_hub: Hub, office: TestClient
) -> None:
    made = office.post("/records/mergers/new", data={
        "csrf_token": office.csrf, "confirmed": "yes",  # type: ignore[attr-defined]
        "csp_ids": ["melton-csp", "harborough-csp"], "purposes": ["reducing_reoffending"],
        "proposed_name": "Melton and Harborough Community Safety Partnership",
        "effective_date": "2028-04-01",
    })
    location = made.headers["location"]
    drawn = form_values(office.get(location).text, "consent-form")
    signed = {**{k: v[0] for k, v in drawn.items()}, "signatory": "Rupert Matthews",
              "signatory_role": "Police and Crime Commissioner", "signed_on": "2026-12-01",
              "document_title": "Combination agreement", "document_reference": "AGR-1"}
    asked = office.post(location + "/consent", data=signed)
    assert asked.status_code == 303 and "/consent/check?kept=" in asked.headers["location"]
    check = office.get(asked.headers["location"]).text
    assert "Rupert Matthews" in check and "1 December 2026" in check
    assert "You consented" not in office.get(location).text, "nothing is signed yet"
    change = re.search(r'href="([^"#]+)#consent-signatory"', check)
    assert change and change.group(1).startswith(location + "?kept=")
    again = office.get(change.group(1)).text
    assert re.search(r'<details class="govuk-details" open>\s*<summary[^>]*>\s*<span[^>]*>'
                     r'Consent to the merger', again), "the consent form comes back open"
    assert 'value="Rupert Matthews"' in again
    signed_again = office.post(location + "/consent", data=form_values(check, "check-form"))
    assert signed_again.headers["location"] == location + "?done=consent"
    assert "You consented as policing body" in office.get(signed_again.headers["location"]).text
