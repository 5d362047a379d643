"""webhooks: endpoints, their signing secrets, messages and delivery attempts

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-24 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0004'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('webhook_attempts',
    sa.Column('attempt_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('endpoint_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('latency_ms', sa.Integer(), nullable=True),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('response_body', sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=True),
    sa.PrimaryKeyConstraint('attempt_id')
    )
    with op.batch_alter_table('webhook_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_attempts_endpoint_id'), ['endpoint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_webhook_attempts_message_id'), ['message_id'], unique=False)

    op.create_table('webhook_endpoints',
    sa.Column('endpoint_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('organisation_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('event_types', sa.JSON(), nullable=False),
    sa.Column('workspace_ids', sa.JSON(), nullable=True),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('handshake_required', sa.Boolean(), nullable=False),
    sa.Column('validated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handshake_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('disabled_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('failing_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('endpoint_id')
    )
    with op.batch_alter_table('webhook_endpoints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_endpoints_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_webhook_endpoints_state'), ['state'], unique=False)

    op.create_table('webhook_messages',
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('endpoint_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('event_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('position', sa.BigInteger(), nullable=True),
    sa.Column('event_type', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('message_id'),
    sa.UniqueConstraint('endpoint_id', 'event_id', name='uq_webhook_messages_endpoint_event')
    )
    with op.batch_alter_table('webhook_messages', schema=None) as batch_op:
        batch_op.create_index('ix_webhook_messages_endpoint_created', ['endpoint_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_webhook_messages_status'), ['status'], unique=False)

    op.create_table('webhook_secrets',
    sa.Column('secret_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('endpoint_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('secret', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('secret_id')
    )
    with op.batch_alter_table('webhook_secrets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_secrets_endpoint_id'), ['endpoint_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('webhook_secrets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_secrets_endpoint_id'))

    op.drop_table('webhook_secrets')
    with op.batch_alter_table('webhook_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_messages_status'))
        batch_op.drop_index('ix_webhook_messages_endpoint_created')

    op.drop_table('webhook_messages')
    with op.batch_alter_table('webhook_endpoints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_endpoints_state'))
        batch_op.drop_index(batch_op.f('ix_webhook_endpoints_organisation_id'))

    op.drop_table('webhook_endpoints')
    with op.batch_alter_table('webhook_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_attempts_message_id'))
        batch_op.drop_index(batch_op.f('ix_webhook_attempts_endpoint_id'))

    op.drop_table('webhook_attempts')
