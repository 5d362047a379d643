"""Benchmark the hub's event store against the ``eventsourcing`` library, on SQLite and PostgreSQL.

Run ``python bench/store.py --help``. Three measures, each in events per second:

* **append 1/command** — ``--events`` commands, each appending one event in its own transaction;
* **append 10/command** — ``--events / 10`` commands, each appending ten events in one
  transaction;
* **replay** — read back, in log order, the events the "append 1/command" run wrote.

The same workload drives both sides (:func:`run_append`, :func:`run_replay`): commands go
round-robin over ``events / 50`` streams, so each stream ends at 50 events; event ``n``
carries the payload ``counter=n``, ``text="event n"`` and a date. Both sides keep each stream's
head in memory between commands, so neither reads the stream back before appending (the hub's
``handle()`` and the library's ``repository.get()`` would; that read is not measured here).

**Ours** (the hub, :class:`HubSubject`) is built as production builds it:
``hub.db.make_engine(url)``, ``hub.migrate.upgrade(engine)``, then ``EventStore(engine,
projector=None)`` — no projections and no ``after_commit`` Redis notification, so the figures
are for the store alone. A command builds one :class:`BenchHappened` pydantic model per event
(validating the payload) and an ``EventMeta`` carrying an actor and a fresh correlation id, as
``hub.service.handle`` does, and calls ``EventStore.append(stream, expected_version, events,
meta=...)`` with each event visible in one workspace and no idempotency key. That append checks
the expected version against the stream's highest version (its ``(stream_id, version)`` key),
and inserts the events and their ``event_workspaces`` links, in one transaction: on SQLite
``BEGIN IMMEDIATE`` on the connection the store holds for its appends, the positions following
from the last rowid; on PostgreSQL one statement that takes the advisory append lock first and
returns the positions. Before replay every side's database is analysed (``ANALYZE``), as
autovacuum would do after a load: without statistics PostgreSQL plans each page of a freshly
loaded table as a scan and sort of the whole table. Replay is
``EventStore.iter_all(batch=1000)``: pages of 1,000 rows, each turned into a ``RecordedEvent``
(its three JSON columns, ``data``, ``meta`` and ``workspaces``, decoded; the schema version
checked for upcasting, where no upcaster runs since every event is at the current version;
payloads are not re-validated). On PostgreSQL the production engine pings a pooled connection
on checkout only when it has rested for a second (``hub.db.PING_AFTER_IDLE``), which a
back-to-back run never does; the peer's pool does not pre-ping by default.

**The peer** (``eventsourcing``, :class:`PeerSubject`) is used through its public application
API: a :class:`PeerApp` (``Application`` subclass) configured only through its environment
(``PERSISTENCE_MODULE=eventsourcing.sqlite`` with ``SQLITE_DBNAME``, or
``eventsourcing.postgres`` with ``POSTGRES_DBNAME/HOST/PORT/USER/PASSWORD``), and a
:class:`BenchRecord` ``Aggregate``. A command creates the aggregate (first event of a stream)
or calls its ``@event`` method once per event, then ``app.save(record)``: the library maps each
event to a ``StoredEvent`` (JSON transcoding, with a registered transcoding for ``date``) and
inserts them in one transaction, with the ``(originator_id, originator_version)`` primary key
as its optimistic concurrency check (on PostgreSQL it also takes ``LOCK TABLE ... IN EXCLUSIVE
MODE`` and sends ``NOTIFY``). The payload is not validated against a schema. Replay pages
through ``app.notification_log.select(...)`` 1,000 at a time (``log_section_size = 1000``) and
turns each notification into a domain event with ``app.mapper.to_domain_event`` (JSON decoded,
``class_version`` checked for upcasting, none runs).

**Our writes** (:class:`WritesSubject`) are the limit for our schema: the same commands writing
exactly the rows ours writes (an event with its metadata and workspaces, its stream's key, its
``event_workspaces`` link, after reading the stream's head), with our tables (migrated as ours)
and our store's own statements (:class:`hub.events.store.DriverSql`), on the database driver
alone: no validation, no envelope, no SQLAlchemy. ``writes/peer`` is the best ratio any store
code could show with our schema at equal durability; the gap between it and ``ours/peer`` is
what the store's Python costs.

**The bare driver** (:class:`BareSubject`) is the limit for any store: the same commands
through the database driver alone (``sqlite3`` or ``psycopg``), with no store at all: one
table keyed by ``(stream_id, version)`` with an integer position, each command one transaction
inserting its rows (payload as JSON text), replay paging by position and decoding each payload.
No validation, metadata, workspaces or concurrency check. Its ratio to the peer is about the best
any store could show on this machine and database; where ``bare/peer`` is itself below a
target, the target is out of reach at equal durability.

Durability is equal: SQLite runs in WAL mode with ``synchronous=FULL`` on every side (the peer
sets WAL itself and leaves ``synchronous`` at SQLite's default, FULL; both are read back from
each side's own connection and the run stops if they differ). On PostgreSQL both sides talk to
the same server (``synchronous_commit`` likewise read back and compared), each in a database of
its own (``bench_store_hub``, ``bench_store_peer``), created afresh for every run and dropped
after it. Every run uses a fresh database; each measure runs ``--repeats`` times per side,
alternating which side goes first, and the table reports the median. ``--profile TOP`` runs our
side once under cProfile instead, to see where its time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import pstats
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast
from uuid import UUID

import psycopg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import JSONTranscoder, Transcoding
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg import sql
from psycopg.conninfo import make_conninfo
from sqlalchemy import URL, Engine, make_url, text
from uuid_utils import uuid7

from hub.db import make_engine
from hub.events.envelope import EventMeta, NewEvent, StreamRef
from hub.events.store import APPEND_LOCK_KEY, DriverSql, EventStore
from hub.migrate import upgrade
from hub.settings import normalise_database_url
from schemas.registry import EventData, event_type

STREAM_LENGTH = 50
"""Events per stream at the end of a run: commands go round-robin over events / 50 streams."""

PAGE = 1000
"""Events read per query on replay, on both sides."""

WORKSPACES = ("ws-bench",)
"""The workspaces each of our events is visible in (every production event has some)."""

ACTOR = "bench-user"
"""The actor recorded in our events' metadata."""

