"""Read models of joint meetings (reg 14A and voluntary).

``meetings`` holds one row per meeting (``revision`` is the calendar ``SEQUENCE``;
``required_declines`` counts the flags the convenor's dashboard shows);
``meeting_invitations`` each invitee's latest answer and whether it is flagged;
``meeting_actions`` the actions with their owners, due dates and status. An open meeting's
convenor is shown as the area's policing body office today; a closed one's as the office that
acted.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    DateTime,
    Engine,
    Text,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlmodel import Field, SQLModel

from hub.access.policy import Actor
from hub.db import aware
from hub.domain.errors import NotFound
from hub.events.envelope import RecordedEvent
from hub.projections.registry import Projections

projections = Projections()


def _when(*, nullable: bool = False, index: bool = False) -> Column:  # type: ignore[type-arg]
    return Column(DateTime(timezone=True), nullable=nullable, index=index)


class MeetingRow(SQLModel, table=True):
    """A joint meeting as calendars and dashboards show it."""

    __tablename__ = "meetings"

    meeting_id: str = Field(primary_key=True, max_length=120)
    area_id: str = Field(max_length=120, index=True)
    kind: str = Field(max_length=20)
    title: str = Field(max_length=200)
    purpose: str = Field(sa_column=Column(Text, nullable=False))
    statutory_purpose: str | None = Field(default=None, sa_column=Column(Text))
    starts_at: datetime = Field(sa_column=_when(index=True))
    ends_at: datetime = Field(sa_column=_when())
    timezone: str = Field(max_length=60)
    place: str | None = Field(default=None, max_length=500)
    online_link: str | None = Field(default=None, max_length=2000)
    agenda: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    papers: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    workspace_id: str | None = Field(default=None, max_length=120)
    status: str = Field(max_length=20, index=True)
    revision: int
    convened_by: str = Field(max_length=120)
    convenor_id: str = Field(max_length=120, index=True)
    cancel_reason: str | None = Field(default=None, max_length=2000)
    held_automatically: bool | None = None
    required_declines: int = 0
    minutes_status: str | None = Field(default=None, max_length=20)
    minutes_draft: int = 0
    minutes_text: str | None = Field(default=None, sa_column=Column(Text))
    minutes_document: str | None = Field(default=None, max_length=2000)
    open_actions: int = 0
    reminded_for: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    version: int


class MeetingInvitationRow(SQLModel, table=True):
    """An invited organisation and its latest answer; ``flagged`` while a required one declines."""

    __tablename__ = "meeting_invitations"

    meeting_id: str = Field(primary_key=True, max_length=120)
    organisation_id: str = Field(primary_key=True, max_length=120, index=True)
    required: bool
    response: str | None = Field(default=None, max_length=20)
    representatives: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    delegate: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    reason: str | None = Field(default=None, max_length=2000)
    flagged: bool = False


class MeetingActionRow(SQLModel, table=True):
    """An action arising from a meeting."""

    __tablename__ = "meeting_actions"

    meeting_id: str = Field(primary_key=True, max_length=120)
    action_id: str = Field(primary_key=True, max_length=120)
    description: str = Field(sa_column=Column(Text, nullable=False))
    owner_organisation_id: str = Field(max_length=120, index=True)
    due_on: date = Field(index=True)
    status: str = Field(max_length=20)
    note: str | None = Field(default=None, sa_column=Column(Text))
    reminded: bool = False


meetings = MeetingRow.__table__  # type: ignore[attr-defined]
invitations = MeetingInvitationRow.__table__  # type: ignore[attr-defined]
actions = MeetingActionRow.__table__  # type: ignore[attr-defined]
projections.owns(meetings, invitations, actions)


def _instant(raw: str) -> datetime:
    return datetime.fromisoformat(raw).astimezone(UTC)


def _set(conn: Connection, event: RecordedEvent, **values: Any) -> None:
    conn.execute(
        update(meetings)
        .where(meetings.c.meeting_id == event.data["meeting_id"])
        .values(version=event.version, **values)
    )


def _invitation(d: dict[str, Any]) -> Any:
    return (invitations.c.meeting_id == d["meeting_id"]) & (
        invitations.c.organisation_id == d["organisation_id"]
    )


def _action(d: dict[str, Any]) -> Any:
    return (actions.c.meeting_id == d["meeting_id"]) & (actions.c.action_id == d["action_id"])


def _required_declines(conn: Connection, meeting_id: str) -> int:
    return int(conn.execute(
        select(func.count()).where(
            (invitations.c.meeting_id == meeting_id) & invitations.c.flagged
        )
    ).scalar() or 0)


def _invite(conn: Connection, meeting_id: str, invited: list[dict[str, Any]]) -> None:
    """Each invitation as a row with no response yet."""
    if not invited:
        return
    conn.execute(insert(invitations), [
        {"meeting_id": meeting_id, "organisation_id": i["organisation_id"],
         "required": i["required"], "representatives": []}
        for i in invited
    ])


@projections.on("meeting.convened")
def _convened(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    conn.execute(insert(meetings).values(
        meeting_id=d["meeting_id"], area_id=d["area_id"], kind=d["kind"], title=d["title"],
        purpose=d["purpose"], statutory_purpose=d.get("statutory_purpose"),
        starts_at=_instant(d["starts_at"]), ends_at=_instant(d["ends_at"]),
        timezone=d["timezone"], place=d.get("place"), online_link=d.get("online_link"),
        agenda=d["agenda"], papers=[], workspace_id=d.get("workspace_id"), status="scheduled",
        revision=d["revision"], convened_by=d["by_organisation"],
        convenor_id=d["by_organisation"], version=event.version,
    ))
    _invite(conn, d["meeting_id"], d["invitations"])


@projections.on("meeting.invitees_added")
def _invitees_added(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    _invite(conn, d["meeting_id"], d["invitations"])
    # The version moves, so calendar feeds render the meeting again with its new attendees.
    _set(conn, event)


@projections.on("meeting.responded")
def _responded(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    conn.execute(update(invitations).where(_invitation(d)).values(
        response=d["response"], representatives=d["representatives"],
        delegate=d.get("delegate"), reason=d.get("reason"), flagged=False,
    ))
    _set(conn, event, required_declines=_required_declines(conn, d["meeting_id"]))


@projections.on("meeting.required_decline_flagged")
def _flagged(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    conn.execute(update(invitations).where(_invitation(d)).values(flagged=True))
    _set(conn, event, required_declines=_required_declines(conn, d["meeting_id"]))


@projections.on("meeting.papers_published")
def _papers(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    earlier = conn.execute(
        select(meetings.c.papers).where(meetings.c.meeting_id == d["meeting_id"])
    ).scalar_one()
    _set(conn, event, papers=[*earlier, *d["papers"]])


@projections.on("meeting.rescheduled")
def _rescheduled(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    _set(
        conn, event, starts_at=_instant(d["starts_at"]), ends_at=_instant(d["ends_at"]),
        timezone=d["timezone"], revision=d["revision"],
    )


@projections.on("meeting.amended")
def _amended(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    _set(
        conn, event, title=d["title"], purpose=d["purpose"], place=d.get("place"),
        online_link=d.get("online_link"), agenda=d["agenda"], revision=d["revision"],
    )


@projections.on("meeting.cancelled")
def _cancelled(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    _set(
        conn, event, status="cancelled", cancel_reason=d["reason"], revision=d["revision"],
        convenor_id=d["by_organisation"],
    )


@projections.on("meeting.held")
def _held(conn: Connection, event: RecordedEvent) -> None:
    _set(conn, event, status="held", held_automatically=event.data["automatic"])


@projections.on("meeting.minutes_drafted")
def _minutes_drafted(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    _set(
        conn, event, minutes_status="drafted", minutes_draft=d["draft"], minutes_text=d["text"],
        minutes_document=d.get("document"),
    )


@projections.on("meeting.minutes_approved")
def _minutes_approved(conn: Connection, event: RecordedEvent) -> None:
    _set(conn, event, minutes_status="approved")


def _open_actions(conn: Connection, meeting_id: str) -> int:
    return int(conn.execute(
        select(func.count()).where(
            (actions.c.meeting_id == meeting_id) & (actions.c.status == "open")
        )
    ).scalar() or 0)


@projections.on("meeting.action_assigned")
def _action_assigned(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    conn.execute(insert(actions).values(
        meeting_id=d["meeting_id"], action_id=d["action_id"], description=d["description"],
        owner_organisation_id=d["owner_organisation_id"], due_on=date.fromisoformat(d["due_on"]),
        status="open",
    ))
    _set(conn, event, open_actions=_open_actions(conn, d["meeting_id"]))


@projections.on("meeting.action_completed")
def _action_completed(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    conn.execute(
        update(actions)
        .where(_action(d))
        .values(status="done", note=d["note"])
    )
    _set(conn, event, open_actions=_open_actions(conn, d["meeting_id"]))


@projections.on("meeting.reminder_sent")
def _reminder_sent(conn: Connection, event: RecordedEvent) -> None:
    _set(conn, event, reminded_for=_instant(event.data["starts_at"]))


@projections.on("meeting.action_reminder_sent")
def _action_reminder_sent(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    conn.execute(
        update(actions)
        .where(_action(d))
        .values(reminded=True)
    )
    _set(conn, event)


def meeting_is_open() -> Any:
    """Not cancelled, and not finished (held, minutes approved, every action done)."""
    finished = and_(
        meetings.c.status == "held",
        func.coalesce(meetings.c.minutes_status, "") == "approved",
        meetings.c.open_actions == 0,
    )
    return and_(meetings.c.status != "cancelled", ~finished)


@projections.on("police_area.governance_took_effect")
def _governance_took_effect(conn: Connection, event: RecordedEvent) -> None:
    # Open meetings the policing body convened pass to the successor; closed ones keep the
    # body that acted, and a voluntary meeting another member convened stays its own.
    d = event.data
    conn.execute(
        update(meetings)
        .where(
            (meetings.c.area_id == d["area_id"]) & meeting_is_open()
            & (meetings.c.convenor_id == d["from_organisation_id"])
        )
        .values(convenor_id=d["to_organisation_id"])
    )


# -- queries -----------------------------------------------------------------------------------


def _json(row: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row._mapping.items():
        if isinstance(value, datetime):
            value = aware(value).astimezone(UTC)
        out[key] = value.isoformat() if isinstance(value, date) else value
    return out


def _visible(actor: Actor) -> Any:
    """Meetings of the actor's areas, and those its organisation is invited to."""
    if actor.system:
        return true()
    invited = select(invitations.c.meeting_id).where(
        invitations.c.organisation_id == actor.organisation_id
    )
    return or_(meetings.c.area_id.in_(list(actor.area_ids)), meetings.c.meeting_id.in_(invited))


