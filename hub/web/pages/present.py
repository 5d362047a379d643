"""How pages word what a record holds: London dates and times, statuses and purposes in words.

A person reads "31 January 2027", never ``2027-01-31``; "6 December 2026, 14:05" in London
time, never UTC; "Waiting for a report", never ``required``. Every designed page and list uses
these, so one record reads the same wherever it appears.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.lists import format_list

from hub.db import aware
from hub.i18n import N_, babel_locale, gettext, ngettext
from hub.web.pages.value_words import value_words

LONDON = ZoneInfo("Europe/London")

REPORT_STATUSES = {
    "required": (N_("Waiting for acknowledgement"), "govuk-tag--blue"),
    "acknowledged": (N_("Acknowledged"), "govuk-tag--light-blue"),
    "extension_requested": (N_("More time asked for"), "govuk-tag--yellow"),
    "submitted": (N_("Report submitted"), "govuk-tag--purple"),
    "returned": (N_("Returned for more information"), "govuk-tag--orange"),
    "accepted": (N_("Accepted"), "govuk-tag--green"),
    "closed": (N_("Closed"), "govuk-tag--grey"),
    "withdrawn": (N_("Withdrawn"), "govuk-tag--grey"),
}
"""A report request's status in words, and its tag colour."""

MERGER_STATUSES = {
    "proposed": (N_("Gathering consents"), "govuk-tag--blue"),
    "made": (N_("Agreed, waiting for its date"), "govuk-tag--green"),
    "in_effect": (N_("In effect"), "govuk-tag--green"),
    "withdrawn": (N_("Withdrawn"), "govuk-tag--grey"),
    "terminated": (N_("Ended"), "govuk-tag--grey"),
    "ended_with_csp": (N_("Ended with its partnership"), "govuk-tag--grey"),
}
"""A merger's status in words, and its tag colour."""

MEETING_STATUSES = {
    "scheduled": (N_("Scheduled"), "govuk-tag--blue"),
    "held": (N_("Held"), "govuk-tag--green"),
    "cancelled": (N_("Cancelled"), "govuk-tag--red"),
}
"""A meeting's status in words, and its tag colour."""

PURPOSES = {
    "reducing_crime_and_disorder": N_("Reducing crime and disorder"),
    "reducing_reoffending": N_("Reducing re-offending"),
    "combating_substance_misuse": N_("Combating the misuse of drugs, alcohol and other substances"),
}
"""The purposes a combination may serve (CDA s.5A), in words."""


def status_tag(statuses: dict[str, tuple[str, str]], status: str) -> tuple[str, str]:
    """A status in words (in the reader's language) and its tag colour; an unknown one as
    its own words."""
    if status in statuses:
        words, colour = statuses[status]
        return gettext(words), colour
    return status.replace("_", " ").capitalize(), ""


def purpose_words(purpose: str) -> str:
    """A combination's purpose in words (in the reader's language)."""
    return gettext(PURPOSES[purpose]) if purpose in PURPOSES else purpose.replace("_", " ")


def long_date(value: date | datetime | str | None) -> str:
    """A date as people write it, "31 January 2027" (a time is taken in London first)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = aware(value).astimezone(LONDON).date()
    # Babel names the month in the reader's language: "6 December 2026", "6 Rhagfyr 2026".
    return format_date(value, "d MMMM y", locale=babel_locale())


def date_as(value: date, pattern: str) -> str:
    """A date in a Babel (CLDR) ``pattern``, its month and day names in the reader's language:
    "MMMM y" is "December 2026", "EEEE" is "Sunday", "MMM" is "Dec"."""
    return format_date(value, pattern, locale=babel_locale())


def london_time(value: datetime | str | None, seconds: bool = False) -> str:
    """An instant in London time, "6 December 2026, 14:05" (with ``seconds``, 14:05:09)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    clock = "HH:mm:ss" if seconds else "HH:mm"
    return format_datetime(
        aware(value), f"d MMMM y, {clock}", tzinfo=LONDON, locale=babel_locale()
    )


def days_word(days: int) -> str:
    """"1 day" or "3 days": a count of days in words."""
    return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}


def listing(names: list[Any]) -> str:
    """Names joined as a sentence would: "A", "A and B", "A, B and C"."""
    words = [str(n) for n in names if n]
    return format_list(words, locale=babel_locale()) if words else ""


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def refusal_value(key: str, value: object, names: Mapping[str, str]) -> object:
    """One value of a refused command's message as its reader reads it.

    The domain fills its messages with what it holds; a page fills them with words: a date
    (or its ISO form) as a London date, a status in words, and an id of a directory entry, or a
    comma-joined list of them, as the entry's name ("A, B and C"). ``names`` holds only the
    entries the reader's organisation may see, so an id it may not see stays as it is and
    reads exactly as a made-up one does. Any other value stays as it is.
    """
    if key == "status":
        words = value_words(value)
        # Mid-sentence: "the arrangement is ended, not in force".
        return words[:1].lower() + words[1:]
    if isinstance(value, date):
        return long_date(value)
    if not isinstance(value, str):
        return value
    if _ISO_DATE.fullmatch(value):
        return long_date(value)
    ids = value.split(", ")
    if any(i in names for i in ids):
        return listing([names.get(i, i) for i in ids])
    return value
