"""agreements end with their combined CSP: when a reorganisation ends a combined CSP by law,
the merger records the CSP's last day, the CSP that arose in its place and the council whose
area that CSP is for.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 13:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision: str = '0019'
down_revision: str | Sequence[str] | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('mergers') as batch:
        batch.add_column(sa.Column('csp_ended_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('succeeded_by_csp', AutoString(length=120), nullable=True))
        batch.add_column(sa.Column('arose_for', AutoString(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('mergers') as batch:
        batch.drop_column('arose_for')
        batch.drop_column('succeeded_by_csp')
        batch.drop_column('csp_ended_on')
