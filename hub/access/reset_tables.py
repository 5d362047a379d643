"""The password reset table: single-use, expiring tokens, stored only as SHA-256 digests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel


def _when(nullable: bool = False) -> Column:  # type: ignore[type-arg]
    return Column(DateTime(timezone=True), nullable=nullable)


class PasswordReset(SQLModel, table=True):
    """A link, mailed to a user, that sets a new password once before it expires."""

    __tablename__ = "password_resets"

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(max_length=36, index=True)
    created_at: datetime = Field(sa_column=_when())
    expires_at: datetime = Field(sa_column=_when())
    used_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))


password_resets_table = PasswordReset.__table__  # type: ignore[attr-defined]
