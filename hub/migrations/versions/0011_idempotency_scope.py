"""idempotency scope: a key belongs to the organisation that sent it

The key alone was the primary key, so a key one organisation had used answered another
organisation's request with an error naming the first one's stream, and one organisation could
use up another's keys. Keys are now kept per ``scope`` (the acting organisation; empty for the
hub's own keys) and may be up to 255 characters. Each existing key takes the organisation
recorded on the first event it appended (the hub's scope when none was).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 08:00:00.000000
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0011'
down_revision: str | Sequence[str] | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _create(name: str, *, scoped: bool) -> None:
    columns = [
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=255 if scoped else 200),
                  nullable=False),
        sa.Column('stream_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('first_version', sa.Integer(), nullable=False),
        sa.Column('last_version', sa.Integer(), nullable=False),
    ]
    if scoped:
        columns.insert(0, sa.Column(
            'scope', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False
        ))
    op.create_table(
        name, *columns,
        sa.PrimaryKeyConstraint(*(('scope', 'key') if scoped else ('key',)),
                                name=f'{name}_pkey'),
        sqlite_with_rowid=False,
    )


def _meta_organisation(meta: object) -> str:
    # JSON columns come back parsed on PostgreSQL and as text on SQLite.
    data = json.loads(meta) if isinstance(meta, str) else meta
    return str((data or {}).get('organisation') or '') if isinstance(data, dict) else ''


def upgrade() -> None:
    _create('idempotency_keys_scoped', scoped=True)
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        'SELECT k.key, k.stream_id, k.first_version, k.last_version, e.meta '
        'FROM idempotency_keys k LEFT JOIN events e '
        'ON e.stream_id = k.stream_id AND e.version = k.first_version'
    )).all()
    if rows:
        conn.execute(
            sa.text(
                'INSERT INTO idempotency_keys_scoped '
                '(scope, key, stream_id, first_version, last_version) '
                'VALUES (:scope, :key, :stream_id, :first_version, :last_version)'
            ),
            [
                {'scope': _meta_organisation(r.meta), 'key': r.key, 'stream_id': r.stream_id,
                 'first_version': r.first_version, 'last_version': r.last_version}
                for r in rows
            ],
        )
    op.drop_table('idempotency_keys')
    op.rename_table('idempotency_keys_scoped', 'idempotency_keys')


def downgrade() -> None:
    # Back to one key for everyone: where several scopes used one key, the first scope's row
    # stays, and keys longer than the old limit go (a retry with one would append again).
    _create('idempotency_keys_global', scoped=False)
    op.execute(
        'INSERT INTO idempotency_keys_global (key, stream_id, first_version, last_version) '
        'SELECT k.key, k.stream_id, k.first_version, k.last_version FROM idempotency_keys k '
        'WHERE length(k.key) <= 200 AND k.scope = '
        '(SELECT MIN(j.scope) FROM idempotency_keys j WHERE j.key = k.key)'
    )
    op.drop_table('idempotency_keys')
    op.rename_table('idempotency_keys_global', 'idempotency_keys')
