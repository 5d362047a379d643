"""A reg 14A meeting walked whole in Chromium, each person in a browser of their own: the OPCC
convenes it inviting a whole partnership in one step (checking its answers first), invitees
respond, another partnership is invited (those already invited left as they are, and an
invitee's open page updated live), papers are published, the meeting is held, minutes are
drafted and approved, an action is assigned and done, and the meeting is found again in the
calendar. Each page is checked by axe at 1280 and 390 pixels wide."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import FilePayload, Page, expect

from hub.bootstrap import Hub
from hub.db import aware
from hub.handlers.meetings import mark_meeting_held
from hub.web.api.meetings import MEETING_QUERIES
from tests.browser.conftest import check_both_widths, sign_in
from tests.clocks import ShiftedClock
from tests.e2e.live_server import LiveServer

OFFICE = "opcc@leicestershire.example.org"
CITY = "city@leicester.example.org"
POLICE = "police@leicestershire.example.org"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TITLE = "Serious violence: joint strategy"


def _held(server: LiveServer, meeting_id: str) -> None:
    """Record the meeting held as the hub's scheduled job does once its end has passed, on a
    hub whose clock reads just after that end (the server's own clock is today's)."""
    ends_at = aware(MEETING_QUERIES.get(server.hub, meeting_id, workspace_ids=None)["ends_at"])
    hub = Hub(dataclasses.replace(server.hub.settings))
    hub.clock = ShiftedClock(ends_at + timedelta(minutes=1))
    try:
        assert mark_meeting_held(hub, meeting_id, ends_at)
    finally:
        hub.close()


@pytest.mark.timeout(240)
def test_a_meeting_inviting_a_whole_partnership_is_held_minuted_and_found_in_the_calendar(
    server: LiveServer, new_page: Callable[[], Page]
) -> None:
    day = datetime.now(ZoneInfo("Europe/London")).date() + timedelta(days=10)
    office = new_page()
    sign_in(office, server.url, OFFICE)
    office.goto(server.url + "/records/meetings")
    office.get_by_role("button", name="Convene a meeting").click()
    expect(office.locator("h1")).to_have_text("Convene a meeting")
    office.locator("#kind").check()  # the first kind: reg 14A
    office.locator("#title").fill(TITLE)
    office.locator("#purpose").fill("Agree the partnership's serious violence strategy.")
    office.locator("#starts_local").fill(f"{day.isoformat()}T10:00")
    office.locator("#ends_local").fill(f"{day.isoformat()}T12:00")
    office.locator("#place").fill("Force headquarters, Enderby")
    office.get_by_label(re.compile(r"^Everyone in Safer Leicester Partnership \(")).check()
    check_both_widths(office, "convene-meeting-whole-partnership")
    office.get_by_role("button", name="Save").click()

    expect(office.locator("h1")).to_have_text("Check your answers")
    answers = office.locator("#answers")
    for name in ("Leicester City Council, Required", "Leicestershire Police, Required",
                 "Probation Service (East Midlands), Required"):
        expect(answers).to_contain_text(name)
    expect(answers).to_contain_text(f"{day.day} {day:%B %Y}, 10:00 (London time)")
    check_both_widths(office, "convene-meeting-check-answers")
    office.get_by_role("button", name="Confirm and send").click()
    expect(office.locator("h1")).to_have_text(TITLE)
    meeting_url = office.url
    meeting_id = meeting_url.rsplit("/", 1)[1]
    expect(office.locator("#response-counts")).to_contain_text("5 invited")

    # Invitees respond: the city council attends, the police decline.
    city = new_page()
    sign_in(city, server.url, CITY)
    city.goto(meeting_url)
    city.get_by_text("Respond to the invitation", exact=True).first.click()
    city.locator("#respond-response").select_option("attending")
    city.locator("#respond-representatives-0-name").fill("Sam Patel")
    city.locator("#respond-representatives-0-role").fill("Community Safety Manager")
    city.locator("#respond-submit").click()
    expect(city.locator("#done-banner")).to_contain_text("You responded to the invitation")
    police = new_page()
    sign_in(police, server.url, POLICE)
    police.goto(meeting_url)
    police.get_by_text("Respond to the invitation", exact=True).first.click()
    police.locator("#respond-response").select_option("declining")
    police.locator("#respond-reason").fill("The chief officer is at a national conference.")
    police.locator("#respond-submit").click()
    expect(police.locator("#done-banner")).to_contain_text("You responded to the invitation")

    # The OPCC invites another partnership too: those it invites already are left as they
    # are, and the police's page, open, shows the new invitee as it arrives.
    office.goto(meeting_url)
    office.get_by_role("link", name="Invite more organisations").click()
    expect(office.locator("h1")).to_have_text("Invite more organisations")
    office.get_by_label(re.compile(r"^Everyone in Safer Rutland Partnership \(")).check()
    check_both_widths(office, "meeting-invite-more")
    office.get_by_role("button", name="Continue").click()
    expect(office.locator("h1")).to_have_text("Check your answers")
    expect(office.locator("#answers")).to_contain_text("Rutland County Council, Required")
    expect(office.locator(".govuk-inset-text")).to_contain_text(
        "Already invited, so left as they are: Leicestershire Police")
    office.get_by_role("button", name="Confirm and send").click()
    expect(office.locator("#done-banner")).to_contain_text("You invited more organisations")
    expect(office.locator("#response-rutland-county-council")).to_contain_text(
        "No response yet")
    expect(police.locator("#response-rutland-county-council")).to_contain_text(
        "No response yet")

    # The OPCC sees the responses and publishes a paper.
    expect(office.locator("#response-counts")).to_contain_text("1 accepted, 1 declined")
    expect(office.locator("#response-leicester-city-council")).to_contain_text("Sam Patel")
    office.get_by_text("Upload a paper", exact=True).click()
    office.locator("#paper-upload-title").fill("Draft strategy")
    paper: FilePayload = {"name": "draft-strategy.pdf", "mimeType": "application/pdf",
                          "buffer": PDF}
    office.locator("#paper-upload-file").set_input_files(files=[paper])
    office.locator("#paper-upload-submit").click()
    expect(office.locator("#meeting-papers")).to_contain_text("Draft strategy")
    check_both_widths(office, "meeting-with-responses-and-papers")

    # Once held, the minutes are drafted and approved, and an action is assigned.
    _held(server, meeting_id)
    office.goto(meeting_url)
    office.get_by_text("Draft the minutes", exact=True).first.click()
    office.locator("#minutes-text").fill("The partners agreed the strategy's three priorities.")
    office.locator("#minutes-submit").click()
    expect(office.locator("#done-banner")).to_contain_text("You drafted the minutes")
    office.get_by_text("Approve the minutes", exact=True).first.click()
    office.locator("#minutes-approval-submit").click()
    expect(office.locator("#done-banner")).to_contain_text("You approved the minutes")
    expect(office.locator("#meeting-minutes")).to_contain_text("three priorities")
    office.get_by_text("Assign an action", exact=True).first.click()
    office.locator("#actions-description").fill("Share the knife crime data monthly.")
    office.locator("#actions-owner_organisation_id").select_option(label="Leicester City Council")
    office.locator("#actions-due_on").fill((day + timedelta(days=28)).isoformat())
    office.locator("#actions-submit").click()
    expect(office.locator("#done-banner")).to_contain_text("You assigned the action")
    expect(office.locator("#meeting-actions")).to_contain_text("Leicester City Council")

    # The council does its action.
    city.goto(meeting_url)
    city.get_by_text("Complete an action", exact=True).first.click()
    city.locator("#action-completion-action_id").select_option(
        label="Share the knife crime data monthly.")
    city.locator("#action-completion-note").fill("The first month's data is shared.")
    city.locator("#action-completion-submit").click()
    expect(city.locator("#done-banner")).to_contain_text("You marked the action as done")
    expect(city.locator("#meeting-actions")).to_contain_text("The first month's data is shared.")
    check_both_widths(city, "meeting-action-done")

    # The meeting is found again in the calendar, in its month, from the navigation.
    city.get_by_role("link", name="Calendar", exact=True).click()
    expect(city.locator("h1")).to_have_text(datetime.now(ZoneInfo("Europe/London")).strftime(
        "%B %Y"))
    check_both_widths(city, "calendar-month")
    if (day.year, day.month) != (datetime.now(ZoneInfo("Europe/London")).year,
                                 datetime.now(ZoneInfo("Europe/London")).month):
        city.locator("#next-month").click()
    city.get_by_role("link", name="Agenda").click()
    check_both_widths(city, "calendar-agenda")
    city.get_by_role("link", name=f"10:00 {TITLE}").click()
    expect(city.locator("h1")).to_have_text(TITLE)
