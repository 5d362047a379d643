"""the law corrected: the statutory standing of a policing body, and reg 14A's stated purpose

``police_areas`` records whether reg 14A's power applies (MOPAC, by the operator) and when a
Police and Crime Board's powers commence; ``meetings`` carries the statutory purpose a reg 14A
meeting states; ``report_requests`` the s.6 confirmation and whether publication was required
(s.7(3)); ``csps`` the further police areas a combined CSP belongs to.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 07:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | Sequence[str] | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('police_areas') as batch:
        batch.add_column(sa.Column('reg14a_recorded', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('commenced_on', sa.Date(), nullable=True))
    with op.batch_alter_table('meetings') as batch:
        batch.add_column(sa.Column('statutory_purpose', sa.Text(), nullable=True))
    with op.batch_alter_table('csps') as batch:
        batch.add_column(sa.Column('other_area_ids', sa.JSON(), nullable=False,
                                   server_default='[]'))
    with op.batch_alter_table('report_requests') as batch:
        batch.add_column(sa.Column('s6_functions_confirmed', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('publication_required', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('csps') as batch:
        batch.drop_column('other_area_ids')
    with op.batch_alter_table('report_requests') as batch:
        batch.drop_column('publication_required')
        batch.drop_column('s6_functions_confirmed')
    with op.batch_alter_table('meetings') as batch:
        batch.drop_column('statutory_purpose')
    with op.batch_alter_table('police_areas') as batch:
        batch.drop_column('commenced_on')
        batch.drop_column('reg14a_recorded')
