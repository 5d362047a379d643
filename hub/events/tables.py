"""The event store's tables. They know nothing of the domain.

``events`` is append-only: one row per event, ``position`` global and increasing in commit
order. Its ``(stream_id, version)`` key is the stream's optimistic lock and its head: a stream's
version is the highest version it holds. ``event_workspaces`` indexes which workspaces may see
each event, so that "everything after position N that these workspaces may see" is an index
range scan.

Every index here is written on every append, so there are no others. On SQLite the tables keyed
by text are stored in their key's order (``WITHOUT ROWID``), one B-tree instead of a table and
an index: a durable commit writes one page fewer for each.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

# SQLite only auto-increments an INTEGER PRIMARY KEY, so BigInteger falls back to it there.
PositionType = BigInteger().with_variant(Integer(), "sqlite")


class StoredEvent(SQLModel, table=True):
    """One recorded event."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("stream_id", "version", name="uq_events_stream_version"),
    )

    position: int | None = Field(
        default=None, sa_column=Column(PositionType, primary_key=True, autoincrement=True)
    )
    # Not indexed (migration 0009): nothing reads an event by its id, and the store draws
    # every id itself as a time-ordered UUID.
    event_id: str = Field(max_length=36)
    stream_id: str = Field(max_length=200)
    stream_type: str = Field(max_length=60)
    version: int
    type: str = Field(max_length=120)
    schema_version: int
    data: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    meta: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    workspaces: list[str] = Field(sa_column=Column(JSON, nullable=False))
    recorded_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class EventWorkspace(SQLModel, table=True):
    """An event is visible in a workspace."""

    __tablename__ = "event_workspaces"
    __table_args__ = {"sqlite_with_rowid": False}

    workspace_id: str = Field(max_length=120, primary_key=True)
    position: int = Field(sa_column=Column(PositionType, primary_key=True))


MAX_IDEMPOTENCY_KEY = 255
"""The longest idempotency key a caller may send (longer ones are refused at the door)."""


class IdempotencyKey(SQLModel, table=True):
    """A command's idempotency key and the versions its first run appended.

    Keys belong to whoever sent them (``scope``: the acting organisation, empty for the hub's
    own keys), so one organisation can neither replay nor use up another's (migration 0011).
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = {"sqlite_with_rowid": False}

    scope: str = Field(max_length=120, primary_key=True)
    key: str = Field(max_length=MAX_IDEMPOTENCY_KEY, primary_key=True)
    stream_id: str = Field(max_length=200)
    first_version: int
    last_version: int


class Checkpoint(SQLModel, table=True):
    """How far a log follower (e.g. the dispatcher) has got."""

    __tablename__ = "checkpoints"

    name: str = Field(max_length=60, primary_key=True)
    position: int = Field(sa_column=Column(PositionType, nullable=False))


class DispatchedBatch(SQLModel, table=True):
    """A batch of events the dispatcher handed to the batch reactions' job, until it has run.

    The job lives only in Redis. Recorded before the job is queued and deleted once it has run,
    a batch whose job Redis lost is still here for a worker to run as it starts.
    """

    __tablename__ = "dispatched_batches"

    after_position: int = Field(
        sa_column=Column(PositionType, primary_key=True, autoincrement=False)
    )
    until_position: int = Field(sa_column=Column(PositionType, nullable=False))


events_table = StoredEvent.__table__  # type: ignore[attr-defined]
event_workspaces_table = EventWorkspace.__table__  # type: ignore[attr-defined]
idempotency_table = IdempotencyKey.__table__  # type: ignore[attr-defined]
checkpoints_table = Checkpoint.__table__  # type: ignore[attr-defined]
batches_table = DispatchedBatch.__table__  # type: ignore[attr-defined]
