"""Whom a notice reaches: the people of its organisations who may see the record.

An organisation may see an event's record when it is a member of one of the event's
workspaces (the rule every page, feed and webhook follows), or, for a meeting, when it is
invited. A notice naming any other organisation reaches no one there: no mail ever carries a
record to someone who could not open it. Within an organisation, every active user gets the
mail, and so does its shared contact address when it has one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, delete, insert, select

from hub.access.tables import users_table
from hub.events.envelope import RecordedEvent
from hub.mail.tables import contacts_table
from hub.projections.directory import members
from hub.projections.meetings import invitations


@dataclass(frozen=True)
class Recipient:
    """One address a notice goes to, and on whose behalf."""

    email: str
    name: str
    organisation_id: str
    user_id: str | None = None
    """``None`` for an organisation's shared contact address."""
    locale: str | None = None
    """The language the person chose (``None``: English, as for a shared address)."""


def may_see(conn: Connection, event: RecordedEvent, organisation_ids: tuple[str, ...]) -> set[str]:
    """Those of ``organisation_ids`` that may see ``event``'s record."""
    wanted = list(organisation_ids)
    seeing = set(conn.execute(
        select(members.c.organisation_id).where(
            members.c.organisation_id.in_(wanted),
            members.c.workspace_id.in_(list(event.workspaces)),
        )
    ).scalars())
    if event.stream_type == "meeting":
        seeing |= set(conn.execute(
            select(invitations.c.organisation_id).where(
                invitations.c.organisation_id.in_(wanted),
                invitations.c.meeting_id == event.data["meeting_id"],
            )
        ).scalars())
    return seeing


def recipients(
    conn: Connection, event: RecordedEvent, organisation_ids: tuple[str, ...]
) -> list[Recipient]:
    """Every address of ``organisation_ids`` that may see ``event``'s record, users first."""
    allowed = sorted(may_see(conn, event, organisation_ids))
    if not allowed:
        return []
    people = [
        Recipient(r.email, r.name, r.organisation_id, r.user_id, r.locale)
        for r in conn.execute(
            select(users_table.c.user_id, users_table.c.email, users_table.c.name,
                   users_table.c.organisation_id, users_table.c.locale)
            .where(users_table.c.organisation_id.in_(allowed), ~users_table.c.disabled)
            .order_by(users_table.c.organisation_id, users_table.c.email)
        )
    ]
    shared = [
        Recipient(r.email, "", r.organisation_id)
        for r in conn.execute(
            select(contacts_table.c.email, contacts_table.c.organisation_id)
            .where(contacts_table.c.organisation_id.in_(allowed))
            .order_by(contacts_table.c.organisation_id)
        )
    ]
    return people + shared


def contact_of(engine: Engine, organisation_id: str) -> str:
    """An organisation's shared contact address, or ``""``."""
    with engine.connect() as conn:
        found = conn.execute(select(contacts_table.c.email).where(
            contacts_table.c.organisation_id == organisation_id
        )).scalar()
    return str(found or "")


def set_contact(
    engine: Engine, organisation_id: str, email: str, by: str, now: datetime
) -> None:
    """Set an organisation's shared contact address (``""`` removes it)."""
    with engine.begin() as conn:
        conn.execute(delete(contacts_table).where(
            contacts_table.c.organisation_id == organisation_id
        ))
        if email:
            conn.execute(insert(contacts_table).values(
                organisation_id=organisation_id, email=email.strip().lower(), updated_by=by,
                updated_at=now,
            ))
