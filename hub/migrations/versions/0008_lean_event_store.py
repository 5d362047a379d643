"""lean event store: a stream's head is its highest version; no index nothing reads

An append wrote a ``streams`` row (the head) beside its events, and every event went into an
index on ``events.type`` that no query used. The head was the same fact as the highest version
in the ``(stream_id, version)`` key, so the store now reads it from there and both go. On SQLite
``event_workspaces`` and ``idempotency_keys`` become ``WITHOUT ROWID`` tables (one B-tree
instead of a table and its key's index). Each change is one page fewer in every durable commit.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 12:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0008'
down_revision: str | Sequence[str] | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POSITION = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _event_workspaces(name: str, *, with_rowid: bool) -> None:
    op.create_table(
        name,
        sa.Column('workspace_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column('position', POSITION, nullable=False),
        sa.PrimaryKeyConstraint('workspace_id', 'position'),
        sqlite_with_rowid=with_rowid,
    )


def _idempotency_keys(name: str, *, with_rowid: bool) -> None:
    op.create_table(
        name,
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('stream_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('first_version', sa.Integer(), nullable=False),
        sa.Column('last_version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
        sqlite_with_rowid=with_rowid,
    )


def _rebuild_on_sqlite(*, with_rowid: bool) -> None:
    """SQLite cannot change a table's storage in place: copy each into a new one."""
    if op.get_bind().dialect.name != 'sqlite':
        return
    for table, create in (
        ('event_workspaces', _event_workspaces),
        ('idempotency_keys', _idempotency_keys),
    ):
        create(f'{table}_new', with_rowid=with_rowid)
        op.execute(f'INSERT INTO {table}_new SELECT * FROM {table}')
        op.drop_table(table)
        op.rename_table(f'{table}_new', table)


def upgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_type')
    with op.batch_alter_table('streams', schema=None) as batch_op:
        batch_op.drop_index('ix_streams_type')
    op.drop_table('streams')
    _rebuild_on_sqlite(with_rowid=False)


def downgrade() -> None:
    _rebuild_on_sqlite(with_rowid=True)
    op.create_table(
        'streams',
        sa.Column('stream_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('stream_type', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('stream_id'),
    )
    with op.batch_alter_table('streams', schema=None) as batch_op:
        batch_op.create_index('ix_streams_type', ['stream_type'], unique=False)
    op.execute(
        'INSERT INTO streams (stream_id, stream_type, version) '
        'SELECT stream_id, min(stream_type), max(version) FROM events GROUP BY stream_id'
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_type', ['type'], unique=False)
