"""Feeds over HTTP as calendar clients poll them: validators and 304s, HEAD, gzip, and a cache
that renders only when what a feed shows has changed — on SQLite and PostgreSQL, real Redis."""

from __future__ import annotations

import gzip
from datetime import datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

import pytest
import redis
from starlette.testclient import TestClient

from hub.access.policy import SYSTEM
from hub.bootstrap import Hub
from hub.domain import directory
from hub.handlers import meetings as meeting_handlers
from hub.service import handle
from hub.web.metrics import REGISTRY
from schemas.commands import directory as directory_commands
from tests.clocks import HandClock
from tests.integration.test_feeds_content import (
    CITY_EMAIL,
    OPCC,
    convene,
    meeting_uid,
    read_feed,
    subscribe,
)
from tests.web import client_of, sign_in


@pytest.fixture
def clock() -> HandClock:
    return HandClock()


@pytest.fixture
def hub(demo_hub: Hub, clock: HandClock) -> Hub:
    demo_hub.clock = clock
    return demo_hub


@pytest.fixture
def city(hub: Hub) -> TestClient:
    client = client_of(hub)
    sign_in(client, CITY_EMAIL)
    return client


@pytest.fixture
def calendar(city: TestClient) -> TestClient:
    """A calendar client: no session, no cookies."""
    return TestClient(city.app)


def answers(status: str, cache: str) -> float:
    """How many feed requests have had this answer so far (the operators' metric)."""
    return REGISTRY.get_sample_value(
        "hub_calendar_feed_requests_total", {"status": status, "cache": cache}
    ) or 0.0


def test_a_feed_is_text_calendar_with_validators(
    hub: Hub, city: TestClient, calendar: TestClient, clock: HandClock
) -> None:
    meeting_id = convene(hub, starts=datetime(2027, 1, 12, 10))
    answer = calendar.get(subscribe(city, kind="user"))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    assert answer.headers["etag"].startswith('W/"')
    assert parsedate_to_datetime(answer.headers["last-modified"]) == clock.now
    assert answer.headers["cache-control"] == "private, no-cache"
    assert answer.headers["vary"] == "Accept-Encoding"
    assert meeting_uid(meeting_id) in read_feed(answer.content)


def test_a_repeat_poll_is_answered_304_from_the_cache(
    hub: Hub, city: TestClient, calendar: TestClient, clock: HandClock
) -> None:
    convene(hub, starts=datetime(2027, 1, 12, 10))
    path = subscribe(city, kind="user")
    first = calendar.get(path)
    clock.now += timedelta(minutes=30)
    before = answers("304", "cached")
    again = calendar.get(path, headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["last-modified"] == first.headers["last-modified"]
    assert answers("304", "cached") == before + 1
    since = calendar.get(path, headers={"if-modified-since": first.headers["last-modified"]})
    assert since.status_code == 304
    earlier = format_datetime(
        parsedate_to_datetime(first.headers["last-modified"]) - timedelta(seconds=1),
        usegmt=True,
    )
    assert calendar.get(path, headers={"if-modified-since": earlier}).status_code == 200


def test_an_event_that_changes_nothing_shown_keeps_the_etag(
    hub: Hub, city: TestClient, calendar: TestClient, clock: HandClock
) -> None:
    convene(hub, starts=datetime(2027, 1, 12, 10))
    path = subscribe(city, kind="user")
    first = calendar.get(path)
    clock.now += timedelta(minutes=5)
    # Another member leaves the area's workspace: a position the feed sees, nothing it shows.
    handle(hub, directory.WORKSPACE, "area-leicestershire",
           directory_commands.RemoveWorkspaceMember(
               workspace_id="area-leicestershire", organisation_id="safer-communities-network"
           ), SYSTEM)
    before = answers("304", "unchanged")
    again = calendar.get(path, headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304
    assert answers("304", "unchanged") == before + 1
    assert again.headers["last-modified"] == first.headers["last-modified"]


def test_a_change_gives_a_new_etag_and_a_later_last_modified(
    hub: Hub, city: TestClient, calendar: TestClient, clock: HandClock
) -> None:
    meeting_id = convene(hub, starts=datetime(2027, 1, 12, 10))
    path = subscribe(city, kind="user")
    first = calendar.get(path)
    clock.now += timedelta(minutes=10)
    meeting_handlers.reschedule_meeting(
        hub, OPCC, meeting_id, starts_local=datetime(2027, 1, 13, 10),
        ends_local=datetime(2027, 1, 13, 12),
    )
    before = answers("200", "rendered")
    changed = calendar.get(path, headers={"if-none-match": first.headers["etag"]})
    assert changed.status_code == 200
    assert answers("200", "rendered") == before + 1
    assert changed.headers["etag"] != first.headers["etag"]
    assert parsedate_to_datetime(changed.headers["last-modified"]) == clock.now
    assert read_feed(changed.content)[meeting_uid(meeting_id)].sequence == 1


def test_content_is_the_same_from_any_process_and_after_the_cache_is_lost(
    hub: Hub, city: TestClient, calendar: TestClient, clean_redis: redis.Redis
) -> None:
    convene(hub, starts=datetime(2027, 1, 12, 10))
    path = subscribe(city, kind="user")
    first = calendar.get(path)
    clean_redis.flushdb()
    other_process = TestClient(client_of(hub).app)
    again = other_process.get(path, headers={"accept-encoding": "identity"})
    assert again.headers["etag"] == first.headers["etag"]
    assert again.content == first.content
    assert other_process.get(
        path, headers={"if-none-match": first.headers["etag"]}
    ).status_code == 304


def test_head_answers_the_headers_of_get_without_a_body(
    hub: Hub, city: TestClient, calendar: TestClient
) -> None:
    convene(hub, starts=datetime(2027, 1, 12, 10))
    path = subscribe(city, kind="user")
    got = calendar.get(path, headers={"accept-encoding": "identity"})
    head = calendar.head(path, headers={"accept-encoding": "identity"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(got.content))
    for name in ("etag", "last-modified", "content-type", "cache-control"):
        assert head.headers[name] == got.headers[name]
    assert calendar.head(path, headers={"if-none-match": got.headers["etag"]}).status_code == 304


def test_the_feed_is_gzipped_only_when_the_client_accepts_it(
    hub: Hub, city: TestClient, calendar: TestClient
) -> None:
    convene(hub, starts=datetime(2027, 1, 12, 10), title="Serious violence " * 10)
    path = subscribe(city, kind="user")
    plain = calendar.get(path, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    with calendar.stream("GET", path, headers={"accept-encoding": "gzip"}) as packed:
        assert packed.headers["content-encoding"] == "gzip"
        raw = b"".join(packed.iter_raw())
    assert len(raw) < len(plain.content)
    assert gzip.decompress(raw) == plain.content
    assert packed.headers["etag"] == plain.headers["etag"]


def test_an_unknown_token_is_a_plain_404(calendar: TestClient) -> None:
    answer = calendar.get("/calendars/cal_not-a-real-token.ics")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/plain")
    assert answer.headers["cache-control"] == "no-store"
