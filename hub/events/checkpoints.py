"""Checkpoints: how far each follower of the log has got, stored in the database; and the
dispatcher's batches whose job has not yet run."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Engine, Table, delete, insert, select, update

from hub.events.tables import batches_table, checkpoints_table


def load_checkpoint(engine: Engine, name: str) -> int:
    """The position ``name`` has fully handled (0 if it never ran)."""
    with engine.connect() as conn:
        value = conn.execute(
            select(checkpoints_table.c.position).where(checkpoints_table.c.name == name)
        ).scalar()
    return int(value or 0)


def save_checkpoint(engine: Engine, name: str, position: int) -> None:
    """Record that ``name`` has handled everything up to ``position``."""
    _put(engine, checkpoints_table, checkpoints_table.c.name, name, position=position)


def record_batch(engine: Engine, after: int, until: int) -> None:
    """Record that the events after ``after`` up to ``until`` are handed to a batch job.

    A batch dispatched again after a crash may reach further: the record keeps the furthest.
    """
    _put(engine, batches_table, batches_table.c.after_position, after, until_position=until)


def finish_batch(engine: Engine, after: int, until: int) -> None:
    """Forget a batch whose job has run (unless a later dispatch of it reaches further)."""
    batch = batches_table.c
    with engine.begin() as conn:
        conn.execute(
            delete(batches_table)
            .where(batch.after_position == after, batch.until_position <= until)
        )


def unfinished_batches(engine: Engine) -> list[tuple[int, int]]:
    """The batches handed to a job that has not run, oldest first, as ``(after, until)``."""
    batch = batches_table.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(batch.after_position, batch.until_position).order_by(batch.after_position)
        ).all()
    return [(int(after), int(until)) for after, until in rows]


def _put(engine: Engine, table: Table, key: Column[Any], value: Any, **values: Any) -> None:
    """Set ``values`` on the row whose ``key`` is ``value``, adding the row if there is none.

    Each row has one writer (its follower; the dispatcher runs under a lease), so the two steps
    do not race.
    """
    with engine.begin() as conn:
        if not conn.execute(update(table).where(key == value).values(**values)).rowcount:
            conn.execute(insert(table).values({key.name: value, **values}))
