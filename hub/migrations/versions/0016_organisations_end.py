"""organisations end: an organisation's last day and successors, and the directory changes
recorded (organisations ending on a date, carried out by the hub on that London date).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 10:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision: str = '0016'
down_revision: str | Sequence[str] | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('organisations') as batch:
        batch.add_column(sa.Column('valid_to', sa.Date(), nullable=True))
        batch.add_column(sa.Column('succeeded_by', sa.JSON(), nullable=True))
    op.create_table('directory_changes',
    sa.Column('change_id', AutoString(length=120), nullable=False),
    sa.Column('area_id', AutoString(length=120), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('ends', sa.JSON(), nullable=False),
    sa.Column('took_effect', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('change_id')
    )
    with op.batch_alter_table('directory_changes') as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_changes_area_id'), ['area_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('directory_changes') as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_changes_area_id'))
    op.drop_table('directory_changes')
    with op.batch_alter_table('organisations') as batch:
        batch.drop_column('succeeded_by')
        batch.drop_column('valid_to')
