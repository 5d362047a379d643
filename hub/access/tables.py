"""Accounts: users, sessions, invitations, API clients and sign-in attempts.

Secrets (passwords, session ids, invitation and API tokens) are never stored: passwords as
argon2 hashes, tokens as SHA-256 digests of values with 256 bits of entropy.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Column, DateTime
from sqlmodel import Field, SQLModel


def _when(nullable: bool = False) -> Column:  # type: ignore[type-arg]
    return Column(DateTime(timezone=True), nullable=nullable)


class User(SQLModel, table=True):
    """A person who signs in, belonging to one organisation."""

    __tablename__ = "users"

    user_id: str = Field(primary_key=True, max_length=36)
    email: str = Field(max_length=254, unique=True)
    name: str = Field(max_length=200)
    organisation_id: str = Field(max_length=120, index=True)
    role: str = Field(max_length=20)
    password_hash: str = Field(max_length=200)
    disabled: bool = False
    created_at: datetime = Field(sa_column=_when())
    locale: str | None = Field(default=None, max_length=20)
    """The language they chose for pages and mail (``hub.i18n``); None follows the browser."""


class TwoStep(SQLModel, table=True):
    """A user's second sign-in step (RFC 6238 TOTP), unconfirmed until a first code is right.

    Recovery codes are stored as SHA-256 digests (they are random, like tokens); the secret
    must be read back, since each code is computed from it, so it is stored sealed.
    """

    __tablename__ = "two_step"

    user_id: str = Field(primary_key=True, max_length=36)
    secret: str = Field(max_length=255)
    """The TOTP secret, sealed (:class:`hub.access.secrets.Sealer`)."""
    confirmed_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    last_step: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    """The time step of the last code accepted: a code is good once (RFC 6238 section 5.2)."""
    recovery_hashes: list[str] = Field(sa_column=Column(JSON, nullable=False))


class Session(SQLModel, table=True):
    """A signed-in browser session (server-side; the cookie holds only a random id)."""

    __tablename__ = "sessions"

    session_hash: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(max_length=36, index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=_when())
    expires_at: datetime = Field(sa_column=_when())


class Invitation(SQLModel, table=True):
    """A single-use, expiring invitation to join an organisation."""

    __tablename__ = "invitations"

    token_hash: str = Field(primary_key=True, max_length=64)
    email: str = Field(max_length=254)
    organisation_id: str = Field(max_length=120, index=True)
    role: str = Field(max_length=20)
    invited_by: str = Field(max_length=36)
    created_at: datetime = Field(sa_column=_when())
    expires_at: datetime = Field(sa_column=_when())
    used_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))


class ApiClient(SQLModel, table=True):
    """A partner system's API token, scoped to one organisation."""

    __tablename__ = "api_clients"

    client_id: str = Field(primary_key=True, max_length=36)
    token_hash: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    organisation_id: str = Field(max_length=120, index=True)
    permissions: list[str] = Field(sa_column=Column(JSON, nullable=False))
    created_by: str = Field(max_length=36)
    created_at: datetime = Field(sa_column=_when())
    revoked_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    last_used_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))


users_table = User.__table__  # type: ignore[attr-defined]
sessions_table = Session.__table__  # type: ignore[attr-defined]
two_step_table = TwoStep.__table__  # type: ignore[attr-defined]
invitations_table = Invitation.__table__  # type: ignore[attr-defined]
api_clients_table = ApiClient.__table__  # type: ignore[attr-defined]
