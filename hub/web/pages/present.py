"""How pages word what a record holds: London dates and times, statuses and purposes in words.

A person reads "31 January 2027", never ``2027-01-31``; "6 December 2026, 14:05" in London
time, never UTC; "Waiting for a report", never ``required``. Every designed page and list uses
these, so one record reads the same wherever it appears.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from hub.db import aware

LONDON = ZoneInfo("Europe/London")

REPORT_STATUSES = {
    "required": ("Waiting for acknowledgement", "govuk-tag--blue"),
    "acknowledged": ("Acknowledged", "govuk-tag--light-blue"),
    "extension_requested": ("More time asked for", "govuk-tag--yellow"),
    "submitted": ("Report submitted", "govuk-tag--purple"),
    "returned": ("Returned for more information", "govuk-tag--orange"),
    "accepted": ("Accepted", "govuk-tag--green"),
    "closed": ("Closed", "govuk-tag--grey"),
    "withdrawn": ("Withdrawn", "govuk-tag--grey"),
}
"""A report request's status in words, and its tag colour."""

MERGER_STATUSES = {
    "proposed": ("Gathering consents", "govuk-tag--blue"),
    "made": ("Agreed, waiting for its date", "govuk-tag--green"),
    "in_effect": ("In effect", "govuk-tag--green"),
    "withdrawn": ("Withdrawn", "govuk-tag--grey"),
    "terminated": ("Ended", "govuk-tag--grey"),
}
"""A merger's status in words, and its tag colour."""

MEETING_STATUSES = {
    "scheduled": ("Scheduled", "govuk-tag--blue"),
    "held": ("Held", "govuk-tag--green"),
    "cancelled": ("Cancelled", "govuk-tag--red"),
}
"""A meeting's status in words, and its tag colour."""

PURPOSES = {
    "reducing_crime_and_disorder": "Reducing crime and disorder",
    "reducing_reoffending": "Reducing re-offending",
    "combating_substance_misuse": "Combating the misuse of drugs, alcohol and other substances",
}
"""The purposes a combination may serve (CDA s.5A), in words."""


def status_tag(statuses: dict[str, tuple[str, str]], status: str) -> tuple[str, str]:
    """A status in words and its tag colour; an unknown one as its own words."""
    return statuses.get(status, (status.replace("_", " ").capitalize(), ""))


def long_date(value: date | datetime | str | None) -> str:
    """A date as people write it, "31 January 2027" (a time is taken in London first)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = aware(value).astimezone(LONDON).date()
    return f"{value:%-d %B %Y}"


def london_time(value: datetime | str | None, seconds: bool = False) -> str:
    """An instant in London time, "6 December 2026, 14:05" (with ``seconds``, 14:05:09)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    clock = "%H:%M:%S" if seconds else "%H:%M"
    return aware(value).astimezone(LONDON).strftime(f"%-d %B %Y, {clock}")


def days_word(days: int) -> str:
    """"1 day" or "3 days": a count of days in words."""
    return f"{days} day" if days == 1 else f"{days} days"


def listing(names: list[Any]) -> str:
    """Names joined as a sentence would: "A", "A and B", "A, B and C"."""
    words = [str(n) for n in names if n]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
