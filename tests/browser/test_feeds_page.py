"""The calendar feeds page in a real browser: accessible, usable by keyboard, and its copy
buttons copy the link (they appear only where the script can do so)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import check_accessibility
from tests.browser.test_pages import sign_in_with_keyboard
from tests.e2e.live_server import LiveServer


def test_a_feed_is_added_by_keyboard_and_its_link_copied(
    server: LiveServer, new_page: object
) -> None:
    page: Page = new_page()  # type: ignore[operator]
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    sign_in_with_keyboard(page, server.url, "city@leicester.example.org")
    page.goto(server.url + "/calendar-feeds")
    check_accessibility(page, "calendar-feeds")

    page.locator("#kind-2").focus()  # "Everything in one workspace"
    page.keyboard.press("Space")
    expect(page.locator("#workspace_id")).to_be_visible()
    page.locator("#workspace_id").select_option("csp-safer-leicester")
    page.locator("#name").fill("Safer Leicester – Ŵyr, test")
    page.keyboard.press("Enter")

    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("Safer Leicester – Ŵyr, test")
    copy = page.get_by_role("button", name="Copy link for Outlook and Google Calendar")
    expect(copy).to_be_visible()
    check_accessibility(page, "calendar-feeds-added")
    copy.click()
    expect(page.locator("#copy-status")).to_have_text(
        "Link for Outlook and Google Calendar copied"
    )
    link = page.locator("#feed-url").input_value()
    assert page.evaluate("navigator.clipboard.readText()") == link
    assert link.startswith(server.url + "/calendars/cal_")
    feed = page.request.get(link)
    assert feed.status == 200 and feed.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "X-WR-CALNAME;VALUE=TEXT:Safer Leicester – Ŵyr\\, test" in feed.text()
    # The link is shown once: a reload neither shows it again nor adds a second feed.
    page.reload()
    expect(page.locator("#feed-url")).to_have_count(0)
    expect(page.locator("tbody tr", has_text="Safer Leicester – Ŵyr, test")).to_have_count(1)


def test_without_script_the_copy_buttons_stay_hidden(
    server: LiveServer, browser: object
) -> None:
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(server.url + "/sign-in")
        page.locator("#email").fill("city@leicester.example.org")
        page.locator("#password").fill("partnership-demo-2026")
        page.locator("form button[type=submit]").first.click()
        page.goto(server.url + "/calendar-feeds")
        page.locator("#kind").check()
        page.locator("form[action='/calendar-feeds'] button[type=submit]").click()
        expect(page.locator("#feed-url")).to_be_visible()
        expect(page.locator("button[data-copy-target]").first).to_be_hidden()
    finally:
        context.close()
