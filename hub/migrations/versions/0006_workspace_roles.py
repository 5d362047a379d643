"""workspace roles: a read model of the workspace.role_assigned events

The ``workspace_roles`` table of 0001 was never written to; it is replaced by the projection's
shape, which also keeps each user's organisation (so its leaving a workspace ends their roles)
and is keyed by workspace first.

Revision ID: 0006_workspace_roles
Revises: 0001
Create Date: 2026-11-24 09:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

# Named rather than numbered, like any branch of 0001 written alongside others.
revision: str = '0006_workspace_roles'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_table('workspace_roles')
    op.create_table('workspace_roles',
    sa.Column('workspace_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('organisation_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.PrimaryKeyConstraint('workspace_id', 'user_id')
    )
    with op.batch_alter_table('workspace_roles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workspace_roles_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('workspace_roles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workspace_roles_user_id'))

    op.drop_table('workspace_roles')
    op.create_table('workspace_roles',
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('workspace_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.PrimaryKeyConstraint('user_id', 'workspace_id')
    )
