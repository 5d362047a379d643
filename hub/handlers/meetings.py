"""Application service for joint meetings: one function per command.

Each function resolves the directory facts the decider needs (the area's country and policing
body, its responsible authorities, which invitees exist), builds the command with the actor's
own organisation as ``by_organisation`` and hands it to :func:`hub.service.handle`. Times are
passed as wall-clock times in Europe/London; the decider makes them instants. The scheduled
commands at the end are issued as the hub with idempotency keys naming what they were
scheduled for.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any, Final, NamedTuple

from pydantic import ValidationError
from sqlalchemy import Connection, select

from hub.access.policy import Actor, NotOwnOrganisation
from hub.bootstrap import Hub
from hub.domain.errors import DomainError, NotFound
from hub.domain.meetings import LONDON_NAME, MEETING, Meeting
from hub.events import AppendResult
from hub.projections.directory import areas, csps, members, organisations, workspaces
from hub.queries.directory import csp_areas
from hub.service import handle, handle_as_hub, load
from schemas.commands import Command
from schemas.commands import meetings as cmd
from schemas.events.meetings import AgendaItem, Invitation, Paper, Representative


class InvalidMeetingInput(DomainError):
    """The input does not fit the command's schema (``errors`` names each field)."""

    code = "meeting.invalid_input"
    status = 422

    def __init__(self, message: str, errors: list[dict[str, str]]) -> None:
        super().__init__(message)
        self.errors = errors


class NoOrganisation(DomainError):
    """The hub acting for nobody must say which organisation it acts for."""

    code = "meeting.no_acting_organisation"
    status = 422


ERRORS: tuple[type[DomainError], ...] = (InvalidMeetingInput, NoOrganisation)
"""Refusals raised here rather than by the decider (the decider's are ``meetings.ERRORS``)."""


class Created(NamedTuple):
    """The id of a new record (or action) and what its command recorded."""

    id: str
    result: AppendResult


class _Keep(Enum):
    KEEP = "keep"


KEEP: Final = _Keep.KEEP
"""Leave this detail as it is (for :func:`amend_meeting`)."""


def _build(model: type[Command], **fields: Any) -> Any:
    try:
        return model(**fields)
    except ValidationError as error:
        details = [
            {"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"]}
            for e in error.errors(include_url=False)
        ]
        raise InvalidMeetingInput(
            "; ".join(f"{d['field']}: {d['message']}" for d in details), details
        ) from None


def _acting(actor: Actor, on_behalf_of: str | None) -> str:
    if actor.system:
        if not on_behalf_of:
            raise NoOrganisation("name the organisation the hub acts for")
        return on_behalf_of
    if on_behalf_of is not None and on_behalf_of != actor.organisation_id:
        raise NotOwnOrganisation("an organisation may act only for itself")
    assert actor.organisation_id is not None
    return actor.organisation_id


def _issue(
    hub: Hub,
    actor: Actor,
    meeting_id: str,
    model: type[Command],
    *,
    expected_version: int | None,
    on_behalf_of: str | None,
    idempotency_key: str | None,
    **fields: Any,
) -> AppendResult:
    by = _acting(actor, on_behalf_of)
    command = _build(model, meeting_id=meeting_id, by_organisation=by, **fields)
    return handle(
        hub, MEETING, meeting_id, command, actor, expected_version=expected_version,
        idempotency_key=idempotency_key,
    )


# -- directory facts ---------------------------------------------------------------------------


def _area_facts(conn: Connection, area_id: str) -> Any:
    row = conn.execute(select(areas).where(areas.c.area_id == area_id)).first()
    if row is None:
        raise NotFound(f"police area {area_id} is not registered")
    return row


def _responsible_authorities(conn: Connection, area_id: str) -> list[str]:
    """Every responsible authority of a current CSP in the area (a combined CSP spanning
    police areas is in each, so each policing body may call it to reg 14A meetings)."""
    rows = conn.execute(select(csps).where(csps.c.valid_to.is_(None))).all()
    return sorted({
        authority for row in rows if area_id in csp_areas(row)
        for authority in row.responsible_authorities
    })


def _unregistered(conn: Connection, organisation_ids: Sequence[str]) -> list[str]:
    known = set(conn.execute(
        select(organisations.c.organisation_id).where(
            organisations.c.organisation_id.in_(list(organisation_ids))
        )
    ).scalars())
    return sorted(set(organisation_ids) - known)


def _workspace(conn: Connection, workspace_id: str | None) -> Any:
    if workspace_id is None:
        return None
    return conn.execute(
        select(workspaces).where(workspaces.c.workspace_id == workspace_id)
    ).first()


def _members(conn: Connection, workspace_id: str | None) -> list[str]:
    """The member organisations of a workspace: any may convene a voluntary meeting there."""
    return sorted(conn.execute(
        select(members.c.organisation_id).where(members.c.workspace_id == workspace_id)
    ).scalars())


def _office_area(conn: Connection, organisation_id: str) -> str | None:
    return conn.execute(
        select(areas.c.area_id).where(areas.c.policing_body_id == organisation_id).limit(1)
    ).scalar()


