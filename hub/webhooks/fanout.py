"""Fan-out: which endpoints get an event, and one message row per endpoint and event.

An endpoint gets an event when it is active, one of its filters selects the event's type, and
its organisation may see the event: the event is visible in a workspace the organisation is a
member of *now* (and, when the endpoint has a scope, in one of the scope's workspaces).
Membership is read at fan-out time, so an organisation that has left a workspace stops
receiving its events at once.

Message ids are derived from ``(endpoint, event)`` and the pair is unique, so fanning the same
event out again (the dispatcher delivers at least once) inserts nothing and queues nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from hub.bootstrap import Hub
from hub.events.envelope import RecordedEvent
from hub.projections.directory import members
from hub.webhooks import delivery
from hub.webhooks.config import WebhookConfig
from hub.webhooks.filters import matches
from hub.webhooks.tables import endpoints_table, messages_table

_NAMESPACE = uuid.UUID("5b0c7f1e-6a39-4c55-9a57-58d1a4d7c3e2")


def message_id(endpoint_id: str, event_id: str) -> str:
    """The id of the message carrying ``event_id`` to ``endpoint_id`` (always the same)."""
    return str(uuid.uuid5(_NAMESPACE, f"{endpoint_id}/{event_id}"))


def fan_out(hub: Hub, config: WebhookConfig, event: RecordedEvent) -> list[str]:
    """Create the event's messages and queue their first attempts; returns the new ids."""
    if not event.workspaces:
        return []
    with hub.engine.connect() as conn:
        endpoints = conn.execute(
            select(endpoints_table.c.endpoint_id, endpoints_table.c.organisation_id,
                   endpoints_table.c.event_types, endpoints_table.c.workspace_ids)
            .where(endpoints_table.c.state == "active")
        ).all()
        wanted = [e for e in endpoints if matches(e.event_types, event.type)]
        entitled = _entitled(conn, wanted, event) if wanted else []
    if not entitled:
        return []
    return create_messages(hub, config, [e.endpoint_id for e in entitled], event)


def create_messages(
    hub: Hub, config: WebhookConfig, endpoint_ids: Sequence[str], event: RecordedEvent
) -> list[str]:
    """Insert the messages that do not exist yet and queue their first attempts."""
    now = hub.clock()
    first = now + timedelta(seconds=config.backoff[0])
    rows = [
        {
            "message_id": message_id(endpoint_id, event.event_id), "endpoint_id": endpoint_id,
            "event_id": event.event_id, "position": event.position, "event_type": event.type,
            "status": delivery.PENDING, "attempts": 0, "step": 0, "next_attempt_at": first,
            "created_at": now,
        }
        for endpoint_id in endpoint_ids
    ]
    with hub.engine.begin() as conn:
        created = [
            r.message_id
            for r in conn.execute(
                _insert_new(conn).returning(messages_table.c.message_id), rows
            )
        ]
    delivery.enqueue(hub, config, [(m, 1, first) for m in created])
    return created


def _entitled(conn: Connection, endpoints: list[Any], event: RecordedEvent) -> list[Any]:
    organisations = {e.organisation_id for e in endpoints}
    membership: dict[str, set[str]] = {}
    for row in conn.execute(
        select(members.c.organisation_id, members.c.workspace_id).where(
            members.c.organisation_id.in_(organisations),
            members.c.workspace_id.in_(event.workspaces),
        )
    ):
        membership.setdefault(row.organisation_id, set()).add(row.workspace_id)
    return [
        e for e in endpoints
        if (seen := membership.get(e.organisation_id))
        and (not e.workspace_ids or seen & set(e.workspace_ids))
    ]


def _insert_new(conn: Connection) -> Any:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(messages_table).on_conflict_do_nothing()
