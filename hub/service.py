"""handle(): the only path for writes — load the stream, decide, append.

A command's trip: the web layer parses it into a model from ``schemas``, ``handle`` folds the
record's stream into its state, the record type's ``decide`` returns events (or raises a
:class:`~hub.domain.errors.DomainError`), and the store appends them at the version that was
read, so a concurrent change is a conflict, never a lost update.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from hub.bootstrap import Hub
from hub.domain.record import RecordType
from hub.events import AppendResult, ConcurrencyConflict, EventMeta, NewEvent, StreamRef


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user of an organisation, a partner system's token, or the hub itself."""

    user_id: str | None = None
    organisation_id: str | None = None
    system: bool = False


SYSTEM = Actor(user_id="system", system=True)


@dataclass(frozen=True)
class Loaded:
    """A record's state and the stream version it was folded at."""

    state: Any
    version: int


def load(hub: Hub, record: RecordType[Any], key: str) -> Loaded:
    """Fold the record's stream into its current state."""
    events = hub.store.read_stream(StreamRef.of(record.stream_type, key).id)
    state = record.fold((e.type, e.data) for e in events)
    return Loaded(state, events[-1].version if events else 0)


def handle(
    hub: Hub,
    record: RecordType[Any],
    key: str,
    command: BaseModel,
    actor: Actor,
    *,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
    correlation_id: str | None = None,
) -> AppendResult:
    """Carry out ``command`` on record ``key`` as ``actor``.

    ``expected_version`` is the version the caller saw (from a form or an API body); when
    given and stale, the command is refused with a conflict before anything is decided.
    """
    stream = StreamRef.of(record.stream_type, key)
    if idempotency_key is not None:
        earlier = hub.store.lookup_idempotency_key(idempotency_key, stream)
        if earlier is not None:
            return earlier
    loaded = load(hub, record, key)
    if expected_version is not None and expected_version != loaded.version:
        raise ConcurrencyConflict(stream.id, expected_version, loaded.version)
    after, new = record.execute(loaded.state, command, hub.clock())
    workspaces = record.visible_in(after)
    meta = EventMeta(
        actor_user=actor.user_id,
        organisation=actor.organisation_id,
        correlation_id=correlation_id or str(uuid.uuid4()),
    )
    return hub.store.append(
        stream,
        loaded.version,
        [NewEvent(event, workspaces) for event in new],
        meta=meta,
        idempotency_key=idempotency_key,
    )
