"""The calendar feeds table: whose each feed is, what it shows, and its token's digest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel


def _when(nullable: bool = False) -> Column:  # type: ignore[type-arg]
    return Column(DateTime(timezone=True), nullable=nullable)


class CalendarFeedRow(SQLModel, table=True):
    """A calendar feed. The token in its URL is stored only as a SHA-256 digest."""

    __tablename__ = "calendar_feeds"

    feed_id: str = Field(primary_key=True, max_length=36)
    token_hash: str = Field(max_length=64, unique=True)
    kind: str = Field(max_length=20)
    name: str = Field(max_length=200)
    organisation_id: str = Field(max_length=120, index=True)
    workspace_id: str | None = Field(default=None, max_length=120)
    created_by: str = Field(max_length=36, index=True)
    created_at: datetime = Field(sa_column=_when())
    rotated_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    last_used_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    revoked_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))


calendar_feeds = CalendarFeedRow.__table__  # type: ignore[attr-defined]
