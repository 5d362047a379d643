"""The event store: append with optimistic concurrency and idempotency, read by stream or position.

Positions become visible in commit order. On PostgreSQL every append takes one
transaction-scoped advisory lock, so appends commit one after another and a reader tailing
"after position N" can never see N+2 before N+1 commits. SQLite gets the same from its single
writer lock (``BEGIN IMMEDIATE``, see :mod:`hub.db`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from pydantic import ValidationError
from sqlalchemy import Connection, Engine, func, insert, select, text

from hub.db import READ_ONLY, is_sqlite
from hub.events.envelope import AppendResult, EventMeta, NewEvent, RecordedEvent, StreamRef
from hub.events.errors import ConcurrencyConflict, IdempotencyKeyReused, InvalidEvent
from hub.events.tables import (
    event_workspaces_table,
    events_table,
    idempotency_table,
    streams_table,
)
from schemas.registry import UnknownEventType, spec

# Any constant will do; it names "the append lock" among the database's advisory locks.
APPEND_LOCK_KEY = 0x4855_4201

Clock = Callable[[], datetime]


class Projector(Protocol):
    """Updates read models from events, inside the append's transaction."""

    def apply(self, conn: Connection, events: Sequence[RecordedEvent]) -> None: ...


def utc_now() -> datetime:
    """The current time in UTC; the store's default clock."""
    return datetime.now(UTC)


