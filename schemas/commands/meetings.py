"""Commands of joint meetings (reg 14A and voluntary).

Times come in as the wall-clock time at the meeting (a naive local datetime) plus the zone's
name; the decider turns them into instants itself, so a client's offset is never trusted.
Directory facts (the area's country and policing body, its responsible authorities, which
invitees the directory does not hold) are resolved by the handler.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from schemas.commands.base import Command, Resolved
from schemas.events.directory import Country, PolicingBodyKind, Slug, Succession
from schemas.events.meetings import (
    AgendaItem,
    Invitation,
    Link,
    MeetingKind,
    Paper,
    Place,
    Reason,
    Representative,
    Response,
    Text,
    Title,
)

ZoneName = Field(default="Europe/London", min_length=1, max_length=60)


class ConveneMeeting(Command):
    """Convene a joint meeting and invite organisations (the policing body's office; for a
    voluntary meeting, any member organisation of its workspace)."""

    meeting_id: Resolved[str] = Slug
    area_id: str = Slug
    by_organisation: Resolved[str] = Slug
    kind: MeetingKind
    title: str = Title
    purpose: str = Text
    starts_local: datetime
    ends_local: datetime
    timezone: str = ZoneName
    place: str | None = Place
    online_link: str | None = Link
    agenda: list[AgendaItem] = Field(default_factory=list, max_length=100)
    invitations: list[Invitation] = Field(max_length=200)
    workspace_id: str | None = Field(default=None, min_length=1, max_length=120)
    country: Resolved[Country]
    """The area's country (resolved): reg 14A meetings exist in England only."""
    policing_body_id: Resolved[str | None] = Field(default=None, min_length=1, max_length=120)
    """The office holding the area's PCC functions today (resolved)."""
    policing_body_kind: Resolved[PolicingBodyKind | None] = None
    """The kind of body holding them (resolved): only a commissioner holds reg 14A's power."""
    mopac_reg14a_recorded: Resolved[bool] = False
    """Whether the operator recorded that reg 14A applies to MOPAC (resolved)."""
    commenced_on: Resolved[date | None] = None
    """A Police and Crime Board's commencement date, once recorded (resolved)."""
    workspace_members: Resolved[list[str]] = Field(default_factory=list, max_length=500)
    """The member organisations of ``workspace_id`` (resolved): any may convene a voluntary
    meeting there."""
    responsible_authorities: Resolved[list[str]] = Field(default_factory=list, max_length=500)
    """Every responsible authority of a current CSP in the area (resolved)."""
    unregistered_invitees: Resolved[list[str]] = Field(default_factory=list, max_length=200)
    """Invitees the directory does not hold (resolved)."""


class InviteToMeeting(Command):
    """Invite more organisations to a convened meeting (its keeper: the convenor's office)."""

    meeting_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    invitations: list[Invitation] = Field(max_length=200)
    responsible_authorities: Resolved[list[str]] = Field(default_factory=list, max_length=500)
    """Every responsible authority of a current CSP in the meeting's area (resolved)."""
    unregistered_invitees: Resolved[list[str]] = Field(default_factory=list, max_length=200)
    """Invitees the convenor's organisation cannot see in the directory (resolved)."""


class RespondToMeeting(Command):
    """An invited organisation answers for itself."""

    meeting_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    response: Response
    representatives: list[Representative] = Field(default_factory=list, max_length=20)
    delegate: Representative | None = None
    reason: str | None = Field(default=None, min_length=1, max_length=2000)


class PublishMeetingPapers(Command):
    """Publish papers for the meeting."""

    meeting_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    papers: list[Paper] = Field(min_length=1, max_length=50)


class RescheduleMeeting(Command):
    """Move the meeting to a new start and end (wall-clock times in the zone named)."""

    meeting_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    starts_local: datetime
    ends_local: datetime
    timezone: str = ZoneName


class AmendMeeting(Command):
    """Change the title, purpose, place, link or agenda (each given as it should now read)."""

    meeting_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    title: str = Title
    purpose: str = Text
    place: str | None = Place
    online_link: str | None = Link
    agenda: list[AgendaItem] = Field(default_factory=list, max_length=100)


class CancelMeeting(Command):
    """Cancel the meeting, with a reason."""

    meeting_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    reason: str = Reason


class RecordMeetingHeld(Command):
    """The convenor records that the meeting took place."""

    meeting_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug


class MarkMeetingHeld(Command):
    """The hub records the meeting held once its end time has passed (scheduled)."""

    meeting_id: Resolved[str] = Slug
    ends_at: datetime
    """The end time the job was scheduled for; a job for a superseded time does nothing."""


class DraftMeetingMinutes(Command):
    """Draft (or redraft) the minutes of a held meeting."""

    meeting_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    text: str = Field(min_length=1, max_length=100000)
    document: str | None = Field(default=None, min_length=1, max_length=2000)


class ApproveMeetingMinutes(Command):
    """Approve the draft of the minutes the approver read."""

    meeting_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    draft: int = Field(ge=1)


class AssignMeetingAction(Command):
    """Record an action arising from the meeting, with its owner and due date."""

    meeting_id: Resolved[str] = Slug
    action_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    description: str = Text
    owner_organisation_id: str = Slug
    due_on: date


class CompleteMeetingAction(Command):
    """The owner completes an action, with a note."""

    meeting_id: Resolved[str] = Slug
    action_id: str = Slug
    by_organisation: Resolved[str] = Slug
    note: str = Text


class SendMeetingReminder(Command):
    """Remind the invitees of the meeting (scheduled a day before it starts)."""

    meeting_id: Resolved[str] = Slug
    starts_at: datetime
    """The start the reminder was scheduled for; a reminder for a superseded start does nothing."""


class SendActionReminder(Command):
    """Remind an action's owner that it falls due (scheduled a day before)."""

    meeting_id: Resolved[str] = Slug
    action_id: str = Slug
    due_on: date
    """The due date the reminder was scheduled for."""


class PassMeetingToSuccessors(Command):
    """A directory change took effect (issued by the hub): organisations the meeting invites, that
    own its open actions, or that convened it, ended. A convened meeting's invitations pass to
    their successors; each open action, and an open meeting, to the ended body's heir. A
    meeting held or cancelled keeps the invitations it had, a completed action its owner, and
    a finished meeting its convenor."""

    meeting_id: Resolved[str] = Slug
    change_id: str = Slug
    successions: list[Succession] = Field(min_length=1, max_length=200)
    heirs: Resolved[dict[str, str]] = Field(default_factory=dict)
    """The successor each ended body's open actions, and the open meetings it convened, pass to
    (see :func:`hub.domain.reorganisation.heir`)."""
