"""The list pages through the real app: each record type's list, filtered by status and
partnership, a page at a time, showing only what the caller's organisation may see; start
links only for what the organisation may start."""

from __future__ import annotations

import re
from datetime import date

import pytest
from starlette.testclient import TestClient

from hub.access.policy import Actor
from hub.bootstrap import Hub
from hub.handlers import reports as report_handlers
from tests.web import signed_in

OPCC = Actor(user_id="test-opcc", organisation_id="leicestershire-opcc",
             area_ids=frozenset({"leicestershire"}))


def _titles(html: str) -> list[str]:
    table = re.search(r'<table class="govuk-table" id="records">(.*?)</table>', html, re.S)
    return re.findall(r'<a class="govuk-link" href="/records/[^"]+">([^<]+)</a>',
                      table.group(1)) if table else []


@pytest.fixture
def office(demo_hub: Hub) -> TestClient:
    return signed_in(demo_hub, "opcc@leicestershire.example.org")


def test_report_requests_are_listed_filtered_and_paged(demo_hub: Hub, office: TestClient) -> None:
    # With the demo's one request to Blaby's partnership, 25; these fall due first.
    for n in range(24):
        report_handlers.require_report(
            demo_hub, OPCC, csp_id="blaby-csp", kind="informal", title=f"Blaby question {n:02}",
            matters="Trends.", due_on=date(2027, 1, 15),
        )
    first = office.get("/records/report-requests?csp=blaby-csp")
    assert first.status_code == 200
    assert "Showing 1 to 20 of 25" in first.text
    assert len(_titles(first.text)) == 20
    assert all(t.startswith("Blaby question") for t in _titles(first.text))
    assert 'href="/records/report-requests?csp=blaby-csp&amp;page=2"' in first.text
    second = office.get("/records/report-requests?csp=blaby-csp&page=2")
    assert "Showing 21 to 25 of 25" in second.text and len(_titles(second.text)) == 5
    assert set(_titles(first.text)).isdisjoint(_titles(second.text))
    # A page past the end, or a page number that is not one, is never an error.
    assert "Showing 21 to 25 of 25" in office.get(
        "/records/report-requests?csp=blaby-csp&page=9").text
    assert "Showing 1 to 20" in office.get("/records/report-requests?csp=blaby-csp&page=x").text

    # Publication is a fact about each submitted version, not a status (the Specified
    # Information Order): the demo's published report is listed as accepted.
    accepted = office.get("/records/report-requests?status=accepted")
    assert "Hate crime" in _titles(accepted.text)
    assert "Accepted" in accepted.text and "31 January 2027" in accepted.text


def test_a_council_sees_its_areas_records_and_is_offered_no_start_it_may_not_take(
    demo_hub: Hub,
) -> None:
    city = signed_in(demo_hub, "city@leicester.example.org")
    listed = city.get("/records/report-requests").text
    assert "Knife crime" in _titles(listed)
    assert "Ask for a report" not in listed
    dashboard = city.get("/").text
    assert "Ask for a report" not in dashboard and "Propose a merger" not in dashboard
    assert 'href="/records/priorities/new">Register a relevant priority' in dashboard
    assert 'href="/calendar-feeds"' in dashboard

    welsh = signed_in(demo_hub, "council@carmarthenshire.example.org")
    welsh_listed = _titles(welsh.get("/records/report-requests").text)
    assert not set(welsh_listed) & set(_titles(listed)), "another area's are never listed"
    assert "Harborough" not in welsh.get("/records/mergers").text


def test_meetings_and_mergers_are_listed_by_status(office: TestClient) -> None:
    scheduled = office.get("/records/meetings?status=scheduled").text
    assert "Safer Communities Strategy Board" in _titles(scheduled)
    assert "County lines and drug markets" not in _titles(scheduled), "that one is cancelled"
    assert "10 January 2027, 14:00" in scheduled
    gathering = office.get("/records/mergers?status=proposed&csp=charnwood-csp").text
    assert _titles(gathering) == ["Harborough and Charnwood Community Safety Partnership"]
    assert "Propose a merger of partnerships" in gathering
