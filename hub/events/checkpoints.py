"""Checkpoints: how far each follower of the log has got, stored in the database."""

from __future__ import annotations

from sqlalchemy import Engine, insert, select, update

from hub.events.tables import checkpoints_table


def load_checkpoint(engine: Engine, name: str) -> int:
    """The position ``name`` has fully handled (0 if it never ran)."""
    with engine.connect() as conn:
        value = conn.execute(
            select(checkpoints_table.c.position).where(checkpoints_table.c.name == name)
        ).scalar()
    return int(value or 0)


def save_checkpoint(engine: Engine, name: str, position: int) -> None:
    """Record that ``name`` has handled everything up to ``position``."""
    with engine.begin() as conn:
        moved = conn.execute(
            update(checkpoints_table)
            .where(checkpoints_table.c.name == name)
            .values(position=position)
        ).rowcount
        if not moved:
            conn.execute(insert(checkpoints_table).values(name=name, position=position))
