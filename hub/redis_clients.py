"""Every Redis client the hub makes, each with the time limits that suit its use.

A Redis server that is down refuses connections, and a call fails at once. A host that drops
packets (a network partition, a machine gone dark) answers nothing: a call without a time limit
would wait for ever, and the process's outage handling (:mod:`hub.outages`) would never start.
So no client is made without:

- a **connect timeout** (``HUB_REDIS_CONNECT_TIMEOUT_SECONDS``);
- a **socket timeout** (``HUB_REDIS_SOCKET_TIMEOUT_SECONDS``): how long one command may wait
  for its answer. A command that blocks on purpose (a worker waiting for a job) is given its
  wait on top (``waits``);
- **TCP keepalive**, and a **health check** (a ``PING``) of a pooled connection that has been
  idle for :data:`HEALTH_CHECK_SECONDS`, so that a connection left dead by a partition is
  found before a command is lost on it.

A subscriber is the exception: a quiet channel is not a lost one, so its blocking read cannot
carry the socket timeout. It reads with a timeout of its own instead, pings Redis when nothing
came, and counts Redis as lost when the ping goes unanswered for a socket timeout (see
:class:`Subscription`).
"""

from __future__ import annotations

import asyncio
from typing import Any

import redis
import redis.asyncio as aioredis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import NoBackoff

from hub.settings import Settings

HEALTH_CHECK_SECONDS = 30
"""A pooled connection idle this long is pinged before its next command."""


def client_options(settings: Settings, *, waits: float = 0.0) -> dict[str, Any]:
    """The connection options every client gets; ``waits``: seconds a command of this client
    blocks on purpose, added to the socket timeout."""
    return {
        "socket_connect_timeout": settings.redis_connect_timeout_seconds,
        "socket_timeout": settings.redis_socket_timeout_seconds + waits,
        "socket_keepalive": True,
        "health_check_interval": HEALTH_CHECK_SECONDS,
    }


def redis_client(settings: Settings, *, waits: float = 0.0) -> redis.Redis:
    """A Redis client for ``REDIS_URL`` with the hub's time limits (see the module's notes)."""
    return redis.Redis.from_url(settings.redis_url, **client_options(settings, waits=waits))


def async_redis_client(settings: Settings, *, retries: bool = True) -> aioredis.Redis:
    """An asyncio Redis client for ``REDIS_URL`` with the hub's time limits.

    ``retries=False``: a lost connection raises at once instead of being reconnected behind
    the caller's back (a subscriber must know it may have missed messages).
    """
    options = client_options(settings)
    if not retries:
        options["retry"] = AsyncRetry(NoBackoff(), 0)
    return aioredis.Redis.from_url(settings.redis_url, **options)


class SubscriptionLost(redis.exceptions.TimeoutError):
    """Redis left a subscriber's ping unanswered: the connection is presumed dead."""


class Subscription:
    """Reads a subscriber's messages, noticing a Redis that has stopped answering.

    :meth:`next` waits up to ``quiet`` seconds for a message; when none came it pings Redis on
    the subscription (the answer arrives as a ``pong`` message). No answer within ``answer``
    seconds raises :class:`SubscriptionLost`: a Redis timeout, so the caller's outage handling
    treats it as Redis being down.
    """

    def __init__(self, pubsub: PubSub, *, quiet: float, answer: float) -> None:
        self.pubsub, self.quiet, self.answer = pubsub, quiet, answer

    async def next(self) -> dict[str, Any]:
        """The next message (subscription confirmations and ``pong`` answers included)."""
        loop = asyncio.get_running_loop()
        deadline: float | None = None
        while True:
            wait = self.quiet if deadline is None else max(0.0, deadline - loop.time())
            message = await self.pubsub.get_message(timeout=wait)
            if message is not None:
                return message
            if deadline is not None:
                raise SubscriptionLost(
                    f"Redis left a ping unanswered for {self.answer:.1f} s"
                )
            await self.pubsub.ping()
            deadline = loop.time() + self.answer
