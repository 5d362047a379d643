"""Requests of joint meetings (reg 14A and voluntary): what a convenor or an invitee says.

Times are sent as the wall-clock time at the meeting, with no offset, in the zone named; the
decider turns them into instants. The area's country and policing body, its responsible
authorities and the workspace's members are resolved by the handler
(``schemas.commands.meetings``).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import Field

from schemas.commands import meetings as cmd
from schemas.events.directory import Slug
from schemas.events.meetings import (
    AgendaItem,
    Invitation,
    MeetingKind,
    Paper,
    Place,
    Reason,
    Representative,
    Response,
    Text,
    Title,
)
from schemas.requests.base import ActionRequest, CallerRequest

HttpsLink = r"^https://[^\s\x85]+$"
r"""A link's pattern, as the commands' (``^https://\S+$``) reads in Python and Rust: JSON
Schema's ECMA-262 ``\S`` alone would allow U+0085, which they count as white space."""
ZoneName = Literal["Europe/London"]
"""The zones the hub holds meetings in (the decider refuses any other)."""
Agenda: Any = Field(default_factory=list, max_length=100)


class Keep(Enum):
    """Leave this detail as it is (an amendment changes only what it names)."""

    KEEP = "keep"


class ConveneMeetingRequest(CallerRequest):
    """Convene a joint meeting and invite organisations."""

    commands = (cmd.ConveneMeeting,)

    kind: MeetingKind
    title: str = Title
    purpose: str = Text
    starts_local: datetime = Field(description="wall-clock time at the meeting, no offset")
    ends_local: datetime = Field(description="wall-clock time at the meeting, no offset")
    invitations: list[Invitation] = Field(min_length=1, max_length=200)
    timezone: ZoneName = "Europe/London"
    place: str | None = Place
    online_link: str | None = Field(default=None, min_length=1, max_length=2000,
                                    pattern=HttpsLink)
    agenda: list[AgendaItem] = Agenda
    workspace_id: str | None = Field(default=None, min_length=1, max_length=120)
    area_id: str | None = Field(default=None, min_length=1, max_length=120,
                                pattern=r"^[a-z0-9][a-z0-9-]*$")


class InviteToMeetingRequest(ActionRequest):
    """Invite more organisations to a convened meeting; any already invited are left as they
    are."""

    commands = (cmd.InviteToMeeting,)

    invitations: list[Invitation] = Field(min_length=1, max_length=200)


class RespondToMeetingRequest(ActionRequest):
    """An invited organisation answers for itself."""

    commands = (cmd.RespondToMeeting,)

    response: Response
    representatives: list[Representative] = Field(default_factory=list, max_length=20)
    delegate: Representative | None = None
    reason: str | None = Field(default=None, min_length=1, max_length=2000)


class PublishMeetingPapersRequest(ActionRequest):
    """Publish papers for the meeting."""

    commands = (cmd.PublishMeetingPapers,)

    papers: list[Paper] = Field(min_length=1, max_length=50)


class RescheduleMeetingRequest(ActionRequest):
    """Move the meeting to a new start and end (wall-clock times in the zone named)."""

    commands = (cmd.RescheduleMeeting,)

    starts_local: datetime = Field(description="wall-clock time at the meeting, no offset")
    ends_local: datetime = Field(description="wall-clock time at the meeting, no offset")
    timezone: ZoneName = "Europe/London"


class AmendMeetingRequest(ActionRequest):
    """Change the title, purpose, place, link or agenda; a detail left out stays as it is."""

    commands = (cmd.AmendMeeting,)

    title: Annotated[str, Title] | Keep = Keep.KEEP
    purpose: Annotated[str, Text] | Keep = Keep.KEEP
    place: Annotated[str, Field(min_length=1, max_length=500)] | Keep | None = Keep.KEEP
    online_link: (
        Annotated[str, Field(min_length=1, max_length=2000, pattern=HttpsLink)]
        | Keep | None
    ) = Keep.KEEP
    agenda: Annotated[list[AgendaItem], Field(max_length=100)] | Keep = Keep.KEEP


class CancelMeetingRequest(ActionRequest):
    """Cancel the meeting, with a reason."""

    commands = (cmd.CancelMeeting,)

    reason: str = Reason


class RecordMeetingHeldRequest(ActionRequest):
    """The convenor records that the meeting took place."""

    commands = (cmd.RecordMeetingHeld,)


class DraftMeetingMinutesRequest(ActionRequest):
    """Draft (or redraft) the minutes of a held meeting."""

    commands = (cmd.DraftMeetingMinutes,)

    text: str = Field(min_length=1, max_length=100000)
    document: str | None = Field(default=None, min_length=1, max_length=2000)


class ApproveMeetingMinutesRequest(ActionRequest):
    """Approve the draft of the minutes the approver read."""

    commands = (cmd.ApproveMeetingMinutes,)

    draft: int = Field(ge=1)


class AssignMeetingActionRequest(ActionRequest):
    """Record an action arising from the meeting, with its owner and due date."""

    commands = (cmd.AssignMeetingAction,)

    description: str = Text
    owner_organisation_id: str = Slug
    due_on: date


class CompleteMeetingActionRequest(ActionRequest):
    """The owner completes an action, with a note."""

    commands = (cmd.CompleteMeetingAction,)

    action_id: str = Slug
    note: str = Text
