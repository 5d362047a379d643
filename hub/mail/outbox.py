"""Stored messages: kept once per key, sent by attempts that are each recorded.

The key is a digest of what a message is about (an event id, or a password reset's token
digest), its kind and its recipient's address, so one event gives each recipient one message
however often its reaction runs. Inserting a batch leaves out the keys already stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Text, bindparam, func, select, update

from hub.mail.tables import attempts_table, messages_table

SCRUBBED = "(Removed once sent: it held a single-use link.)"


@dataclass(frozen=True)
class Outgoing:
    """A rendered message for one recipient, before it is stored."""

    key: str
    kind: str
    recipient: str
    subject: str
    text_body: str
    html_body: str
    user_id: str | None = None
    organisation_id: str | None = None
    calendar: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    link: str | None = None
    held: bool = False
    """For the recipient's daily digest rather than to send now."""


def message_key(about: str, kind: str, recipient: str) -> str:
    """The key of the message of ``kind`` about ``about`` to ``recipient`` (case ignored)."""
    return hashlib.sha256(f"{about}\n{kind}\n{recipient.lower()}".encode()).hexdigest()


def store(engine: Engine, messages: Sequence[Outgoing], now: datetime) -> list[str]:
    """Store the messages not stored before, as pending; their keys, in order.

    Keys already stored are read first and left out. Two workers storing the same new key at
    once cannot both succeed: the primary key refuses the second insert, whose transaction
    fails and whose job RQ retries, finding the key stored.
    """
    if not messages:
        return []
    keys = [m.key for m in messages]
    with engine.begin() as conn:
        known = set(conn.execute(
            select(messages_table.c.message_key).where(messages_table.c.message_key.in_(keys))
        ).scalars())
        new = [m for m in dict((m.key, m) for m in messages).values() if m.key not in known]
        if new:
            conn.execute(messages_table.insert(), [
                {
                    "message_key": m.key, "kind": m.kind, "recipient": m.recipient,
                    "user_id": m.user_id, "organisation_id": m.organisation_id,
                    "subject": m.subject, "link": m.link, "text_body": m.text_body,
                    "html_body": m.html_body,
                    "calendar": m.calendar, "headers": m.headers,
                    "status": "held" if m.held else "pending",
                    "attempts": 0, "created_at": now,
                }
                for m in new
            ])
    return [m.key for m in new]


def claim(engine: Engine, keys: Sequence[str], now: datetime) -> list[Any]:
    """Take the messages of ``keys`` still waiting to be sent (``pending`` → ``sending``), in
    the order given; a message another job has taken, or that went, is left out."""
    with engine.begin() as conn:
        taken = conn.execute(
            update(messages_table).where(
                messages_table.c.message_key.in_(list(keys)),
                messages_table.c.status == "pending",
            ).values(status="sending", claimed_at=now)
            .returning(messages_table.c.message_key)
        ).scalars().all()
        rows = {r.message_key: r for r in conn.execute(
            select(messages_table).where(messages_table.c.message_key.in_(list(taken)))
        )}
    return [rows[k] for k in keys if k in rows]


def unfinished(engine: Engine, stale_before: datetime) -> list[str]:
    """Keys of messages to send again as a worker starts: every one waiting, and every one a
    job took before ``stale_before`` and never finished (its worker died); those are put back
    to waiting. A message so taken may have reached the provider before its worker died:
    delivery is at least once."""
    with engine.begin() as conn:
        conn.execute(update(messages_table).where(
            messages_table.c.status == "sending", messages_table.c.claimed_at < stale_before
        ).values(status="pending"))
        return list(conn.execute(
            select(messages_table.c.message_key).where(messages_table.c.status == "pending")
            .order_by(messages_table.c.created_at)
        ).scalars())


@dataclass(frozen=True)
class Attempt:
    """What became of one try at a message, to record."""

    message: Any
    outcome: str
    """``sent``, ``kept`` (in the outbox) or ``failed``."""
    detail: str = ""
    reference: str | None = None
    final: bool = True
    """For a failure: no attempt follows, so the message is marked failed."""
    scrub: bool = False
    """Replace the message's text, once sent, with a note that it held a single-use link."""


def record(engine: Engine, attempts: Sequence[Attempt], *, provider: str, at: datetime) -> None:
    """Record a group's attempts, and where each message now stands, in one transaction.

    A failed attempt leaves its message pending for its retry unless it was the final one.
    One transaction per group, not per message: on SQLite each commit waits for the disk.
    """
    if not attempts:
        return
    with engine.begin() as conn:
        conn.execute(attempts_table.insert(), [
            {"message_key": a.message.message_key, "attempt": a.message.attempts + 1,
             "provider": provider, "outcome": a.outcome, "detail": a.detail[:500], "at": at}
            for a in attempts
        ])
        # One statement for the group, its rows bound one per message (executemany).
        conn.execute(
            update(messages_table)
            .where(messages_table.c.message_key == bindparam("key"))
            .values(attempts=bindparam("number"), status=bindparam("new_status"),
                    provider=provider, sent_at=bindparam("sent"),
                    provider_reference=bindparam("reference"),
                    text_body=func.coalesce(bindparam("text", type_=Text),
                                            messages_table.c.text_body),
                    html_body=func.coalesce(bindparam("html", type_=Text),
                                            messages_table.c.html_body)),
            [_outcome(a, at) for a in attempts],
        )


def _outcome(attempt: Attempt, at: datetime) -> dict[str, Any]:
    failed = attempt.outcome == "failed"
    return {
        "key": attempt.message.message_key, "number": attempt.message.attempts + 1,
        "new_status": ("failed" if attempt.final else "pending") if failed else attempt.outcome,
        "sent": None if failed else at, "reference": attempt.reference,
        "text": SCRUBBED if attempt.scrub else None, "html": SCRUBBED if attempt.scrub else None,
    }


def kept(engine: Engine, limit: int = 200) -> list[Any]:
    """The outbox: messages kept because no provider is configured, newest first."""
    with engine.connect() as conn:
        return list(conn.execute(
            select(messages_table).where(messages_table.c.status == "kept")
            .order_by(messages_table.c.created_at.desc()).limit(limit)
        ))


def attempts_of(engine: Engine, key: str) -> list[Any]:
    """Every attempt at one message, oldest first."""
    with engine.connect() as conn:
        return list(conn.execute(
            select(attempts_table).where(attempts_table.c.message_key == key)
            .order_by(attempts_table.c.attempt_id)
        ))
