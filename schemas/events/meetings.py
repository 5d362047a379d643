"""Events of joint meetings (reg 14A and voluntary).

Instants are stored in UTC with the zone the meeting is held in (always Europe/London), so a
calendar shows the wall-clock time. ``revision`` rises on every change a calendar shows (time,
place, title, agenda, status) and becomes the iCalendar ``SEQUENCE``.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, Literal

from pydantic import AwareDatetime, Field

from schemas.events.directory import Name, Slug, Succession
from schemas.registry import EventData, event_type, upcaster

Title = Field(min_length=1, max_length=200)
Text = Field(min_length=1, max_length=5000)
Reason = Field(min_length=1, max_length=2000)
Place = Field(default=None, min_length=1, max_length=500)
Link = Field(default=None, min_length=1, max_length=2000, pattern=r"^https://\S+$")
TimeZoneName = Literal["Europe/London"]


class MeetingKind(StrEnum):
    """A formal reg 14A meeting (England; attendance can be required) or a voluntary one."""

    REG_14A = "reg_14a"
    VOLUNTARY = "voluntary"


class ConvenorRole(StrEnum):
    """In what capacity an organisation convened a meeting."""

    POLICING_BODY = "policing_body"
    """The office of the area's policing body: the meeting passes with the area's governance."""
    WORKSPACE_MEMBER = "workspace_member"
    """A member organisation of the meeting's workspace (voluntary meetings): it keeps it."""


REG_14A_PURPOSE = (
    "To assist in formulating and implementing the strategies of the responsible authorities "
    "under section 6 of the Crime and Disorder Act 1998 (CDA s.6(4A); reg 14A of the Crime and "
    "Disorder (Formulation and Implementation of Strategy) Regulations 2007, SI 2007/1830)."
)
"""The statutory purpose every reg 14A meeting states."""


class Response(StrEnum):
    """An invited organisation's answer."""

    ATTENDING = "attending"
    DELEGATING = "delegating"
    DECLINING = "declining"


class AgendaItem(EventData):
    """One item of the agenda."""

    title: str = Title
    description: str | None = Field(default=None, min_length=1, max_length=2000)


class Invitation(EventData):
    """An organisation invited, and whether its attendance is required (reg 14A)."""

    organisation_id: str = Slug
    required: bool = False


class Representative(EventData):
    """A named person representing an organisation at the meeting."""

    name: str = Name
    role: str | None = Field(default=None, min_length=1, max_length=200)


class Paper(EventData):
    """A meeting paper: its title and where to read it."""

    title: str = Title
    reference: str = Field(min_length=1, max_length=2000)


@event_type("meeting.convened", version=2)
class MeetingConvened(EventData):
    """A meeting was convened and organisations invited (revision 0): by the policing body's
    office, or (voluntary meetings) by a member organisation of its workspace. A reg 14A
    meeting states its statutory purpose."""

    meeting_id: str = Slug
    area_id: str = Slug
    by_organisation: str = Slug
    kind: MeetingKind
    title: str = Title
    purpose: str = Text
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    timezone: TimeZoneName
    place: str | None = Place
    online_link: str | None = Link
    agenda: list[AgendaItem] = Field(default_factory=list, max_length=100)
    invitations: list[Invitation] = Field(min_length=1, max_length=200)
    workspace_id: str | None = Field(default=None, min_length=1, max_length=120)
    revision: int = Field(ge=0)
    convened_as: ConvenorRole = ConvenorRole.POLICING_BODY
    statutory_purpose: str | None = Field(default=None, max_length=1000)


@upcaster("meeting.convened", from_version=1)
def _meeting_convened_v1(data: dict[str, Any]) -> dict[str, Any]:
    # Version 1 knew only the policing body as convenor, and left the purpose of reg 14A
    # unstated; it was the same for every reg 14A meeting.
    statutory = REG_14A_PURPOSE if data["kind"] == MeetingKind.REG_14A else None
    return {**data, "convened_as": ConvenorRole.POLICING_BODY.value,
            "statutory_purpose": statutory}


@event_type("meeting.invitees_added")
class MeetingInviteesAdded(EventData):
    """The convenor invited more organisations to a convened meeting. The meeting itself is
    unchanged, so its revision (the calendar ``SEQUENCE``) stays: RFC 5546 asks a new
    attendee to be sent the ``REQUEST``, and nothing of existing attendees' copies changes."""

    meeting_id: str = Slug
    by_organisation: str = Slug
    invitations: list[Invitation] = Field(min_length=1, max_length=200)
    revision: int = Field(ge=0)
    """The meeting's revision the new invitees are sent (unchanged by adding them)."""


@event_type("meeting.responded")
class MeetingResponded(EventData):
    """An invited organisation answered; its latest answer stands."""

    meeting_id: str = Slug
    organisation_id: str = Slug
    response: Response
    representatives: list[Representative] = Field(default_factory=list, max_length=20)
    delegate: Representative | None = None
    reason: str | None = Field(default=None, min_length=1, max_length=2000)


