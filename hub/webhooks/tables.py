"""The webhook tables: endpoints, their signing secrets, messages and attempts.

Webhooks are delivery machinery, not partnership records, so they live in plain tables rather
than the event log (like accounts). Signing secrets are kept **as issued** in a table of their
own: the hub must compute HMACs with them, so a digest would not do. No query that lists or
shows an endpoint reads that table, and the API never returns a secret after the answer that
created it. Protect the database (and its backups) accordingly.

A *message* is one event for one endpoint: unique per ``(endpoint_id, event_id)``, so fanning
an event out twice creates nothing new. Its ``attempts`` count every try; ``step`` is where the
current round stands in the backoff schedule (a redelivery by hand starts a new round). An
*attempt* row records each try, whatever became of it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

# SQLite only auto-increments an INTEGER PRIMARY KEY, so BigInteger falls back to it there.
_SERIAL = BigInteger().with_variant(Integer(), "sqlite")


def _when(nullable: bool = False) -> Column:  # type: ignore[type-arg]
    return Column(DateTime(timezone=True), nullable=nullable)


class WebhookEndpoint(SQLModel, table=True):
    """A partner system's URL and what it wants to receive."""

    __tablename__ = "webhook_endpoints"

    endpoint_id: str = Field(primary_key=True, max_length=36)
    organisation_id: str = Field(max_length=120, index=True)
    url: str = Field(max_length=2000)
    description: str = Field(max_length=500)
    event_types: list[str] = Field(sa_column=Column(JSON, nullable=False))
    workspace_ids: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    state: str = Field(max_length=20, index=True)
    handshake_required: bool = True
    validated_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    handshake_error: str | None = Field(default=None, max_length=500)
    disabled_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    disabled_reason: str | None = Field(default=None, max_length=500)
    failing_since: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    created_by: str = Field(max_length=80)
    created_at: datetime = Field(sa_column=_when())


class WebhookSecret(SQLModel, table=True):
    """A signing secret of an endpoint; a rotated one expires a day after its successor."""

    __tablename__ = "webhook_secrets"

    secret_id: str = Field(primary_key=True, max_length=36)
    endpoint_id: str = Field(max_length=36, index=True)
    secret: str = Field(max_length=100)
    created_at: datetime = Field(sa_column=_when())
    expires_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))


class WebhookMessage(SQLModel, table=True):
    """One event (or test) for one endpoint, and where its delivery stands."""

    __tablename__ = "webhook_messages"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_id", name="uq_webhook_messages_endpoint_event"),
        # The message log reads an endpoint's newest messages first.
        Index("ix_webhook_messages_endpoint_created", "endpoint_id", "created_at"),
    )

    message_id: str = Field(primary_key=True, max_length=36)
    endpoint_id: str = Field(max_length=36)
    event_id: str = Field(max_length=36)
    position: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    event_type: str = Field(max_length=120)
    status: str = Field(max_length=20, index=True)
    attempts: int = 0
    step: int = 0
    next_attempt_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    lease_until: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    created_at: datetime = Field(sa_column=_when())
    finished_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))


class WebhookAttempt(SQLModel, table=True):
    """One try at delivering a message: when, how long, what came back."""

    __tablename__ = "webhook_attempts"

    attempt_id: int | None = Field(
        default=None, sa_column=Column(_SERIAL, primary_key=True, autoincrement=True)
    )
    message_id: str = Field(max_length=36, index=True)
    endpoint_id: str = Field(max_length=36, index=True)
    number: int
    started_at: datetime = Field(sa_column=_when())
    latency_ms: int | None = None
    status_code: int | None = None
    outcome: str = Field(max_length=20)
    error: str | None = Field(default=None, max_length=500)
    response_body: str | None = Field(default=None, max_length=2048)


endpoints_table = WebhookEndpoint.__table__  # type: ignore[attr-defined]
secrets_table = WebhookSecret.__table__  # type: ignore[attr-defined]
messages_table = WebhookMessage.__table__  # type: ignore[attr-defined]
attempts_table = WebhookAttempt.__table__  # type: ignore[attr-defined]
