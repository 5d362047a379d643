"""The event store: append with optimistic concurrency and idempotency, read by stream or position.

Positions become visible in commit order. On PostgreSQL every append takes one
transaction-scoped advisory lock, so appends commit one after another and a reader tailing
"after position N" can never see N+2 before N+1 commits. SQLite gets the same from its single
writer lock (``BEGIN IMMEDIATE``, see :mod:`hub.db`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import orjson
import psycopg
from pydantic import ValidationError
from sqlalchemy import Connection, Engine, String, func, insert, select, type_coerce
from uuid_utils import uuid7

from hub.db import READ_ONLY, dump_json, is_sqlite
from hub.events.envelope import AppendResult, EventMeta, NewEvent, RecordedEvent, StreamRef
from hub.events.errors import ConcurrencyConflict, IdempotencyKeyReused, InvalidEvent
from hub.events.tables import (
    event_workspaces_table,
    events_table,
    idempotency_table,
)
from schemas.registry import UnknownEventType, spec

# Any constant will do; it names "the append lock" among the database's advisory locks.
APPEND_LOCK_KEY = 0x4855_4201

Clock = Callable[[], datetime]


class Projector(Protocol):
    """Updates read models from events, inside the append's transaction."""

    def apply(self, conn: Connection, events: Sequence[RecordedEvent]) -> None: ...


_Row = tuple[str, int, dict[str, Any], tuple[str, ...]]
"""An event ready to insert: its type, schema version, payload and workspaces."""


class _Stale(Exception):
    """The stream's head is not at the expected version; raised inside the transaction."""


@dataclass
class _Pending:
    """An append's events, serialised, waiting for the positions the database gives them."""

    stream: StreamRef
    expected: int
    """The stream's version the events follow."""
    meta: dict[str, Any]
    meta_text: str
    now: datetime
    events: list[tuple[str, int, str, int, dict[str, Any], tuple[str, ...]]] = field(
        default_factory=list
    )
    """Each event's id, version, type, schema version, payload and workspaces."""

    def row_params(self) -> list[Any]:
        """SQLite's parameters: ten per event, in :data:`EVENT_COLUMNS` order."""
        # Stored as UTC text without an offset (to_recorded reads it back as UTC).
        stored_at = self.now.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
        stream_id, stream_type = self.stream.id, self.stream.type
        params: list[Any] = []
        for event_id, version, name, schema_version, data, workspaces in self.events:
            params += (
                event_id, stream_id, stream_type, version, name, schema_version, dump_json(data),
                self.meta_text, dump_json(workspaces), stored_at,
            )
        return params

    def document_params(self) -> dict[str, Any]:
        """PostgreSQL's parameters: the stream, its expected version, the append lock, what
        the events share, and the events as one JSON array.

        One statement serves every append size, and psycopg caches its parsing (it does not
        for more than 50 parameters, which ten events as rows had; arrays per column cost
        more again, escaped element by element in Python).
        """
        return {
            "stream_id": self.stream.id,
            "stream_type": self.stream.type,
            "expected": self.expected,
            "key": APPEND_LOCK_KEY,
            "meta": self.meta_text,
            "recorded_at": self.now,
            "events": dump_json(self.events),
        }

    def recorded(self, positions: Sequence[int]) -> list[RecordedEvent]:
        """The events as recorded, given the positions the database gave them, in order."""
        return [
            RecordedEvent(
                position, event_id, self.stream.id, self.stream.type, version, name,
                schema_version, data, self.meta, workspaces, self.now,
            )
            for position, (event_id, version, name, schema_version, data, workspaces)
            in zip(positions, self.events, strict=True)
        ]