class EventStore:
    """Append-only log of every record's events, with read models kept in step."""

    def __init__(
        self,
        engine: Engine,
        projector: Projector | None = None,
        *,
        clock: Clock = utc_now,
        after_commit: Callable[[int], None] | None = None,
    ) -> None:
        self.engine = engine
        self.projector = projector
        self.clock = clock
        self.after_commit = after_commit
        self._sqlite = is_sqlite(engine)
        self._sql = _DriverSql(named=":{}" if self._sqlite else "%({})s")

    # -- writing ---------------------------------------------------------------------------

    def append(
        self,
        stream: StreamRef,
        expected_version: int,
        events: Sequence[NewEvent],
        *,
        meta: EventMeta | None = None,
        idempotency_key: str | None = None,
    ) -> AppendResult:
        """Append ``events`` to ``stream`` if it is still at ``expected_version``.

        Payloads are validated first, so an invalid event is never stored. Projections are
        updated in the same transaction. A repeated ``idempotency_key`` returns the first
        append's result and appends nothing.
        """
        rows = [self._serialise(event) for event in events]
        meta_json = (meta or EventMeta()).model_dump(mode="json", exclude_none=True)
        with self.engine.begin() as conn:
            self._lock(conn)
            if idempotency_key is not None:
                earlier = self._idempotent_result(conn, idempotency_key, stream)
                if earlier is not None:
                    return earlier
            if not rows:
                current = self._stream_version(conn, stream.id)
                if current != expected_version:
                    raise ConcurrencyConflict(stream.id, expected_version, current)
                return AppendResult([], current)
            new_version = expected_version + len(rows)
            self._move_head(conn, stream, expected_version, new_version)
            recorded = self._insert(conn, stream, expected_version, rows, meta_json)
            if idempotency_key is not None:
                conn.execute(
                    insert(idempotency_table).values(
                        key=idempotency_key,
                        stream_id=stream.id,
                        first_version=expected_version + 1,
                        last_version=new_version,
                    )
                )
            if self.projector is not None:
                self.projector.apply(conn, recorded)
        if self.after_commit is not None:
            self.after_commit(recorded[-1].position)
        return AppendResult(recorded, new_version)

    def _serialise(self, event: NewEvent) -> tuple[str, int, dict[str, Any], tuple[str, ...]]:
        name = event.event_type
        try:
            event_spec = spec(name)
        except UnknownEventType:
            raise InvalidEvent(name, [{"loc": ("type",), "msg": "unknown event type"}]) from None
        try:
            model = (
                event.data
                if isinstance(event.data, event_spec.model)
                else event_spec.model.model_validate(event.data)
            )
        except ValidationError as error:
            raise InvalidEvent(name, error.errors(include_url=False)) from None
        return name, event_spec.version, model.model_dump(mode="json"), tuple(event.workspaces)

    def _lock(self, conn: Connection) -> None:
        if not self._sqlite:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPEND_LOCK_KEY})

    def _stream_version(self, conn: Connection, stream_id: str) -> int:
        version = conn.execute(
            select(streams_table.c.version).where(streams_table.c.stream_id == stream_id)
        ).scalar()
        return int(version or 0)

    def _move_head(self, conn: Connection, stream: StreamRef, expected: int, new: int) -> None:
        # One checked statement moves the head or proves the write stale: the optimistic lock.
        if expected == 0:
            moved = conn.exec_driver_sql(
                self._sql.head_insert, {"id": stream.id, "type": stream.type, "new": new}
            ).first()
        else:
            moved = conn.exec_driver_sql(
                self._sql.head_update, {"id": stream.id, "expected": expected, "new": new}
            ).first()
        if moved is None:
            raise ConcurrencyConflict(stream.id, expected, self._stream_version(conn, stream.id))

    def _insert(
        self,
        conn: Connection,
        stream: StreamRef,
        current: int,
        rows: list[tuple[str, int, dict[str, Any], tuple[str, ...]]],
        meta: dict[str, Any],
    ) -> list[RecordedEvent]:
        # The write path speaks the driver's SQL directly: building SQLAlchemy expressions
        # for every append cost more than the durable commit itself (see bench/store.py).
        now = self.clock()
        stored_at = now.astimezone(UTC).replace(tzinfo=None).isoformat(" ") if self._sqlite else now
        meta_text = json.dumps(meta, separators=(",", ":"))
        params: dict[str, Any] = {}
        events: list[tuple[str, int, str, int, dict[str, Any], tuple[str, ...]]] = []
        for offset, (name, schema_version, data, workspaces) in enumerate(rows):
            event_id = str(uuid.uuid4())
            version = current + offset + 1
            params.update({
                f"e{offset}": event_id, f"s{offset}": stream.id, f"t{offset}": stream.type,
                f"v{offset}": version, f"n{offset}": name, f"c{offset}": schema_version,
                f"d{offset}": json.dumps(data, separators=(",", ":")), f"m{offset}": meta_text,
                f"w{offset}": json.dumps(list(workspaces)), f"r{offset}": stored_at,
            })
            events.append((event_id, version, name, schema_version, data, workspaces))
        positions = dict(
            conn.exec_driver_sql(self._sql.events_insert(len(rows)), params).all()
        )
        links = [
            {"workspace": workspace, "position": positions[event_id]}
            for event_id, *_rest, workspaces in events
            for workspace in dict.fromkeys(workspaces)
        ]
        if links:
            conn.exec_driver_sql(self._sql.link_insert, links)  # type: ignore[arg-type]
        return [
            RecordedEvent(
                position=positions[event_id],
                event_id=event_id,
                stream_id=stream.id,
                stream_type=stream.type,
                version=version,
                type=name,
                schema_version=schema_version,
                data=data,
                meta=meta,
                workspaces=tuple(workspaces),
                recorded_at=now,
            )
            for event_id, version, name, schema_version, data, workspaces in events
        ]

    def _idempotent_result(
        self, conn: Connection, key: str, stream: StreamRef
    ) -> AppendResult | None:
        row = conn.execute(
            select(idempotency_table).where(idempotency_table.c.key == key)
        ).first()
        if row is None:
            return None
        if row.stream_id != stream.id:
            raise IdempotencyKeyReused(key, row.stream_id)
        events = self._select(
            conn,
            (events_table.c.stream_id == stream.id)
            & (events_table.c.version.between(row.first_version, row.last_version)),
        )
        return AppendResult(events, row.last_version, replayed=True)

    # -- reading ---------------------------------------------------------------------------

    def lookup_idempotency_key(self, key: str, stream: StreamRef) -> AppendResult | None:
        """The result of an earlier append made with ``key``, if there was one."""
        with self._reader() as conn:
            return self._idempotent_result(conn, key, stream)

    def read_stream(self, stream_id: str, after_version: int = 0) -> list[RecordedEvent]:
        """Every event of one stream after ``after_version``, oldest first."""
        with self._reader() as conn:
            return self._select(
                conn,
                (events_table.c.stream_id == stream_id)
                & (events_table.c.version > after_version),
                order=events_table.c.version,
            )

    def stream_version(self, stream_id: str) -> int:
        """The current version of a stream (0 if it has no events)."""
        with self._reader() as conn:
            return self._stream_version(conn, stream_id)

    def read_all(
        self,
        after: int = 0,
        limit: int = 500,
        *,
        workspaces: Collection[str] | None = None,
    ) -> list[RecordedEvent]:
        """Up to ``limit`` events after position ``after``, oldest first.

        With ``workspaces`` given, only events visible in at least one of them; ``None`` means
        every event (for the dispatcher and operators, never for a user's query).
        """
        with self._reader() as conn:
            return self.read_all_on(conn, after, limit, workspaces=workspaces)

    def read_all_on(
        self,
        conn: Connection,
        after: int,
        limit: int,
        *,
        workspaces: Collection[str] | None = None,
    ) -> list[RecordedEvent]:
        """:meth:`read_all` on a connection the caller holds (e.g. inside a rebuild)."""
        condition = events_table.c.position > after
        if workspaces is not None:
            if not workspaces:
                return []
            visible = (
                select(event_workspaces_table.c.position)
                .where(
                    event_workspaces_table.c.workspace_id.in_(list(workspaces)),
                    event_workspaces_table.c.position > after,
                )
                .distinct()
                .order_by(event_workspaces_table.c.position)
                .limit(limit)
            )
            condition = events_table.c.position.in_(visible)
        return self._select(conn, condition, limit=limit)

    def read_latest(self, workspaces: Collection[str], limit: int = 20) -> list[RecordedEvent]:
        """The newest ``limit`` events visible in ``workspaces``, oldest first."""
        if not workspaces:
            return []
        newest = (
            select(event_workspaces_table.c.position)
            .where(event_workspaces_table.c.workspace_id.in_(list(workspaces)))
            .distinct()
            .order_by(event_workspaces_table.c.position.desc())
            .limit(limit)
        )
        with self._reader() as conn:
            return self._select(conn, events_table.c.position.in_(newest))

    def iter_all(self, after: int = 0, batch: int = 1000) -> Iterator[RecordedEvent]:
        """Every event after ``after``, in position order, read a batch at a time."""
        while True:
            page = self.read_all(after, batch)
            yield from page
            if len(page) < batch:
                return
            after = page[-1].position

    def head_position(self) -> int:
        """The position of the newest event (0 for an empty log)."""
        with self._reader() as conn:
            return int(conn.execute(select(func.max(events_table.c.position))).scalar() or 0)

    def _reader(self) -> Any:
        return self.engine.connect().execution_options(**{READ_ONLY: True})

    def _select(
        self,
        conn: Connection,
        condition: Any,
        *,
        order: Any = events_table.c.position,
        limit: int | None = None,
    ) -> list[RecordedEvent]:
        query = select(events_table).where(condition).order_by(order)
        if limit is not None:
            query = query.limit(limit)
        return [to_recorded(row) for row in conn.execute(query)]


