"""Browser tests: Debian's Chromium driven by Playwright (browsers cannot be downloaded here),
against real hub processes. Screenshots of the pages visited are saved for review under
``test-artifacts/screenshots``."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from playwright.sync_api import Browser, Page, expect, sync_playwright

from hub.bootstrap import Hub
from hub.demo.users import DEMO_PASSWORD
from tests.e2e.live_server import LiveServer, serve

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("HUB_TEST_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
# The machine has no network but the package registries: keep Chromium from reaching out.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/test installs Debian's chromium package")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[object]:
    """Open pages in fresh browser contexts (separate cookie jars, like separate people)."""
    contexts = []

    def open_page() -> Page:
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def wait_until_live(page: Page) -> None:
    """Wait for the page's live socket, then mark the page so a reload would show."""
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=10000)
    page.evaluate("window.__notReloaded = true")


def check_accessibility(page: Page, name: str) -> None:
    """Run axe-core (WCAG 2.0 to 2.2 A and AA rules) on the page; fail on any violation.

    Also saves a full-page screenshot under ``test-artifacts/screenshots/<name>.png``.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    # Evaluated through the devtools protocol, not added as a <script>: the pages' Content
    # Security Policy refuses inline scripts, as it should.
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
    )
    violations = [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
    assert not violations, f"{name}: " + json.dumps(violations, indent=2)


@pytest.fixture
def server(
    demo_hub: Hub, demo_database_url: str, redis_url: str, clean_redis: redis.Redis,
    tmp_path: Path,
) -> Iterator[LiveServer]:
    """One web process and a dispatcher, on a fresh copy of the demo database."""
    yield from serve(demo_hub, demo_database_url, redis_url, tmp_path)


WIDE, NARROW = 1280, 390
"""The widths every designed page is checked at: a desktop, and a small phone."""


def check_both_widths(page: Page, name: str) -> None:
    """axe at 1280 px and at 390 px, and nothing wider than the screen at 390 px (a page that
    scrolls sideways on a phone hides what is off to the right)."""
    height = page.viewport_size["height"] if page.viewport_size else 900
    for width in (WIDE, NARROW):
        page.set_viewport_size({"width": width, "height": height})
        check_accessibility(page, f"{name}-{width}")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    wide = page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter(e => !(e.parentElement && e.parentElement.closest(".hub-table-wrap"))
                && e.getBoundingClientRect().right > document.documentElement.clientWidth)
            .slice(-3).map(e => e.tagName + "." + e.className)"""
    ) if overflow > 0 else []
    assert overflow <= 0, f"{name}: the page is {overflow}px wider than a 390px screen: {wide}"
    page.set_viewport_size({"width": WIDE, "height": height})


def sign_in(page: Page, base: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form, as a person would."""
    page.goto(base + "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")
