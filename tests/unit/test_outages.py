"""The outage bookkeeping every long-running loop shares (hub.outages), without I/O."""

from __future__ import annotations

import logging

import pytest
import redis
from sqlalchemy import exc as sa_exc

from hub.outages import Outage, dependency_down


def test_a_lost_dependency_is_logged_once_and_its_return_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    outage = Outage(logging.getLogger("test.outages"), "redis", "worker", first=0.5, cap=5)
    error = redis.ConnectionError("refused")
    with caplog.at_level(logging.WARNING, logger="test.outages"):
        waits = [outage.failed(error) for _ in range(6)]
        assert outage.down
        assert outage.recovered()
        assert not outage.recovered()
    assert waits == [0.5, 1.0, 2.0, 4.0, 5, 5]  # doubling, capped
    events = [r.getMessage().split()[0] for r in caplog.records]
    assert events == ["event=redis_lost", "event=redis_back"]


def test_the_backoff_starts_again_after_a_return() -> None:
    outage = Outage(logging.getLogger("test.outages"), "database", "dispatcher", cap=2)
    error = sa_exc.OperationalError("SELECT 1", {}, Exception("gone"))
    assert [outage.failed(error) for _ in range(3)] == [0.5, 1.0, 2]
    outage.recovered()
    assert outage.failed(error) == 0.5


def test_only_unreachable_dependencies_count_as_down() -> None:
    assert dependency_down(redis.ConnectionError()) == "redis"
    assert dependency_down(redis.TimeoutError()) == "redis"
    assert dependency_down(sa_exc.OperationalError("x", {}, Exception())) == "database"
    assert dependency_down(sa_exc.InterfaceError("x", {}, Exception())) == "database"
    invalidated = sa_exc.DBAPIError("x", {}, Exception(), connection_invalidated=True)
    assert dependency_down(invalidated) == "database"
    # A bad command or a broken rule is not an outage: it is not retried as one.
    assert dependency_down(redis.ResponseError("WRONGTYPE")) is None
    assert dependency_down(sa_exc.IntegrityError("x", {}, Exception())) is None
    assert dependency_down(ValueError()) is None