def list_meetings(
    engine: Engine,
    actor: Actor,
    *,
    status: Collection[str] | None = None,
    kind: str | None = None,
    area_id: str | None = None,
    invited: str | None = None,
    starts_from: datetime | None = None,
    starts_before: datetime | None = None,
    flagged: bool | None = None,
) -> list[dict[str, Any]]:
    """Meetings the actor may see, soonest first, filtered.

    ``invited``: meetings the organisation is invited to; ``flagged``: those with (or without)
    a required invitee's standing decline.
    """
    query = select(meetings).where(_visible(actor))
    if status:
        query = query.where(meetings.c.status.in_(list(status)))
    if kind is not None:
        query = query.where(meetings.c.kind == kind)
    if area_id is not None:
        query = query.where(meetings.c.area_id == area_id)
    if invited is not None:
        query = query.where(meetings.c.meeting_id.in_(
            select(invitations.c.meeting_id).where(invitations.c.organisation_id == invited)
        ))
    if starts_from is not None:
        query = query.where(meetings.c.starts_at >= starts_from)
    if starts_before is not None:
        query = query.where(meetings.c.starts_at < starts_before)
    if flagged is not None:
        query = query.where(
            meetings.c.required_declines > 0 if flagged else meetings.c.required_declines == 0
        )
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(meetings.c.starts_at, meetings.c.meeting_id))
        return [_json(r) for r in rows]


