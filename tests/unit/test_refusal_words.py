"""A refusal's values as a page shows them: names for ids, dates and statuses in words
(hub/web/pages/present.py's refusal_value, through common.py's error_text)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hub import i18n
from hub.domain.duties import ArrangementStatus
from hub.domain.errors import N_, DomainError
from hub.web.pages.common import error_text
from hub.web.pages.present import refusal_value

NAMES = {
    "leicester-city": "Leicester City Council",
    "leics-police": "Leicestershire Police",
    "safer-leicester": "Safer Leicester Partnership",
}


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("by_organisation", "leicester-city", "Leicester City Council"),
        ("organisations", "leics-police, leicester-city",
         "Leicestershire Police and Leicester City Council"),
        ("unregistered", "leics-police, made-up, leicester-city",
         "Leicestershire Police, made-up and Leicester City Council"),
        # An id the reader may not see is not in its names: it reads as given, as a made-up one.
        ("organisation_id", "south-wales-police", "south-wales-police"),
        ("names", "made-up, other", "made-up, other"),
        ("starts_on", date(2027, 1, 31), "31 January 2027"),
        ("today", "2026-12-06", "6 December 2026"),
        # An instant is a London date: 23:30 UTC on 30 June is 1 July in London (summer time).
        ("at", datetime(2027, 6, 30, 23, 30, tzinfo=UTC), "1 July 2027"),
        ("status", ArrangementStatus.IN_FORCE, "in force"),
        ("status", "closed", "closed"),
        ("status", "unheard_of", "unheard of"),
        ("current", 3, 3),
        ("email", "someone@example.org", "someone@example.org"),
    ],
)
def test_each_value_reads_in_words(key: str, value: object, words: object) -> None:
    assert refusal_value(key, value, NAMES) == words


def test_names_and_dates_are_in_the_readers_language() -> None:
    with i18n.using_locale("cy"):
        assert refusal_value("today", "2026-12-06", NAMES) == "6 Rhagfyr 2026"
        # CLDR's Welsh joins with "a(c)": "a" before a consonant, "ac" before a vowel.
        assert refusal_value("organisations", "leics-police, leicester-city", NAMES) == (
            "Leicestershire Police a(c) Leicester City Council")


def test_a_refusal_on_a_page_names_the_organisation_and_writes_the_date() -> None:
    error = DomainError(
        N_("a transfer to %(organisation_id)s on %(starts_on)s is already recorded and not "
           "yet in force"),
        organisation_id="leics-police", starts_on=date(2027, 4, 1),
    )
    assert error_text(error, NAMES) == (
        "A transfer to Leicestershire Police on 1 April 2027 is already recorded and not yet "
        "in force")
    # Without the reader's names an id stays as it is; the API's English message is unchanged.
    assert error_text(error).startswith("A transfer to leics-police on 1 April 2027")
    assert "leics-police on 2027-04-01" in error.message
