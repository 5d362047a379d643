"""The live flow in a real browser: an OPCC user and a council user side by side on
different web processes; each step shows on the other's page without a reload; a dropped
connection resumes with every event exactly once; another area sees none of it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from playwright.sync_api import FilePayload, Page, expect

from hub.bootstrap import Hub
from tests.browser.conftest import check_accessibility, wait_until_live
from tests.browser.test_pages import sign_in_with_keyboard
from tests.e2e.live_server import CURSORS, LiveServer, append_members, serve

TITLE = "Knife crime in the city centre"


@pytest.fixture
def server(
    demo_hub: Hub, demo_database_url: str, redis_url: str, clean_redis: redis.Redis,
    tmp_path: Path,
) -> Iterator[LiveServer]:
    # SQLite: one web process; PostgreSQL: two, so the users sit on different processes.
    count = 1 if demo_database_url.startswith("sqlite") else 2
    yield from serve(demo_hub, demo_database_url, redis_url, tmp_path, web_processes=count)


def test_a_required_report_reaches_the_council_live_and_each_answer_reaches_the_office(
    server: LiveServer, new_page: object
) -> None:
    office: Page = new_page()  # type: ignore[operator]
    council: Page = new_page()  # type: ignore[operator]
    welsh: Page = new_page()  # type: ignore[operator]
    office_url, council_url = server.urls[0], server.urls[-1]
    sign_in_with_keyboard(council, council_url, "city@leicester.example.org")
    sign_in_with_keyboard(office, office_url, "opcc@leicestershire.example.org")
    sign_in_with_keyboard(welsh, council_url, "council@carmarthenshire.example.org")
    wait_until_live(council)
    wait_until_live(welsh)
    welsh_position = welsh.evaluate("window.hubLive.lastPosition()")

    office.goto(office_url + "/records/report-requests/new")
    check_accessibility(office, "require-report")
    office.locator("#csp_id").select_option("safer-leicester")
    office.get_by_label("Informal request", exact=True).check()
    office.locator("#title").fill(TITLE)
    office.locator("#matters").fill("Incidents, trends and the partnership's response.")
    office.get_by_role("button", name="Save").click()
    office.get_by_role("button", name="Confirm and send").click()
    office.wait_for_url("**/records/report-requests/*")
    wait_until_live(office)
    check_accessibility(office, "report-request-office")

    # Within 2 seconds the council's dashboard shows it, without a reload.
    expect(council.locator("#requests-to-answer")).to_contain_text(TITLE, timeout=2000)
    assert council.evaluate("window.__notReloaded") is True
    check_accessibility(council, "dashboard-with-request")

    council.locator("#requests-to-answer a", has_text=TITLE).click()
    wait_until_live(council)
    check_accessibility(council, "report-request-council")
    council.locator("summary", has_text="Acknowledge").click()
    council.locator("#acknowledge-submit").click()
    expect(office.locator("#record-state .govuk-tag")).to_have_text("Acknowledged", timeout=2000)
    wait_until_live(council)
    council.locator("summary", has_text="Submit").click()
    council.locator("#submit-text").fill("Our report: incidents fell by a fifth.")
    council.locator("#submit-attachment_ids").set_input_files(files=[FilePayload(
        name="incidents.csv", mimeType="text/csv", buffer=b"district,incidents\nCentre,41\n")])
    council.locator("#submit-submit").click()
    expect(office.locator("#record-state .govuk-tag")).to_have_text("Report submitted",
                                                                     timeout=2000)
    expect(office.locator("#history")).to_contain_text(f"submitted the report “{TITLE}”")
    # The report itself, with its file to download, also arrives without a reload.
    submissions = office.locator("#report-submissions")
    expect(submissions).to_contain_text("incidents fell by a fifth", timeout=2000)
    expect(submissions.get_by_role("link", name="incidents.csv")).to_be_visible()
    assert office.evaluate("window.__notReloaded") is True
    check_accessibility(office, "report-request-submitted")

    # Another area's user, on the same processes, received none of it.
    assert welsh.evaluate("window.hubLive.lastPosition()") == welsh_position
    assert TITLE not in welsh.content()


def test_a_dropped_socket_resumes_with_every_event_once_in_order(
    server: LiveServer, new_page: object
) -> None:
    web = server.processes[-1]
    url = server.urls[-1]
    page: Page = new_page()  # type: ignore[operator]
    sign_in_with_keyboard(page, url, "city@leicester.example.org")
    page.goto(url + "/workspaces/csp-safer-leicester")
    wait_until_live(page)
    before = append_members(server.hub, "csp-safer-leicester", 3)
    expect(page.locator(f'#activity-feed li[data-position="{CURSORS.of(before[-1])}"]')
           ).to_be_visible()

    # Kill the web process the page is connected to; events go on being appended.
    web.kill()
    web.wait()
    expect(page.locator("#live-status")).to_have_attribute("data-state", "reconnecting")
    during = append_members(server.hub, "csp-safer-leicester", 4)
    server.restart_web(len(server.urls) - 1)
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=30000)
    after = append_members(server.hub, "csp-safer-leicester", 2)
    expect(page.locator(f'#activity-feed li[data-position="{CURSORS.of(after[-1])}"]')
           ).to_be_visible()

    shown = page.locator("#activity-feed li[data-position]").evaluate_all(
        "items => items.map(i => i.dataset.position)"
    )
    expected = before + during + after
    feed = [p for p in map(CURSORS.position, reversed(shown)) if p >= before[0]]
    assert feed == expected, "every event exactly once, in order"
