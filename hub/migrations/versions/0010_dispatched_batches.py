"""dispatched batches: the dispatcher's batches whose job (the webhook fan-out) has not yet run

The job lives only in Redis; a batch recorded here until its job has run can be run again by a
worker starting after Redis lost it.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 00:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | Sequence[str] | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POSITION = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('dispatched_batches',
    sa.Column('after_position', POSITION, autoincrement=False, nullable=False),
    sa.Column('until_position', POSITION, nullable=False),
    sa.PrimaryKeyConstraint('after_position')
    )


def downgrade() -> None:
    op.drop_table('dispatched_batches')
