"""duties and reports: the Section 10 duty register and s.7 report requests

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('cj_arrangement_parties',
    sa.Column('arrangement_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('organisation_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('agreed', sa.Boolean(), nullable=False),
    sa.Column('signatory', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.PrimaryKeyConstraint('arrangement_id', 'organisation_id')
    )
    with op.batch_alter_table('cj_arrangement_parties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cj_arrangement_parties_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('cj_arrangements',
    sa.Column('arrangement_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('area_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('devolved_function', sa.Boolean(), nullable=False),
    sa.Column('review_on', sa.Date(), nullable=False),
    sa.Column('in_force_from', sa.Date(), nullable=True),
    sa.Column('last_reviewed_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('policing_body_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('arrangement_id')
    )
    with op.batch_alter_table('cj_arrangements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cj_arrangements_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cj_arrangements_status'), ['status'], unique=False)

    op.create_table('police_crime_plans',
    sa.Column('plan_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('area_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('objectives', sa.JSON(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('policing_body_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('plan_id')
    )
    with op.batch_alter_table('police_crime_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_police_crime_plans_area_id'), ['area_id'], unique=False)

    op.create_table('priorities',
    sa.Column('priority_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('organisation_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('area_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('csp_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('theme', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('source_kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('source_title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('source_url', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('devolved_function', sa.Boolean(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('priority_id')
    )
    with op.batch_alter_table('priorities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_priorities_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_priorities_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('reciprocal_regard_objectives',
    sa.Column('regard_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('objective_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
    sa.PrimaryKeyConstraint('regard_id', 'objective_id')
    )
    op.create_table('reciprocal_regards',
    sa.Column('regard_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('organisation_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('area_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('csp_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('strategy_title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('strategy_url', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('plan_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('plan_revision', sa.Integer(), nullable=False),
    sa.Column('finalised', sa.Boolean(), nullable=False),
    sa.Column('unconsidered', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('regard_id')
    )
    with op.batch_alter_table('reciprocal_regards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reciprocal_regards_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reciprocal_regards_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('regard_decision_priorities',
    sa.Column('decision_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('priority_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('theme', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('devolved_function', sa.Boolean(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
    sa.PrimaryKeyConstraint('decision_id', 'priority_id')
    )
    op.create_table('regard_decisions',
    sa.Column('decision_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('area_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('finalised', sa.Boolean(), nullable=False),
    sa.Column('policing_body_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('unconsidered', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('decision_id')
    )
    with op.batch_alter_table('regard_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_regard_decisions_area_id'), ['area_id'], unique=False)

    op.create_table('report_attachments',
    sa.Column('attachment_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('media_type', sqlmodel.sql.sqltypes.AutoString(length=127), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('by_organisation', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.PrimaryKeyConstraint('attachment_id')
    )
    with op.batch_alter_table('report_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_attachments_request_id'), ['request_id'], unique=False)

    op.create_table('report_request_authorities',
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('organisation_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('acknowledged', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('request_id', 'organisation_id')
    )
    with op.batch_alter_table('report_request_authorities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_request_authorities_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('report_requests',
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('area_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('csp_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('overdue', sa.Boolean(), nullable=False),
    sa.Column('requester_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('requested_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('extension_asked_to', sa.Date(), nullable=True),
    sa.Column('addressed', sa.JSON(), nullable=False),
    sa.Column('devolved_functions_excluded', sa.Boolean(), nullable=False),
    sa.Column('submitted_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('submitted_late', sa.Boolean(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('publication_location', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('reminders_sent', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('request_id')
    )
    with op.batch_alter_table('report_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_requests_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_requests_csp_id'), ['csp_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_requests_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_requests_requester_id'), ['requester_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_requests_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('report_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_requests_status'))
        batch_op.drop_index(batch_op.f('ix_report_requests_requester_id'))
        batch_op.drop_index(batch_op.f('ix_report_requests_due_on'))
        batch_op.drop_index(batch_op.f('ix_report_requests_csp_id'))
        batch_op.drop_index(batch_op.f('ix_report_requests_area_id'))

    op.drop_table('report_requests')
    with op.batch_alter_table('report_request_authorities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_request_authorities_organisation_id'))

    op.drop_table('report_request_authorities')
    with op.batch_alter_table('report_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_attachments_request_id'))

    op.drop_table('report_attachments')
    with op.batch_alter_table('regard_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_regard_decisions_area_id'))

    op.drop_table('regard_decisions')
    op.drop_table('regard_decision_priorities')
    with op.batch_alter_table('reciprocal_regards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reciprocal_regards_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_reciprocal_regards_area_id'))

    op.drop_table('reciprocal_regards')
    op.drop_table('reciprocal_regard_objectives')
    with op.batch_alter_table('priorities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_priorities_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_priorities_area_id'))

    op.drop_table('priorities')
    with op.batch_alter_table('police_crime_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_police_crime_plans_area_id'))

    op.drop_table('police_crime_plans')
    with op.batch_alter_table('cj_arrangements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cj_arrangements_status'))
        batch_op.drop_index(batch_op.f('ix_cj_arrangements_area_id'))

    op.drop_table('cj_arrangements')
    with op.batch_alter_table('cj_arrangement_parties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cj_arrangement_parties_organisation_id'))

    op.drop_table('cj_arrangement_parties')
