"""a language per user: the one a person chose for their pages, live activity and mail
(issue 19, "Ready for Welsh"). Empty follows the browser's Accept-Language, as before.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 13:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision: str = '0018'
down_revision: str | Sequence[str] | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('locale', AutoString(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.drop_column('locale')
