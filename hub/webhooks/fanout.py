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
    return fan_out_many(hub, config, [event])


def fan_out_many(
    hub: Hub, config: WebhookConfig, events: Sequence[RecordedEvent]
) -> list[str]:
    """:func:`fan_out` for a batch of events, with one read of the endpoints and memberships."""
    events = [e for e in events if e.workspaces]
    if not events:
        return []
    with hub.engine.connect() as conn:
        endpoints = conn.execute(
            select(endpoints_table.c.endpoint_id, endpoints_table.c.organisation_id,
                   endpoints_table.c.event_types, endpoints_table.c.workspace_ids)
            .where(endpoints_table.c.state == "active")
        ).all()
        wanted = {
            e.event_id: [p for p in endpoints if matches(p.event_types, e.type)] for e in events
        }
        membership = _membership(conn, [p for ps in wanted.values() for p in ps], events)
    pairs = [
        (endpoint.endpoint_id, event)
        for event in events
        for endpoint in wanted[event.event_id]
        if _entitled(endpoint, event, membership)
    ]
    return _create(hub, config, pairs)


def create_messages(
    hub: Hub, config: WebhookConfig, endpoint_ids: Sequence[str], event: RecordedEvent
) -> list[str]:
    """Insert the messages that do not exist yet and queue their first attempts."""
    return _create(hub, config, [(endpoint_id, event) for endpoint_id in endpoint_ids])


def _create(
    hub: Hub, config: WebhookConfig, pairs: Sequence[tuple[str, RecordedEvent]]
) -> list[str]:
    if not pairs:
        return []
    now = hub.clock()
    first = now + timedelta(seconds=config.backoff[0])
    rows: list[dict[str, Any]] = [
        {
            "message_id": message_id(endpoint_id, event.event_id), "endpoint_id": endpoint_id,
            "event_id": event.event_id, "position": event.position, "event_type": event.type,
            "status": delivery.PENDING, "attempts": 0, "step": 0, "next_attempt_at": first,
            "created_at": now,
        }
        for endpoint_id, event in pairs
    ]
    with hub.engine.begin() as conn:
        created = {
            r.message_id: r.endpoint_id
            for r in conn.execute(
                _insert_new(conn).returning(messages_table.c.message_id,
                                            messages_table.c.endpoint_id),
                rows,
            )
        }
    # Each endpoint's messages in jobs of their own, in log order: a slow receiver then holds
    # up only its own deliveries.
    by_endpoint: dict[str, list[str]] = {}
    for row in rows:
        if row["message_id"] in created:
            by_endpoint.setdefault(row["endpoint_id"], []).append(row["message_id"])
    for ids in by_endpoint.values():
        delivery.enqueue(hub, config, [(m, 1, first) for m in ids])
    return [r["message_id"] for r in rows if r["message_id"] in created]


def _membership(
    conn: Connection, endpoints: list[Any], events: Sequence[RecordedEvent]
) -> dict[str, set[str]]:
    """The workspaces of the events that each endpoint's organisation is a member of now."""
    organisations = {e.organisation_id for e in endpoints}
    if not organisations:
        return {}
    workspaces = {w for event in events for w in event.workspaces}
    membership: dict[str, set[str]] = {}
    for row in conn.execute(
        select(members.c.organisation_id, members.c.workspace_id).where(
            members.c.organisation_id.in_(organisations),
            members.c.workspace_id.in_(workspaces),
        )
    ):
        membership.setdefault(row.organisation_id, set()).add(row.workspace_id)
    return membership


def _entitled(endpoint: Any, event: RecordedEvent, membership: dict[str, set[str]]) -> bool:
    seen = membership.get(endpoint.organisation_id, set()) & set(event.workspaces)
    return bool(seen) and (not endpoint.workspace_ids or bool(seen & set(endpoint.workspace_ids)))


def _insert_new(conn: Connection) -> Any:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(messages_table).on_conflict_do_nothing()
