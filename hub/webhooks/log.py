"""The message log of an endpoint, redelivery of one message, and replay since a time.

Every attempt is kept: when it started, how long it took, the status code or the error, and
the first 2 KB of what the receiver answered.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from hub.access.actors import visible_workspaces
from hub.access.policy import Actor
from hub.bootstrap import Hub
from hub.domain.errors import N_
from hub.events.tables import events_table
from hub.webhooks import delivery
from hub.webhooks.config import WebhookConfig
from hub.webhooks.errors import MessageNotFound
from hub.webhooks.fanout import create_messages, message_id
from hub.webhooks.filters import matches
from hub.webhooks.tables import attempts_table, messages_table

REPLAY_PAGE = 500


def messages(
    hub: Hub, endpoint_id: str, *, limit: int = 50, status: str | None = None
) -> list[Any]:
    """The endpoint's newest messages first."""
    query = select(messages_table).where(messages_table.c.endpoint_id == endpoint_id)
    if status:
        query = query.where(messages_table.c.status == status)
    query = query.order_by(messages_table.c.created_at.desc(),
                           messages_table.c.message_id).limit(limit)
    with hub.engine.connect() as conn:
        return list(conn.execute(query))


def attempts_of(hub: Hub, message_ids: Sequence[str]) -> dict[str, list[Any]]:
    """Every attempt of the given messages, oldest first, by message id."""
    found: dict[str, list[Any]] = {m: [] for m in message_ids}
    if not message_ids:
        return found
    with hub.engine.connect() as conn:
        for row in conn.execute(
            select(attempts_table)
            .where(attempts_table.c.message_id.in_(list(message_ids)))
            .order_by(attempts_table.c.number, attempts_table.c.attempt_id)
        ):
            found[row.message_id].append(row)
    return found


def message(hub: Hub, endpoint_id: str, message_id_: str) -> Any:
    """One message of the endpoint; :class:`MessageNotFound` otherwise."""
    with hub.engine.connect() as conn:
        row = conn.execute(
            select(messages_table).where(
                (messages_table.c.message_id == message_id_)
                & (messages_table.c.endpoint_id == endpoint_id)
            )
        ).first()
    if row is None:
        raise MessageNotFound(N_("no such message for this endpoint"))
    return row


def redeliver(hub: Hub, config: WebhookConfig, endpoint_id: str, message_id_: str) -> Any:
    """Send a message again now, with a fresh round of attempts (in flight: left alone)."""
    row = message(hub, endpoint_id, message_id_)
    if row.status == delivery.SENDING:
        return row
    with hub.engine.begin() as conn:
        moved = conn.execute(
            update(messages_table)
            .where((messages_table.c.message_id == row.message_id)
                   & (messages_table.c.status == row.status)
                   & (messages_table.c.attempts == row.attempts))
            .values(status=delivery.PENDING, step=0, next_attempt_at=hub.clock(),
                    finished_at=None)
        ).rowcount
    if moved:
        delivery.enqueue(hub, config, [(row.message_id, row.attempts + 1, None)])
    return message(hub, endpoint_id, message_id_)


def replay(hub: Hub, config: WebhookConfig, endpoint: Any, since: datetime) -> int:
    """Send again every event since ``since`` the endpoint is entitled to; returns how many.

    Events that already have a message are redelivered; events that have none (the endpoint
    was disabled, or added later) get one. Entitlement is judged as at fan-out: filters,
    the organisation's workspaces now, and the scope.
    """
    with hub.engine.connect() as conn:
        start = conn.execute(
            select(func.min(events_table.c.position)).where(events_table.c.recorded_at >= since)
        ).scalar()
    if start is None:
        return 0
    visible = visible_workspaces(hub.engine, Actor(organisation_id=endpoint.organisation_id))
    if endpoint.workspace_ids:
        visible = visible & set(endpoint.workspace_ids)
    after, count = start - 1, 0
    while True:
        page = hub.store.read_all(after, REPLAY_PAGE, workspaces=visible)
        for event in page:
            if not matches(endpoint.event_types, event.type):
                continue
            count += 1
            if not create_messages(hub, config, [endpoint.endpoint_id], event):
                redeliver(hub, config, endpoint.endpoint_id,
                          message_id(endpoint.endpoint_id, event.event_id))
        if len(page) < REPLAY_PAGE:
            return count
        after = page[-1].position


def queue_replay(hub: Hub, organisation_id: str, endpoint_id: str, since: datetime) -> str:
    """Queue :func:`replay` as a job (it may read many events); returns the job id."""
    job = hub.queue.enqueue("workers.webhooks.replay", organisation_id=organisation_id,
                            endpoint_id=endpoint_id, since=since.isoformat(), result_ttl=3600)
    return str(job.id)
