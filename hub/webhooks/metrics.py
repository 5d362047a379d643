"""Webhook counters on ``/metrics``: delivered, failed, retried and disabled.

Deliveries happen in worker processes but ``/metrics`` is served by web processes, so the
counts are kept in Redis (one hash, incremented where things happen) and a collector on the
app's :data:`hub.web.metrics.REGISTRY` reads them at scrape time: every web process reports the
deployment's totals. The web layer binds the collector to its hub's Redis; until then it uses
the Redis the environment names (the one the process's hub was built from).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from functools import lru_cache

import redis
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

from hub.web.metrics import REGISTRY

KEY = "hub:webhooks:metrics"
DELIVERED = "delivered"
FAILED = "failed"
RETRIED = "retried"
DISABLED = "disabled"
HELP = {
    DELIVERED: "Webhook messages delivered (a 2xx answer)",
    FAILED: "Webhook messages that used up their attempts and were marked failed",
    RETRIED: "Webhook attempts that failed and were scheduled to be tried again",
    DISABLED: "Webhook endpoints disabled automatically (failing for days, or 410 Gone)",
}


def count(client: redis.Redis, name: str, amount: int = 1) -> None:
    """Add ``amount`` to counter ``name``; metrics never fail the work they count."""
    with contextlib.suppress(redis.RedisError):
        client.hincrby(KEY, name, amount)


class WebhookCollector(Collector):
    """Reads the counters from Redis on every scrape."""

    def __init__(self) -> None:
        self._source: Callable[[], redis.Redis] = _from_environment

    def bind(self, client: redis.Redis) -> None:
        """Read from ``client`` from now on."""
        self._source = lambda: client

    def collect(self) -> Iterator[CounterMetricFamily]:
        """One counter family per outcome."""
        try:
            raw = self._source().hgetall(KEY)
        except redis.RedisError:
            return
        values = {(k.decode() if isinstance(k, bytes) else k): int(v) for k, v in raw.items()}
        for name, text in HELP.items():
            family = CounterMetricFamily(f"hub_webhook_{name}", text)
            family.add_metric([], values.get(name, 0))
            yield family


@lru_cache(maxsize=1)
def _from_environment() -> redis.Redis:
    from hub.bootstrap import Hub
    from hub.settings import Settings

    return Hub(Settings.from_env()).redis


COLLECTOR = WebhookCollector()
REGISTRY.register(COLLECTOR)
