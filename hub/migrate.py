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
    """Bring the database up to the newest schema."""
    command.upgrade(alembic_config(engine), "head")


def head_revision(engine: Engine) -> str | None:
    """The newest revision the code knows."""
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (``None`` when never migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def require_migrated(engine: Engine) -> None:
    """Raise :class:`DatabaseNotMigrated`, naming the command to run, if the schema is behind."""
    current, head = current_revision(engine), head_revision(engine)
    if current != head:
        raise DatabaseNotMigrated(
            f"the database is at revision {current or 'none'} but the code needs {head}: "
            "run `hub migrate` (with the same DATABASE_URL) and start again"
        )