# -- the convenor's commands -------------------------------------------------------------------


def convene_meeting(
    hub: Hub,
    actor: Actor,
    *,
    kind: str,
    title: str,
    purpose: str,
    starts_local: datetime,
    ends_local: datetime,
    invitations: Sequence[Invitation | dict[str, Any]],
    timezone: str = LONDON_NAME,
    place: str | None = None,
    online_link: str | None = None,
    agenda: Sequence[AgendaItem | dict[str, Any]] = (),
    workspace_id: str | None = None,
    area_id: str | None = None,
    meeting_id: str | None = None,
    on_behalf_of: str | None = None,
    idempotency_key: str | None = None,
) -> Created:
    """Convene a meeting: the office of the area's policing body, or, for a voluntary meeting,
    any member organisation of the workspace ``workspace_id`` (in the workspace's area).

    ``starts_local``/``ends_local`` are wall-clock times in ``timezone`` without an offset.
    ``area_id`` defaults to the area whose functions the actor's organisation holds.
    """
    by = _acting(actor, on_behalf_of)
    meeting_id = meeting_id or str(uuid.uuid4())
    with hub.engine.connect() as conn:
        space = _workspace(conn, workspace_id)
        area_id = area_id or _office_area(conn, by) or (space.area_id if space else None)
        if area_id is None:
            raise NotFound(f"{by} holds no police area's functions; name the area")
        area = _area_facts(conn, area_id)
        authorities = _responsible_authorities(conn, area_id)
        space_members = _members(conn, workspace_id) if space else []
        invited = [
            i.organisation_id if isinstance(i, Invitation) else str(i.get("organisation_id"))
            for i in invitations
        ]
        unregistered = _unregistered(conn, invited)
    command = _build(
        cmd.ConveneMeeting, meeting_id=meeting_id, area_id=area_id, by_organisation=by,
        kind=kind, title=title, purpose=purpose, starts_local=starts_local,
        ends_local=ends_local, timezone=timezone, place=place, online_link=online_link,
        agenda=list(agenda), invitations=list(invitations), workspace_id=workspace_id,
        country=area.country, policing_body_id=area.policing_body_id,
        policing_body_kind=area.policing_body_kind,
        mopac_reg14a_recorded=area.reg14a_recorded, commenced_on=area.commenced_on,
        workspace_members=space_members,
        responsible_authorities=authorities, unregistered_invitees=unregistered,
    )
    return Created(meeting_id, handle(
        hub, MEETING, meeting_id, command, actor, idempotency_key=idempotency_key
    ))


