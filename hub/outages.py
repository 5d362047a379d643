"""Riding out an outage of Redis or the database: which errors mean one, and how to wait.

Every long-running loop of the hub (the dispatcher, a worker's upkeep, a web process's live
broker) keeps an :class:`Outage` per dependency. It logs one line when the dependency is lost
and one when it is back, not one per retry, and hands out the waits between retries: doubling
from ``first`` up to ``cap``, so a restart of a few seconds is noticed within a second or so
and a long one costs one attempt every ``cap`` seconds.
"""

from __future__ import annotations

import logging
import time

import redis
from sqlalchemy import exc as sa_exc

REDIS_DOWN: tuple[type[Exception], ...] = (
    redis.exceptions.ConnectionError, redis.exceptions.TimeoutError,
)
"""Errors meaning Redis could not be reached (not a bad command)."""

DATABASE_DOWN: tuple[type[Exception], ...] = (sa_exc.OperationalError, sa_exc.InterfaceError)
"""Errors meaning the database could not be reached, or dropped the connection."""


def dependency_down(error: BaseException) -> str | None:
    """``"redis"`` or ``"database"`` when ``error`` means that dependency is unreachable."""
    if isinstance(error, REDIS_DOWN):
        return "redis"
    if isinstance(error, DATABASE_DOWN):
        return "database"
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return "database"
    return None


class Outage:
    """One dependency as one loop sees it: up, or lost since a moment, with the next wait."""

    def __init__(
        self, log: logging.Logger, dependency: str, who: str, *,
        first: float = 0.5, cap: float = 5.0,
    ) -> None:
        self.log, self.dependency, self.who = log, dependency, who
        self.first, self.cap = first, cap
        self.since: float | None = None
        self._wait = first

    @property
    def down(self) -> bool:
        """True between a failure and the next success."""
        return self.since is not None

    def failed(self, error: BaseException) -> float:
        """Note a failure; the seconds to wait before trying again (logs the first only)."""
        if self.since is None:
            self.since = time.monotonic()
            self._wait = self.first
            self.log.warning(
                "event=%s_lost process=%s error=%r retrying_every_up_to=%.0fs",
                self.dependency, self.who, error, self.cap,
            )
        wait = self._wait
        self._wait = min(self.cap, self._wait * 2)
        return wait

    def recovered(self) -> bool:
        """Note a success; True (and one line logged) if the dependency was lost until now."""
        if self.since is None:
            return False
        took = time.monotonic() - self.since
        self.since = None
        self.log.warning(
            "event=%s_back process=%s down_for=%.1fs", self.dependency, self.who, took
        )
        return True
