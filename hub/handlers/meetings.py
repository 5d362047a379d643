"""Application service for joint meetings: one function per command.

Each function resolves the directory facts the decider needs (the area's country and policing
body, its responsible authorities, which invitees exist), builds the command with the actor's
own organisation as ``by_organisation`` and hands it to :func:`hub.service.handle`. Times are
passed as wall-clock times in Europe/London; the decider makes them instants. The scheduled
commands at the end are issued as the hub with idempotency keys naming what they were
scheduled for.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import Connection, select

from hub.access.actors import member_workspaces
from hub.access.policy import Actor
from hub.bootstrap import Hub
from hub.domain.errors import N_, NotFound
from hub.domain.meetings import LONDON_NAME, MEETING, InvalidMeetingInput, Meeting
from hub.events import AppendResult
from hub.handlers.common import (
    Created,
    acting_organisation,
    area_row,
    areas_held_by,
    build,
    new_id,
    own_area,
    unseen_organisations,
)
from hub.projections.directory import csps, members, workspaces
from hub.queries.directory import csp_areas
from hub.service import handle, handle_as_hub, load
from schemas.commands import Command
from schemas.commands import meetings as cmd
from schemas.events.meetings import (
    AgendaItem,
    Invitation,
    MeetingKind,
    Paper,
    Representative,
    Response,
)
from schemas.requests.meetings import Keep

KEEP: Final = Keep.KEEP
"""Leave this detail as it is (for :func:`amend_meeting`)."""


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
    by = acting_organisation(actor, on_behalf_of)
    command = build(
        model, InvalidMeetingInput, meeting_id=meeting_id, by_organisation=by, **fields
    )
    return handle(
        hub, MEETING, meeting_id, command, actor, expected_version=expected_version,
        idempotency_key=idempotency_key,
    )


# -- directory facts ---------------------------------------------------------------------------


def _responsible_authorities(conn: Connection, area_id: str) -> list[str]:
    """Every responsible authority of a current CSP in the area (a combined CSP spanning
    police areas is in each, so each policing body may call it to reg 14A meetings)."""
    rows = conn.execute(select(csps).where(csps.c.valid_to.is_(None))).all()
    return sorted({
        authority for row in rows if area_id in csp_areas(row)
        for authority in row.responsible_authorities
    })


def _workspace_area(conn: Connection, workspace_id: str) -> str | None:
    return conn.execute(
        select(workspaces.c.area_id).where(workspaces.c.workspace_id == workspace_id)
    ).scalar()


def _members(conn: Connection, workspace_id: str) -> list[str]:
    """The member organisations of a workspace: any may convene a voluntary meeting there."""
    return sorted(conn.execute(
        select(members.c.organisation_id).where(members.c.workspace_id == workspace_id)
    ).scalars())


def _organisation_ids(invitations: Sequence[Invitation | dict[str, Any]]) -> list[str]:
    """The organisations ``invitations`` name, as given (checked by the decider)."""
    return [
        i.organisation_id if isinstance(i, Invitation) else str(i.get("organisation_id"))
        for i in invitations
    ]


def _convenors_area(
    conn: Connection, actor: Actor, by: str, area_id: str | None, workspace_id: str | None
) -> str:
    # A meeting belongs to the convenor's area (DOMAIN.md, Joint meetings): the one named if
    # it is the convenor's own, else the one whose functions the convenor holds, else (a
    # member convening a voluntary meeting) its workspace's.
    if area_id is not None:
        return own_area(actor, area_id)
    held = areas_held_by(conn, by)
    if not held and workspace_id is not None:
        held = [a for a in (_workspace_area(conn, workspace_id),) if a]
    return own_area(actor, held[0] if held else None)


# -- the convenor's commands -------------------------------------------------------------------


def convene_meeting(
    hub: Hub,
    actor: Actor,
    *,
    kind: MeetingKind | str,
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
    on_behalf_of: str | None = None,
    idempotency_key: str | None = None,
) -> Created:
    """Convene a meeting: the office of the area's policing body, or, for a voluntary meeting,
    any member organisation of the workspace ``workspace_id`` (in the workspace's area).

    ``starts_local``/``ends_local`` are wall-clock times in ``timezone`` without an offset.
    ``area_id`` defaults to the area whose functions the actor's organisation holds.
    The meeting's id comes from the idempotency key, when there is one, so a retry returns
    the first result.
    """
    by = acting_organisation(actor, on_behalf_of)
    meeting_id = new_id(by, idempotency_key, "meeting")
    with hub.engine.connect() as conn:
        # The workspace a meeting lives in is one the convenor belongs to; any other is
        # answered as a workspace that does not exist (cross-area meetings go through a
        # workspace both areas belong to).
        if workspace_id is not None and not (
            actor.system or workspace_id in member_workspaces(conn, by)
        ):
            raise NotFound(N_("no such workspace"))
        area_id = _convenors_area(conn, actor, by, area_id, workspace_id)
        area = area_row(conn, area_id)
        authorities = _responsible_authorities(conn, area_id)
        space_members = _members(conn, workspace_id) if workspace_id else []
        invited = _organisation_ids(invitations)
        # An invitee is an organisation of the meeting's area or a member of its workspace;
        # any other is, for the convenor, not in the directory.
        unseen = unseen_organisations(conn, invited, area_id, workspace_id)
    command = build(
        cmd.ConveneMeeting, InvalidMeetingInput, meeting_id=meeting_id, area_id=area_id,
        by_organisation=by,
        kind=kind, title=title, purpose=purpose, starts_local=starts_local,
        ends_local=ends_local, timezone=timezone, place=place, online_link=online_link,
        agenda=list(agenda), invitations=list(invitations), workspace_id=workspace_id,
        country=area.country, policing_body_id=area.policing_body_id,
        policing_body_kind=area.policing_body_kind,
        mopac_reg14a_recorded=area.reg14a_recorded, commenced_on=area.commenced_on,
        workspace_members=space_members,
        responsible_authorities=authorities, unregistered_invitees=unseen,
    )
    return Created(meeting_id, handle(
        hub, MEETING, meeting_id, command, actor, idempotency_key=idempotency_key
    ))


def invite_to_meeting(
    hub: Hub, actor: Actor, meeting_id: str, *,
    invitations: Sequence[Invitation | dict[str, Any]], expected_version: int | None = None,
    on_behalf_of: str | None = None, idempotency_key: str | None = None,
) -> AppendResult:
    """Invite more organisations to a meeting still to be held (its convenor); any already
    invited keep their invitation as it is. An invitee is, as at convening, an organisation
    of the meeting's area or a member of its workspace: any other is not in the directory."""
    meeting: Meeting = load(hub, MEETING, meeting_id).state
    invited = _organisation_ids(invitations)
    with hub.engine.connect() as conn:
        authorities = _responsible_authorities(conn, meeting.area_id) if meeting.exists else []
        unseen = (unseen_organisations(conn, invited, meeting.area_id, meeting.workspace_id)
                  if meeting.exists else [])
    return _issue(
        hub, actor, meeting_id, cmd.InviteToMeeting, invitations=list(invitations),
        responsible_authorities=authorities, unregistered_invitees=unseen,
        expected_version=expected_version, on_behalf_of=on_behalf_of,
        idempotency_key=idempotency_key,
    )


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
    title: str | Keep = KEEP,
    purpose: str | Keep = KEEP,
    place: str | Keep | None = KEEP,
    online_link: str | Keep | None = KEEP,
    agenda: Sequence[AgendaItem | dict[str, Any]] | Keep = KEEP,
    expected_version: int | None = None,
    on_behalf_of: str | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """Change the title, purpose, place, link or agenda; what is not given stays as it is."""
    current: Meeting = load(hub, MEETING, meeting_id).state
    given = {
        "title": title, "purpose": purpose, "place": place, "online_link": online_link,
        "agenda": agenda if isinstance(agenda, Keep) else list(agenda),
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
    due_on: date, expected_version: int | None = None,
    on_behalf_of: str | None = None, idempotency_key: str | None = None,
) -> Created:
    """Record an action arising from the meeting; returns the action's id (the hub's, from
    the idempotency key when there is one, so a retry records nothing more)."""
    action_id = new_id(
        acting_organisation(actor, on_behalf_of), idempotency_key, "meeting-action"
    )
    return Created(action_id, _issue(
        hub, actor, meeting_id, cmd.AssignMeetingAction, action_id=action_id,
        description=description, owner_organisation_id=owner_organisation_id, due_on=due_on,
        expected_version=expected_version, on_behalf_of=on_behalf_of,
        idempotency_key=idempotency_key,
    ))


# -- each invitee's and owner's commands -------------------------------------------------------


def respond_to_meeting(
    hub: Hub, actor: Actor, meeting_id: str, *, response: Response | str,
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
