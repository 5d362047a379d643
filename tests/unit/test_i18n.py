"""The locale a request is written in (hub/i18n.py)."""

from __future__ import annotations

import pytest

from hub import i18n


@pytest.mark.parametrize(
    ("header", "locale"),
    [
        (None, "en"),
        ("", "en"),
        ("cy", "cy"),
        ("cy-GB,cy;q=0.9,en;q=0.8", "cy"),
        ("en-GB,en;q=0.9,cy;q=0.8", "en"),
        ("en;q=0.5,cy;q=0.9", "cy"),
        ("fr-FR,de;q=0.9", "en"),
        ("cy;q=0", "en"),
        ("*", "en"),
        ("cy;q=banana,;;,", "en"),
    ],
)
def test_a_request_is_written_in_the_best_language_the_hub_has(
    header: str | None, locale: str
) -> None:
    assert i18n.negotiate(header) == locale


def test_an_untranslated_string_reads_in_english_whatever_the_locale() -> None:
    with i18n.using_locale("cy"):
        assert i18n.current_locale() == "cy"
        assert i18n.gettext("A string no catalogue holds") == "A string no catalogue holds"
        assert i18n.ngettext("%(n)d day", "%(n)d days", 3) == "%(n)d days"
    assert i18n.current_locale() == "en"


@pytest.mark.parametrize(
    ("stored", "chosen"),
    [("cy", "cy"), ("en", "en"), (None, None), ("fr", None), ("", None)],
)
def test_a_persons_stored_language_counts_only_if_the_hub_has_it(
    stored: str | None, chosen: str | None
) -> None:
    # A language whose catalogue was removed since they chose it: back to the browser's.
    assert i18n.chosen_locale(stored) == chosen
