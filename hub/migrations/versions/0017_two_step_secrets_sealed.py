"""two-step secrets sealed at rest

The TOTP secrets were stored as they are. They must be read back to check a code, so they
cannot be hashed: each is sealed with AES-256-GCM under a key derived from
``HUB_TWO_STEP_KEY`` (else ``HUB_SECRET_KEY``), bound to its user, and the column is widened
for the sealed form. Run ``hub migrate`` with the same key the web processes use. Going down
opens them again.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 11:00:00.000000
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

from hub.access.secrets import Sealer
from hub.settings import Settings

revision: str = '0017'
down_revision: str | Sequence[str] | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _rewrite(change: Callable[[str, str], str]) -> None:
    rows = op.get_bind().execute(sa.text("SELECT user_id, secret FROM two_step")).all()
    for user_id, secret in rows:
        op.get_bind().execute(
            sa.text("UPDATE two_step SET secret = :secret WHERE user_id = :user_id"),
            {"secret": change(secret, user_id), "user_id": user_id},
        )


def upgrade() -> None:
    with op.batch_alter_table('two_step') as batch:
        batch.alter_column('secret', type_=AutoString(length=255),
                           existing_type=AutoString(length=64), existing_nullable=False)
    _rewrite(Sealer(Settings.from_env().two_step_material).seal)


def downgrade() -> None:
    _rewrite(Sealer(Settings.from_env().two_step_material).open)
    with op.batch_alter_table('two_step') as batch:
        batch.alter_column('secret', type_=AutoString(length=64),
                           existing_type=AutoString(length=255), existing_nullable=False)