FIRST_DAY = date(2024, 1, 1)
"""The date in event 0's payload; event ``n`` carries ``FIRST_DAY + n % 365 days``."""

SQLITE_SYNCHRONOUS = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}
"""SQLite's ``PRAGMA synchronous`` values by number."""

MEASURES = ("append 1/command", "append 10/command", "replay")
"""The table's rows for each backend, in order."""

SIDES = ("ours", "peer", "writes", "bare")
"""The two event stores compared; our store's writes alone, and the bare driver, as limits."""


def text_for(n: int) -> str:
    """The short text in event ``n``'s payload."""
    return f"event {n}"


def date_for(n: int) -> date:
    """The date in event ``n``'s payload."""
    return FIRST_DAY + timedelta(days=n % 365)


# -- ours ----------------------------------------------------------------------------------


@event_type("bench.happened")
class BenchHappened(EventData):
    """The bench-only payload appended to our store: a counter, a short text and a date."""

    counter: int
    text: str
    on: date


class HubSubject:
    """Our event store, driven the way a command handler drives it."""

    def __init__(self, store: EventStore, streams: int) -> None:
        self.store = store
        self.streams = [StreamRef.of("bench", f"{k:06d}") for k in range(streams)]
        self.versions = [0] * streams

    def command(self, stream: int, first: int, count: int) -> None:
        """Append events ``first .. first + count - 1`` to ``stream`` in one call."""
        events = [
            NewEvent(BenchHappened(counter=n, text=text_for(n), on=date_for(n)), WORKSPACES)
            for n in range(first, first + count)
        ]
        meta = EventMeta(actor_user=ACTOR, correlation_id=str(uuid.uuid4()))
        result = self.store.append(self.streams[stream], self.versions[stream], events, meta=meta)
        self.versions[stream] = result.version

    def replay(self) -> Iterator[int]:
        """Every event's counter, in log order."""
        for recorded in self.store.iter_all(batch=PAGE):
            yield recorded.data["counter"]

    def stored(self) -> int:
        """How many events the log holds."""
        return self.store.head_position()

    def analyse(self) -> None:
        """Refresh the planner's statistics, as autovacuum would after a load."""
        with self.store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")


