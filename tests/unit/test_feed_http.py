"""Conditional requests and content coding for feeds (RFC 9110), without a server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hub.web.feeds import accepts_gzip, etag_matches, not_modified

ETAG = "3e15acdc9fb2d39ebd6d856d14aa489c"
MODIFIED = datetime(2026, 11, 24, 9, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(("header", "matches"), [
    (f'W/"{ETAG}"', True),
    (f'"{ETAG}"', True),  # weak comparison: a strong copy of our tag matches too
    (f'"other", W/"{ETAG}"', True),
    ("*", True),
    ('W/"other"', False),
    (ETAG, False),  # an unquoted tag is not a tag
    ("", False),
])
def test_if_none_match_compares_weakly(header: str, matches: bool) -> None:
    assert etag_matches(header, ETAG) is matches


def test_if_none_match_decides_when_sent_even_beside_if_modified_since() -> None:
    headers = {"if-none-match": 'W/"stale"', "if-modified-since": "Tue, 24 Nov 2026 10:00:00 GMT"}
    assert not_modified(headers, ETAG, MODIFIED) is False


@pytest.mark.parametrize(("since", "fresh"), [
    ("Tue, 24 Nov 2026 09:00:00 GMT", True),
    ("Tue, 24 Nov 2026 10:00:00 GMT", True),
    ("Tue, 24 Nov 2026 08:59:59 GMT", False),
    ("yesterday", False),
    ("", False),
])
def test_if_modified_since_is_to_the_second(since: str, fresh: bool) -> None:
    assert not_modified({"if-modified-since": since}, ETAG, MODIFIED) is fresh
    # HTTP dates have no fractions of a second.
    later_that_second = MODIFIED.replace(microsecond=5)
    assert not_modified({"if-modified-since": since}, ETAG, later_that_second) is fresh


@pytest.mark.parametrize(("header", "gzip"), [
    ("gzip, deflate, br", True),
    ("br;q=1.0, gzip;q=0.8", True),
    ("gzip;q=0", False),
    ("*", True),
    ("*;q=0", False),
    ("identity", False),
    ("deflate, *;q=0.1", True),
    ("gzip;q=0, *", False),
    (None, False),
])
def test_gzip_only_where_accept_encoding_allows_it(header: str | None, gzip: bool) -> None:
    assert accepts_gzip(header) is gzip
