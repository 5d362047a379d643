"""no event id index: the store draws every event id itself, and nothing looks one up

``events.event_id`` had a unique index. Nothing reads an event by its id (consumers de-duplicate
on the id they were sent), and the store draws each id itself as a time-ordered UUID (version 7),
unique by construction. The index was written on every append: 1.3 pages of each one-event
durable commit on SQLite and 2.5 of each ten-event one (bench/store.py), so it goes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 16:45:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0009'
down_revision: str | Sequence[str] | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 0001 left the constraint unnamed. PostgreSQL named it; SQLite's batch mode (which copies the
# table) finds it by this convention's name.
NAMING = {'uq': '%(table_name)s_%(column_0_name)s_key'}
CONSTRAINT = 'events_event_id_key'


def upgrade() -> None:
    with op.batch_alter_table('events', naming_convention=NAMING) as batch_op:
        batch_op.drop_constraint(CONSTRAINT, type_='unique')


def downgrade() -> None:
    with op.batch_alter_table('events', naming_convention=NAMING) as batch_op:
        batch_op.create_unique_constraint(CONSTRAINT, ['event_id'])