# -- the peer ------------------------------------------------------------------------------


class DateAsISO(Transcoding):
    """Stores a ``date`` as its ISO string (the library ships only a ``datetime`` one)."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        """``obj`` as ``YYYY-MM-DD``."""
        return obj.isoformat()

    def decode(self, data: str) -> date:
        """The date written by :meth:`encode`."""
        return date.fromisoformat(data)


class BenchRecord(Aggregate):
    """The peer's aggregate: every event carries the same payload as :class:`BenchHappened`."""

    @event("Opened")
    def __init__(self, counter: int, text: str, on: date) -> None:
        """Open a record with its first event, ``counter``."""
        self.last = counter

    @event("Happened")
    def happen(self, counter: int, text: str, on: date) -> None:
        """Record that event ``counter`` happened."""
        self.last = counter


class Counted(Protocol):
    """A replayed peer event: it carries its payload's counter."""

    counter: int


class PeerApp(Application[UUID]):
    """The peer application: commands on :class:`BenchRecord` and a replay of its log."""

    log_section_size = PAGE

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        """The library's transcodings plus one for ``date``."""
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def record(self, record: BenchRecord | None, first: int, count: int) -> BenchRecord:
        """Trigger events ``first .. first + count - 1`` on ``record`` (creating it if new)."""
        numbers = range(first, first + count)
        if record is None:
            record = BenchRecord(first, text_for(first), date_for(first))
            numbers = numbers[1:]
        for n in numbers:
            record.happen(n, text_for(n), date_for(n))
        self.save(record)
        return record

    def replay(self) -> Iterator[Counted]:
        """Every event in the log as a domain event, in log order."""
        start = 0
        while True:
            page = self.notification_log.select(start, PAGE, inclusive_of_start=False)
            for notification in page:
                yield cast(Counted, self.mapper.to_domain_event(notification))
            if len(page) < PAGE:
                return
            start = page[-1].id


class PeerSubject:
    """The peer application, driven with the same commands as :class:`HubSubject`."""

    def __init__(self, app: PeerApp, streams: int) -> None:
        self.app = app
        self.records: list[BenchRecord | None] = [None] * streams

    def command(self, stream: int, first: int, count: int) -> None:
        """Append events ``first .. first + count - 1`` to ``stream`` in one save."""
        self.records[stream] = self.app.record(self.records[stream], first, count)

    def replay(self) -> Iterator[int]:
        """Every event's counter, in log order."""
        for replayed in self.app.replay():
            yield replayed.counter

    def stored(self) -> int:
        """How many events the log holds."""
        return self.app.recorder.max_notification_id() or 0

    def analyse(self) -> None:
        """Refresh the planner's statistics, as autovacuum would after a load."""
        datastore = self.app.recorder.datastore  # type: ignore[attr-defined]
        with datastore.transaction(commit=True) as cursor:
            cursor.execute("ANALYZE")


# -- the bare driver -----------------------------------------------------------------------

BARE_TABLE = (
    "CREATE TABLE bare_events (position {serial} PRIMARY KEY, stream_id TEXT NOT NULL, "
    "version INTEGER NOT NULL, data TEXT NOT NULL, UNIQUE (stream_id, version))"
)


