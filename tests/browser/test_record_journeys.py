"""Whole journeys through the record pages in Chromium, each person in a browser of their own:
the OPCC requires a formal report and a council reads what it asks; the OPCC proposes a merger
and every party, the policing body included, consents through the pages. Each designed page is
checked by axe at 1280 and 390 pixels wide."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import check_both_widths, sign_in
from tests.e2e.live_server import LiveServer

OFFICE = "opcc@leicestershire.example.org"
CITY = "city@leicester.example.org"


def _field(page: Page, label: str) -> Locator:
    """The input labelled exactly ``label``."""
    return page.get_by_label(label, exact=True)


def _today() -> str:
    """Today in London, as the pages write a date."""
    return f"{datetime.now(ZoneInfo('Europe/London')):%-d %B %Y}"


@pytest.mark.timeout(180)
def test_a_council_reads_what_a_formal_report_request_asks_and_acknowledges_it(
    server: LiveServer, new_page: Callable[[], Page]
) -> None:
    office = new_page()
    sign_in(office, server.url, OFFICE)
    office.goto(server.url + "/records/report-requests/new")
    expect(office.locator("h1")).to_have_text("Ask for a report")
    check_both_widths(office, "ask-for-a-report")
    _field(office, "Partnership").select_option(label="Safer Leicester Partnership")
    _field(office, "Formal requirement (section 7)").check()
    office.get_by_label("The matters relate to the authorities'", exact=False).check()
    _field(office, "Title").fill("Night-time economy violence")
    _field(office, "Matters to report on").fill(
        "Violence in the city centre at night, and what each partner is doing about it.")
    _field(office, "The form the report must take (optional)").fill("No more than ten pages.")
    _field(office, "Why the information already given is not enough (optional)").fill(
        "The strategic assessment predates the new licensing policy.")
    _field(office, "Why requiring the report is proportionate (optional)").fill(
        "A short report drawn from data the partners already hold.")
    office.get_by_role("button", name="Save").click()
    expect(office.locator("h1")).to_have_text("Night-time economy violence")
    request_url = office.url

    city = new_page()
    sign_in(city, server.url, CITY)
    city.get_by_role("link", name="Night-time economy violence").click()
    expect(city.locator("#asked-matters")).to_contain_text("Violence in the city centre")
    expect(city.locator("#asked-form")).to_have_text("No more than ten pages.")
    expect(city.locator("#asked-not-satisfied")).to_contain_text("new licensing policy")
    expect(city.locator("#asked-proportionate")).to_contain_text("data the partners already")
    summary = city.locator("#record-state")
    expect(summary).to_contain_text("Formal requirement (Crime and Disorder Act 1998, section 7)")
    expect(summary).to_contain_text(
        "Office of the Police and Crime Commissioner for Leicestershire")
    expect(summary).to_contain_text("Safer Leicester Partnership")
    for raw in ("safer-leicester", "leicestershire-opcc", "False", "Csp id"):
        expect(summary).not_to_contain_text(raw)
    check_both_widths(city, "report-request-as-council")

    city.get_by_text("Acknowledge the request", exact=True).first.click()
    city.locator("#acknowledge-submit").click()
    expect(city.locator("#done-banner")).to_contain_text("You acknowledged the request")
    expect(city.locator("#your-status")).to_contain_text(
        "Your organisation acknowledged this request on")
    acknowledged = city.locator("#authority-leicester-city-council td").first
    expect(acknowledged).to_contain_text(f"{_today()}, ")
    assert city.locator("#acknowledge-form").count() == 0, "no acknowledging twice"
    check_both_widths(city, "report-request-acknowledged")

    office.goto(request_url)
    expect(office.locator("#authority-leicester-city-council td").first).to_contain_text(
        f"{_today()}, ")
    expect(office.locator("#authority-leicestershire-police td").first).to_have_text("Not yet")


PARTIES = [
    "city@leicester.example.org", "district@blaby.example.org",
    "county@leicestershire.example.org", "police@leicestershire.example.org",
    "fire@llr.example.org", "icb@llr.example.org", "probation@eastmidlands.example.org",
    OFFICE,
]
"""A person from every party to combining Safer Leicester with Blaby's partnership: each
responsible authority of the two, and the policing body."""


@pytest.mark.timeout(180)
def test_every_party_the_policing_body_included_consents_through_the_pages(
    server: LiveServer, new_page: Callable[[], Page]
) -> None:
    office = new_page()
    sign_in(office, server.url, OFFICE)
    office.goto(server.url + "/records/mergers/new")
    expect(office.locator("h1")).to_have_text("Propose a merger of partnerships")
    _field(office, "Safer Leicester Partnership").check()
    _field(office, "Blaby Community Safety Partnership").check()
    _field(office, "Reducing crime and disorder").check()
    _field(office, "Name of the combined partnership").fill("Safer Leicester and Blaby")
    _field(office, "Date it takes effect").fill("2028-04-01")
    office.get_by_role("button", name="Save").click()
    expect(office.locator("h1")).to_have_text("Safer Leicester and Blaby")
    merger_url = office.url
    expect(office.locator("#merger-parties tbody tr")).to_have_count(len(PARTIES))
    check_both_widths(office, "merger-proposed")

    for n, email in enumerate(PARTIES, start=1):
        page = office if email == OFFICE else new_page()
        if email != OFFICE:
            sign_in(page, server.url, email)
        page.goto(merger_url)
        page.get_by_text("Consent to the merger", exact=True).first.click()
        page.locator("#consent-signatory").fill(f"Signatory {n}")
        page.locator("#consent-signatory_role").fill("Chief Executive")
        page.locator("#consent-signed_on").fill(f"{datetime.now(ZoneInfo('Europe/London')):%Y-%m-%d}")
        page.locator("#consent-document_title").fill("Combination agreement")
        page.locator("#consent-document_reference").fill("AGR-2026-12")
        page.locator("#consent-submit").click()
        expect(page.locator("#done-banner")).to_contain_text("You consented to the merger")
        expect(page.locator("#your-word")).to_contain_text(
            f"You consented as {'policing body' if email == OFFICE else 'responsible authority'}"
            f" on {_today()}, signed by Signatory {n}, Chief Executive.")
        assert page.locator("#consent-form").count() == 0, "no consenting twice"
        if n in (1, len(PARTIES)):
            check_both_widths(page, f"merger-consented-{n}")

    expect(office.locator("#record-state")).to_contain_text("Agreed, waiting for its date")
    expect(office.locator("#record-state")).to_contain_text("1 April 2028")
    expect(office.locator("#merger-parties")).not_to_contain_text("Not yet")
