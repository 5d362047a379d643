"""Record pages through the real app: dashboard, forms generated from the API's bodies,
stale forms that say what changed, errors beside the field."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import update
from starlette.testclient import TestClient

from hub.bootstrap import Hub
from hub.projections.directory import csps
from tests.web import client_of, csrf_of, sign_in, signed_in

OFFICE = "opcc@leicestershire.example.org"
CITY = "city@leicester.example.org"


@pytest.fixture
def office(demo_hub: Hub) -> TestClient:
    return signed_in(demo_hub, OFFICE)


@pytest.fixture
def city(demo_hub: Hub) -> TestClient:
    return signed_in(demo_hub, CITY)


def _require(office: TestClient) -> str:
    answer = office.post("/records/report-requests/new", data={
        "csrf_token": office.csrf, "confirmed": "yes", "csp_id": "safer-leicester",  # type: ignore[attr-defined]
        "kind": "informal", "title": "Knife crime, city centre", "matters": "Trends.",
    })
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def test_the_dashboard_shows_what_needs_the_organisation(city: TestClient) -> None:
    page = city.get("/")
    assert page.status_code == 200
    assert "What needs you" in page.text and 'id="requests-to-answer"' in page.text
    assert "data-live-workspaces" in page.text


def test_a_report_is_required_acknowledged_and_shown_with_its_history(
    office: TestClient, city: TestClient
) -> None:
    location = _require(office)
    page = city.get(location)
    assert page.status_code == 200
    assert "Knife crime, city centre" in page.text
    assert 'action="' + location + '/acknowledge"' in page.text
    assert "/accept" not in page.text, "the council is not offered the requester's actions"
    version = _expected_version(page.text)
    done = city.post(location + "/acknowledge", data={
        "csrf_token": city.csrf, "expected_version": version})  # type: ignore[attr-defined]
    assert done.status_code == 303
    page = city.get(location)
    assert "acknowledged" in page.text
    assert "Leicester City Council acknowledged the report request “Knife crime, city centre”" in (
        page.text)


def test_a_stale_form_says_someone_else_changed_the_record_and_what(
    office: TestClient, city: TestClient, demo_hub: Hub
) -> None:
    location = _require(office)
    page = city.get(location)
    version = _expected_version(page.text)
    police = client_of(demo_hub)
    sign_in(police, "police@leicestershire.example.org")
    police_page = police.get(location)
    police.post(location + "/acknowledge", data={
        "csrf_token": csrf_of(police_page.text), "expected_version": version})
    stale = city.post(location + "/acknowledge", data={
        "csrf_token": city.csrf, "expected_version": version}, follow_redirects=True)  # type: ignore[attr-defined]
    assert stale.status_code == 409
    assert "Someone else changed this record" in stale.text
    assert "Leicestershire Police acknowledged the report request" in stale.text


def test_bad_input_on_a_record_form_is_shown_beside_the_field(office: TestClient) -> None:
    answer = office.post("/records/report-requests/new", data={
        "csrf_token": office.csrf, "csp_id": "safer-leicester",  # type: ignore[attr-defined]
        "kind": "informal", "title": "", "matters": "Trends.",
    }, follow_redirects=True)
    assert answer.status_code == 400
    assert "govuk-error-summary" in answer.text and 'href="#title"' in answer.text
    assert 'id="title-error"' in answer.text


def test_another_areas_record_page_is_a_404(office: TestClient, demo_hub: Hub) -> None:
    location = _require(office)
    welsh = client_of(demo_hub)
    sign_in(welsh, "council@carmarthenshire.example.org")
    assert welsh.get(location).status_code == 404


def test_the_duty_register_highlights_gaps_and_is_the_areas_own(
    office: TestClient, demo_hub: Hub
) -> None:
    page = office.get("/areas/leicestershire/duty-register")
    assert page.status_code == 200
    assert "Gap: not considered" in page.text
    assert "Considered" in page.text
    welsh = client_of(demo_hub)
    sign_in(welsh, "council@carmarthenshire.example.org")
    assert welsh.get("/areas/leicestershire/duty-register").status_code == 404
    assert "Outside the duty" in welsh.get("/areas/dyfed-powys/duty-register").text


def test_calendar_short_links_lead_to_the_record_pages(office: TestClient) -> None:
    for short, full in (("reports", "report-requests"), ("mergers", "mergers"),
                        ("arrangements", "cj-arrangements"), ("meetings", "meetings")):
        answer = office.get(f"/{short}/abc")
        assert answer.status_code == 301
        assert answer.headers["location"] == f"/records/{full}/abc"
    assert office.get("/meetings/no-such-meeting.ics").status_code == 404


def test_a_refusal_beside_the_form_names_the_partnership_and_writes_the_date(
    office: TestClient, demo_hub: Hub
) -> None:
    # The directory as a merger that took effect leaves it: the partnership ended (the merger's
    # own walk is test_mergers_effect's); a report can no longer be required of it.
    with demo_hub.engine.begin() as conn:
        conn.execute(update(csps).where(csps.c.csp_id == "safer-leicester")
                     .values(valid_to=date(2026, 3, 31)))
    answer = office.post("/records/report-requests/new", data={
        "csrf_token": office.csrf, "confirmed": "yes", "csp_id": "safer-leicester",  # type: ignore[attr-defined]
        "kind": "informal", "title": "Knife crime, city centre", "matters": "Trends.",
    }, follow_redirects=True)
    assert answer.status_code == 400, answer.text
    assert "The CSP Safer Leicester Partnership ended on 31 March 2026" in answer.text
    assert "safer-leicester ended" not in answer.text and "2026-03-31" not in answer.text


def _expected_version(html: str) -> str:
    """The version a record page's forms carry (the page must have one)."""
    found = re.search(r'name="expected_version" value="(\d+)"', html)
    assert found is not None, "the page carries no expected_version"
    return found.group(1)