class _HeldWriter:
    """SQLite's appends, on one connection the store holds and lends to one append at a time.

    SQLite lets one transaction write at a time in any case. Holding the connection saves the
    pool's checkout, reset and check-in on every append, about a fifth of a one-event durable
    append (bench/store.py), and a second thread waits here on a lock rather than polling
    SQLite's busy timeout. Other writers (other processes, the pool's connections) still queue
    on SQLite's own lock, which every transaction takes first (``BEGIN IMMEDIATE``).
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._conn: Connection | None = None
        self._pid = 0

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A transaction on the held connection, committed on leaving, rolled back on error."""
        with self._lock:
            conn = self._conn
            # A forked child must not share its parent's SQLite connection: it opens its own
            # and leaves the inherited one untouched (closing it could release the parent's
            # locks).
            if conn is None or conn.closed or conn.invalidated or self._pid != os.getpid():
                conn = self._conn = self._engine.connect()
                self._pid = os.getpid()
            with conn.begin():
                yield conn

    def close(self) -> None:
        """Hand the held connection back to the engine's pool."""
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None


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
        self._writer = _HeldWriter(engine) if self._sqlite else None
        self._sql = (
            DriverSql(named=":{}", positional="?") if self._sqlite
            else DriverSql(named="%({})s", positional="%s")
        )
        # Replay reads rows positionally. On SQLite the JSON and the time come back as their
        # stored text, for to_recorded to parse in one call each rather than through
        # SQLAlchemy's per-column processors (PostgreSQL's driver decodes them itself).
        c = events_table.c
        raw = (lambda column: type_coerce(column, String)) if self._sqlite else (lambda c: c)
        self._columns = (
            c.position, c.event_id, c.stream_id, c.stream_type, c.version, c.type,
            c.schema_version, raw(c.data), raw(c.meta), raw(c.workspaces), raw(c.recorded_at),
        )

    # -- writing ---------------------------------------------------------------------------

    def append(
        self,
        stream: StreamRef,
        expected_version: int,
        events: Sequence[NewEvent],
        *,
        meta: EventMeta | None = None,
        idempotency_key: str | None = None,
        idempotency_scope: str = "",
    ) -> AppendResult:
        """Append ``events`` to ``stream`` if it is still at ``expected_version``.

        Payloads are validated first, so an invalid event is never stored. Projections are
        updated in the same transaction. A repeated ``idempotency_key`` within one
        ``idempotency_scope`` (the acting organisation's; empty for the hub's own keys)
        returns the first append's result and appends nothing.
        """
        rows = [self._serialise(event) for event in events]
        meta_json = (meta or EventMeta()).model_dump(mode="json", exclude_none=True)
        try:
            with self._begin() as conn:
                if idempotency_key is not None or not rows:
                    self._lock(conn)
                    if idempotency_key is not None:
                        earlier = self._idempotent_result(
                            conn, idempotency_scope, idempotency_key, stream
                        )
                        if earlier is not None:
                            return earlier
                    if not rows:
                        current = self._stream_version(conn, stream.id)
                        if current != expected_version:
                            raise ConcurrencyConflict(stream.id, expected_version, current)
                        return AppendResult([], current)
                write = self._write_sqlite if self._sqlite else self._write_postgres
                recorded = write(conn, self._prepare(stream, expected_version, rows, meta_json))
                new_version = expected_version + len(rows)
                if idempotency_key is not None:
                    conn.execute(
                        insert(idempotency_table).values(
                            scope=idempotency_scope,
                            key=idempotency_key,
                            stream_id=stream.id,
                            first_version=expected_version + 1,
                            last_version=new_version,
                        )
                    )
                if self.projector is not None:
                    self.projector.apply(conn, recorded)
        except _Stale:
            raise ConcurrencyConflict(
                stream.id, expected_version, self.stream_version(stream.id)
            ) from None
        if self.after_commit is not None:
            self.after_commit(recorded[-1].position)
        return AppendResult(recorded, new_version)

    def close(self) -> None:
        """Release the connection the store holds for SQLite's appends, if any."""
        if self._writer is not None:
            self._writer.close()

    def _begin(self) -> AbstractContextManager[Connection]:
        # SQLite appends on the held connection; PostgreSQL checks one out of the pool.
        return self._writer.begin() if self._writer is not None else self.engine.begin()

    def _serialise(self, event: NewEvent) -> _Row:
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
        # Each workspace once, in the order given: the links to it are a set.
        workspaces = tuple(dict.fromkeys(event.workspaces))
        return name, event_spec.version, model.model_dump(mode="json"), workspaces

    def _lock(self, conn: Connection) -> None:
        if not self._sqlite:
            conn.exec_driver_sql(self._sql.lock, {"key": APPEND_LOCK_KEY})

    def _stream_version(self, conn: Connection, stream_id: str) -> int:
        version = conn.execute(
            select(func.max(events_table.c.version)).where(events_table.c.stream_id == stream_id)
        ).scalar()
        return int(version or 0)

    # The write path speaks the driver's own SQL on the connection SQLAlchemy holds, inside
    # the transaction it began: building SQLAlchemy statements and results for every append
    # cost more than the durable commit itself (see bench/store.py).

    def _write_sqlite(self, conn: Connection, pending: _Pending) -> list[RecordedEvent]:
        # BEGIN IMMEDIATE (hub.db) already holds SQLite's single writer lock.
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(self._sql.current, (pending.stream.id,))
        if (cursor.fetchone()[0] or 0) != pending.expected:
            raise _Stale
        count = len(pending.events)
        cursor.execute(self._sql.events_insert(count), pending.row_params())
        # The writer lock is held and events are never deleted, so SQLite numbers a multi-row
        # insert's rows on from the highest position, one after another: the last one tells
        # them all (reading them back with RETURNING cost more).
        last: int = cursor.lastrowid
        recorded = pending.recorded(range(last - count + 1, last + 1))
        links = [
            (workspace, event.position) for event in recorded for workspace in event.workspaces
        ]
        if links:
            cursor.executemany(self._sql.link_insert, links)
        return recorded

    def _write_postgres(self, conn: Connection, pending: _Pending) -> list[RecordedEvent]:
        # One statement, one round trip (see DriverSql.append): a stale expected version
        # shows as no rows back, or as the events' (stream_id, version) key colliding.
        driver: psycopg.Connection[Any] = conn.connection.driver_connection  # type: ignore[assignment]
        try:
            inserted = driver.execute(self._sql.append, pending.document_params())
        except psycopg.errors.UniqueViolation as error:
            if error.diag.constraint_name == "uq_events_stream_version":
                raise _Stale from None
            raise
        positions = dict(inserted.fetchall())
        if not positions:
            raise _Stale
        return pending.recorded([positions[event[0]] for event in pending.events])

    def _prepare(
        self, stream: StreamRef, current: int, rows: list[_Row], meta: dict[str, Any]
    ) -> _Pending:
        pending = _Pending(stream, current, meta, dump_json(meta), self.clock())
        for offset, (name, schema_version, data, workspaces) in enumerate(rows):
            # Version 7: drawn in a tenth of uuid4's time, and sorts in recording order for
            # anyone who keeps the ids (the column is not indexed, see tables.py).
            event_id = str(uuid7())
            pending.events.append(
                (event_id, current + offset + 1, name, schema_version, data, workspaces)
            )
        return pending

    def _idempotent_result(
        self, conn: Connection, scope: str, key: str, stream: StreamRef
    ) -> AppendResult | None:
        row = conn.execute(
            select(idempotency_table).where(
                (idempotency_table.c.scope == scope) & (idempotency_table.c.key == key)
            )
        ).first()
        if row is None:
            return None
        if row.stream_id != stream.id:
            raise IdempotencyKeyReused(key)
        events = self._select(
            conn,
            (events_table.c.stream_id == stream.id)
            & (events_table.c.version.between(row.first_version, row.last_version)),
        )
        return AppendResult(events, row.last_version, replayed=True)

    # -- reading ---------------------------------------------------------------------------

    def lookup_idempotency_key(
        self, key: str, stream: StreamRef, scope: str = ""
    ) -> AppendResult | None:
        """The result of an earlier append made with ``key`` in ``scope``, if there was one."""
        with self._reader() as conn:
            return self._idempotent_result(conn, scope, key, stream)

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
        if workspaces is None:
            # The replay and dispatcher path: the driver's own cursor, no statement to build.
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            cursor.execute(self._sql.page, (after, limit))
            return [to_recorded(row) for row in cursor.fetchall()]
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

    def read_positions_on(
        self, conn: Connection, positions: Collection[int]
    ) -> list[RecordedEvent]:
        """The events at ``positions``, oldest first, on a connection the caller holds."""
        if not positions:
            return []
        return self._select(conn, events_table.c.position.in_(list(positions)))

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

    def head_position(self, workspaces: Collection[str] | None = None) -> int:
        """The position of the newest event (0 for an empty log).

        With ``workspaces`` given, of the newest event visible in one of them: what a caller
        is shown as "the latest position" must say nothing of events it may not see (the
        global head would let anyone count another area's activity). ``None`` means the whole
        log, for the dispatcher and operators.
        """
        if workspaces is None:
            query = select(func.max(events_table.c.position))
        elif not workspaces:
            return 0
        else:
            query = select(func.max(event_workspaces_table.c.position)).where(
                event_workspaces_table.c.workspace_id.in_(list(workspaces))
            )
        with self._reader() as conn:
            return int(conn.execute(query).scalar() or 0)

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
        query = select(*self._columns).where(condition).order_by(order)
        if limit is not None:
            query = query.limit(limit)
        return [to_recorded(row) for row in conn.execute(query).all()]


