"""Finding a record again, and keeping your work when someone else changes it, in Chromium:
the OPCC gets back to a meeting and a report request through the navigation, lists and the
dashboard; a council's half-written form survives a partner's change. Pages checked by axe at
1280 and 390 pixels wide."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from hub.access.policy import Actor
from hub.handlers.reports import acknowledge_report
from tests.browser.conftest import check_both_widths, sign_in, wait_until_live
from tests.e2e.live_server import LiveServer

OFFICE = "opcc@leicestershire.example.org"
CITY = "city@leicester.example.org"
REQUEST = "demo-leicester-required"
"""The demo's request to Safer Leicester that nobody has acknowledged yet."""


@pytest.mark.timeout(180)
def test_the_opcc_finds_its_meetings_and_requests_again_through_lists_and_the_dashboard(
    server: LiveServer, new_page: Callable[[], Page]
) -> None:
    page = new_page()
    sign_in(page, server.url, OFFICE)
    upcoming = page.locator("#upcoming-meetings")
    expect(upcoming).to_contain_text("Safer Communities Strategy Board")
    expect(upcoming).to_contain_text("10 January 2027, 14:00")
    expect(page.locator("#starts")).to_contain_text("Ask for a report")
    check_both_widths(page, "dashboard-opcc")

    page.get_by_role("link", name="Meetings", exact=True).first.click()
    expect(page.locator("h1")).to_have_text("Meetings")
    page.get_by_label("Status", exact=True).select_option(label="Scheduled")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#records")).not_to_contain_text("County lines and drug markets")
    check_both_widths(page, "meetings-list")
    page.get_by_role("link", name="Safer Communities Strategy Board").click()
    expect(page.locator("h1")).to_have_text("Safer Communities Strategy Board")

    page.get_by_role("link", name="Report requests", exact=True).first.click()
    page.get_by_label("Partnership", exact=True).select_option(
        label="Safer Leicester Partnership")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#list-count")).to_have_text("Showing 1 to 2 of 2")
    check_both_widths(page, "report-requests-list")
    page.get_by_role("link", name="Night-time economy safety").click()
    expect(page.locator("h1")).to_have_text("Night-time economy safety")

    page.goto(server.url + "/workspaces/csp-safer-leicester")
    wait_until_live(page)
    check_both_widths(page, "workspace-with-links")
    police = Actor(user_id="test-police", organisation_id="leicestershire-police",
                   area_ids=frozenset({"leicestershire"}))
    acknowledge_report(server.hub, police, REQUEST)
    live = page.locator("#activity-feed li").first
    expect(live.get_by_role("link")).to_have_attribute(
        "href", f"/records/report-requests/{REQUEST}", timeout=5000)
    live.get_by_role("link").click()
    expect(page.locator("#authority-leicestershire-police td").first).not_to_have_text("Not yet")


@pytest.mark.timeout(180)
def test_a_partners_change_keeps_the_form_you_are_filling_in(
    server: LiveServer, new_page: Callable[[], Page]
) -> None:
    page = new_page()
    sign_in(page, server.url, CITY)
    page.goto(f"{server.url}/records/report-requests/{REQUEST}")
    wait_until_live(page)
    page.get_by_text("Ask for more time", exact=True).first.click()
    page.locator("#extension-request-requested_due_on").fill("2027-03-31")
    page.locator("#extension-request-reason").fill("Our analyst is away until February.")

    police = Actor(user_id="test-police", organisation_id="leicestershire-police",
                   area_ids=frozenset({"leicestershire"}))
    acknowledge_report(server.hub, police, REQUEST)
    # The form being filled in says the record changed; one nobody touched takes the change.
    expect(page.locator("#extension-request-form .hub-stale")).to_be_visible(timeout=5000)
    version = page.locator("#record-version").inner_text()
    expect(page.locator("#acknowledge-form input[name=expected_version]")).to_have_value(version)
    expect(page.locator("#extension-request-form input[name=expected_version]")).not_to_have_value(
        version)
    assert page.evaluate("window.__notReloaded") is True

    page.locator("#extension-request-submit").click()
    expect(page.locator("#conflict-changes")).to_contain_text(
        "Leicestershire Police acknowledged the report request")
    expect(page.locator("#extension-request-reason")).to_have_value(
        "Our analyst is away until February.")
    expect(page.locator("#extension-request-requested_due_on")).to_have_value("2027-03-31")
    check_both_widths(page, "report-request-conflict")
    page.locator("#extension-request-submit").click()
    expect(page.locator("#done-banner")).to_contain_text("You asked for more time")
    expect(page.locator("#authority-leicester-city-council")).to_contain_text(
        "for 31 March 2027")
