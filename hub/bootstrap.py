"""The one place the hub's parts are wired together: settings → engine, store, Redis, queue.

Tests build a :class:`Hub` with their own settings (a PostgreSQL URL, a Redis port, a fake clock)
and get exactly the wiring production gets.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from functools import cached_property

import fakeredis
import fakeredis.aioredis
import redis
import redis.asyncio as aioredis
from redis import Redis
from rq import Queue
from sqlalchemy import Engine

from hub.access.accounts import Accounts
from hub.access.secrets import Sealer
from hub.access.throttle import SignInThrottle, ThrottlePolicy
from hub.access.two_step import TwoStep
from hub.attachments import AttachmentStore
from hub.db import make_engine
from hub.events.cursors import Cursors
from hub.events.store import Clock, EventStore, utc_now
from hub.outages import Outage
from hub.projections import all_projections
from hub.projections.registry import Projections
from hub.redis_clients import async_redis_client, client_options, redis_client
from hub.settings import Settings

log = logging.getLogger("hub")

APPENDED_CHANNEL = "hub:appended"
"""Redis channel the store notifies after each commit; the dispatcher wakes on it."""

REVOKED_CHANNEL = "hub:revoked"
"""Redis channel naming an actor whose credentials stopped working (every web process's live
sockets listen, and close that actor's sockets)."""

# Every embedded Hub in one process shares one in-process Redis stand-in, so the web app, the
# dispatcher thread and the worker thread see the same queues and channels.
_EMBEDDED_REDIS = fakeredis.FakeServer()


def workspace_channel(workspace_id: str) -> str:
    """The Redis pub/sub channel carrying a workspace's events to live sockets."""
    return f"hub:workspace:{workspace_id}"


@dataclass
class Hub:
    """The wired application: what every entry point (web, worker, dispatcher, CLI) needs."""

    settings: Settings
    clock: Clock = utc_now
    projections: Projections = field(default_factory=all_projections)
    _notify_again_at: float = field(default=0.0, init=False, repr=False)

    @cached_property
    def engine(self) -> Engine:
        """The database engine."""
        return make_engine(self.settings.effective_database_url)

    @cached_property
    def redis(self) -> redis.Redis:
        """Redis, or the in-process stand-in when embedded."""
        return self.new_redis()

    def new_redis(self, *, waits: float = 0.0) -> Redis:
        """A new Redis client (see :mod:`hub.redis_clients`), or the stand-in's when embedded.

        ``waits``: seconds a command of this client blocks on purpose (a worker's wait for a
        job), added to its socket timeout.
        """
        if self.settings.embedded:
            return fakeredis.FakeRedis(server=_EMBEDDED_REDIS)
        return redis_client(self.settings, waits=waits)

    def async_redis(self, *, retries: bool = True) -> aioredis.Redis:
        """A new asyncio Redis client (for the live sockets' subscriber), or the stand-in's.

        ``retries=False``: a lost connection raises at once instead of being reconnected
        behind the caller's back (a subscriber must know it may have missed messages).
        """
        if self.settings.embedded:
            return fakeredis.aioredis.FakeRedis(server=_EMBEDDED_REDIS)
        return async_redis_client(self.settings, retries=retries)

    @cached_property
    def queue(self) -> Queue:
        """The RQ queue for slow and retried work."""
        return Queue(self.settings.queue_name, connection=self.redis)

    @cached_property
    def accounts(self) -> Accounts:
        """Users, sessions, invitations and API clients."""
        return Accounts(self.engine, self.clock, revoked=self.announce_revoked)

    def announce_revoked(self, actor_id: str) -> None:
        """Tell every web process that ``actor_id``'s credentials (or some of them) ended."""
        # The revocation has committed: a Redis hiccup must not fail it. Sockets opened with
        # the credential are then closed at their next re-check instead (see hub/web/live.py).
        try:
            self.redis.publish(REVOKED_CHANNEL, json.dumps({"actor_id": actor_id}))
        except redis.RedisError as error:
            log.warning("event=announce_revoked_failed actor=%s error=%r", actor_id, error)

    @cached_property
    def cursors(self) -> Cursors:
        """The opaque form of event positions every caller sees (``hub.events.cursors``)."""
        return Cursors(self.settings.cursor_material)

    @cached_property
    def two_step(self) -> TwoStep:
        """Each user's second sign-in step (TOTP and recovery codes)."""
        return TwoStep(self.engine, self.clock, Sealer(self.settings.two_step_material))

    @cached_property
    def sign_in_throttle(self) -> SignInThrottle:
        """Failed sign-ins counted by address and account, shared by every web process."""
        settings = self.settings
        return SignInThrottle(
            "memory://" if settings.embedded else settings.redis_url,
            {} if settings.embedded else client_options(settings),
            ThrottlePolicy(
                settings.sign_in_attempts_per_account, settings.sign_in_attempts_per_address,
                settings.sign_in_window_minutes,
            ),
        )

    @cached_property
    def attachments(self) -> AttachmentStore:
        """Where report attachments are kept, with the configured size limit."""
        return AttachmentStore(
            self.settings.attachments_dir, max_bytes=self.settings.attachment_max_bytes,
            quota_bytes=self.settings.attachment_quota_bytes,
        )

    @cached_property
    def store(self) -> EventStore:
        """The event store, with every projection and the post-commit wake-up wired in."""
        return EventStore(
            self.engine, self.projections, clock=self.clock, after_commit=self._notify_appended
        )

    @cached_property
    def _notify_outage(self) -> Outage:
        return Outage(log, "redis", "commits")

    def _notify_appended(self, position: int) -> None:
        # A lost notification only delays the dispatcher until its next poll, so a Redis
        # hiccup must never fail a command that has already committed. An outage is logged
        # once when it starts and once when it ends, not once per commit. While Redis is
        # lost, commits skip the notification until the outage's next retry: a Redis host
        # that drops packets would otherwise hold every command for a socket timeout.
        if time.monotonic() < self._notify_again_at:
            return
        try:
            self.redis.publish(APPENDED_CHANNEL, str(position))
        except redis.RedisError as error:
            self._notify_again_at = time.monotonic() + self._notify_outage.failed(error)
        else:
            self._notify_outage.recovered()

    def describe(self) -> str:
        """One line naming the database and Redis in use, for start-up logs."""
        database = self.engine.url.render_as_string(hide_password=True)
        broker = "in-process stand-in (embedded)" if self.settings.embedded else _hide(
            self.settings.redis_url
        )
        return f"database={database} redis={broker}"

    def close(self) -> None:
        """Release connections."""
        if "store" in self.__dict__:
            self.store.close()
        if "engine" in self.__dict__:
            self.engine.dispose()
        if "redis" in self.__dict__:
            self.redis.close()


def _hide(url: str) -> str:
    if "@" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url
