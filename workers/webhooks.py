"""Webhook jobs: fan each event out to the endpoints entitled to it, deliver, sweep, replay.

The mechanics (claiming attempts, backoff, recording, the sweep that recovers attempts whose
worker died) are in :mod:`hub.webhooks.delivery`; these are the thin RQ entry points.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from hub.bootstrap import Hub
from hub.events.envelope import RecordedEvent
from hub.webhooks import delivery, fanout, log
from hub.webhooks.config import WebhookConfig
from hub.webhooks.endpoints import Endpoints
from workers.reactions import on_batches, on_start
from workers.runtime import current_hub


@on_batches
def fan_out(hub: Hub, events: Sequence[RecordedEvent]) -> None:
    """Every batch of events: one message per entitled endpoint and event, first attempts queued."""
    fanout.fan_out_many(hub, WebhookConfig.from_env(), events)


@on_start
def resume_sweep(hub: Hub) -> int:
    """Arm the sweep if any message is unfinished (Redis may have lost the chain)."""
    return int(delivery.resume_sweep(hub, WebhookConfig.from_env()))


def deliver(message_id: str, number: int) -> str:
    """Make attempt ``number`` of a message (a duplicate or stale job does nothing)."""
    return delivery.attempt(current_hub(), WebhookConfig.from_env(), message_id, number)


def deliver_many(attempts: list[list[str | int]]) -> dict[str, str]:
    """Make each attempt ``[message_id, number]`` in turn; what became of each."""
    return delivery.attempt_many(
        current_hub(), WebhookConfig.from_env(), [(str(m), int(n)) for m, n in attempts]
    )


def sweep(due_ms: int | None = None) -> tuple[int, int]:
    """Schedule the next sweep first (so a crash here cannot end the chain), then sweep.

    ``due_ms`` is this run's own time (none for the run that starts a chain).
    """
    hub, config = current_hub(), WebhookConfig.from_env()
    delivery.schedule_next_sweep(hub, config, due_ms)
    return delivery.sweep(hub, config)


def replay(organisation_id: str, endpoint_id: str, since: str) -> int:
    """Send an endpoint everything it is entitled to since an ISO 8601 time."""
    hub = current_hub()
    config = WebhookConfig.from_env()
    endpoint = Endpoints(hub, config).get(organisation_id, endpoint_id)
    return log.replay(hub, config, endpoint, datetime.fromisoformat(since))
