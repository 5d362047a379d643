"""Two-step sign-in in a real browser: an admin of a production hub sets it up as they first
sign in, by keyboard, and each page passes axe."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
import redis
from playwright.sync_api import Page, expect

from hub.bootstrap import Hub
from hub.demo.users import DEMO_PASSWORD
from tests.browser.conftest import check_accessibility
from tests.e2e.live_server import LiveServer, serve


@pytest.fixture
def production(
    demo_hub: Hub, demo_database_url: str, redis_url: str, clean_redis: redis.Redis,
    tmp_path: Path,
) -> Iterator[LiveServer]:
    """A web process that requires two-step sign-in of admins, as production does."""
    yield from serve(demo_hub, demo_database_url, redis_url, tmp_path,
                     HUB_TWO_STEP_FOR_ADMINS="1")


def test_an_admin_sets_up_two_step_sign_in_as_they_first_sign_in(
    production: LiveServer, new_page: object
) -> None:
    page: Page = new_page()  # type: ignore[operator]
    page.goto(production.url + "/sign-in")
    page.locator("#email").fill("opcc@leicestershire.example.org")
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_url(production.url + "/sign-in/two-step")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step sign-in")
    check_accessibility(page, "two-step-set-up")

    page.locator("#code").fill("000000")
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page, "two-step-error")

    secret = page.locator(".hub-secret").inner_text()
    page.locator("#code").fill(pyotp.TOTP(secret).now())
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    check_accessibility(page, "two-step-recovery-codes")
    page.get_by_role("link", name="Continue").click()
    page.wait_for_url(production.url + "/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