class _DriverSql:
    """The append path's statements in the driver's own parameter style, built once."""

    def __init__(self, named: str) -> None:
        p = named.format
        self.head_insert = (
            f"INSERT INTO streams (stream_id, stream_type, version) VALUES ({p('id')}, "
            f"{p('type')}, {p('new')}) ON CONFLICT (stream_id) DO NOTHING RETURNING version"
        )
        self.head_update = (
            f"UPDATE streams SET version = {p('new')} WHERE stream_id = {p('id')} "
            f"AND version = {p('expected')} RETURNING version"
        )
        self.link_insert = (
            f"INSERT INTO event_workspaces (workspace_id, position) "
            f"VALUES ({p('workspace')}, {p('position')})"
        )
        self._p = p
        self._events_insert: dict[int, str] = {}

    def events_insert(self, count: int) -> str:
        """A multi-row insert of ``count`` events returning (event_id, position) pairs."""
        if count not in self._events_insert:
            p = self._p
            values = ", ".join(
                "(" + ", ".join(p(f"{c}{i}") for c in "estvncdmwr") + ")" for i in range(count)
            )
            self._events_insert[count] = (
                "INSERT INTO events (event_id, stream_id, stream_type, version, type, "
                "schema_version, data, meta, workspaces, recorded_at) VALUES "
                f"{values} RETURNING event_id, position"
            )
        return self._events_insert[count]


def to_recorded(row: Any) -> RecordedEvent:
    """A stored row as a :class:`RecordedEvent`, its data upcast to the current version."""
    data, version = row.data, row.schema_version
    event_spec = spec(row.type)
    if version < event_spec.version:
        data, version = event_spec.upcast(version, data), event_spec.version
    recorded_at = row.recorded_at
    if recorded_at.tzinfo is None:
        recorded_at = recorded_at.replace(tzinfo=UTC)
    return RecordedEvent(
        position=row.position,
        event_id=row.event_id,
        stream_id=row.stream_id,
        stream_type=row.stream_type,
        version=row.version,
        type=row.type,
        schema_version=version,
        data=data,
        meta=row.meta,
        workspaces=tuple(row.workspaces),
        recorded_at=recorded_at,
    )
