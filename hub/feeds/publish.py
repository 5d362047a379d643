"""A feed's current version: cached until its content changes, rendered only then.

Calendar clients poll often and almost always find nothing new, so a poll must not render.
What a feed shows is a function of (a) its scope now (the workspaces it may show, each with
the newest event position visible there), (b) the London date (cancelled entries and old ones
leave the feed by the day) and (c) the public base URL of its links. :meth:`Publisher.current`
digests those *inputs*; when they match what the feed last published, the ``ETag`` and
``Last-Modified`` come straight from the cache, with nothing read but the token and the
positions.

When the inputs have moved (an event in one of the feed's workspaces), the feed's entries are
listed again, each with the stream version its content is at. The ``ETag`` is the digest of
that list (with the calendar's name and ``VTIMEZONE`` span, the organisation names shown and the
base URL): an event that changes nothing the feed shows (a new priority, a member added) leaves
it as it was, and ``If-None-Match`` still answers 304. Only when the list changed is the feed
assembled, each entry's ``VEVENT`` taken from the cache or rendered once for every feed holding
it. ``Last-Modified`` moves only when the ``ETag`` does.

Bump :data:`FORMAT` whenever rendering changes, so no feed or ``VEVENT`` cached by older code
is served.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select

from hub.bootstrap import Hub
from hub.domain.meetings import london_today
from hub.feeds import ical
from hub.feeds.cache import FeedCache, Published
from hub.feeds.db import snapshot
from hub.feeds.entries import MEETING_KIND, Entry, details, entries_of
from hub.feeds.scope import Scope
from hub.projections.directory import organisations

FORMAT = "1"
GZIP_LEVEL = 1
"""Fastest: a feed's entries repeat each other so much that even level 1 shrinks it ~40-fold,
and a feed is compressed on every change (levels 6-9 take three times as long)."""


@dataclass(frozen=True)
class Version:
    """A feed's content as published now."""

    etag: str
    last_modified: datetime
    outcome: str
    """``cached`` (inputs unchanged: nothing read), ``unchanged`` (entries listed again, the
    same) or ``rendered`` (assembled anew)."""
    gzipped: bytes | None = None
    """The content, when this call assembled or fetched it."""


class Publisher:
    """Publishes feeds for one hub, with links on one public base URL."""

    def __init__(self, hub: Hub, base_url: str) -> None:
        self.hub = hub
        self.links = ical.Links(base_url.rstrip("/"))
        self.cache = FeedCache(hub.redis)

    def current(self, scope: Scope) -> Version:
        """The feed's version now: from the cache unless its inputs moved."""
        now = self.hub.clock()
        today = london_today(now)
        inputs = self._inputs(scope, today)
        last = self.cache.published(scope.feed_id)
        if last is not None and last.inputs == inputs:
            return Version(last.etag, last.last_modified, "cached")
        return self._refresh(scope, today, inputs, last, now)

    def with_content(self, scope: Scope, version: Version) -> Version:
        """``version`` with its gzipped content (rendered again if the cache lost it)."""
        if version.gzipped is not None:
            return version
        gzipped = self.cache.body(version.etag)
        if gzipped is not None:
            return replace(version, gzipped=gzipped)
        now = self.hub.clock()
        today = london_today(now)
        return self._refresh(
            scope, today, self._inputs(scope, today), self.cache.published(scope.feed_id), now,
            force=True,
        )

    def _inputs(self, scope: Scope, today: date) -> str:
        return _digest(
            FORMAT, scope.feed_id, scope.kind, scope.name, scope.organisation_id,
            repr(scope.positions), today.isoformat(), self.links.base,
        )

    def _refresh(
        self, scope: Scope, today: date, inputs: str, last: Published | None, now: datetime,
        *, force: bool = False,
    ) -> Version:
        with snapshot(self.hub.engine) as conn:
            entries = entries_of(conn, scope, today)
            names = _names(conn)
            context = _digest(FORMAT, self.links.base, repr(sorted(names.items())))
            years = ical.years_of(_meeting_years(entries), today)
            etag = _digest(context, scope.name, repr(years), "\n".join(map(_identity, entries)))
            unchanged = last is not None and last.etag == etag
            if unchanged and not force and self.cache.has_body(etag):
                assert last is not None
                self.cache.publish(scope.feed_id, Published(inputs, etag, last.last_modified))
                return Version(etag, last.last_modified, "unchanged")
            events = self._events(conn, entries, context, names)
        body = ical.calendar(ical.head(scope.name, years), events)
        gzipped = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
        modified = last.last_modified if unchanged and last else _later(now, last)
        self.cache.keep_body(etag, gzipped)
        self.cache.publish(scope.feed_id, Published(inputs, etag, modified))
        return Version(etag, modified, "rendered", gzipped)

    def _events(
        self, conn: Connection, entries: list[Entry], context: str, names: dict[str, str]
    ) -> list[bytes]:
        keys = [f"{FORMAT}:{context}:{_identity(e)}" for e in entries]
        found = self.cache.events(keys)
        missing = [e for e, event in zip(entries, found, strict=True) if event is None]
        records = details(conn, missing)
        rendered = {
            key: ical.fragment(e.kind, records[e.uid], names, self.links)
            for key, e, event in zip(keys, entries, found, strict=True) if event is None
        }
        self.cache.keep_events(rendered)
        return [event if event is not None else rendered[key]
                for key, event in zip(keys, found, strict=True)]


def single_event(hub: Hub, entry: Entry, base_url: str) -> bytes:
    """One entry as a whole calendar of its own (a meeting's download), same ``UID``."""
    links = ical.Links(base_url.rstrip("/"))
    with snapshot(hub.engine) as conn:
        names = _names(conn)
        record = details(conn, [entry])[entry.uid]
    event = ical.fragment(entry.kind, record, names, links)
    years = ical.years_of(_meeting_years([entry]), london_today(hub.clock()))
    return ical.calendar(ical.head(record.get("title", "Partnership Hub"), years), [event])


def _names(conn: Connection) -> dict[str, str]:
    rows = conn.execute(select(organisations.c.organisation_id, organisations.c.name))
    return {row.organisation_id: row.name for row in rows}


def _meeting_years(entries: Iterable[Entry]) -> list[int]:
    return [int(e.on[:4]) for e in entries if e.kind == MEETING_KIND]


def _identity(entry: Entry) -> str:
    return f"{entry.uid}:{entry.version}:{entry.context}"


def _digest(*parts: Any) -> str:
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        hasher.update(str(part).encode())
        hasher.update(b"\x00")
    return hasher.hexdigest()


def _later(now: datetime, last: Published | None) -> datetime:
    """A Last-Modified after the previous one, to the second (as HTTP dates go)."""
    moment = now.replace(microsecond=0)
    if last is not None and moment <= last.last_modified:
        return last.last_modified + timedelta(seconds=1)
    return moment
