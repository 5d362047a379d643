"""The search page in a real browser: the OPCC officer searches from the header, finds the
meeting by words of its agenda and opens it; the page passes axe on a desktop and a phone."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import check_accessibility
from tests.browser.test_pages import sign_in_with_keyboard
from tests.e2e.live_server import LiveServer


def test_the_office_searches_and_opens_the_record_found(
    server: LiveServer, new_page: object
) -> None:
    page: Page = new_page()  # type: ignore[operator]
    sign_in_with_keyboard(page, server.url, "opcc@leicestershire.example.org")
    page.get_by_role("link", name="Search", exact=True).click()
    page.wait_for_url(server.url + "/search")
    page.get_by_label("Search meetings, report requests and mergers").fill("hate crime")
    page.keyboard.press("Enter")
    page.wait_for_url(server.url + "/search?q=hate+crime")
    result = page.get_by_role("link", name="Safer Communities Strategy Board")
    expect(result).to_be_visible()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        check_accessibility(page, f"search-results-{width}")

    page.get_by_label("Search meetings, report requests and mergers").fill("nothing like this")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="No results for ‘nothing like this’")).to_be_visible()
    page.get_by_label("Search meetings, report requests and mergers").fill("  ")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter words to search for")
    check_accessibility(page, "search-error-390")

    page.go_back()
    page.go_back()
    page.get_by_role("link", name="Safer Communities Strategy Board").click()
    page.wait_for_url(server.url + "/records/meetings/leicestershire-rutland-board-quarterly")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Safer Communities Strategy Board"
    )
