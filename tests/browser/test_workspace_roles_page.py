"""The People and roles page in a real browser: by keyboard, errors first, and accessible."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import check_accessibility
from tests.browser.test_pages import sign_in_with_keyboard
from tests.e2e.live_server import LiveServer

BOARD = "leicestershire-rutland-strategy-board"


def test_a_lead_sets_a_role_by_keyboard_after_correcting_an_error(
    server: LiveServer, new_page: object
) -> None:
    page: Page = new_page()  # type: ignore[operator]
    sign_in_with_keyboard(page, server.url, "county@leicestershire.example.org")
    page.goto(server.url + f"/workspaces/{BOARD}")
    expect(page.locator("#my-role")).to_contain_text("lead")
    page.get_by_role("link", name="People and roles").click()
    check_accessibility(page, "workspace-roles")

    page.get_by_role("button", name="Set role").focus()
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Select a person")
    expect(page.locator("#role-error")).to_contain_text("Select a role")
    check_accessibility(page, "workspace-roles-error")

    page.locator("#user_id").select_option(label="Tom Ellis (Leicestershire Police)")
    page.locator("input[name=role][value=observer]").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Tom Ellis is now an observer in this workspace"
    )
    expect(page.locator("#people")).to_contain_text("Observer")
