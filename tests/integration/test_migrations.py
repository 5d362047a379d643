"""Migrations and models agree: a migrated database has exactly the tables the code declares."""

from __future__ import annotations

from alembic import command

from hub.bootstrap import Hub
from hub.migrate import alembic_config, current_revisions, head_revisions, require_migrated


def test_the_migrations_create_exactly_the_declared_schema(hub: Hub) -> None:
    require_migrated(hub.engine)
    assert current_revisions(hub.engine) == head_revisions(hub.engine)
    # Raises when autogenerate would find any difference between models and database.
    command.check(alembic_config(hub.engine))