@event_type("meeting.required_decline_flagged")
class RequiredDeclineFlagged(EventData):
    """An organisation whose attendance is required declined: flagged to the convenor."""

    meeting_id: str = Slug
    organisation_id: str = Slug
    convenor: str = Slug
    reason: str = Reason


@event_type("meeting.papers_published")
class MeetingPapersPublished(EventData):
    """The convenor published papers for the meeting."""

    meeting_id: str = Slug
    by_organisation: str = Slug
    papers: list[Paper] = Field(min_length=1, max_length=50)


@event_type("meeting.rescheduled")
class MeetingRescheduled(EventData):
    """The meeting moved; it keeps its identity and its revision rises."""

    meeting_id: str = Slug
    by_organisation: str = Slug
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    timezone: TimeZoneName
    previous_starts_at: AwareDatetime
    previous_ends_at: AwareDatetime
    revision: int = Field(ge=1)


@event_type("meeting.amended")
class MeetingAmended(EventData):
    """The title, purpose, place, link or agenda changed (each as it now reads)."""

    meeting_id: str = Slug
    by_organisation: str = Slug
    title: str = Title
    purpose: str = Text
    place: str | None = Place
    online_link: str | None = Link
    agenda: list[AgendaItem] = Field(default_factory=list, max_length=100)
    revision: int = Field(ge=1)


@event_type("meeting.cancelled")
class MeetingCancelled(EventData):
    """The meeting was cancelled; calendars show it cancelled."""

    meeting_id: str = Slug
    by_organisation: str = Slug
    reason: str = Reason
    revision: int = Field(ge=1)


@event_type("meeting.held")
class MeetingHeld(EventData):
    """The meeting took place: recorded by the convenor, or by the hub after its end time."""

    meeting_id: str = Slug
    by_organisation: str | None = Field(default=None, min_length=1, max_length=120)
    automatic: bool = False


@event_type("meeting.minutes_drafted")
class MinutesDrafted(EventData):
    """The convenor drafted (or redrafted) the minutes."""

    meeting_id: str = Slug
    by_organisation: str = Slug
    draft: int = Field(ge=1)
    text: str = Field(min_length=1, max_length=100000)
    document: str | None = Field(default=None, min_length=1, max_length=2000)


@event_type("meeting.minutes_approved")
class MinutesApproved(EventData):
    """The convenor approved a draft of the minutes."""

    meeting_id: str = Slug
    by_organisation: str = Slug
    draft: int = Field(ge=1)


@event_type("meeting.action_assigned")
class ActionAssigned(EventData):
    """An action arising from the meeting, owned by an organisation, due on a date."""

    meeting_id: str = Slug
    action_id: str = Slug
    by_organisation: str = Slug
    description: str = Text
    owner_organisation_id: str = Slug
    due_on: date


@event_type("meeting.action_completed")
class ActionCompleted(EventData):
    """The owner completed the action, with a note."""

    meeting_id: str = Slug
    action_id: str = Slug
    by_organisation: str = Slug
    note: str = Text


@event_type("meeting.reminder_sent")
class MeetingReminderSent(EventData):
    """The hub reminded the invitees of the meeting starting at ``starts_at``."""

    meeting_id: str = Slug
    starts_at: AwareDatetime
    revision: int = Field(ge=0)


@event_type("meeting.action_reminder_sent")
class ActionReminderSent(EventData):
    """The hub reminded the owner of an action falling due."""

    meeting_id: str = Slug
    action_id: str = Slug
    owner_organisation_id: str = Slug
    due_on: date


@event_type("meeting.invitations_succeeded")
class InvitationsSucceeded(EventData):
    """Organisations invited to the convened meeting ended in a directory change (a local
    government reorganisation, say): their invitations pass to their successors, who answer
    for themselves, and the ended bodies' invitations and answers fall away."""

    meeting_id: str = Slug
    change_id: str = Slug
    successions: list[Succession] = Field(min_length=1, max_length=200)
    """Each ended invitee and the bodies that succeed it."""
    invited: list[Invitation] = Field(default_factory=list, max_length=200)
    """The successors newly invited in their place (a successor invited already keeps its own
    invitation and answer), each required if a body it succeeds was required."""


@event_type("meeting.action_owner_succeeded")
class ActionOwnerSucceeded(EventData):
    """The open action's owner ended in a directory change: the action passes to its successor,
    who completes it."""

    meeting_id: str = Slug
    action_id: str = Slug
    change_id: str = Slug
    from_organisation_id: str = Slug
    owner_organisation_id: str = Slug


@event_type("meeting.convenor_succeeded")
class ConvenorSucceeded(EventData):
    """The organisation that convened the open meeting ended in a directory change: the meeting
    passes to its successor, which keeps it from now on (a meeting the policing body's office
    convened stays the office's, whoever holds the area's functions)."""

    meeting_id: str = Slug
    change_id: str = Slug
    from_organisation_id: str = Slug
    convened_by: str = Slug
