"""The meeting page through the real app: its sections for a demo meeting, and its forms with
nested bodies (papers, representatives, agenda, invitations) posted as fields, not JSON."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from httpx import Response
from starlette.testclient import TestClient

from hub.access.policy import Actor
from hub.bootstrap import Hub
from hub.handlers.meetings import publish_meeting_papers
from hub.queries.meetings import MEETING_QUERIES
from hub.web.pages.meetings import meeting_defaults
from schemas.events.meetings import Paper
from tests.web import form_values
from tests.web import offered_actions as _forms
from tests.web import signed_in as _client

HELD = "/records/meetings/leicestershire-reducing-reoffending"
UPCOMING = "/records/meetings/leicestershire-serious-violence-needs"
CANCELLED = "/records/meetings/leicestershire-county-lines"


@pytest.fixture
def office(demo_hub: Hub) -> TestClient:
    return _client(demo_hub, "opcc@leicestershire.example.org")


def _section(html: str, section_id: str) -> str:
    found = re.search(rf'<section id="{section_id}".*?</section>', html, re.S)
    assert found, f"no {section_id} section"
    return found.group(0)


def _match(pattern: str, html: str) -> str:
    found = re.search(pattern, html, re.S)
    assert found, f"nothing matches {pattern}"
    return found.group(0)


def _version(html: str) -> str:
    return _match(r'name="expected_version" value="\d+"', html).split('"')[3]


def _stored(hub: Hub, meeting_id: str) -> dict[str, object]:
    return MEETING_QUERIES.get(hub, meeting_id, workspace_ids=None)


def test_the_meeting_page_shows_agenda_responses_papers_minutes_and_actions(
    office: TestClient,
) -> None:
    page = office.get(HELD)
    assert page.status_code == 200
    html = page.text
    assert "Convened by" in html and "Office of the Police and Crime Commissioner" in html
    assert "Reg 14A joint meeting" in html and "City Hall, Leicester" in html
    # Every reg 14A meeting states its statutory purpose.
    assert 'data-field="statutory_purpose"' in html and "section 6 of the Crime and" in html
    assert re.search(r"\w+day \d+ \w+ \d{4}, 10:00 to 12:00 \(London time\)", html)
    assert '<strong class="govuk-tag govuk-tag--green">Held</strong>' in html

    agenda = _section(html, "meeting-agenda")
    assert agenda.index("Re-offending data") < agenda.index("Cohort selection")

    responses = _section(html, "meeting-responses")
    assert "3 invited: 2 accepted, 0 declined, 1 with no response yet." in responses
    assert "Dev Sharma" in responses and "Claire Hughes" in responses
    icb = _match(r'id="response-llr-icb".*?</tr>', responses)
    assert "No response yet" in icb

    papers = _section(html, "meeting-papers")
    assert ('href="https://papers.example.org/leicestershire/reoffending-data.pdf"' in papers
            and "Re-offending data review (as presented)" in papers)

    minutes = _section(html, "meeting-minutes")
    assert "Approved" in minutes and "one integrated offender management cohort" in minutes

    actions = _section(html, "meeting-actions")
    assert "2 open, of which 1 overdue." in actions
    overdue = re.search(r'<tr class="[^"]*hub-overdue[^"]*" id="action-icb-health-pathway".*?</tr>',
                        actions, re.S)
    assert overdue and "Overdue" in overdue.group(0)
    assert "NHS Leicester, Leicestershire and Rutland ICB" in overdue.group(0)
    done = _match(r'id="action-reoffending-data".*?</tr>', actions)
    assert "Done" in done and "Shared with the OPCC analyst." in done


def test_the_meeting_page_keeps_the_live_regions_the_calendar_link_and_the_history(
    office: TestClient,
) -> None:
    html = office.get(HELD).text
    assert 'data-live-workspaces="area-leicestershire"' in html
    assert 'id="live-status"' in html and 'aria-live="polite"' in html
    for region in ("record-state", "meeting-agenda", "meeting-responses", "meeting-papers",
                   "meeting-minutes", "meeting-actions", "history"):
        assert re.search(rf'id="{region}"[^>]*data-live-refresh', html), region
    assert 'href="/meetings/leicestershire-reducing-reoffending.ics"' in html
    assert "approved the minutes of the meeting" in _history(html)


def _history(html: str) -> str:
    return _match(r'<ol class="govuk-list hub-timeline" id="history".*?</ol>', html)


def test_a_required_invitees_decline_and_a_delegate_are_shown(office: TestClient) -> None:
    responses = _section(office.get(UPCOMING).text, "meeting-responses")
    assert "7 invited: 3 accepted, 1 declined, 3 with no response yet." in responses
    assert "1 organisation required to attend declined." in responses
    probation = re.search(r'id="response-probation-east-midlands".*?</tr>', responses, re.S)
    assert probation and "govuk-tag--red" in probation.group(0)
    assert "regional performance board" in probation.group(0)
    assert "Sending a delegate" in responses and "Rachel Moore (Safeguarding Lead)" in responses


def test_the_forms_offer_fields_for_nested_bodies_never_json(office: TestClient) -> None:
    html = office.get(UPCOMING).text
    assert "As JSON" not in html
    assert 'name="papers-0-title"' in html and 'name="papers-1-reference"' in html
    assert 'name="add_row" value="papers"' in html
    # The amend form starts as the meeting stands, agenda items one per row.
    assert 'value="Data sharing" id="amend-agenda-2-title"' in html
    title = "Serious violence duty: joint strategic needs assessment"
    assert f'value="{title}" id="amend-title"' in html
    new = office.get("/records/meetings/new").text
    assert 'name="invitations-0-organisation_id"' in new
    assert 'name="invitations-0-required"' in new and 'name="agenda-0-title"' in new


def test_papers_posted_as_fields_are_published(office: TestClient, demo_hub: Hub) -> None:
    version = _version(office.get(UPCOMING).text)
    answer = office.post(UPCOMING + "/papers", data={
        "csrf_token": office.csrf, "expected_version": version,  # type: ignore[attr-defined]
        "papers-rows": "2",
        "papers-0-title": "Response strategy (draft)",
        "papers-0-reference": "https://papers.example.org/sv/response-strategy.pdf",
        "papers-1-title": "", "papers-1-reference": "",
    })
    assert answer.status_code == 303, answer.text
    stored = _stored(demo_hub, "leicestershire-serious-violence-needs")
    assert [p["title"] for p in stored["papers"]] == [  # type: ignore[attr-defined]
        "Strategic needs assessment (draft)", "Response strategy (draft)",
    ]
    papers = _section(office.get(UPCOMING).text, "meeting-papers")
    assert 'href="https://papers.example.org/sv/response-strategy.pdf"' in papers


def test_a_nested_field_left_blank_is_shown_beside_it_and_nothing_is_written(
    office: TestClient, demo_hub: Hub
) -> None:
    before = _stored(demo_hub, "leicestershire-serious-violence-needs")
    answer = office.post(UPCOMING + "/papers", data={
        "csrf_token": office.csrf, "expected_version": str(before["version"]),  # type: ignore[attr-defined]
        "papers-rows": "2",
        "papers-0-title": "Needs assessment annex", "papers-0-reference": "annex-1",
        "papers-1-title": "", "papers-1-reference": "https://papers.example.org/sv/annex-2.pdf",
    }, follow_redirects=True)
    assert answer.status_code == 400
    html = answer.text
    assert "govuk-error-summary" in html
    assert 'href="#papers-papers-1-title">Enter title of paper 2</a>' in html
    assert re.search(r'id="papers-papers-1-title-error" class="govuk-error-message">'
                     r'<span class="govuk-visually-hidden">Error:</span> Enter title of paper 2',
                     html)
    assert ('class="govuk-input govuk-input--error" type="text" value="" '
            'id="papers-papers-1-title"') in html
    # What was typed comes back, in the form left open.
    assert 'value="Needs assessment annex" id="papers-papers-0-title"' in html
    assert re.search(r'<details class="govuk-details" open>\s*<summary[^>]*><span[^>]*>'
                     r'Publish papers', html)
    assert _stored(demo_hub, "leicestershire-serious-violence-needs") == before


def test_an_empty_list_is_refused_beside_its_first_row(office: TestClient, demo_hub: Hub) -> None:
    before = _stored(demo_hub, "leicestershire-serious-violence-needs")
    answer = office.post(UPCOMING + "/papers", data={
        "csrf_token": office.csrf, "expected_version": str(before["version"]),  # type: ignore[attr-defined]
        "papers-rows": "2", "papers-0-title": "", "papers-0-reference": "",
    }, follow_redirects=True)
    assert answer.status_code == 400
    assert 'href="#papers-papers-0-title">Add at least 1 paper</a>' in answer.text
    assert 'id="papers-papers-0-title-error"' in answer.text
    assert _stored(demo_hub, "leicestershire-serious-violence-needs") == before


def test_add_another_row_works_without_javascript_and_writes_nothing(
    office: TestClient, demo_hub: Hub
) -> None:
    before = _stored(demo_hub, "leicestershire-serious-violence-needs")
    answer = office.post(UPCOMING + "/papers", data={
        "csrf_token": office.csrf, "expected_version": str(before["version"]),  # type: ignore[attr-defined]
        "papers-rows": "2", "papers-0-title": "First", "papers-0-reference": "one",
        "papers-1-title": "Second", "papers-1-reference": "two", "add_row": "papers",
    }, follow_redirects=True)
    assert answer.status_code == 200
    html = answer.text
    assert 'name="papers-rows" value="3"' in html
    assert 'value="Second" id="papers-papers-1-title"' in html
    assert re.search(r'id="papers-papers-2-title" name="papers-2-title"\s+autofocus', html)
    assert "govuk-error-summary" not in html
    assert _stored(demo_hub, "leicestershire-serious-violence-needs") == before


def test_an_invitee_responds_with_representatives_as_rows(demo_hub: Hub) -> None:
    county = _client(demo_hub, "county@leicestershire.example.org")
    version = _version(county.get(UPCOMING).text)
    answer = county.post(UPCOMING + "/respond", data={
        "csrf_token": county.csrf, "expected_version": version,  # type: ignore[attr-defined]
        "response": "attending", "representatives-rows": "2",
        "representatives-0-name": "Gareth Lowe",
        "representatives-0-role": "Head of Safer Communities",
        "representatives-1-name": "Ann Price", "representatives-1-role": "",
        "delegate-name": "", "delegate-role": "",
    })
    assert answer.status_code == 303, answer.text
    responses = _section(county.get(UPCOMING).text, "meeting-responses")
    assert "Gareth Lowe (Head of Safer Communities); Ann Price" in responses
    assert "7 invited: 4 accepted, 1 declined, 2 with no response yet." in responses


def test_a_role_without_a_name_is_refused_beside_the_name(demo_hub: Hub) -> None:
    county = _client(demo_hub, "county@leicestershire.example.org")
    before = _stored(demo_hub, "leicestershire-serious-violence-needs")
    answer = county.post(UPCOMING + "/respond", data={
        "csrf_token": county.csrf, "expected_version": str(before["version"]),  # type: ignore[attr-defined]
        "response": "delegating", "representatives-rows": "2",
        "delegate-name": "", "delegate-role": "Deputy director",
    }, follow_redirects=True)
    assert answer.status_code == 400
    assert 'href="#respond-delegate-name">Enter name of delegate</a>' in answer.text
    assert 'id="respond-delegate-name-error"' in answer.text
    assert _stored(demo_hub, "leicestershire-serious-violence-needs") == before


def test_a_meeting_is_convened_with_agenda_and_invitations_as_rows(office: TestClient) -> None:
    day = date.today() + timedelta(days=60)
    answer = office.post("/records/meetings/new", data={
        "csrf_token": office.csrf, "confirmed": "yes", "kind": "reg_14a",  # type: ignore[attr-defined]
        "title": "Drug markets: joint plan", "purpose": "Agree a joint plan.",
        "starts_local": f"{day}T10:00", "ends_local": f"{day}T12:00",
        "place": "City Hall, Leicester",
        "invitations-rows": "3",
        "invitations-0-organisation_id": "leicestershire-police", "invitations-0-required": "yes",
        "invitations-1-organisation_id": "leicester-city-council",
        "invitations-2-organisation_id": "",
        "agenda-rows": "2", "agenda-0-title": "Market mapping",
        "agenda-0-description": "What the police and council know.",
        "agenda-1-title": "Disruption plan",
    })
    assert answer.status_code == 303, answer.text
    html = office.get(answer.headers["location"]).text
    agenda = _section(html, "meeting-agenda")
    assert agenda.index("Market mapping") < agenda.index("Disruption plan")
    assert "What the police and council know." in agenda
    responses = _section(html, "meeting-responses")
    assert "2 invited: 0 accepted, 0 declined, 2 with no response yet." in responses
    police = re.search(r'id="response-leicestershire-police".*?</tr>', responses, re.S)
    assert police and "Attendance required" in police.group(0)


def test_an_action_is_assigned_to_an_invitee_chosen_by_name(
    office: TestClient, demo_hub: Hub
) -> None:
    html = office.get(HELD).text
    assert re.search(r'<select[^>]*id="actions-owner_organisation_id"', html)
    assert '<option value="llr-icb" >NHS Leicester, Leicestershire and Rutland ICB</option>' in html
    due = date.today() + timedelta(days=20)
    answer = office.post(HELD + "/actions", data={
        "csrf_token": office.csrf, "expected_version": _version(html),  # type: ignore[attr-defined]
        "description": "Map refuge referrals by district.", "owner_organisation_id": "llr-icb",
        "due_on": due.isoformat(), "action_id": "",
    })
    assert answer.status_code == 303, answer.text
    actions = _section(office.get(HELD).text, "meeting-actions")
    assert "Map refuge referrals by district." in actions
    assert "3 open, of which 1 overdue." in actions


def test_a_meeting_offers_only_what_its_state_admits(office: TestClient, demo_hub: Hub) -> None:
    upcoming = _forms(office.get(UPCOMING).text)
    assert {"reschedule", "amend", "cancel", "papers"} <= upcoming
    assert not {"held", "minutes", "minutes-approval", "actions"} & upcoming, "not yet held"
    # Held, its minutes approved: actions may still be assigned, the minutes are settled.
    held = _forms(office.get(HELD).text)
    assert {"actions", "papers"} <= held
    assert not {"reschedule", "cancel", "minutes", "minutes-approval"} & held
    assert not _forms(office.get(CANCELLED).text) - {"action-completion"}, "a cancelled one"
    # An invitee answers a meeting to come; the office, not invited, is not asked to.
    council = _client(demo_hub, "county@leicestershire.example.org")
    assert "respond" in _forms(council.get(UPCOMING).text)
    assert "respond" not in upcoming


def test_the_approval_form_names_the_latest_draft() -> None:
    assert meeting_defaults({"minutes_draft": 2}) == {"minutes-approval": {"draft": 2}}
    assert meeting_defaults({"minutes_draft": 0}) == {}


def test_the_reschedule_form_starts_at_the_meetings_london_time(office: TestClient) -> None:
    # 09:00 UTC in summer is 10:00 in London; the form is in London wall-clock time.
    assert meeting_defaults({"starts_at": "2027-06-03T09:00:00+00:00",
                             "ends_at": "2027-06-03T11:30:00+00:00"})["reschedule"] == {
        "starts_local": "2027-06-03T10:00", "ends_local": "2027-06-03T12:30"}
    drawn = form_values(office.get(UPCOMING).text, "reschedule-form")
    assert drawn["starts_local"][0].endswith("T10:00") and drawn["ends_local"][0].endswith("T12:00")
    drawn["ends_local"] = [drawn["ends_local"][0].replace("T12:00", "T13:00")]
    assert office.post(UPCOMING + "/reschedule", data=drawn).status_code == 303
    assert re.search(r"10:00 to 13:00 \(London time\)", office.get(UPCOMING).text)


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _upload(client: TestClient, files: dict[str, tuple[str, bytes, str]] | None,
            title: str = "Response strategy (draft)", follow: bool = False) -> Response:
    version = _version(client.get(UPCOMING).text)
    return client.post(UPCOMING + "/paper-upload", files=files, data={
        "csrf_token": client.csrf, "expected_version": version,  # type: ignore[attr-defined]
        "title": title,
    }, follow_redirects=follow)


def test_a_paper_uploaded_as_a_file_is_published_and_downloaded_by_those_who_see_the_meeting(
    office: TestClient, demo_hub: Hub
) -> None:
    answer = _upload(office, {"file": ("response strategy.pdf", PDF, "application/pdf")})
    assert answer.status_code == 303, answer.text
    papers = _section(office.get(UPCOMING).text, "meeting-papers")
    link = _match(r'href="/records/meetings/leicestershire-serious-violence-needs/papers/'
                  r'[0-9a-f]{32}"', papers).split('"')[1]
    assert "Response strategy (draft)</a>" in papers
    county = _client(demo_hub, "county@leicestershire.example.org")
    download = county.get(link)
    assert download.status_code == 200
    assert download.content == PDF and download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"] == (
        "attachment; filename*=utf-8''response%20strategy.pdf"
    )
    welsh = _client(demo_hub, "council@carmarthenshire.example.org")
    assert welsh.get(link).status_code == 404


def test_an_upload_without_a_file_or_of_the_wrong_type_is_refused_beside_the_field(
    office: TestClient, demo_hub: Hub
) -> None:
    before = _stored(demo_hub, "leicestershire-serious-violence-needs")
    missing = _upload(office, None, follow=True)
    assert missing.status_code == 400
    html = missing.text
    assert 'href="#paper-upload-file">Choose the file to upload</a>' in html
    assert 'id="paper-upload-file-error"' in html
    assert 'value="Response strategy (draft)"' in html
    disguised = _upload(office, {"file": ("notes.pdf", b"not a pdf at all", "application/pdf")},
                        follow=True)
    assert disguised.status_code == 400
    assert "The file must be a PDF, Word" in disguised.text
    untitled = _upload(office, {"file": ("a.pdf", PDF, "application/pdf")}, title="",
                       follow=True)
    assert 'href="#paper-upload-title">Enter the paper&#39;s title</a>' in untitled.text
    assert _stored(demo_hub, "leicestershire-serious-violence-needs") == before


def test_a_file_whose_paper_is_refused_is_not_kept(office: TestClient, demo_hub: Hub) -> None:
    def kept() -> set[str]:
        # Files and their descriptions; not the organisation's quota lock (a dot file).
        directory = demo_hub.attachments.directory
        return {p.name for p in directory.iterdir() if not p.name.startswith(".")
                } if directory.exists() else set()

    before, version = kept(), _version(office.get(UPCOMING).text)
    stale = office.post(UPCOMING + "/paper-upload", files={
        "file": ("late.pdf", PDF, "application/pdf"),
    }, data={
        "csrf_token": office.csrf, "expected_version": str(int(version) - 1),  # type: ignore[attr-defined]
        "title": "Written against an older page",
    }, follow_redirects=True)
    assert stale.status_code == 409
    assert kept() == before
    # The same file, posted against the page as it stands, is kept and published.
    assert _upload(office, {"file": ("late.pdf", PDF, "application/pdf")}).status_code == 303
    assert len(kept() - before) == 2  # the file and its description


def test_a_paper_naming_another_organisations_file_does_not_reveal_it(
    office: TestClient, demo_hub: Hub
) -> None:
    # The city council's file (say, uploaded for a report) named in a paper by the office.
    theirs = demo_hub.attachments.save(PDF, name="confidential.pdf", media_type="application/pdf",
                                       organisation_id="leicester-city-council")
    office_actor = Actor(user_id="test-office", organisation_id="leicestershire-opcc",
                         area_ids=frozenset({"leicestershire"}))
    publish_meeting_papers(demo_hub, office_actor, "leicestershire-serious-violence-needs",
                           papers=[Paper(title="Borrowed",
                                         reference=f"attachment:{theirs.ref.attachment_id}")])
    link = f"{UPCOMING}/papers/{theirs.ref.attachment_id}"
    assert f'href="{link}"' in office.get(UPCOMING).text
    assert office.get(link).status_code == 404
    assert office.get(f"{UPCOMING}/papers/{'0' * 32}").status_code == 404


def _amend_form(html: str) -> dict[str, str]:
    """The amend form's fields as the page prefilled them."""
    form = _match(r'<form[^>]*id="amend-form".*?</form>', html)
    inputs = re.findall(r'<input[^>]*?value="([^"]*)" id="amend-[^"]*" name="([^"]+)"', form)
    fields = {name: value for value, name in inputs}
    fields.update({name: text for name, text in re.findall(
        r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', form)})
    fields.update(dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)))
    return fields


def test_the_agenda_is_changed_through_its_rows(office: TestClient, demo_hub: Hub) -> None:
    data = _amend_form(office.get(UPCOMING).text)
    assert data["agenda-2-title"] == "Data sharing" and data["agenda-3-title"] == ""
    data.update({"agenda-1-title": "", "agenda-3-title": "Funding"})
    answer = office.post(UPCOMING + "/amend", data=data)
    assert answer.status_code == 303, answer.text
    stored = _stored(demo_hub, "leicestershire-serious-violence-needs")
    assert [i["title"] for i in stored["agenda"]] == [  # type: ignore[attr-defined]
        "Needs assessment findings", "Data sharing", "Funding",
    ]
    assert stored["place"] == "Leicestershire Police Headquarters, Enderby"


def test_a_required_detail_emptied_is_refused_beside_it(office: TestClient, demo_hub: Hub) -> None:
    before = _stored(demo_hub, "leicestershire-serious-violence-needs")
    data = _amend_form(office.get(UPCOMING).text)
    data.update({"title": "", "agenda-0-title": "Findings"})
    answer = office.post(UPCOMING + "/amend", data=data, follow_redirects=True)
    assert answer.status_code == 400
    assert 'href="#amend-title">Enter title</a>' in answer.text
    assert 'id="amend-title-error"' in answer.text
    assert 'value="Findings" id="amend-agenda-0-title"' in answer.text
    assert _stored(demo_hub, "leicestershire-serious-violence-needs") == before