class DriverSubject:
    """A side that talks to the database through its driver alone."""

    def __init__(
        self, conn: sqlite3.Connection | psycopg.Connection[tuple[Any, ...]], streams: int
    ) -> None:
        self.conn = conn
        self.sqlite = isinstance(conn, sqlite3.Connection)
        self.mark = "?" if self.sqlite else "%s"
        self.versions = [0] * streams

    def _run(self, statement: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[Any]:
        cursor = self.conn.cursor()
        cursor.execute(statement, params)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []

    def _commit(self) -> None:
        if self.sqlite:
            self._run("COMMIT")
        else:
            self.conn.commit()

    def _replay(self, table: str) -> Iterator[int]:
        """Every event's counter in ``table``, in log order, a page of rows at a time."""
        after = 0
        while True:
            page = self._run(
                f"SELECT position, data FROM {table} WHERE position > {self.mark} "
                f"ORDER BY position LIMIT {PAGE}",
                (after,),
            )
            for _position, data in page:
                # psycopg hands a json column back decoded, a text column as text.
                yield (json.loads(data) if isinstance(data, str) else data)["counter"]
            if not self.sqlite:
                self.conn.commit()
            if len(page) < PAGE:
                return
            after = page[-1][0]

    def _count(self, table: str) -> int:
        count = self._run(f"SELECT count(*) FROM {table}")[0][0]
        self._commit() if not self.sqlite else None
        return int(count)

    def analyse(self) -> None:
        """Refresh the planner's statistics, as autovacuum would after a load."""
        if self.sqlite:
            self._run("BEGIN")
        self._run("ANALYZE")
        self._commit()


class BareSubject(DriverSubject):
    """The database driver alone, driven with the same commands: the limit for any store."""

    def __init__(
        self, conn: sqlite3.Connection | psycopg.Connection[tuple[Any, ...]], streams: int
    ) -> None:
        super().__init__(conn, streams)
        if self.sqlite:
            self._run("BEGIN")  # the connection is in autocommit; _commit ends this
        serial = "INTEGER" if self.sqlite else "BIGSERIAL"
        self._run(BARE_TABLE.format(serial=serial))
        self._commit()

    def command(self, stream: int, first: int, count: int) -> None:
        """Insert events ``first .. first + count - 1`` of ``stream`` in one transaction."""
        if self.sqlite:
            self._run("BEGIN IMMEDIATE")
        version = self.versions[stream]
        m = self.mark
        values = ", ".join(f"({m}, {m}, {m})" for _ in range(count))
        params: list[Any] = []
        for n in range(first, first + count):
            version += 1
            payload = {"counter": n, "text": text_for(n), "on": date_for(n).isoformat()}
            params += (f"bench-{stream:06d}", version, json.dumps(payload))
        self._run(f"INSERT INTO bare_events (stream_id, version, data) VALUES {values}", params)
        self._commit()
        self.versions[stream] = version

    def replay(self) -> Iterator[int]:
        """Every event's counter, in log order, a page of rows at a time."""
        return self._replay("bare_events")

    def stored(self) -> int:
        """How many events the table holds."""
        return self._count("bare_events")


class WritesSubject(DriverSubject):
    """Our store's writes alone: its tables and its statements, run on the driver.

    Each command writes what ours writes (the event rows with their metadata, the stream's
    key, the workspace links, checked against the stream's head), with none of the store's
    Python: no validation, no envelope, no SQLAlchemy. Its ratio to the peer is the best our
    schema could show at equal durability, whatever the store's code did.
    """

    def __init__(
        self, conn: sqlite3.Connection | psycopg.Connection[tuple[Any, ...]], streams: int
    ) -> None:
        super().__init__(conn, streams)
        self.sql = (
            DriverSql(named=":{}", positional="?")
            if self.sqlite
            else DriverSql(named="%({})s", positional="%s")
        )

    def command(self, stream: int, first: int, count: int) -> None:
        """Append events ``first .. first + count - 1`` to ``stream`` in one transaction."""
        stream_id, expected = f"bench-{stream:06d}", self.versions[stream]
        meta = json.dumps({"actor_user": ACTOR, "correlation_id": str(uuid.uuid4())})
        events = [
            (
                str(uuid7()),
                expected + 1 + offset,
                "bench.happened",
                1,
                {"counter": n, "text": text_for(n), "on": date_for(n).isoformat()},
                WORKSPACES,
            )
            for offset, n in enumerate(range(first, first + count))
        ]
        now = datetime.now(UTC)
        if self.sqlite:
            self._write_sqlite(stream_id, expected, events, meta, now)
        else:
            self._run(
                self.sql.append,
                {
                    "stream_id": stream_id,
                    "stream_type": "bench",
                    "expected": expected,
                    "key": APPEND_LOCK_KEY,
                    "meta": meta,
                    "recorded_at": now,
                    "events": json.dumps(events),
                },
            )
        self._commit()
        self.versions[stream] = expected + count

    def _write_sqlite(
        self, stream_id: str, expected: int, events: list[Any], meta: str, now: datetime
    ) -> None:
        cursor = cast(sqlite3.Connection, self.conn).cursor()
        cursor.execute("BEGIN IMMEDIATE")
        cursor.execute(self.sql.current, (stream_id,))
        if (cursor.fetchone()[0] or 0) != expected:
            raise RuntimeError(f"{stream_id} is not at version {expected}")
        stored_at = now.replace(tzinfo=None).isoformat(" ")
        params: list[Any] = []
        for event_id, version, name, schema_version, data, workspaces in events:
            params += (
                event_id,
                stream_id,
                "bench",
                version,
                name,
                schema_version,
                json.dumps(data),
                meta,
                json.dumps(workspaces),
                stored_at,
            )
        cursor.execute(self.sql.events_insert(len(events)), params)
        last = cursor.lastrowid
        assert last is not None  # an insert just ran on this cursor
        cursor.executemany(
            self.sql.link_insert,
            [
                (workspace, position)
                for position, event in zip(
                    range(last - len(events) + 1, last + 1), events, strict=True
                )
                for workspace in event[5]
            ],
        )

    def replay(self) -> Iterator[int]:
        """Every event's counter, in log order, a page of rows at a time."""
        return self._replay("events")

    def stored(self) -> int:
        """How many events the log holds."""
        return self._count("events")


DriverSide = TypeVar("DriverSide", bound=DriverSubject)


def driver_durability(subject: DriverSubject) -> str:
    """The durability settings of a driver side's connection."""
    if subject.sqlite:
        journal = subject._run("PRAGMA journal_mode")[0][0]
        level = SQLITE_SYNCHRONOUS[int(subject._run("PRAGMA synchronous")[0][0])]
        return f"journal_mode={journal} synchronous={level}"
    setting = subject._run("SHOW synchronous_commit")[0][0]
    subject.conn.commit()
    return f"synchronous_commit={setting}"


class Subject(Protocol):
    """What the workload needs of either side."""

    def command(self, stream: int, first: int, count: int) -> None:
        """Append events ``first .. first + count - 1`` to ``stream`` in one transaction."""

    def replay(self) -> Iterator[int]:
        """Every event's counter, in log order."""

    def stored(self) -> int:
        """How many events the log holds."""

    def analyse(self) -> None:
        """Refresh the planner's statistics, as autovacuum would after a load."""


# -- databases -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Backend:
    """A database server to run on: SQLite files, or a PostgreSQL server at ``server``."""

    name: str
    server: URL | None = None

    def maintenance(self) -> str:
        """A libpq conninfo for the server's ``postgres`` database."""
        assert self.server is not None
        return make_conninfo(
            host=self.server.host or "localhost",
            port=self.server.port or 5432,
            user=self.server.username or "",
            password=self.server.password or "",
            dbname="postgres",
        )

    @contextmanager
    def database(self, label: str) -> Iterator[str]:
        """A fresh, empty database for one run: a SQLite file path or a PostgreSQL name."""
        if self.server is None:
            with tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp:
                yield str(Path(tmp) / f"{label}.sqlite3")
            return
        name = f"bench_store_{label}"
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        with psycopg.connect(self.maintenance(), autocommit=True) as conn:
            conn.execute(drop)
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield name
        finally:
            with psycopg.connect(self.maintenance(), autocommit=True) as conn:
                conn.execute(drop)

    @contextmanager
    def hub(self, streams: int) -> Iterator[tuple[HubSubject, str]]:
        """Our store on a fresh database, and its durability settings."""
        with self.database("hub") as database:
            engine = make_engine(self.url(database))
            try:
                upgrade(engine)
                yield (
                    HubSubject(EventStore(engine, projector=None), streams),
                    hub_durability(engine),
                )
            finally:
                engine.dispose()

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of ``database`` (see :meth:`database`)."""
        if self.server is None:
            return f"sqlite:///{database}"
        return self.server.set(database=database).render_as_string(hide_password=False)

    def connect(self, database: str) -> sqlite3.Connection | psycopg.Connection[tuple[Any, ...]]:
        """A driver connection to ``database``; on SQLite at our durability, in autocommit."""
        if self.server is None:
            conn = sqlite3.connect(database, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            return conn
        return psycopg.connect(make_conninfo(self.maintenance(), dbname=database))

    def bare(self, streams: int) -> AbstractContextManager[tuple[BareSubject, str]]:
        """The bare driver on a fresh database, and its durability settings."""
        return self._driver_side("bare", BareSubject, streams, migrated=False)

    def writes(self, streams: int) -> AbstractContextManager[tuple[WritesSubject, str]]:
        """Our store's writes alone, on a fresh database migrated as ours is."""
        return self._driver_side("writes", WritesSubject, streams, migrated=True)

    @contextmanager
    def _driver_side(
        self, label: str, side: type[DriverSide], streams: int, *, migrated: bool
    ) -> Iterator[tuple[DriverSide, str]]:
        with self.database(label) as database:
            if migrated:
                engine = make_engine(self.url(database))
                try:
                    upgrade(engine)
                finally:
                    engine.dispose()
            conn = self.connect(database)
            try:
                subject = side(conn, streams)
                yield subject, driver_durability(subject)
            finally:
                conn.close()

    @contextmanager
    def peer(self, streams: int) -> Iterator[tuple[PeerSubject, str]]:
        """The peer application on a fresh database, and its durability settings."""
        with self.database("peer") as database:
            if self.server is None:
                env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": database}
            else:
                env = {
                    "PERSISTENCE_MODULE": "eventsourcing.postgres",
                    "POSTGRES_DBNAME": database,
                    "POSTGRES_HOST": self.server.host or "localhost",
                    "POSTGRES_PORT": str(self.server.port or 5432),
                    "POSTGRES_USER": self.server.username or "",
                    "POSTGRES_PASSWORD": self.server.password or "",
                }
            with PeerApp(env=env) as app:
                yield PeerSubject(app, streams), peer_durability(app)


def hub_durability(engine: Engine) -> str:
    """The durability settings our connections run with."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
            level = conn.exec_driver_sql("PRAGMA synchronous").scalar()
            return f"journal_mode={journal} synchronous={SQLITE_SYNCHRONOUS[int(level or 0)]}"
        return f"synchronous_commit={conn.execute(text('SHOW synchronous_commit')).scalar()}"


def peer_durability(app: PeerApp) -> str:
    """The durability settings the peer's own connections run with."""
    recorder = app.recorder
    if isinstance(recorder, SQLiteApplicationRecorder):
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute("PRAGMA journal_mode")
            journal = cursor.fetchone()[0]
            cursor.execute("PRAGMA synchronous")
            level = SQLITE_SYNCHRONOUS[int(cursor.fetchone()[0])]
        return f"journal_mode={journal} synchronous={level}"
    assert isinstance(recorder, PostgresApplicationRecorder)
    with recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute("SHOW synchronous_commit")
        row = cursor.fetchone()
    assert row is not None
    return f"synchronous_commit={row['synchronous_commit']}"


def postgres_backend(url: str) -> Backend | str:
    """The PostgreSQL backend at ``url``, or why it cannot be used."""
    server = make_url(normalise_database_url(url))
    backend = Backend("postgres", server)
    try:
        with psycopg.connect(backend.maintenance(), connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as error:
        shown = server.render_as_string(hide_password=True)
        return f"cannot reach PostgreSQL at {shown}: {str(error).strip()}"
    return backend


# -- the workload --------------------------------------------------------------------------


def run_append(subject: Subject, events: int, per_command: int) -> float:
    """Append ``events`` events, ``per_command`` per call; the seconds it took."""
    streams = max(1, events // STREAM_LENGTH)
    gc.collect()
    started = time.perf_counter()
    for command, first in enumerate(range(0, events, per_command)):
        subject.command(command % streams, first, per_command)
    elapsed = time.perf_counter() - started
    if subject.stored() != events:
        raise RuntimeError(f"expected {events} events stored, found {subject.stored()}")
    return elapsed


def run_replay(subject: Subject, events: int) -> float:
    """Read every event back in log order; the seconds it took."""
    gc.collect()
    started = time.perf_counter()
    count = total = 0
    for counter in subject.replay():
        count += 1
        total += counter
    elapsed = time.perf_counter() - started
    if (count, total) != (events, events * (events - 1) // 2):
        raise RuntimeError(f"replay read {count} events (counter sum {total}), not {events}")
    return elapsed


@dataclass
class Results:
    """Events per second of every run, and the durability settings each side ran with."""

    rates: dict[tuple[str, str, str], list[float]] = field(default_factory=dict)
    durability: dict[tuple[str, str], str] = field(default_factory=dict)

    def add(self, backend: str, measure: str, side: str, events: int, seconds: float) -> None:
        """Record one run and report it."""
        rate = events / seconds
        self.rates.setdefault((backend, measure, side), []).append(rate)
        print(
            f"  {backend:<8} {side:<6} {measure:<18} {rate:>9,.0f} events/s ({seconds:.1f} s)",
            flush=True,
        )

    def note_durability(self, backend: str, side: str, settings: str) -> None:
        """Record the settings a side ran with; stop if any two sides differ."""
        for (other_backend, other_side), other in self.durability.items():
            if other_backend == backend and other != settings:
                raise RuntimeError(
                    f"{backend}: unequal durability: {side} {settings} vs {other_side} {other}"
                )
        self.durability[(backend, side)] = settings

    def median(self, backend: str, measure: str, side: str) -> float:
        """The median events per second of one measure."""
        return statistics.median(self.rates[(backend, measure, side)])


def bench_side(backend: Backend, side: str, events: int, results: Results) -> None:
    """One repeat of every measure for one side on one backend, each on a fresh database."""
    streams = max(1, events // STREAM_LENGTH)
    sides: dict[str, Callable[[int], AbstractContextManager[tuple[Subject, str]]]] = {
        "ours": backend.hub, "peer": backend.peer, "writes": backend.writes,
        "bare": backend.bare,
    }
    open_side = sides[side]
    with open_side(streams) as (subject, settings):
        results.note_durability(backend.name, side, settings)
        seconds = run_append(subject, events, 1)
        results.add(backend.name, MEASURES[0], side, events, seconds)
        # A freshly loaded table has no statistics yet, and PostgreSQL would then scan and
        # sort it for every page; production tables are analysed by autovacuum.
        subject.analyse()
        results.add(backend.name, MEASURES[2], side, events, run_replay(subject, events))
    with open_side(streams) as (subject, _):
        seconds = run_append(subject, events, 10)
        results.add(backend.name, MEASURES[1], side, events, seconds)


def bench_backend(backend: Backend, events: int, repeats: int, results: Results) -> None:
    """Every measure, ``repeats`` times per side, rotating which side goes first."""
    for repeat in range(repeats):
        print(f"{backend.name}: run {repeat + 1} of {repeats}", flush=True)
        shift = repeat % len(SIDES)
        for side in SIDES[shift:] + SIDES[:shift]:
            bench_side(backend, side, events, results)


def profile_ours(backend: Backend, events: int, top: int) -> None:
    """Profile our store's append (1/command) and replay with cProfile and print the top."""
    with backend.hub(max(1, events // STREAM_LENGTH)) as (subject, _):
        for label, work in (
            ("append 1/command", lambda: run_append(subject, events, 1)),
            ("replay", lambda: run_replay(subject, events)),
        ):
            profiler = cProfile.Profile()
            profiler.runcall(work)
            print(f"\n== ours on {backend.name}: {label}, {events:,} events (cProfile) ==")
            pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(top)


def print_table(results: Results, backends: list[str], events: int, repeats: int) -> None:
    """The medians, per backend and measure, with the ratios ours / peer and bare / peer."""
    print(
        f"\nEvent store benchmark: {events:,} events, median of {repeats} run(s), events/s "
        "(higher is better); target ours/peer >= 1.5x"
    )
    header = (
        f"{'backend':<9}{'measure':<19}{'ours (hub)':>12}{'peer (es)':>12}{'ours/peer':>11}"
        f"{'our writes':>12}{'writes/peer':>13}{'bare driver':>13}{'bare/peer':>11}"
    )
    print(header)
    print("-" * len(header))
    for backend in backends:
        for measure in MEASURES:
            ours, peer, writes, bare = (
                results.median(backend, measure, side) for side in SIDES
            )
            print(
                f"{backend:<9}{measure:<19}{ours:>12,.0f}{peer:>12,.0f}{ours / peer:>10.2f}x"
                f"{writes:>12,.0f}{writes / peer:>12.2f}x{bare:>13,.0f}{bare / peer:>10.2f}x"
            )
    print("\ndurability (read back from each side's connections):")
    for backend in backends:
        print(f"  {backend}: {results.durability[(backend, 'ours')]} on every side")
    print("\nall runs (events/s):")
    for (backend, measure, side), rates in results.rates.items():
        runs = ", ".join(f"{rate:,.0f}" for rate in rates)
        print(f"  {backend:<8} {side:<6} {measure:<18} {runs}")


def positive_multiple_of_ten(value: str) -> int:
    """Argparse type for ``--events``: the 10/command measure needs whole commands."""
    number = int(value)
    if number <= 0 or number % 10:
        raise argparse.ArgumentTypeError("must be a positive multiple of 10")
    return number


def positive(value: str) -> int:
    """Argparse type for a count of at least one."""
    number = int(value)
    if number <= 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        description="Append then replay events on the hub's store and on eventsourcing.",
        epilog="Quick smoke test: --events 2000 --repeats 1",
    )
    parser.add_argument("--events", type=positive_multiple_of_ten, default=50_000)
    parser.add_argument("--repeats", type=positive, default=3, help="runs per measure")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("HUB_TEST_DATABASE_URL", ""),
        help="any database on the server (default: $HUB_TEST_DATABASE_URL); "
        "the bench_store_* databases are created and dropped beside it",
    )
    parser.add_argument(
        "--profile",
        type=positive,
        metavar="TOP",
        help="instead of comparing, profile our store (one run) and print the TOP functions",
    )
    return parser.parse_args(argv)


def backends_for(args: argparse.Namespace) -> list[Backend]:
    """The backends asked for that can be reached, saying why any is skipped."""
    backends = []
    if args.backend in ("sqlite", "both"):
        backends.append(Backend("sqlite"))
    if args.backend in ("postgres", "both"):
        postgres = (
            postgres_backend(args.postgres_url)
            if args.postgres_url
            else "no PostgreSQL URL (pass --postgres-url or set HUB_TEST_DATABASE_URL)"
        )
        if isinstance(postgres, str):
            print(f"skipping postgres: {postgres}", flush=True)
        else:
            backends.append(postgres)
    return backends


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 1 if no backend could run."""
    args = parse_args(argv)
    backends = backends_for(args)
    if not backends:
        return 1
    if args.profile:
        for backend in backends:
            profile_ours(backend, args.events, args.profile)
        return 0
    results = Results()
    for backend in backends:
        bench_backend(backend, args.events, args.repeats, results)
    print_table(results, [backend.name for backend in backends], args.events, args.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
