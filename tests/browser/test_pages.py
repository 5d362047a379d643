"""Pages in a real browser: keyboard-only sign-in, accessibility, live activity."""

from __future__ import annotations

import re

from playwright.sync_api import FilePayload, Page, expect

from hub.access.policy import Actor
from hub.demo.users import DEMO_PASSWORD
from hub.handlers.meetings import respond_to_meeting
from tests.browser.conftest import check_accessibility, check_both_widths, wait_until_live
from tests.e2e.live_server import CURSORS, LiveServer, append_members


def sign_in_with_keyboard(page: Page, base: str, email: str) -> None:
    """Sign in using only the keyboard, as a keyboard or screen reader user would."""
    page.goto(base + "/sign-in")
    page.keyboard.press("Tab")  # the skip link comes first
    expect(page.locator(".govuk-skip-link")).to_be_focused()
    page.locator("#email").focus()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    expect(page.locator("#password")).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/")


def test_sign_in_dashboard_and_admin_pages_work_by_keyboard_and_pass_axe(
    server: LiveServer, new_page: object
) -> None:
    page: Page = new_page()  # type: ignore[operator]
    page.goto(server.url + "/sign-in")
    check_accessibility(page, "sign-in")
    page.locator("#email").fill("opcc@leicestershire.example.org")
    page.locator("#password").fill("wrong password")
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    check_accessibility(page, "sign-in-error")

    sign_in_with_keyboard(page, server.url, "opcc@leicestershire.example.org")
    check_accessibility(page, "dashboard")
    for path, name in (("/admin/users", "admin-users"), ("/admin/clients", "admin-clients"),
                       ("/admin/organisations/new", "new-organisation"),
                       ("/admin/csps/new", "new-csp"),
                       ("/areas/leicestershire/duty-register", "duty-register"),
                       ("/admin/webhooks", "webhooks"), ("/event-catalogue", "event-catalogue"),
                       ("/records/meetings/new", "convene-meeting"),
                       ("/records/mergers/new", "propose-merger"),
                       ("/records/cj-arrangements/new", "draft-arrangement")):
        page.goto(server.url + path)
        check_accessibility(page, name)
    # A duty record's designed page, with its party table, on a desktop and a small phone.
    page.goto(server.url + "/records/cj-arrangements/demo-leics-lcjb")
    expect(page.locator("#arrangement-parties")).to_contain_text("Leicestershire Police")
    check_both_widths(page, "cj-arrangement")


def test_a_workspace_page_shows_activity_live_without_a_reload(
    server: LiveServer, new_page: object
) -> None:
    page: Page = new_page()  # type: ignore[operator]
    sign_in_with_keyboard(page, server.url, "city@leicester.example.org")
    page.goto(server.url + "/workspaces/csp-safer-leicester")
    wait_until_live(page)
    check_accessibility(page, "workspace")
    [position] = append_members(server.hub, "csp-safer-leicester", 1)
    item = page.locator(f'#activity-feed li[data-position="{CURSORS.of(position)}"]')
    expect(item).to_be_visible(timeout=2000)
    expect(page.locator("#live-announcer")).to_contain_text(
        "joined the workspace “Safer Leicester Partnership”")
    assert page.evaluate("window.__notReloaded") is True


def test_the_meeting_page_passes_axe_and_its_forms_work_by_keyboard_alone(
    server: LiveServer, new_page: object
) -> None:
    meeting = server.url + "/records/meetings/leicestershire-reducing-reoffending"
    page: Page = new_page()  # type: ignore[operator]
    sign_in_with_keyboard(page, server.url, "opcc@leicestershire.example.org")
    page.goto(meeting)
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=10000)
    expect(page.locator("#action-icb-health-pathway")).to_contain_text("Overdue")
    expect(page.locator("#meeting-papers a").first).to_have_text(
        "Re-offending data review (as presented)")
    check_accessibility(page, "meeting")

    # Open "Publish papers" and fill in the first row, then ask for another row.
    page.locator("summary", has_text="Publish papers").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator("#papers-papers-0-title")).to_be_focused()
    page.keyboard.type("Refuge referrals by district")
    page.keyboard.press("Tab")
    expect(page.locator("#papers-papers-0-reference")).to_be_focused()
    page.keyboard.type("https://papers.example.org/leicestershire/referrals.pdf")
    for _ in range(3):  # past the second row's two inputs
        page.keyboard.press("Tab")
    expect(page.locator("#papers-papers-add")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#papers-papers-2-title")).to_be_focused()
    expect(page.locator("#papers-papers-0-title")).to_have_value("Refuge referrals by district")
    check_accessibility(page, "meeting-add-another")

    # A third row with no reference: Enter submits the form, and the error is beside the field.
    page.keyboard.type("Outreach referrals")
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.locator("#papers-papers-2-reference-error")).to_contain_text(
        "Enter reference of paper 3")
    check_accessibility(page, "meeting-form-error")
    page.keyboard.press("Tab")
    expect(page.locator(".govuk-error-summary a")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#papers-papers-2-reference")).to_be_focused()
    page.keyboard.type("https://papers.example.org/leicestershire/outreach-referrals.pdf")
    page.keyboard.press("Enter")
    page.wait_for_url(meeting + "?done=papers")
    expect(page.locator("#done-banner")).to_contain_text("You published the papers")
    papers = page.locator("#meeting-papers")
    expect(papers).to_contain_text("Refuge referrals by district")
    expect(papers).to_contain_text("Outreach referrals")
    expect(page.locator("#history")).to_contain_text("published papers for the meeting")

    # A paper uploaded as a file: without one, the error is beside the file input.
    page.locator("summary", has_text="Upload a paper").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator("#paper-upload-title")).to_be_focused()
    page.keyboard.type("Referral pathways")
    page.keyboard.press("Enter")
    expect(page.locator("#paper-upload-file-error")).to_contain_text("Choose the file to upload")
    check_accessibility(page, "meeting-upload-error")
    pdf: FilePayload = {"name": "pathways.pdf", "mimeType": "application/pdf",
                        "buffer": b"%PDF-1.4\n%%EOF\n"}
    page.locator("#paper-upload-file").set_input_files(files=pdf)
    page.locator("#paper-upload-submit").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(meeting)
    link = page.locator("#meeting-papers a", has_text="Referral pathways")
    expect(link).to_have_attribute("href", re.compile(r"/papers/[0-9a-f]{32}$"))


def test_the_meeting_page_shows_a_response_live_without_a_reload(
    server: LiveServer, new_page: object
) -> None:
    page: Page = new_page()  # type: ignore[operator]
    sign_in_with_keyboard(page, server.url, "opcc@leicestershire.example.org")
    page.goto(server.url + "/records/meetings/leicestershire-serious-violence-needs")
    wait_until_live(page)
    county = Actor(user_id="test-county", organisation_id="leicestershire-county-council",
                   area_ids=frozenset({"leicestershire"}))
    respond_to_meeting(server.hub, county, "leicestershire-serious-violence-needs",
                       response="attending", representatives=[{"name": "Gareth Lowe"}])
    row = page.locator("#response-leicestershire-county-council")
    expect(row).to_contain_text("Gareth Lowe", timeout=5000)
    expect(row).to_contain_text("Attending")
    expect(page.locator("#response-counts")).to_contain_text("4 accepted")
    expect(page.locator("#live-announcer")).to_contain_text(
        "Leicestershire County Council will attend the meeting")
    assert page.evaluate("window.__notReloaded") is True
