"""search: the search_entries read model, and the database's own full-text index over it
(an FTS5 table kept by triggers on SQLite; a GIN index on the English tsvector on PostgreSQL).
Rebuild the read models afterwards (`hub projections rebuild`) to index existing records.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision: str = '0015'
down_revision: str | Sequence[str] | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The entries are the FTS5 table's external content; these triggers keep the index in step
# with every insert, update and delete (a projection rebuild's included).
_SQLITE = (
    "CREATE VIRTUAL TABLE search_text USING fts5(title, body, content='search_entries', "
    "content_rowid='entry_id', tokenize='porter unicode61')",
    "CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN "
    "INSERT INTO search_text(rowid, title, body) VALUES (new.entry_id, new.title, new.body); "
    "END",
    "CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN "
    "INSERT INTO search_text(search_text, rowid, title, body) "
    "VALUES ('delete', old.entry_id, old.title, old.body); END",
    "CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN "
    "INSERT INTO search_text(search_text, rowid, title, body) "
    "VALUES ('delete', old.entry_id, old.title, old.body); "
    "INSERT INTO search_text(rowid, title, body) VALUES (new.entry_id, new.title, new.body); "
    "END",
)
# The expression must stay identical to hub.queries.search's, or the planner ignores the index.
_POSTGRES = (
    "CREATE INDEX ix_search_entries_document ON search_entries "
    "USING gin (to_tsvector('english', title || ' ' || body))",
)


def upgrade() -> None:
    op.create_table('search_entries',
    sa.Column('entry_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('record_type', AutoString(length=20), nullable=False),
    sa.Column('record_id', AutoString(length=120), nullable=False),
    sa.Column('area_id', AutoString(length=120), nullable=False),
    sa.Column('csp_id', AutoString(length=120), nullable=True),
    sa.Column('title', AutoString(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('dated', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('entry_id'),
    sa.UniqueConstraint('record_type', 'record_id')
    )
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_entries_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_entries_csp_id'), ['csp_id'], unique=False)
    for statement in _SQLITE if op.get_context().dialect.name == "sqlite" else _POSTGRES:
        op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        for name in ("search_entries_ai", "search_entries_ad", "search_entries_au"):
            op.execute(f"DROP TRIGGER {name}")
        op.execute("DROP TABLE search_text")
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_entries_csp_id'))
        batch_op.drop_index(batch_op.f('ix_search_entries_area_id'))
    op.drop_table('search_entries')
