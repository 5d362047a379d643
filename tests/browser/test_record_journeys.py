"""Whole journeys through the record pages in Chromium, each person in a browser of their own:
the OPCC requires a formal report (checking its answers first), a council reads what it asks,
asks for more time and gets it, submits with a file, is asked for more and resubmits, and the
OPCC accepts and records the publication; the OPCC proposes a merger, every party (the
policing body included) consents through the pages, and it takes effect on its date. Each
designed page is checked by axe at 1280 and 390 pixels wide."""

from __future__ import annotations

import dataclasses
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import FilePayload, Locator, Page, expect

from hub.bootstrap import Hub
from hub.domain.mergers import MERGER
from hub.service import load
from tests.browser.conftest import check_both_widths, sign_in
from tests.clocks import ShiftedClock
from tests.e2e.live_server import LiveServer
from tests.integration.test_mergers_effect import wait_for
from workers import mergers as merger_jobs
from workers.worker import run_thread_worker

OFFICE = "opcc@leicestershire.example.org"
CITY = "city@leicester.example.org"


def _field(page: Page, label: str) -> Locator:
    """The input labelled exactly ``label``."""
    return page.get_by_label(label, exact=True)


def _today() -> str:
    """Today in London, as the pages write a date."""
    return f"{datetime.now(ZoneInfo('Europe/London')):%-d %B %Y}"


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.mark.timeout(240)
def test_a_formal_report_is_required_answered_returned_resubmitted_accepted_and_published(
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
    # Requiring a report reaches every authority of the partnership: the answers first.
    expect(office.locator("h1")).to_have_text("Check your answers")
    answers = office.locator("#answers")
    expect(answers).to_contain_text("Safer Leicester Partnership")
    expect(answers).not_to_contain_text("safer-leicester")
    check_both_widths(office, "report-check-answers")
    office.get_by_role("link", name="Change title").click()
    expect(_field(office, "Title")).to_have_value("Night-time economy violence")
    expect(_field(office, "Matters to report on")).to_have_value(
        "Violence in the city centre at night, and what each partner is doing about it.")
    _field(office, "Title").fill("Night-time economy violence and disorder")
    office.get_by_role("button", name="Save").click()
    expect(office.locator("#answers")).to_contain_text("Night-time economy violence and disorder")
    office.get_by_role("button", name="Confirm and send").click()
    expect(office.locator("h1")).to_have_text("Night-time economy violence and disorder")
    request_url = office.url

    city = new_page()
    sign_in(city, server.url, CITY)
    city.get_by_role("link", name="Night-time economy violence and disorder").click()
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

    # The council asks for more time, and the OPCC grants it.
    later = datetime.now(ZoneInfo("Europe/London")).date() + timedelta(weeks=12)
    city.get_by_text("Ask for more time", exact=True).first.click()
    city.locator("#extension-request-requested_due_on").fill(later.isoformat())
    city.locator("#extension-request-reason").fill("The licensing data arrives in March.")
    city.locator("#extension-request-submit").click()
    expect(city.locator("#done-banner")).to_contain_text("You asked for more time")
    office.goto(request_url)
    office.get_by_text("Grant more time", exact=True).first.click()
    office.locator("#extension-grant-submit").click()
    expect(office.locator("#done-banner")).to_contain_text("You granted more time")
    expect(office.locator("#record-state")).to_contain_text(f"{later:%-d %B %Y}")
    check_both_widths(office, "report-extension-granted")

    # The council submits with a file; the OPCC asks for more; the council resubmits.
    city.goto(request_url)
    city.get_by_text("Submit the report", exact=True).first.click()
    city.locator("#submit-text").fill("Incidents fell by a fifth after the new patrols.")
    report: FilePayload = {"name": "night-time-economy.pdf", "mimeType": "application/pdf",
                           "buffer": PDF}
    city.locator("#submit-attachment_ids").set_input_files(files=[report])
    city.locator("#submit-submit").click()
    expect(city.locator("#done-banner")).to_contain_text("You submitted the report")
    expect(city.get_by_role("link", name="night-time-economy.pdf")).to_be_visible()
    check_both_widths(city, "report-submitted")
    office.goto(request_url)
    office.get_by_text("Return the report for more information", exact=True).first.click()
    office.locator("#return-reason").fill("Please add the figures for Braunstone.")
    office.locator("#return-submit").click()
    expect(office.locator("#done-banner")).to_contain_text("You returned the report")
    city.goto(request_url)
    expect(city.locator("#record-state")).to_contain_text("Returned for more information")
    city.get_by_text("Submit the report", exact=True).first.click()
    city.locator("#submit-text").fill("Incidents fell by a fifth; Braunstone's by a quarter.")
    city.locator("#submit-submit").click()
    expect(city.locator("#done-banner")).to_contain_text("You submitted the report")

    # The OPCC accepts it, and records where it was published.
    office.goto(request_url)
    office.get_by_text("Accept the report", exact=True).first.click()
    office.locator("#accept-submit").click()
    expect(office.locator("#done-banner")).to_contain_text("You accepted the report")
    office.get_by_text("Record that the report was published", exact=True).first.click()
    office.locator("#publish-published_on").fill(
        f"{datetime.now(ZoneInfo('Europe/London')):%Y-%m-%d}")
    office.locator("#publish-location").fill("https://www.leicestershire-pcc.example.org/reports")
    office.locator("#publish-submit").click()
    expect(office.locator("#done-banner")).to_contain_text("You recorded the report's publication")
    expect(office.locator("#record-state")).to_contain_text("Accepted")
    check_both_widths(office, "report-published")


PARTIES = [
    "city@leicester.example.org", "district@blaby.example.org",
    "county@leicestershire.example.org", "police@leicestershire.example.org",
    "fire@llr.example.org", "icb@llr.example.org", "probation@eastmidlands.example.org",
    OFFICE,
]
"""A person from every party to combining Safer Leicester with Blaby's partnership: each
responsible authority of the two, and the policing body."""


@pytest.mark.timeout(240)
def test_every_party_the_policing_body_included_consents_and_it_takes_effect_on_its_date(
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
    expect(office.locator("#answers")).to_contain_text("1 April 2028")
    office.get_by_role("button", name="Confirm and send").click()
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
        # Consent reaches every other party: the person checks what they sign first.
        expect(page.locator("#answers")).to_contain_text(f"Signatory {n}")
        if n == 1:
            check_both_widths(page, "merger-consent-check-answers")
        page.get_by_role("button", name="Confirm and send").click()
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

    # On its date the scheduled job makes it take effect: driven here by a worker whose hub's
    # clock reads that day, as tests/integration/test_mergers_effect.py drives it.
    merger_id = merger_url.rsplit("/", 1)[1]
    _take_effect(server, merger_id, date(2028, 4, 1),
                 datetime(2028, 3, 31, 23, 0, 5, tzinfo=UTC))  # 00:00:05 BST on 1 April
    office.reload()
    expect(office.locator("#record-state")).to_contain_text("In effect")
    check_both_widths(office, "merger-in-effect")


def _take_effect(server: LiveServer, merger_id: str, day: date, moment: datetime) -> None:
    """Run the merger's scheduled effect job on a worker whose hub's clock reads ``moment``,
    with a queue of its own (no other test's jobs, and none of the server's)."""
    hub = Hub(dataclasses.replace(server.hub.settings, queue_name=f"test-{uuid.uuid4().hex}"))
    hub.clock = ShiftedClock(moment)
    stop = threading.Event()
    worker = threading.Thread(target=run_thread_worker, args=(hub, stop, 0.05))
    try:
        hub.queue.enqueue(merger_jobs.take_effect, merger_id=merger_id,
                          effective_date=day.isoformat())
        worker.start()
        assert wait_for(lambda: load(hub, MERGER, merger_id).state.status == "in_effect")
    finally:
        stop.set()
        if worker.is_alive():
            worker.join(timeout=15)
        hub.close()
