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