def get_meeting(engine: Engine, actor: Actor, meeting_id: str) -> dict[str, Any]:
    """One meeting with its invitations and actions; 404 when the actor may not see it."""
    with engine.connect() as conn:
        row = conn.execute(
            select(meetings).where((meetings.c.meeting_id == meeting_id) & _visible(actor))
        ).first()
        if row is None:
            raise NotFound("no such meeting")
        invited = conn.execute(
            select(invitations)
            .where(invitations.c.meeting_id == meeting_id)
            .order_by(invitations.c.organisation_id)
        )
        owned = conn.execute(
            select(actions)
            .where(actions.c.meeting_id == meeting_id)
            .order_by(actions.c.due_on, actions.c.action_id)
        )
        return {
            **_json(row),
            "invitations": [_json(i) for i in invited],
            "actions": [_json(a) for a in owned],
        }


def list_actions(
    engine: Engine,
    actor: Actor,
    *,
    owner: str | None = None,
    status: str | None = None,
    due_before: date | None = None,
) -> list[dict[str, Any]]:
    """Actions of the meetings the actor may see, soonest due first, filtered."""
    query = (
        select(actions, meetings.c.title.label("meeting_title"))
        .join(meetings, meetings.c.meeting_id == actions.c.meeting_id)
        .where(_visible(actor))
    )
    if owner is not None:
        query = query.where(actions.c.owner_organisation_id == owner)
    if status is not None:
        query = query.where(actions.c.status == status)
    if due_before is not None:
        query = query.where(actions.c.due_on < due_before)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(actions.c.due_on, actions.c.action_id))
        return [_json(r) for r in rows]


@projections.on("meeting.convenor_succeeded")
def _convenor_succeeded(conn: Connection, event: RecordedEvent) -> None:
    # The meeting's history still says who convened it; its keeper today is the heir, unless
    # the area's governance has already passed it to another office.
    d = event.data
    conn.execute(
        update(meetings)
        .where((meetings.c.meeting_id == d["meeting_id"])
               & (meetings.c.convenor_id == d["from_organisation_id"]))
        .values(convenor_id=d["convened_by"])
    )
    _set(conn, event)


@projections.on("meeting.invitations_succeeded")
def _invitations_succeeded(conn: Connection, event: RecordedEvent) -> None:
    # The ended bodies' invitations, answers and flags go; their successors join unanswered.
    d = event.data
    ended = [s["organisation_id"] for s in d["successions"]]
    conn.execute(delete(invitations).where(
        (invitations.c.meeting_id == d["meeting_id"]) & invitations.c.organisation_id.in_(ended)
    ))
    _invite(conn, d["meeting_id"], d["invited"])
    _set(conn, event, required_declines=_required_declines(conn, d["meeting_id"]))


@projections.on("meeting.action_owner_succeeded")
def _action_owner_succeeded(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    conn.execute(
        update(actions)
        .where(_action(d))
        .values(owner_organisation_id=d["owner_organisation_id"])
    )
    _set(conn, event)
