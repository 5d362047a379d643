"""An organisation admin's journey in Chromium: invite a user, make a token with two
permissions, disable the user (asked first, and their session ends), enable them again, and
revoke an invitation. Pages checked by axe at 1280 and 390 pixels wide. Every form answers with
a redirect: a reload after an error or a success posts nothing again, and shows a secret (an
invitation link, a token) no more."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_both_widths, sign_in
from tests.e2e.live_server import LiveServer

PASSWORD = "correct horse battery"


def _invite(admin: Page, email: str) -> str:
    admin.get_by_label("Email address", exact=True).fill(email)
    admin.get_by_label("Member", exact=True).check()
    admin.get_by_role("button", name="Create invitation").click()
    return admin.locator("#invitation-link").inner_text()


@pytest.mark.timeout(180)
def test_an_admin_invites_makes_a_token_disables_and_revokes(
    server: LiveServer, new_page: Callable[[], Page]
) -> None:
    admin = new_page()
    sign_in(admin, server.url, "opcc@leicestershire.example.org")
    admin.get_by_role("link", name="Users", exact=True).click()
    # Post/redirect/get: a refused form comes back with every error linked to its field and
    # the input kept, and reloading it shows the same without posting again.
    admin.get_by_label("Email address", exact=True).fill("not an address")
    admin.get_by_role("button", name="Create invitation").click()
    summary = admin.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter an email address in the correct format, "
                               "like name@example.org")).to_have_attribute("href", "#email")
    expect(summary.get_by_role("link", name="Select a role")).to_have_attribute("href", "#role")
    admin.reload()
    expect(summary).to_be_visible()
    expect(admin.get_by_label("Email address", exact=True)).to_have_value("not an address")
    link = _invite(admin, "new.officer@example.org")
    admin.reload()
    expect(admin.locator("#invitation-link")).to_have_count(0)
    expect(admin.locator("#invitations tbody tr")).to_have_count(1)

    officer = new_page()
    officer.goto(link)
    officer.get_by_label("Full name", exact=True).fill("Nia Officer")
    officer.get_by_label("Password", exact=True).fill(PASSWORD)
    officer.get_by_label("Confirm password", exact=True).fill(PASSWORD)
    officer.get_by_role("button", name="Create account").click()
    sign_in(officer, server.url, "new.officer@example.org", PASSWORD)

    admin.get_by_role("link", name="API clients", exact=True).click()
    admin.get_by_label("Name", exact=True).fill("Case management system")
    admin.get_by_label("Read events", exact=True).check()
    admin.get_by_label("Act", exact=True).check()
    admin.get_by_role("button", name="Create token").click()
    expect(admin.locator("#new-token")).to_contain_text("hub_")
    expect(admin.locator("table")).to_contain_text("Act, Read events")
    check_both_widths(admin, "admin-clients-token")
    # The token is shown once: a reload neither shows it again nor makes a second client.
    admin.reload()
    expect(admin.locator("#new-token")).to_have_count(0)
    expect(admin.locator("table tbody tr", has_text="Case management system")).to_have_count(1)

    admin.get_by_role("link", name="Users", exact=True).click()
    row = admin.locator("tr", has_text="Nia Officer")
    row.get_by_role("button", name="Disable").click()
    expect(admin.locator("h1")).to_have_text("Are you sure you want to disable Nia Officer?")
    check_both_widths(admin, "admin-confirm-disable")
    admin.get_by_role("button", name="Yes, disable Nia Officer").click()
    expect(admin.locator("#done-banner")).to_contain_text("You disabled the user")
    expect(admin.locator("tr", has_text="Nia Officer")).to_contain_text("Disabled")
    check_both_widths(admin, "admin-users-disabled")
    officer.goto(server.url + "/")
    expect(officer.locator("h1")).to_have_text("Sign in to the Partnership Hub")

    admin.locator("tr", has_text="Nia Officer").get_by_role("button", name="Re-enable").click()
    expect(admin.locator("#done-banner")).to_contain_text("You re-enabled the user")
    sign_in(officer, server.url, "new.officer@example.org", PASSWORD)

    revoked = _invite(admin, "wrong.address@example.org")
    admin.get_by_role("link", name="Users", exact=True).click()
    admin.locator("tr", has_text="wrong.address@example.org").get_by_role(
        "button", name="Revoke").click()
    admin.get_by_role("button", name="Yes, revoke the invitation").click()
    expect(admin.locator("#done-banner")).to_contain_text("You revoked the invitation")
    expect(admin.locator("main")).not_to_contain_text("wrong.address@example.org")
    stranger = new_page()
    stranger.goto(revoked)
    expect(stranger.locator("main")).to_contain_text("Page not found")
