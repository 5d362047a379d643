"""Read-only connections for feeds: they never take SQLite's write lock, so the calendar
clients' polling never queues behind, or holds up, a command."""

from __future__ import annotations

from sqlalchemy import Connection, Engine

from hub.db import READ_ONLY, is_sqlite


def reader(engine: Engine) -> Connection:
    """A connection for a few independent reads."""
    return engine.connect().execution_options(**{READ_ONLY: True})


def snapshot(engine: Engine) -> Connection:
    """A connection whose reads all see one committed state (a feed is rendered from one).

    SQLite's deferred read transaction is a snapshot already; PostgreSQL needs REPEATABLE READ.
    """
    if is_sqlite(engine):
        return reader(engine)
    return engine.connect().execution_options(
        **{READ_ONLY: True}, isolation_level="REPEATABLE READ"
    )
