"""Alembic environment: runs migrations on the engine the hub hands it."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

# Importing these registers every table in SQLModel.metadata.
import hub.access.reset_tables
import hub.access.tables
import hub.events.tables
import hub.feeds.tables
import hub.mail.tables
import hub.projections
import hub.webhooks.tables  # noqa: F401

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
