"""Password reset in a real browser, end to end: real web, dispatcher and worker processes,
the mail through a real SMTP server, the link followed as a person would."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from playwright.sync_api import Page, expect

from hub.bootstrap import Hub
from tests.browser.conftest import check_accessibility
from tests.e2e.live_server import LiveServer, serve
from tests.e2e.processes import start, stop
from tests.mail_servers import Inbox, smtp_server

CITY = "city@leicester.example.org"
NEW_PASSWORD = "lantern orchard gravel"


@pytest.fixture
def inbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    with smtp_server(tmp_path, monkeypatch) as received:
        yield received


@pytest.fixture
def mailing_server(
    demo_hub: Hub, demo_database_url: str, redis_url: str, clean_redis: redis.Redis,
    tmp_path: Path, inbox: Inbox,
) -> Iterator[LiveServer]:
    """A web process, a dispatcher and a worker, all sending mail to ``inbox``."""
    for server in serve(demo_hub, demo_database_url, redis_url, tmp_path, web_processes=1,
                        **inbox.settings):
        # Workers run apart from the web process, so they are told its address (as in
        # production, where HUB_PUBLIC_URL is set for every process).
        worker = start(["worker"], {**server.environment, "HUB_PUBLIC_URL": server.url},
                       tmp_path / "worker.log")
        try:
            yield server
        finally:
            stop(worker)


def wait_for_mail(inbox: Inbox, address: str, count: int, timeout: float = 90) -> None:
    # Generous: the worker starts beside the test (not waited for), and a busy machine can
    # take tens of seconds to bring it up; a pass costs only the time the mail takes.
    deadline = time.monotonic() + timeout
    while len(inbox.to(address)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(inbox.to(address)) >= count, f"no mail reached {address}"


@pytest.mark.timeout(240)
def test_a_forgotten_password_is_reset_from_the_emailed_link(
    mailing_server: LiveServer, inbox: Inbox, new_page: object
) -> None:
    base = mailing_server.url
    page: Page = new_page()  # type: ignore[operator]
    page.goto(base + "/sign-in")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    check_accessibility(page, "password-reset-ask")
    page.get_by_label("Email address").fill(CITY)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    wait_for_mail(inbox, CITY, 1)
    text = inbox.to(CITY)[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    [link] = [w for w in text.split() if "/password-reset/" in w]
    assert link.startswith(base + "/password-reset/pwr_")

    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    check_accessibility(page, "password-reset-choose")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill("something else entirely")
    page.get_by_role("button", name="Set password").click()
    expect(page.locator("#confirm_password-error")).to_contain_text("The passwords do not match")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()

    expect(page.get_by_text("Your password is changed.")).to_be_visible()
    page.get_by_label("Email address").fill(CITY)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")

    # The link worked once.
    answer = page.goto(link)
    assert answer is not None and answer.status == 404