EVENT_COLUMNS = (
    "event_id", "stream_id", "stream_type", "version", "type", "schema_version", "data", "meta",
    "workspaces", "recorded_at",
)
"""The columns an append writes, in the order of its parameters."""


class DriverSql:
    """The append path's statements in the driver's own parameter style, built once.

    ``bench/store.py`` runs them on the bare driver too, to measure what the store's writes
    cost with none of its Python.
    """

    def __init__(self, named: str, positional: str) -> None:
        p = named.format
        # SQLite only, with link_insert: a stream's head is its highest version, read from
        # the (stream_id, version) key.
        self.current = f"SELECT max(version) FROM events WHERE stream_id = {positional}"
        self.link_insert = (
            f"INSERT INTO event_workspaces (workspace_id, position) "
            f"VALUES ({positional}, {positional})"
        )
        self.lock = f"SELECT pg_advisory_xact_lock({p('key')})"
        # PostgreSQL only: the whole append in one statement. It takes the append lock, then
        # inserts the events from one JSON array of [id, version, type, schema version, data,
        # workspaces] (see _Pending.document_params) if the stream's highest version is the
        # expected one (else no row comes back), and links each event to its workspaces from
        # the rows just inserted.
        # - The events are read through a join with the lock's row and sorted before the
        #   insert, so no position is drawn before the lock is held: positions still become
        #   visible in commit order.
        # - The version is read in the statement's snapshot, taken before the lock was
        #   granted. An append to the same stream that committed while this one waited is
        #   missed there, but its versions are in the (stream_id, version) key, and this
        #   insert collides with them: a conflict either way.
        self.append = (
            f"WITH lock AS (SELECT pg_advisory_xact_lock({p('key')})), "
            "head AS (SELECT coalesce(max(version), 0) AS version FROM events "
            f"WHERE stream_id = {p('stream_id')}), "
            f"inserted AS (INSERT INTO events ({', '.join(EVENT_COLUMNS)}) "
            f"SELECT e->>0, {p('stream_id')}, {p('stream_type')}, (e->>1)::int, e->>2, "
            f"(e->>3)::int, e->4, {p('meta')}::json, e->5, {p('recorded_at')} "
            f"FROM json_array_elements({p('events')}::json) WITH ORDINALITY AS events(e, n) "
            f"CROSS JOIN lock WHERE (SELECT version FROM head) = {p('expected')} ORDER BY n "
            "RETURNING event_id, position, workspaces), linked AS ("
            "INSERT INTO event_workspaces (workspace_id, position) "
            "SELECT link.workspace_id, inserted.position FROM inserted "
            "CROSS JOIN LATERAL json_array_elements_text(inserted.workspaces) "
            "AS link(workspace_id)) "
            "SELECT event_id, position FROM inserted"
        )
        self._mark = positional
        self._events_insert: dict[int, str] = {}
        # JSON comes back as text, for to_recorded to decode in one call per column (on
        # PostgreSQL that skips the driver's per-value Python loader).
        as_text = "{}" if positional == "?" else "{}::text"
        json_columns = ", ".join(as_text.format(c) for c in ("data", "meta", "workspaces"))
        self.page = (
            "SELECT position, event_id, stream_id, stream_type, version, type, schema_version, "
            f"{json_columns}, recorded_at FROM events WHERE position > {positional} "
            f"ORDER BY position LIMIT {positional}"
        )

    def events_insert(self, count: int) -> str:
        """SQLite only: a multi-row insert of ``count`` events.

        Its parameters are positional, ten per event (see _Pending.row_params).
        """
        if count not in self._events_insert:
            row = "(" + ", ".join([self._mark] * len(EVENT_COLUMNS)) + ")"
            values = ", ".join([row] * count)
            self._events_insert[count] = (
                f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES {values}"
            )
        return self._events_insert[count]


def to_recorded(row: Sequence[Any]) -> RecordedEvent:
    """A stored row, its columns in table order, as a :class:`RecordedEvent`.

    The data is upcast to its type's current schema version.
    """
    (position, event_id, stream_id, stream_type, version, name, schema_version, data, meta,
     workspaces, recorded_at) = row
    if isinstance(data, str):  # read as text (see EventStore._columns and DriverSql.page)
        data, meta, workspaces = orjson.loads(data), orjson.loads(meta), orjson.loads(workspaces)
    if isinstance(recorded_at, str):
        # SQLite's stored text, always UTC without an offset (see _prepare); naming the
        # offset in the text parses several times faster than replacing it afterwards.
        recorded_at = datetime.fromisoformat(recorded_at + "+00:00")
    elif recorded_at.tzinfo is None:
        recorded_at = recorded_at.replace(tzinfo=UTC)
    event_spec = spec(name)
    if schema_version < event_spec.version:
        data, schema_version = event_spec.upcast(schema_version, data), event_spec.version
    return RecordedEvent(
        position, event_id, stream_id, stream_type, version, name, schema_version, data, meta,
        tuple(workspaces), recorded_at,
    )
