"""The mail tables: messages, every attempt to send one, users' choices, and organisations'
shared contact addresses.

Mail is delivery machinery, not a partnership record, so it lives in plain tables rather than
the event log (like webhooks). A *message* is one notice for one recipient, keyed by a digest
of what it is about and whom it is for (:func:`hub.mail.outbox.message_key`): storing it twice
stores nothing new, so a reaction run again after a crash or a retry sends no second copy. An
*attempt* row records each try, whatever became of it. Preferences say how each user wants
each kind of message.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Column, DateTime, Integer, Text
from sqlmodel import Field, SQLModel

# SQLite only auto-increments an INTEGER PRIMARY KEY, so BigInteger falls back to it there.
_SERIAL = BigInteger().with_variant(Integer(), "sqlite")


def _when(nullable: bool = False, index: bool = False) -> Column:  # type: ignore[type-arg]
    return Column(DateTime(timezone=True), nullable=nullable, index=index)


class MailMessage(SQLModel, table=True):
    """One message to one recipient, as rendered, and where its delivery stands."""

    __tablename__ = "mail_messages"

    message_key: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=40)
    recipient: str = Field(max_length=254)
    user_id: str | None = Field(default=None, max_length=36, index=True)
    organisation_id: str | None = Field(default=None, max_length=120)
    subject: str = Field(max_length=300)
    link: str | None = Field(default=None, max_length=2000)
    """The page of the record the message is about (a digest lists it)."""
    text_body: str = Field(sa_column=Column(Text, nullable=False))
    html_body: str = Field(sa_column=Column(Text, nullable=False))
    calendar: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    headers: dict[str, str] = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(max_length=12, index=True)
    """``pending`` (waiting for an attempt), ``sending`` (a job has it), ``sent``, ``kept``
    (in the outbox: no provider), ``failed`` (every attempt failed), ``held`` (for the
    recipient's daily digest) or ``digested`` (gone out in a digest)."""
    attempts: int = 0
    created_at: datetime = Field(sa_column=_when(index=True))
    claimed_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    """When a job took the message to send (status ``sending``)."""
    sent_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    provider: str | None = Field(default=None, max_length=10)
    provider_reference: str | None = Field(default=None, max_length=200)


class MailAttempt(SQLModel, table=True):
    """One try at sending a message."""

    __tablename__ = "mail_attempts"

    attempt_id: int | None = Field(
        default=None, sa_column=Column(_SERIAL, primary_key=True, autoincrement=True)
    )
    message_key: str = Field(max_length=64, index=True)
    attempt: int
    provider: str = Field(max_length=10)
    outcome: str = Field(max_length=12)
    """``sent``, ``kept`` or ``failed``."""
    detail: str = Field(max_length=500)
    at: datetime = Field(sa_column=_when())


class MailContact(SQLModel, table=True):
    """An organisation's shared contact address (say its community safety team's mailbox),
    which gets the organisation's mail besides its users."""

    __tablename__ = "mail_contacts"

    organisation_id: str = Field(primary_key=True, max_length=120)
    email: str = Field(max_length=254)
    updated_by: str = Field(max_length=36)
    updated_at: datetime = Field(sa_column=_when())


class MailPreference(SQLModel, table=True):
    """How a user wants one kind of message: ``now``, in the ``daily`` digest, or ``off``.
    No row: ``now``."""

    __tablename__ = "mail_preferences"

    user_id: str = Field(primary_key=True, max_length=36)
    kind: str = Field(primary_key=True, max_length=40)
    choice: str = Field(max_length=10)


class MailDigestTime(SQLModel, table=True):
    """The hour (London time) a user's daily digest goes, and when it last went."""

    __tablename__ = "mail_digest_times"

    user_id: str = Field(primary_key=True, max_length=36)
    hour: int
    last_sent_on: date | None = None


messages_table = MailMessage.__table__  # type: ignore[attr-defined]
attempts_table = MailAttempt.__table__  # type: ignore[attr-defined]
contacts_table = MailContact.__table__  # type: ignore[attr-defined]
preferences_table = MailPreference.__table__  # type: ignore[attr-defined]
digest_times_table = MailDigestTime.__table__  # type: ignore[attr-defined]