def test_every_problem_with_a_form_is_shown_at_once_each_beside_its_field(
    office: TestClient,
) -> None:
    # An agenda item with no title (read row by row) and no meeting title (the body's own
    # rule): both come back in one answer, each linked to its input.
    answer = office.post("/records/meetings/new", data={
        "csrf_token": office.csrf, "kind": "voluntary",  # type: ignore[attr-defined]
        "purpose": "Plan the winter.", "agenda-rows": "2",
        "agenda-0-description": "Who leads what.",
    }, follow_redirects=True)
    assert answer.status_code == 400
    assert 'href="#agenda-0-title"' in answer.text and 'id="agenda-0-title-error"' in answer.text
    assert 'href="#title"' in answer.text and 'id="title-error"' in answer.text
    assert 'href="#starts_local"' in answer.text


DUTY_PAGES = {
    "priorities/demo-leicester-serious-violence": (
        "Reduce knife crime among under-25s", "Leicester City Council",
        "Safer Leicester Partnership", "Serious violence", "section 10(1)"),
    "regard-decisions/demo-leics-grant-decision": (
        "Crime and disorder reduction grant",
        "Office of the Police and Crime Commissioner for Leicestershire",
        "Cut reoffending by prolific offenders", "Not considered, with reason",
        "2 considered, 1 not considered with a reason, 0 gaps", "section 10(1)"),
    "police-crime-plans/demo-leics-police-crime-plan": (
        "Police and Crime Plan 2025-2029", "Victims at the heart of justice", "section 6(1A)"),
    "reciprocal-regards/demo-leicester-regard": (
        "Safer Leicester Partnership plan 2025-28", "Leicester City Council",
        "Safer Leicester Partnership",
        "Police and Crime Plan 2025-2029, revision 1", "Not considered, with reason",
        "section 6(1A)"),
    "cj-arrangements/demo-leics-lcjb": (
        "LCJB terms of reference", "Crown Prosecution Service East Midlands",
        "Youth offending team", "In force", "4 of 4 parties have agreed", "Agreed",
        "Head of Criminal Justice", "section 10(3)"),
    # Wales: a devolved priority is outside the duty, never a gap.
    "priorities/demo-powys-substance-misuse": (
        "Powys Teaching Health Board", "Yes: a function devolved to the Welsh Government",
        "Misuse of drugs, alcohol and other substances"),
    "regard-decisions/demo-dp-commissioning-decision": (
        "Commissioning decision", "Outside the duty (devolved)", "1 outside the duty"),
}
"""Each duty record type's demo page, and what it must say in words."""
RAW = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\bTrue\b|\bFalse\b|\b[a-z]+_[a-z_]+\b|\b(?:Csp|Organisation|Area|"
    r"Policing body|Plan|By organisation) id\b|demo-|leicestershire-|safer-leicester"
)
"""What a page in words never shows: ISO dates, booleans, field names and codes, and ids."""


def test_each_duty_record_page_is_in_words(office: TestClient, demo_hub: Hub) -> None:
    # One demo copy per backend for all the pages: each copy costs about a second.
    welsh = signed_in(demo_hub, "council@carmarthenshire.example.org")
    for page, words in DUTY_PAGES.items():
        reader = welsh if page.split("/")[1].startswith(("demo-dp-", "demo-powys-")) else office
        answer = reader.get(f"/records/{page}")
        assert answer.status_code == 200, answer.text
        text = _visible_text(answer.text)
        assert not RAW.findall(text), (page, RAW.findall(text))
        missing = [w for w in (*words, "What this means") if w not in text]
        assert not missing, (page, missing)


def _visible_text(html: str) -> str:
    """What a reader sees of a page: its text, without tags, attributes or scripts."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
