"""The email and language pages in a real browser: choices, the shared contact address, the
outbox and the language are accessible (axe), a bad value is shown beside its field, and a
person who chooses Cymraeg gets their pages in Welsh."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import check_accessibility
from tests.browser.test_pages import sign_in_with_keyboard
from tests.e2e.live_server import LiveServer


def test_email_choices_contact_address_outbox_and_language_pages(
    server: LiveServer, new_page: object
) -> None:
    page: Page = new_page()  # type: ignore[operator]
    sign_in_with_keyboard(page, server.url, "city@leicester.example.org")
    page.get_by_role("link", name="Email").click()
    expect(page.get_by_role("heading", name="Email choices")).to_be_visible()
    check_accessibility(page, "mail-preferences")
    page.locator("#meeting_papers-2").check()  # "In a daily summary"
    page.get_by_label("Time of your daily summary (UK time)").select_option("8")
    page.get_by_role("button", name="Save choices").click()
    expect(page.get_by_text("Your email choices are saved")).to_be_visible()
    expect(page.locator("#meeting_papers-2")).to_be_checked()

    page.get_by_role("link", name="Shared contact address").click()
    check_accessibility(page, "mail-contact")
    page.get_by_label("Email address").fill("not an address")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#email-error")).to_contain_text("Enter an email address")
    check_accessibility(page, "mail-contact-error")
    page.get_by_label("Email address").fill("safer@leicester.example.org")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The shared contact address is saved")).to_be_visible()

    page.goto(server.url + "/admin/outbox")
    expect(page.get_by_role("heading", name="Outbox")).to_be_visible()
    check_accessibility(page, "mail-outbox")

    # Their own language, over the browser's (which asks for English).
    page.get_by_role("link", name="Language").click()
    check_accessibility(page, "account-language")
    page.get_by_label("Cymraeg").check()
    page.get_by_role("button", name="Save language").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_text("Your language is saved")).to_be_visible()
    expect(page.get_by_label("Cymraeg")).to_be_checked()
