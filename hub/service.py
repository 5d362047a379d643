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

from sqlalchemy import select

from hub.access.policy import SYSTEM, Actor, AreaFacts, authorise
from hub.bootstrap import Hub
from hub.domain.directory import london_today
from hub.domain.errors import NotFound
from hub.domain.powers import powers_held
from hub.domain.record import RecordType
from hub.events import AppendResult, ConcurrencyConflict, EventMeta, NewEvent, StreamRef
from hub.projections.directory import areas
from schemas.commands import Command


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


def area_facts(hub: Hub, area_id: str | None) -> AreaFacts | None:
    """The facts the access policy needs about ``area_id`` (None when no area applies)."""
    if area_id is None:
        return None
    with hub.engine.connect() as conn:
        row = conn.execute(select(areas).where(areas.c.area_id == area_id)).first()
    if row is None:
        raise NotFound(f"police area {area_id} is not registered")
    powers = powers_held(
        row.policing_body_kind, today=london_today(hub.clock()), commenced_on=row.commenced_on,
        reg14a_recorded=row.reg14a_recorded,
    )
    return AreaFacts(row.area_id, row.country, row.policing_body_id, powers)


def handle(
    hub: Hub,
    record: RecordType[Any],
    key: str,
    command: Command,
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
    # A key belongs to the organisation that sent it (the hub's own keys to none).
    scope = actor.organisation_id or ""
    if idempotency_key is not None:
        earlier = hub.store.lookup_idempotency_key(idempotency_key, stream, scope)
        if earlier is not None:
            return earlier
    loaded = load(hub, record, key)
    if expected_version is not None and expected_version != loaded.version:
        raise ConcurrencyConflict(stream.id, expected_version, loaded.version)
    area = area_facts(hub, record.area_of(loaded.state, command))
    # An existing record is judged where it is, before anything is decided; a new one (or
    # one a command moves into another workspace) also where it will be, which only its
    # decider can say.
    before = record.visible_in(loaded.state) if loaded.version else ()
    keeper = record.keeper(loaded.state) if record.keeper and loaded.version else None
    authorise(actor, command, area, before, keeper)
    after, new = record.execute(loaded.state, command, hub.clock())
    workspaces = record.visible_in(after)
    if not set(workspaces) <= set(before):
        authorise(actor, command, area, workspaces, keeper)
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
        idempotency_scope=scope,
    )


def handle_as_hub(
    hub: Hub, record: RecordType[Any], key: str, command: Command, idempotency_key: str
) -> AppendResult:
    """Carry out a command the hub issues itself (a scheduled job's, a merger's effect).

    Its idempotency key makes a repeat record nothing; a concurrent change to the record is
    met by deciding once more, on the record as it now stands.
    """
    try:
        return handle(hub, record, key, command, SYSTEM, idempotency_key=idempotency_key)
    except ConcurrencyConflict:
        return handle(hub, record, key, command, SYSTEM, idempotency_key=idempotency_key)
