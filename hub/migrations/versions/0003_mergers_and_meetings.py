"""mergers and joint meetings

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-24 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0003'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('mergers',
    sa.Column('merger_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('area_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('area_ids', sa.JSON(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('question', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('blocked', sa.Boolean(), nullable=False),
    sa.Column('parties_total', sa.Integer(), nullable=False),
    sa.Column('parties_consented', sa.Integer(), nullable=False),
    sa.Column('proposed_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('combined_csp_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('purposes', sa.JSON(), nullable=False),
    sa.Column('cross_force', sa.Boolean(), nullable=False),
    sa.Column('cooperation_arrangements', sa.Text(), nullable=True),
    sa.Column('requested_by_csp', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('constituents', sa.JSON(), nullable=False),
    sa.Column('proposed_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('proposer_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('pending_change', sa.JSON(), nullable=True),
    sa.Column('made_on', sa.Date(), nullable=True),
    sa.Column('took_effect_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('merger_id')
    )
    op.create_index(op.f('ix_mergers_area_id'), 'mergers', ['area_id'], unique=False)
    op.create_index(op.f('ix_mergers_proposer_id'), 'mergers', ['proposer_id'], unique=False)
    op.create_index(op.f('ix_mergers_status'), 'mergers', ['status'], unique=False)
    op.create_table('merger_parties',
    sa.Column('merger_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('party_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('organisation_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('area_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('external', sa.Boolean(), nullable=False),
    sa.Column('word', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('signatory', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('signatory_role', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('document_title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('document_reference', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('entered_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.PrimaryKeyConstraint('merger_id', 'party_id')
    )
    op.create_index(op.f('ix_merger_parties_organisation_id'), 'merger_parties', ['organisation_id'], unique=False)
    op.create_table('meetings',
    sa.Column('meeting_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('area_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('online_link', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('agenda', sa.JSON(), nullable=False),
    sa.Column('papers', sa.JSON(), nullable=False),
    sa.Column('workspace_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('convened_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('convenor_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('cancel_reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('held_automatically', sa.Boolean(), nullable=True),
    sa.Column('required_declines', sa.Integer(), nullable=False),
    sa.Column('minutes_status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('minutes_draft', sa.Integer(), nullable=False),
    sa.Column('minutes_text', sa.Text(), nullable=True),
    sa.Column('minutes_document', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('open_actions', sa.Integer(), nullable=False),
    sa.Column('reminded_for', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('meeting_id')
    )
    op.create_index(op.f('ix_meetings_area_id'), 'meetings', ['area_id'], unique=False)
    op.create_index(op.f('ix_meetings_convenor_id'), 'meetings', ['convenor_id'], unique=False)
    op.create_index(op.f('ix_meetings_starts_at'), 'meetings', ['starts_at'], unique=False)
    op.create_index(op.f('ix_meetings_status'), 'meetings', ['status'], unique=False)
    op.create_table('meeting_invitations',
    sa.Column('meeting_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('organisation_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('response', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('representatives', sa.JSON(), nullable=False),
    sa.Column('delegate', sa.JSON(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('meeting_id', 'organisation_id')
    )
    op.create_index(op.f('ix_meeting_invitations_organisation_id'), 'meeting_invitations', ['organisation_id'], unique=False)
    op.create_table('meeting_actions',
    sa.Column('meeting_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('action_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner_organisation_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('reminded', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('meeting_id', 'action_id')
    )
    op.create_index(op.f('ix_meeting_actions_due_on'), 'meeting_actions', ['due_on'], unique=False)
    op.create_index(op.f('ix_meeting_actions_owner_organisation_id'), 'meeting_actions', ['owner_organisation_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_meeting_actions_owner_organisation_id'), table_name='meeting_actions')
    op.drop_index(op.f('ix_meeting_actions_due_on'), table_name='meeting_actions')
    op.drop_table('meeting_actions')
    op.drop_index(op.f('ix_meeting_invitations_organisation_id'), table_name='meeting_invitations')
    op.drop_table('meeting_invitations')
    op.drop_index(op.f('ix_meetings_status'), table_name='meetings')
    op.drop_index(op.f('ix_meetings_starts_at'), table_name='meetings')
    op.drop_index(op.f('ix_meetings_convenor_id'), table_name='meetings')
    op.drop_index(op.f('ix_meetings_area_id'), table_name='meetings')
    op.drop_table('meetings')
    op.drop_index(op.f('ix_merger_parties_organisation_id'), table_name='merger_parties')
    op.drop_table('merger_parties')
    op.drop_index(op.f('ix_mergers_status'), table_name='mergers')
    op.drop_index(op.f('ix_mergers_proposer_id'), table_name='mergers')
    op.drop_index(op.f('ix_mergers_area_id'), table_name='mergers')
    op.drop_table('mergers')
