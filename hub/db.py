"""Database engines: SQLite (embedded) and PostgreSQL (production), configured for the store.

SQLite runs in WAL mode with ``synchronous=FULL`` (durable commits) and every transaction starts
``BEGIN IMMEDIATE``, so writers queue on the database lock instead of failing on upgrade;
connections marked :data:`READ_ONLY` begin deferred and read a snapshot.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, overload

import orjson
from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url

READ_ONLY = "hub_read_only"
"""Execution option marking a connection that only reads; SQLite then begins it deferred."""


def dump_json(value: Any) -> str:
    """``value`` as compact JSON text; every JSON column is written through this."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


# orjson parses and writes JSON several times faster than the standard library, and replaying
# the log is mostly JSON decoding (see bench/store.py).
JSON_CODECS: dict[str, Any] = {"json_serializer": dump_json, "json_deserializer": orjson.loads}


@overload
def aware(value: datetime) -> datetime: ...
@overload
def aware(value: None) -> None: ...
def aware(value: datetime | None) -> datetime | None:
    """A stored instant as an aware datetime: SQLite hands them back naive, and every instant
    the hub stores is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def is_sqlite(engine: Engine) -> bool:
    """True when the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


def make_engine(url: str, *, synchronous: str = "FULL", pool_size: int = 10) -> Engine:
    """Create an engine for ``url`` with the settings the event store relies on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, synchronous)
    engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size, **JSON_CODECS)
    _ping_idle_connections(engine)
    return engine


PING_AFTER_IDLE = 1.0
"""Seconds a pooled PostgreSQL connection may rest before its next checkout pings it first."""


def _ping_idle_connections(engine: Engine) -> None:
    """Ping a pooled connection on checkout when it has rested :data:`PING_AFTER_IDLE` or more.

    A connection that rested may have been cut by a database restart or a network idle timeout,
    and the ping replaces it before anyone uses it. Pinging every checkout (SQLAlchemy's
    ``pool_pre_ping``) cost a round trip on each append, about 15% of a durable one; one used
    within the last second is almost certainly still there (HikariCP skips its check in the
    same way). If the database restarts within that second, the first statement fails instead,
    SQLAlchemy sees the disconnect and refreshes the whole pool, and nothing is half-written:
    the transaction simply did not happen.
    """

    @event.listens_for(engine, "checkin")
    def _rested_from(_dbapi_connection: Any, record: Any) -> None:
        record.info["rested_from"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_rested(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        rested_from = record.info.get("rested_from")
        if rested_from is None or time.monotonic() - rested_from < PING_AFTER_IDLE:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error:
            alive = False
        if not alive:
            # The pool discards this connection and checks out another (a fresh one if need be).
            raise exc.DisconnectionError("a pooled connection did not answer its ping")


def _sqlite_engine(url: str, synchronous: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": 30}, **JSON_CODECS
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Autocommit at the driver level: SQLAlchemy's "begin" hook below issues BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Readers take a plain (deferred) snapshot so that they never queue behind writers.
        # Sent on the driver's connection: SQLAlchemy's execution path added about 10 us to
        # every transaction, a tenth of a one-event append's CPU (bench/store.py).
        begin = "BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE"
        conn.connection.driver_connection.execute(begin)

    return engine
