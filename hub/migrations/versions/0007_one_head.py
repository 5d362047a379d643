"""one head: join the record branches that each grew from 0001

Duties and reports, mergers and meetings, webhooks, calendar feeds and workspace roles were
each added as a branch of 0001. This empty revision joins them, so the next migration has one
parent and ``alembic heads`` names one revision.

Revision ID: 0007
Revises: 0002, 0003, 0004, 0005, 0006_workspace_roles
Create Date: 2026-11-24 10:20:00.000000
"""

from collections.abc import Sequence

revision: str = '0007'
down_revision: str | Sequence[str] | None = (
    '0002', '0003', '0004', '0005', '0006_workspace_roles',
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
