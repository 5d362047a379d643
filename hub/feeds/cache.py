"""Where feeds are cached: Redis, shared by every web process.

- ``hub:calendar:feed:<feed_id>`` (hash): the identity of the inputs last published for the
  feed, and the ``ETag`` and ``Last-Modified`` of its content then;
- ``hub:calendar:body:<etag>``: that content, gzipped (feeds with identical content share it);
- ``hub:calendar:event:<key>``: one rendered ``VEVENT`` per entry version (every feed holding
  the entry shares it). Each web process also keeps the ones it used last in memory
  (:class:`LocalEvents`): a 5,000-entry feed's ``VEVENT`` s are megabytes, which Redis hands
  back quickly but a Python client parses slowly.

A cache is only ever a shortcut: when Redis fails, feeds are rendered on each request instead
(and a warning logged), never refused.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import redis

log = logging.getLogger("hub.feeds")

STATE_TTL = timedelta(days=30)
BODY_TTL = timedelta(days=2)
EVENT_TTL = timedelta(days=30)


@dataclass(frozen=True)
class Published:
    """What a feed last published: from which inputs, and its content's validators."""

    inputs: str
    etag: str
    last_modified: datetime


class LocalEvents:
    """Rendered ``VEVENT`` s in this process's memory, least recently used dropped first once
    they pass ``budget`` bytes; safe to share between the thread pool's threads."""

    def __init__(self, budget: int) -> None:
        self.budget, self.size = budget, 0
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        """Each key's ``VEVENT``, None where this process does not hold it."""
        with self._lock:
            found = [self._items.get(key) for key in keys]
            for key, value in zip(keys, found, strict=True):
                if value is not None:
                    self._items.move_to_end(key)
        return found

    def clear(self) -> None:
        """Drop everything (after a deployment that changes rendering, or to measure)."""
        with self._lock:
            self._items.clear()
            self.size = 0

    def put_many(self, items: Mapping[str, bytes]) -> None:
        """Hold these ``VEVENT`` s, dropping the least recently used beyond the budget."""
        with self._lock:
            for key, value in items.items():
                if key in self._items:
                    continue
                self._items[key] = value
                self.size += len(value)
            while self.size > self.budget and self._items:
                _key, dropped = self._items.popitem(last=False)
                self.size -= len(dropped)


LOCAL_EVENTS = LocalEvents(budget=64 * 1024 * 1024)
"""This process's ``VEVENT`` s: 64 MiB holds some 30,000 meetings."""


class FeedCache:
    """The feeds' cache on one Redis (and this process's :data:`LOCAL_EVENTS`)."""

    def __init__(self, client: redis.Redis, local: LocalEvents = LOCAL_EVENTS) -> None:
        self.redis, self.local = client, local

    def published(self, feed_id: str) -> Published | None:
        """What the feed last published, if that is still known."""
        found: dict[bytes, bytes] = self._try(lambda: self.redis.hgetall(_feed(feed_id)), {})
        if not found or b"etag" not in found:
            return None
        return Published(
            found[b"inputs"].decode(), found[b"etag"].decode(),
            datetime.fromtimestamp(int(found[b"modified"]), UTC),
        )

    def publish(self, feed_id: str, published: Published) -> None:
        """Record what the feed publishes now."""
        key = _feed(feed_id)
        fields = (
            ("inputs", published.inputs), ("etag", published.etag),
            ("modified", str(int(published.last_modified.timestamp()))),
        )

        def write() -> None:
            pipe = self.redis.pipeline(transaction=False)
            for field, value in fields:
                pipe.hset(key, field, value)
            pipe.expire(key, STATE_TTL)
            pipe.execute()

        self._try(write, None)

    def has_body(self, etag: str) -> bool:
        """True when the content with this ETag is still cached."""
        return bool(self._try(lambda: self.redis.exists(_body(etag)), 0))

    def body(self, etag: str) -> bytes | None:
        """The gzipped content with this ETag (kept for another :data:`BODY_TTL` once read)."""
        found: bytes | None = self._try(lambda: self.redis.getex(_body(etag), ex=BODY_TTL), None)
        return found

    def keep_body(self, etag: str, gzipped: bytes) -> None:
        """Cache gzipped content under its ETag."""
        self._try(lambda: self.redis.set(_body(etag), gzipped, ex=BODY_TTL), None)

    def events(self, keys: Sequence[str]) -> list[bytes | None]:
        """The rendered ``VEVENT`` of each key, None where it is not cached."""
        found = self.local.get_many(keys)
        wanted = [key for key, value in zip(keys, found, strict=True) if value is None]
        if not wanted:
            return found
        shared: list[bytes | None] = self._try(
            lambda: self.redis.mget([_event(k) for k in wanted]), [None] * len(wanted)
        )
        fetched = {k: v for k, v in zip(wanted, shared, strict=True) if v is not None}
        self.local.put_many(fetched)
        return [value if value is not None else fetched.get(key)
                for key, value in zip(keys, found, strict=True)]

    def keep_events(self, rendered: Mapping[str, bytes]) -> None:
        """Cache rendered ``VEVENT`` s by key."""
        if not rendered:
            return
        self.local.put_many(rendered)

        def write() -> None:
            pipe = self.redis.pipeline(transaction=False)
            for key, value in rendered.items():
                pipe.set(_event(key), value, ex=EVENT_TTL)
            pipe.execute()

        self._try(write, None)

    def _try(self, operation: Callable[[], Any], fallback: Any) -> Any:
        # Any: redis-py types every answer as bytes or str, whatever the connection decodes.
        try:
            return operation()
        except redis.RedisError as error:
            log.warning("event=feed_cache_unavailable error=%r", error)
            return fallback


def _feed(feed_id: str) -> str:
    return f"hub:calendar:feed:{feed_id}"


def _body(etag: str) -> str:
    return f"hub:calendar:body:{etag}"


def _event(key: str) -> str:
    return f"hub:calendar:event:{key}"
