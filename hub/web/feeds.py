"""Calendar feeds over HTTP: the ``.ics`` feeds partners subscribe to, and each meeting's
download.

``GET``/``HEAD /calendars/{token}.ics`` answers ``text/calendar; charset=utf-8`` with a weak
``ETag`` and ``Last-Modified``; ``If-None-Match`` (or, without it, ``If-Modified-Since``) that
still matches gets ``304 Not Modified``; the body is gzipped when ``Accept-Encoding`` allows.
An unknown, rotated or revoked token, or one whose owner may no longer see what it showed, is
a plain ``404`` (the same for each, so a token's history never leaks). The handlers are plain
functions: Starlette runs them in its thread pool, so a feed being rendered never holds up
the event loop.

``GET /meetings/{meeting_id}.ics`` gives one meeting, with the same ``UID`` as in the feeds, to
a signed-in person (or an API token with ``read_events``) who may see the meeting.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from time import perf_counter

from prometheus_client import Counter, Histogram
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from hub.access.accounts import Permission
from hub.feeds.entries import meeting_entry
from hub.feeds.publish import Publisher, Version, single_event
from hub.feeds.scope import open_feed
from hub.projections.meetings import get_meeting
from hub.settings import public_url
from hub.web.auth import hub_of, require_caller
from hub.web.metrics import REGISTRY

CALENDAR = "text/calendar"
CACHE_CONTROL = "private, no-cache"
"""The URL is a secret: no shared cache may keep it; a client revalidates before reuse."""

FEED_REQUESTS = Counter(
    "hub_calendar_feed_requests", "Calendar feed requests by answer and by how the feed's "
    "version was found (cached: nothing read; unchanged: entries listed again, the same; "
    "rendered: assembled anew)", ["status", "cache"], registry=REGISTRY,
)
FEED_RENDER_SECONDS = Histogram(
    "hub_calendar_feed_render_seconds", "Time to answer a feed request that assembled the feed",
    registry=REGISTRY, buckets=(0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10),
)


def feed_urls(token: str) -> tuple[str, str]:
    """A feed's ``https`` (or ``http``, on a laptop) URL and its ``webcal`` twin."""
    url = f"{public_url()}/calendars/{token}.ics"
    return url, "webcal://" + url.split("://", 1)[1]


def calendar_feed(request: Request) -> Response:
    """``GET /calendars/{token}.ics``: the feed, or 304 when the client's copy is current."""
    hub = hub_of(request)
    scope = open_feed(hub.engine, request.path_params["token"], hub.clock())
    if scope is None:
        FEED_REQUESTS.labels("404", "none").inc()
        return PlainTextResponse(
            "No such calendar feed.", status_code=404, headers={"cache-control": "no-store"}
        )
    started = perf_counter()
    publisher = Publisher(hub, public_url())
    version = publisher.current(scope)
    if not_modified(request.headers, version.etag, version.last_modified):
        FEED_REQUESTS.labels("304", version.outcome).inc()
        return Response(status_code=304, headers=_validators(version))
    version = publisher.with_content(scope, version)
    assert version.gzipped is not None
    FEED_REQUESTS.labels("200", version.outcome).inc()
    if version.outcome == "rendered":
        FEED_RENDER_SECONDS.observe(perf_counter() - started)
    return _calendar(request, version.gzipped, _validators(version))


def meeting_calendar(request: Request) -> Response:
    """``GET /meetings/{meeting_id}.ics``: one meeting to add to a calendar (404 unless the
    caller may see it)."""
    caller = require_caller(request, Permission.READ_EVENTS)
    hub = hub_of(request)
    meeting = get_meeting(hub.engine, caller.actor, request.path_params["meeting_id"])
    entry = meeting_entry(
        meeting["meeting_id"], meeting["version"], meeting["convenor_id"],
        datetime.fromisoformat(meeting["starts_at"]),
    )
    body = single_event(hub, entry, public_url())
    etag = hashlib.blake2b(body, digest_size=16).hexdigest()
    headers = {
        "etag": f'W/"{etag}"', "cache-control": CACHE_CONTROL, "vary": "Accept-Encoding",
        "content-disposition": f'attachment; filename="{meeting["meeting_id"]}.ics"',
    }
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return _calendar(request, gzip.compress(body, mtime=0), headers)


# -- HTTP details --------------------------------------------------------------------------------


def etag_matches(header: str | None, etag: str) -> bool:
    """``If-None-Match`` against our ETag, by weak comparison (RFC 9110 §13.1.2)."""
    if header is None:
        return False
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*":
            return True
        candidate = candidate.removeprefix("W/")
        if candidate == f'"{etag}"':
            return True
    return False


def not_modified(headers: Mapping[str, str], etag: str, last_modified: datetime) -> bool:
    """True when the client's copy is current: ``If-None-Match`` decides when sent, else
    ``If-Modified-Since`` (ignored when malformed)."""
    if "if-none-match" in headers:
        return etag_matches(headers["if-none-match"], etag)
    since = headers.get("if-modified-since")
    if not since:
        return False
    try:
        when = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return last_modified.replace(microsecond=0) <= when


def accepts_gzip(header: str | None) -> bool:
    """True when ``Accept-Encoding`` allows gzip (named, or ``*``, with a q-value above 0)."""
    if not header:
        return False
    weights: dict[str, float] = {}
    for item in header.split(","):
        name, _, params = item.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[name.strip().lower()] = weight
    if "gzip" in weights:
        return weights["gzip"] > 0
    return weights.get("*", 0.0) > 0


def _validators(version: Version) -> dict[str, str]:
    return {
        "etag": f'W/"{version.etag}"',
        "last-modified": format_datetime(version.last_modified.astimezone(UTC), usegmt=True),
        "cache-control": CACHE_CONTROL,
        "vary": "Accept-Encoding",
    }


def _calendar(request: Request, gzipped: bytes, headers: dict[str, str]) -> Response:
    if accepts_gzip(request.headers.get("accept-encoding")):
        body = gzipped
        headers["content-encoding"] = "gzip"
    else:
        body = gzip.decompress(gzipped)
    # HEAD: the same headers, the length of what GET would send, no body.
    headers["content-length"] = str(len(body))
    content = b"" if request.method == "HEAD" else body
    return Response(content, headers=headers, media_type=CALENDAR)


ROUTES = [
    Route("/calendars/{token}.ics", calendar_feed, methods=["GET"], name="calendar_feed"),
    Route(
        "/meetings/{meeting_id}.ics", meeting_calendar, methods=["GET"], name="meeting_calendar"
    ),
]