def publish_meeting_papers(
    hub: Hub, actor: Actor, meeting_id: str, *, papers: Sequence[Paper | dict[str, Any]],
    expected_version: int | None = None, on_behalf_of: str | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """Publish papers for the meeting."""
    return _issue(
        hub, actor, meeting_id, cmd.PublishMeetingPapers, papers=list(papers),
        expected_version=expected_version, on_behalf_of=on_behalf_of,
        idempotency_key=idempotency_key,
    )


def reschedule_meeting(
    hub: Hub, actor: Actor, meeting_id: str, *, starts_local: datetime, ends_local: datetime,
    timezone: str = LONDON_NAME, expected_version: int | None = None,
    on_behalf_of: str | None = None, idempotency_key: str | None = None,
) -> AppendResult:
    """Move the meeting (wall-clock times in ``timezone``); its revision rises."""
    return _issue(
        hub, actor, meeting_id, cmd.RescheduleMeeting, starts_local=starts_local,
        ends_local=ends_local, timezone=timezone, expected_version=expected_version,
        on_behalf_of=on_behalf_of, idempotency_key=idempotency_key,
    )


def amend_meeting(
    hub: Hub,
    actor: Actor,
    meeting_id: str,
    *,
    title: str | _Keep = KEEP,
    purpose: str | _Keep = KEEP,
    place: str | _Keep | None = KEEP,
    online_link: str | _Keep | None = KEEP,
    agenda: Sequence[AgendaItem | dict[str, Any]] | _Keep = KEEP,
    expected_version: int | None = None,
    on_behalf_of: str | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """Change the title, purpose, place, link or agenda; what is not given stays as it is."""
    current: Meeting = load(hub, MEETING, meeting_id).state
    given = {
        "title": title, "purpose": purpose, "place": place, "online_link": online_link,
        "agenda": agenda if isinstance(agenda, _Keep) else list(agenda),
    }
    details = {k: current.details.get(k) if v is KEEP else v for k, v in given.items()}
    return _issue(
        hub, actor, meeting_id, cmd.AmendMeeting, **details, expected_version=expected_version,
        on_behalf_of=on_behalf_of, idempotency_key=idempotency_key,
    )


def cancel_meeting(
    hub: Hub, actor: Actor, meeting_id: str, *, reason: str,
    expected_version: int | None = None, on_behalf_of: str | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """Cancel the meeting; calendars show it cancelled."""
    return _issue(
        hub, actor, meeting_id, cmd.CancelMeeting, reason=reason,
        expected_version=expected_version, on_behalf_of=on_behalf_of,
        idempotency_key=idempotency_key,
    )


def record_meeting_held(
    hub: Hub, actor: Actor, meeting_id: str, *, expected_version: int | None = None,
    on_behalf_of: str | None = None, idempotency_key: str | None = None,
) -> AppendResult:
    """The convenor records that the meeting took place."""
    return _issue(
        hub, actor, meeting_id, cmd.RecordMeetingHeld, expected_version=expected_version,
        on_behalf_of=on_behalf_of, idempotency_key=idempotency_key,
    )


def draft_meeting_minutes(
    hub: Hub, actor: Actor, meeting_id: str, *, text: str, document: str | None = None,
    expected_version: int | None = None, on_behalf_of: str | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """Draft (or redraft) the minutes."""
    return _issue(
        hub, actor, meeting_id, cmd.DraftMeetingMinutes, text=text, document=document,
        expected_version=expected_version, on_behalf_of=on_behalf_of,
        idempotency_key=idempotency_key,
    )


def approve_meeting_minutes(
    hub: Hub, actor: Actor, meeting_id: str, *, draft: int,
    expected_version: int | None = None, on_behalf_of: str | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """Approve the draft of the minutes the approver read."""
    return _issue(
        hub, actor, meeting_id, cmd.ApproveMeetingMinutes, draft=draft,
        expected_version=expected_version, on_behalf_of=on_behalf_of,
        idempotency_key=idempotency_key,
    )


def assign_meeting_action(
    hub: Hub, actor: Actor, meeting_id: str, *, description: str, owner_organisation_id: str,
    due_on: date, action_id: str | None = None, expected_version: int | None = None,
    on_behalf_of: str | None = None, idempotency_key: str | None = None,
) -> Created:
    """Record an action arising from the meeting; returns the action's id."""
    action_id = action_id or str(uuid.uuid4())
    return Created(action_id, _issue(
        hub, actor, meeting_id, cmd.AssignMeetingAction, action_id=action_id,
        description=description, owner_organisation_id=owner_organisation_id, due_on=due_on,
        expected_version=expected_version, on_behalf_of=on_behalf_of,
        idempotency_key=idempotency_key,
    ))


# -- each invitee's and owner's commands -------------------------------------------------------


def respond_to_meeting(
    hub: Hub, actor: Actor, meeting_id: str, *, response: str,
    representatives: Sequence[Representative | dict[str, Any]] = (),
    delegate: Representative | dict[str, Any] | None = None, reason: str | None = None,
    expected_version: int | None = None, on_behalf_of: str | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """The actor's organisation answers its invitation."""
    return _issue(
        hub, actor, meeting_id, cmd.RespondToMeeting, response=response,
        representatives=list(representatives), delegate=delegate, reason=reason,
        expected_version=expected_version, on_behalf_of=on_behalf_of,
        idempotency_key=idempotency_key,
    )


def complete_meeting_action(
    hub: Hub, actor: Actor, meeting_id: str, action_id: str, *, note: str,
    expected_version: int | None = None, on_behalf_of: str | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """The owner completes an action, with a note."""
    return _issue(
        hub, actor, meeting_id, cmd.CompleteMeetingAction, action_id=action_id, note=note,
        expected_version=expected_version, on_behalf_of=on_behalf_of,
        idempotency_key=idempotency_key,
    )


# -- the hub's scheduled commands --------------------------------------------------------------


def _as_hub(hub: Hub, meeting_id: str, command: Command, idempotency_key: str) -> bool:
    """Issue a scheduled command once; True when it recorded something (now or before)."""
    return bool(handle_as_hub(hub, MEETING, meeting_id, command, idempotency_key).events)


def mark_meeting_held(hub: Hub, meeting_id: str, ends_at: datetime) -> bool:
    """Record the meeting held after the end it was scheduled for (nothing if superseded)."""
    command = cmd.MarkMeetingHeld(meeting_id=meeting_id, ends_at=ends_at)
    return _as_hub(hub, meeting_id, command, f"meeting:{meeting_id}:held:{ends_at.isoformat()}")


def send_meeting_reminder(hub: Hub, meeting_id: str, starts_at: datetime) -> bool:
    """Remind the invitees of the meeting starting at ``starts_at`` (nothing if superseded)."""
    command = cmd.SendMeetingReminder(meeting_id=meeting_id, starts_at=starts_at)
    return _as_hub(
        hub, meeting_id, command, f"meeting:{meeting_id}:reminder:{starts_at.isoformat()}"
    )


def send_action_reminder(hub: Hub, meeting_id: str, action_id: str, due_on: date) -> bool:
    """Remind an action's owner it falls due on ``due_on`` (nothing if done or moved)."""
    command = cmd.SendActionReminder(meeting_id=meeting_id, action_id=action_id, due_on=due_on)
    return _as_hub(
        hub, meeting_id, command,
        f"meeting:{meeting_id}:action-reminder:{action_id}:{due_on.isoformat()}",
    )
