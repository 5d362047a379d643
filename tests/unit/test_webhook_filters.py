"""Event-type filters: exact names, a record's wildcard, everything; typos refused."""

from __future__ import annotations

import pytest

from hub.webhooks.errors import UnknownEventType
from hub.webhooks.filters import check_filters, matches


@pytest.mark.parametrize(
    ("filters", "event_type", "expected"),
    [
        (["*"], "report_request.submitted", True),
        (["report_request.*"], "report_request.submitted", True),
        (["report_request.*"], "report_request_extra.submitted", False),
        (["report_request.submitted"], "report_request.submitted", True),
        (["report_request.submitted"], "report_request.accepted", False),
        (["merger.*", "workspace.created"], "workspace.created", True),
        ([], "workspace.created", False),
    ],
)
def test_a_filter_selects_its_event_types(
    filters: list[str], event_type: str, expected: bool
) -> None:
    assert matches(filters, event_type) is expected


def test_filters_are_cleaned_and_sorted() -> None:
    assert check_filters([" workspace.* ", "report_request.submitted", "workspace.*"]) == [
        "report_request.submitted", "workspace.*",
    ]


@pytest.mark.parametrize(
    "bad", ["report_requst.*", "report_request.submited", "report_request", "*.submitted", "**"]
)
def test_a_filter_that_selects_nothing_is_refused(bad: str) -> None:
    with pytest.raises(UnknownEventType):
        check_filters([bad])


def test_at_least_one_filter_is_needed() -> None:
    with pytest.raises(UnknownEventType):
        check_filters(["  ", ""])
