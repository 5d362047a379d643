"""Schema migrations with Alembic: upgrade, and the check that refuses an unmigrated database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


class DatabaseNotMigrated(RuntimeError):
    """The database is behind the code's schema."""


def alembic_config(engine: Engine) -> Config:
    """An Alembic config bound to ``engine`` (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Bring the database up to the newest schema (every head, should branches exist)."""
    command.upgrade(alembic_config(engine), "heads")


def head_revisions(engine: Engine) -> set[str]:
    """The newest revisions the code knows."""
    return set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    """The revisions the database is at (empty when never migrated)."""
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def require_migrated(engine: Engine) -> None:
    """Raise :class:`DatabaseNotMigrated`, naming the command to run, if the schema is behind."""
    current, heads = current_revisions(engine), head_revisions(engine)
    if current != heads:
        raise DatabaseNotMigrated(
            f"the database is at revision {', '.join(sorted(current)) or 'none'} but the code "
            f"needs {', '.join(sorted(heads))}: run `hub migrate` (with the same DATABASE_URL) "
            "and start again"
        )
