"""Joint meetings: reg 14A (SI 2007/1830, inserted by SI 2012/2660) and voluntary meetings.

The rules here (DOMAIN.md section 4):

- The office of the area's policing body convenes; a voluntary meeting may also be convened
  by any member organisation of its workspace, which then keeps it (:func:`keeper`). A reg
  14A meeting exists in England only (every Welsh meeting is voluntary), only a commissioner
  holds its power (:mod:`hub.domain.powers`: not the City of London, not MOPAC unless the
  operator records that it applies, not a Police and Crime Board pending legislation), and
  it states its statutory purpose (:data:`REG_14A_PURPOSE`). Only a reg 14A meeting can
  require attendance, and only of the responsible authorities for areas in the police area.
- A meeting has a title, purpose, a place or online link, an agenda and invitees; its end is
  after its start and its start is not in the past.
- Times arrive as wall-clock times in Europe/London and become instants here: a time that
  does not exist (the spring-forward gap) is refused; a time that happens twice (the autumn
  fall-back hour) means its FIRST occurrence, in British Summer Time.
- Until the meeting is held or cancelled its keeper may invite more organisations, under the
  same rules as at convening; one already invited keeps its invitation and answer.
- Each invitee answers for itself (attending with named representatives, sending a delegate,
  or declining with a reason); a decline by a required invitee is flagged to the convenor.
- Every change a calendar shows (time, place, title, agenda, cancellation) raises the revision.
- The meeting is held (by the convenor once it has started, or by the hub after its end);
  minutes are drafted and approved after that, and actions arise, each owned by an
  organisation, due on a date, and completed by its owner.
- Scheduled commands (reminders, the automatic "held") carry what they were scheduled for; one
  that no longer applies does nothing.
- Open records pass to the successor bodies when organisations end (DOMAIN.md, "Organisations
  end too"): a convened meeting's invitation to an ended body passes to its successors, an
  open action to the ended owner's heir, and an open meeting to its ended convenor's heir; a
  meeting held or cancelled keeps the invitations it had, a completed action the body that
  completed it, and a finished meeting its convenor (:func:`_pass_on`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from hub.domain.directory import area_workspace
from hub.domain.errors import N_, DomainError, InvalidCommand, InvalidInput
from hub.domain.powers import Power, powers_held
from hub.domain.record import RecordType
from schemas.commands import meetings as cmd
from schemas.events import meetings as ev
from schemas.events.directory import Country
from schemas.events.meetings import (
    REG_14A_PURPOSE,
    ConvenorRole,
    Invitation,
    MeetingKind,
    Response,
)
from schemas.registry import EventData

LONDON_NAME: Literal["Europe/London"] = "Europe/London"
LONDON = ZoneInfo(LONDON_NAME)
SCHEDULED, CANCELLED, HELD = "scheduled", "cancelled", "held"


# -- errors ------------------------------------------------------------------------------------


class InvalidMeetingInput(InvalidInput):
    """The input does not fit the command's schema; ``errors`` names each field."""

    code = "meeting.invalid_input"


class MeetingNotFound(DomainError):
    """No meeting has this id."""

    code = "meeting.not_found"
    status = 404


class MeetingExists(DomainError):
    """A meeting with this id has already been convened."""

    code = "meeting.already_convened"


class NotPolicingBody(DomainError):
    """Only the office of the area's policing body convenes joint meetings."""

    code = "meeting.not_policing_body"
    status = 403


class NoReg14aPower(DomainError):
    """The body holding the area's functions does not hold the reg 14A power."""

    code = "meeting.no_reg14a_power"
    status = 403


class NotWorkspaceMember(DomainError):
    """A voluntary meeting not convened by the policing body is a workspace member's."""

    code = "meeting.not_workspace_member"
    status = 403


class Reg14aEnglandOnly(DomainError):
    """Reg 14A applies in England only; a Welsh meeting is voluntary."""

    code = "meeting.reg14a_england_only"
    status = 422


class AttendanceRequiredOnlyInReg14a(DomainError):
    """Only a reg 14A meeting can require attendance."""

    code = "meeting.attendance_required_only_in_reg14a"
    status = 422


class RequiredInviteeNotResponsibleAuthority(DomainError):
    """Reg 14A can require only the responsible authorities for areas in the police area."""

    code = "meeting.required_invitee_not_responsible_authority"
    status = 422


class NoInvitees(DomainError):
    """A meeting needs at least one invited organisation."""

    code = "meeting.no_invitees"
    status = 422


class DuplicateInvitee(DomainError):
    """An organisation is invited more than once."""

    code = "meeting.duplicate_invitee"
    status = 422


class UnknownInvitee(DomainError):
    """An invitee is not in the directory."""

    code = "meeting.unknown_invitee"
    status = 422


class AlreadyInvited(DomainError):
    """Every organisation named is already invited: nothing would change."""

    code = "meeting.already_invited"
    status = 422


class NoVenue(DomainError):
    """A meeting needs a place or an online link."""

    code = "meeting.no_venue"
    status = 422


class LocalTimeExpected(DomainError):
    """Times are wall-clock times in the zone named; the hub does not take a client's offset."""

    code = "meeting.local_time_expected"
    status = 422


class UnsupportedTimeZone(DomainError):
    """Meetings are held in Europe/London."""

    code = "meeting.unsupported_time_zone"
    status = 422


class NonexistentLocalTime(DomainError):
    """The wall-clock time falls in the spring-forward gap and never happens."""

    code = "meeting.nonexistent_local_time"
    status = 422


class EndNotAfterStart(DomainError):
    """The meeting must end after it starts."""

    code = "meeting.end_not_after_start"
    status = 422


class StartsInPast(DomainError):
    """A meeting cannot be convened or moved to a start in the past."""

    code = "meeting.starts_in_past"
    status = 422


class Unchanged(DomainError):
    """The change would leave the meeting as it is."""

    code = "meeting.unchanged"
    status = 422


class NotInvited(DomainError):
    """The organisation was not invited to this meeting."""

    code = "meeting.not_invited"
    status = 403


class ResponseIncomplete(DomainError):
    """Attending names representatives, delegating names the delegate, declining gives a reason."""

    code = "meeting.response_incomplete"
    status = 422


class ResponseInconsistent(DomainError):
    """A response carries details belonging to another kind of response."""

    code = "meeting.response_inconsistent"
    status = 422


class MeetingCancelled(DomainError):
    """The meeting was cancelled."""

    code = "meeting.cancelled"


class AlreadyHeld(DomainError):
    """The meeting has already been held."""

    code = "meeting.already_held"


class NotStarted(DomainError):
    """A meeting can be recorded as held only once it has started."""

    code = "meeting.not_started"


class NotHeld(DomainError):
    """Minutes and actions follow the meeting: record it held first."""

    code = "meeting.not_held"


class NoMinutes(DomainError):
    """There is no draft of the minutes to approve."""

    code = "meeting.no_minutes"


class StaleMinutes(DomainError):
    """The approver read an earlier draft than the latest."""

    code = "meeting.stale_minutes"


class MinutesAlreadyApproved(DomainError):
    """The minutes are approved and can no longer change."""

    code = "meeting.minutes_approved"


class ActionExists(DomainError):
    """An action with this id already exists."""

    code = "meeting.action_exists"


class NoSuchAction(DomainError):
    """The meeting has no action with this id."""

    code = "meeting.no_such_action"
    status = 404


class OwnerNotInvited(DomainError):
    """An action's owner is an invitee or the convenor."""

    code = "meeting.owner_not_invited"
    status = 422


class ActionDueInPast(DomainError):
    """An action cannot fall due in the past."""

    code = "meeting.action_due_in_past"
    status = 422


class NotActionOwner(DomainError):
    """Only the owner completes an action."""

    code = "meeting.not_action_owner"
    status = 403


class ActionAlreadyDone(DomainError):
    """The action is already complete."""

    code = "meeting.action_already_done"


ERRORS: tuple[type[DomainError], ...] = (
    MeetingNotFound, MeetingExists, NotPolicingBody, NoReg14aPower, NotWorkspaceMember,
    Reg14aEnglandOnly,
    AttendanceRequiredOnlyInReg14a, RequiredInviteeNotResponsibleAuthority, NoInvitees,
    DuplicateInvitee, UnknownInvitee, NoVenue, LocalTimeExpected, UnsupportedTimeZone,
    NonexistentLocalTime, EndNotAfterStart, StartsInPast, Unchanged, NotInvited,
    ResponseIncomplete, ResponseInconsistent, MeetingCancelled, AlreadyHeld, NotStarted,
    NotHeld, NoMinutes, StaleMinutes, MinutesAlreadyApproved, ActionExists, NoSuchAction,
    OwnerNotInvited, ActionDueInPast, NotActionOwner, ActionAlreadyDone, InvalidMeetingInput,
    AlreadyInvited,
)


# -- time --------------------------------------------------------------------------------------


def to_instant(local: datetime, zone: str) -> datetime:
    """The UTC instant of wall-clock time ``local`` in ``zone`` (Europe/London only).

    A time in the spring-forward gap is refused. A time in the autumn's repeated hour is its
    first occurrence (``fold=0``: British Summer Time, the earlier instant), so the same input
    always gives the same instant.
    """
    if local.tzinfo is not None:
        raise LocalTimeExpected(
            N_("give the wall-clock time without an offset, and the zone name separately")
        )
    if zone != LONDON_NAME:
        raise UnsupportedTimeZone(
            N_("meetings are held in %(LONDON_NAME)s, not %(zone)s"),
            LONDON_NAME=LONDON_NAME, zone=zone
        )
    first = local.replace(tzinfo=LONDON, fold=0)
    instant = first.astimezone(UTC)
    if instant.astimezone(LONDON).replace(tzinfo=None) != local:
        raise NonexistentLocalTime(
            N_("%(time)s does not exist in %(LONDON_NAME)s: the clocks go forward then"),
            time=local.isoformat(), LONDON_NAME=LONDON_NAME
        )
    return instant


def london_today(now: datetime) -> date:
    """The calendar date in England at ``now``."""
    return now.astimezone(LONDON).date()


# -- state -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """An action arising from the meeting."""

    owner: str
    due_on: date
    done: bool = False


@dataclass(frozen=True)
class Meeting:
    """A joint meeting's state."""

    exists: bool = False
    meeting_id: str = ""
    area_id: str = ""
    kind: str = ""
    convened_by: str = ""
    convened_as: str = ConvenorRole.POLICING_BODY
    details: dict[str, Any] = field(default_factory=dict)
    """Title, purpose, place, online link and agenda as stored (JSON form)."""
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    invitations: dict[str, bool] = field(default_factory=dict)
    """Each invitee and whether its attendance is required."""
    responses: dict[str, str] = field(default_factory=dict)
    status: str = ""
    revision: int = 0
    workspace_id: str | None = None
    minutes_draft: int = 0
    minutes_approved: bool = False
    actions: dict[str, Action] = field(default_factory=dict)
    reminded_for: frozenset[datetime] = frozenset()
    action_reminders: frozenset[tuple[str, date]] = frozenset()


def _initial() -> Meeting:
    return Meeting()


_DETAIL_KEYS = ("title", "purpose", "place", "online_link", "agenda")


def _instant(raw: str) -> datetime:
    return datetime.fromisoformat(raw).astimezone(UTC)


def _evolve(state: Meeting, event_type: str, data: dict[str, Any]) -> Meeting:
    match event_type.split(".", 1)[1]:
        case "convened":
            return Meeting(
                exists=True, meeting_id=data["meeting_id"], area_id=data["area_id"],
                kind=data["kind"], convened_by=data["by_organisation"],
                convened_as=data.get("convened_as", ConvenorRole.POLICING_BODY),
                details={k: data.get(k) for k in _DETAIL_KEYS},
                starts_at=_instant(data["starts_at"]), ends_at=_instant(data["ends_at"]),
                invitations={i["organisation_id"]: i["required"] for i in data["invitations"]},
                status=SCHEDULED, revision=data["revision"], workspace_id=data.get("workspace_id"),
            )
        case "invitees_added":
            added = {i["organisation_id"]: i["required"] for i in data["invitations"]}
            return replace(state, invitations={**state.invitations, **added})
        case "responded":
            return replace(
                state, responses={**state.responses, data["organisation_id"]: data["response"]}
            )
        case "rescheduled":
            return replace(
                state, starts_at=_instant(data["starts_at"]), ends_at=_instant(data["ends_at"]),
                revision=data["revision"],
            )
        case "amended":
            return replace(
                state, details={k: data.get(k) for k in _DETAIL_KEYS}, revision=data["revision"]
            )
        case "cancelled":
            return replace(state, status=CANCELLED, revision=data["revision"])
        case "held":
            return replace(state, status=HELD)
        case "minutes_drafted":
            return replace(state, minutes_draft=data["draft"])
        case "minutes_approved":
            return replace(state, minutes_approved=True)
        case "action_assigned":
            action = Action(data["owner_organisation_id"], date.fromisoformat(data["due_on"]))
            return replace(state, actions={**state.actions, data["action_id"]: action})
        case "action_completed":
            done = replace(state.actions[data["action_id"]], done=True)
            return replace(state, actions={**state.actions, data["action_id"]: done})
        case "reminder_sent":
            return replace(state, reminded_for=state.reminded_for | {_instant(data["starts_at"])})
        case "invitations_succeeded":
            ended = {x["organisation_id"] for x in data["successions"]}
            kept = {o: r for o, r in state.invitations.items() if o not in ended}
            joined = {i["organisation_id"]: i["required"] for i in data["invited"]}
            answers = {o: r for o, r in state.responses.items() if o not in ended}
            return replace(state, invitations={**kept, **joined}, responses=answers)
        case "convenor_succeeded":
            return replace(state, convened_by=data["convened_by"])
        case "action_owner_succeeded":
            passed = replace(state.actions[data["action_id"]], owner=data["owner_organisation_id"])
            return replace(state, actions={**state.actions, data["action_id"]: passed})
        case "action_reminder_sent":
            sent = (data["action_id"], date.fromisoformat(data["due_on"]))
            return replace(state, action_reminders=state.action_reminders | {sent})
    return state


# -- deciding ----------------------------------------------------------------------------------


def _times(
    local_start: datetime, local_end: datetime, zone: str, now: datetime
) -> tuple[datetime, datetime]:
    starts, ends = to_instant(local_start, zone), to_instant(local_end, zone)
    if ends <= starts:
        raise EndNotAfterStart(N_("the meeting must end after it starts"))
    if starts < now:
        raise StartsInPast(N_("the meeting cannot start in the past"))
    return starts, ends


def _venue(place: str | None, online_link: str | None) -> None:
    if not place and not online_link:
        raise NoVenue(N_("give a place, an online link, or both"))


def _convene(state: Meeting, command: cmd.ConveneMeeting, now: datetime) -> list[EventData]:
    if state.exists:
        raise MeetingExists(N_("a meeting with this id has already been convened"))
    convened_as = _convenor_role(command)
    reg14a = command.kind == MeetingKind.REG_14A
    if reg14a and command.country != Country.ENGLAND:
        raise Reg14aEnglandOnly(N_("reg 14A applies in England only; convene a voluntary meeting"))
    if reg14a and Power.REG_14A not in powers_held(
        command.policing_body_kind, today=london_today(now), commenced_on=command.commenced_on,
        reg14a_recorded=command.mopac_reg14a_recorded,
    ):
        raise NoReg14aPower(
            N_("the power to require attendance under reg 14A is a commissioner's: this body does "
            "not hold it, so convene a voluntary meeting")
        )
    _check_invitations(
        command.invitations, command.kind, command.responsible_authorities,
        command.unregistered_invitees,
    )
    _venue(command.place, command.online_link)
    starts, ends = _times(command.starts_local, command.ends_local, command.timezone, now)
    return [ev.MeetingConvened(
        meeting_id=command.meeting_id, area_id=command.area_id,
        by_organisation=command.by_organisation, kind=command.kind, title=command.title,
        purpose=command.purpose, starts_at=starts, ends_at=ends, timezone=LONDON_NAME,
        place=command.place, online_link=command.online_link, agenda=command.agenda,
        invitations=command.invitations, workspace_id=command.workspace_id, revision=0,
        convened_as=convened_as, statutory_purpose=REG_14A_PURPOSE if reg14a else None,
    )]


def _check_invitations(
    invitations: list[Invitation], kind: str, authorities: list[str], unregistered: list[str]
) -> None:
    """The rules every invitation follows, at convening and when more are invited: at least
    one, each organisation once, each in the directory, and attendance required only under
    reg 14A and only of the responsible authorities for areas in the police area."""
    invited = [i.organisation_id for i in invitations]
    if not invited:
        raise NoInvitees(N_("invite at least one organisation"))
    if len(set(invited)) != len(invited):
        raise DuplicateInvitee(N_("each organisation may be invited once"))
    if unregistered:
        raise UnknownInvitee(
            N_("not in the directory: %(unregistered)s"),
            unregistered=', '.join(unregistered)
        )
    required = [i.organisation_id for i in invitations if i.required]
    if required and kind != MeetingKind.REG_14A:
        raise AttendanceRequiredOnlyInReg14a(
            N_("only a reg 14A meeting can require attendance; mark every invitee optional")
        )
    outside = [org for org in required if org not in authorities]
    if outside:
        raise RequiredInviteeNotResponsibleAuthority(
            N_("reg 14A can require only responsible authorities in the area: %(organisations)s"),
            organisations=', '.join(outside)
        )


def _convenor_role(command: cmd.ConveneMeeting) -> ConvenorRole:
    """In what capacity the convenor acts; refused if it may not convene this meeting."""
    if command.by_organisation == command.policing_body_id:
        return ConvenorRole.POLICING_BODY
    if command.kind == MeetingKind.REG_14A:
        raise NotPolicingBody(
            N_("only the office of the area's policing body convenes a reg 14A meeting")
        )
    if command.workspace_id is None or command.by_organisation not in command.workspace_members:
        raise NotWorkspaceMember(
            N_("a voluntary meeting is convened by the area's policing body or by a member "
            "organisation of the workspace it is held in")
        )
    return ConvenorRole.WORKSPACE_MEMBER


def keeper(state: Meeting) -> str | None:
    """The organisation that keeps a meeting a workspace member convened (None: the office
    of the area's policing body keeps it, whoever holds the functions today)."""
    if state.exists and state.convened_as == ConvenorRole.WORKSPACE_MEMBER:
        return state.convened_by
    return None


def _require(state: Meeting, command: BaseModel) -> None:
    if not state.exists or getattr(command, "meeting_id", None) != state.meeting_id:
        raise MeetingNotFound(N_("no such meeting"))


def _scheduled(state: Meeting, command: BaseModel) -> None:
    """The meeting exists and has been neither cancelled nor held."""
    _require(state, command)
    if state.status == CANCELLED:
        raise MeetingCancelled(N_("the meeting was cancelled"))
    if state.status == HELD:
        raise AlreadyHeld(N_("the meeting has already been held"))


def _held(state: Meeting, command: BaseModel) -> None:
    _require(state, command)
    if state.status != HELD:
        raise NotHeld(N_("the meeting has not been recorded as held"))


def _invite(state: Meeting, command: cmd.InviteToMeeting) -> list[EventData]:
    """More organisations are invited to a meeting still to be held; those already invited
    keep their invitation (and answer) as it is. The meeting itself does not change, so its
    revision stays (RFC 5546: adding an attendee needs no new ``SEQUENCE``)."""
    _scheduled(state, command)
    _check_invitations(
        command.invitations, state.kind, command.responsible_authorities,
        command.unregistered_invitees,
    )
    added = [i for i in command.invitations if i.organisation_id not in state.invitations]
    if not added:
        raise AlreadyInvited(N_("every organisation named is already invited"))
    return [ev.MeetingInviteesAdded(
        meeting_id=state.meeting_id, by_organisation=command.by_organisation,
        invitations=added, revision=state.revision,
    )]


def _respond(state: Meeting, command: cmd.RespondToMeeting) -> list[EventData]:
    _require(state, command)
    if command.by_organisation not in state.invitations:
        raise NotInvited(
            N_("%(by_organisation)s was not invited to this meeting"),
            by_organisation=command.by_organisation
        )
    _scheduled(state, command)
    given = {
        Response.ATTENDING: bool(command.representatives),
        Response.DELEGATING: command.delegate is not None,
        Response.DECLINING: command.reason is not None,
    }
    if not given[command.response]:
        raise ResponseIncomplete(
            N_("attending names representatives, delegating names the delegate, declining "
            "gives a reason")
        )
    if any(present for kind, present in given.items() if kind != command.response):
        raise ResponseInconsistent(
            N_("a %(response)s response carries other details"),
            response=command.response.value
        )
    events: list[EventData] = [ev.MeetingResponded(
        meeting_id=state.meeting_id, organisation_id=command.by_organisation,
        response=command.response, representatives=command.representatives,
        delegate=command.delegate, reason=command.reason,
    )]
    if command.response == Response.DECLINING and state.invitations[command.by_organisation]:
        assert command.reason is not None
        events.append(ev.RequiredDeclineFlagged(
            meeting_id=state.meeting_id, organisation_id=command.by_organisation,
            convenor=state.convened_by, reason=command.reason,
        ))
    return events


def _reschedule(
    state: Meeting, command: cmd.RescheduleMeeting, now: datetime
) -> list[EventData]:
    _scheduled(state, command)
    starts, ends = _times(command.starts_local, command.ends_local, command.timezone, now)
    if (starts, ends) == (state.starts_at, state.ends_at):
        raise Unchanged(N_("the meeting is already at that time"))
    assert state.starts_at is not None and state.ends_at is not None
    return [ev.MeetingRescheduled(
        meeting_id=state.meeting_id, by_organisation=command.by_organisation,
        starts_at=starts, ends_at=ends, timezone=LONDON_NAME,
        previous_starts_at=state.starts_at, previous_ends_at=state.ends_at,
        revision=state.revision + 1,
    )]


def _amend(state: Meeting, command: cmd.AmendMeeting) -> list[EventData]:
    _scheduled(state, command)
    _venue(command.place, command.online_link)
    details = command.model_dump(mode="json", include=set(_DETAIL_KEYS))
    if details == state.details:
        raise Unchanged(N_("nothing would change"))
    return [ev.MeetingAmended(
        meeting_id=state.meeting_id, by_organisation=command.by_organisation,
        revision=state.revision + 1, **details,
    )]


def _record_held(state: Meeting, command: cmd.RecordMeetingHeld, now: datetime) -> list[EventData]:
    _scheduled(state, command)
    assert state.starts_at is not None
    if now < state.starts_at:
        raise NotStarted(N_("the meeting has not started yet"))
    return [ev.MeetingHeld(meeting_id=state.meeting_id, by_organisation=command.by_organisation)]


def _mark_held(state: Meeting, command: cmd.MarkMeetingHeld, now: datetime) -> list[EventData]:
    # A job for a moved, cancelled or already-held meeting, or one that fires early, does nothing.
    if state.status != SCHEDULED or state.ends_at != command.ends_at or now < command.ends_at:
        return []
    return [ev.MeetingHeld(meeting_id=state.meeting_id, automatic=True)]


def _draft(state: Meeting, command: cmd.DraftMeetingMinutes) -> list[EventData]:
    _held(state, command)
    if state.minutes_approved:
        raise MinutesAlreadyApproved(N_("the minutes are approved"))
    return [ev.MinutesDrafted(
        meeting_id=state.meeting_id, by_organisation=command.by_organisation,
        draft=state.minutes_draft + 1, text=command.text, document=command.document,
    )]


def _approve(state: Meeting, command: cmd.ApproveMeetingMinutes) -> list[EventData]:
    _held(state, command)
    if state.minutes_approved:
        raise MinutesAlreadyApproved(N_("the minutes are already approved"))
    if not state.minutes_draft:
        raise NoMinutes(N_("there is no draft of the minutes to approve"))
    if command.draft != state.minutes_draft:
        raise StaleMinutes(
            N_("the latest draft is %(minutes_draft)s, not %(draft)s"),
            minutes_draft=state.minutes_draft, draft=command.draft
        )
    return [ev.MinutesApproved(
        meeting_id=state.meeting_id, by_organisation=command.by_organisation, draft=command.draft
    )]


def _assign(state: Meeting, command: cmd.AssignMeetingAction, now: datetime) -> list[EventData]:
    _held(state, command)
    if command.action_id in state.actions:
        raise ActionExists(N_("an action with this id already exists"))
    owner = command.owner_organisation_id
    if owner not in state.invitations and owner != command.by_organisation:
        raise OwnerNotInvited(N_("%(owner)s was not invited to the meeting"), owner=owner)
    if command.due_on < london_today(now):
        raise ActionDueInPast(N_("an action cannot fall due in the past"))
    return [ev.ActionAssigned(
        meeting_id=state.meeting_id, action_id=command.action_id,
        by_organisation=command.by_organisation, description=command.description,
        owner_organisation_id=owner, due_on=command.due_on,
    )]


def _complete(state: Meeting, command: cmd.CompleteMeetingAction) -> list[EventData]:
    _require(state, command)
    action = state.actions.get(command.action_id)
    if action is None:
        raise NoSuchAction(N_("the meeting has no such action"))
    if action.owner != command.by_organisation:
        raise NotActionOwner(N_("only the action's owner completes it"))
    if action.done:
        raise ActionAlreadyDone(N_("the action is already complete"))
    return [ev.ActionCompleted(
        meeting_id=state.meeting_id, action_id=command.action_id,
        by_organisation=command.by_organisation, note=command.note,
    )]


def _remind(state: Meeting, command: cmd.SendMeetingReminder, now: datetime) -> list[EventData]:
    if (
        state.status != SCHEDULED
        or state.starts_at != command.starts_at
        or command.starts_at in state.reminded_for
        or now >= command.starts_at
    ):
        return []
    return [ev.MeetingReminderSent(
        meeting_id=state.meeting_id, starts_at=command.starts_at, revision=state.revision
    )]


def _remind_action(state: Meeting, command: cmd.SendActionReminder) -> list[EventData]:
    action = state.actions.get(command.action_id)
    if (
        action is None
        or action.done
        or action.due_on != command.due_on
        or (command.action_id, command.due_on) in state.action_reminders
    ):
        return []
    return [ev.ActionReminderSent(
        meeting_id=state.meeting_id, action_id=command.action_id,
        owner_organisation_id=action.owner, due_on=command.due_on,
    )]


def _pass_on(state: Meeting, command: cmd.PassMeetingToSuccessors) -> list[EventData]:
    # Open records pass to the successor bodies (DOMAIN.md, "Organisations end too"). The
    # successors of an invitee answer for themselves, as any invitee does: the ended body's
    # answer named its own people. A repeat finds nothing left to pass, and changes nothing.
    events: list[EventData] = []
    if not state.exists:
        return events
    ending = [s for s in command.successions if s.organisation_id in state.invitations]
    if state.status == SCHEDULED and ending:
        invited: dict[str, bool] = {}
        for s in ending:
            for successor in s.successor_ids:
                if successor not in state.invitations:
                    invited[successor] = (invited.get(successor, False)
                                          or state.invitations[s.organisation_id])
        events.append(ev.InvitationsSucceeded(
            meeting_id=state.meeting_id, change_id=command.change_id, successions=ending,
            invited=[ev.Invitation(organisation_id=o, required=r) for o, r in invited.items()],
        ))
    for action_id, action in sorted(state.actions.items()):
        if not action.done and action.owner in command.heirs:
            events.append(ev.ActionOwnerSucceeded(
                meeting_id=state.meeting_id, action_id=action_id, change_id=command.change_id,
                from_organisation_id=action.owner,
                owner_organisation_id=command.heirs[action.owner],
            ))
    if state.convened_by in command.heirs and _open(state):
        events.append(ev.ConvenorSucceeded(
            meeting_id=state.meeting_id, change_id=command.change_id,
            from_organisation_id=state.convened_by,
            convened_by=command.heirs[state.convened_by],
        ))
    return events


def _open(state: Meeting) -> bool:
    """Not cancelled, and not finished (held, minutes approved, every action done)."""
    finished = (state.status == HELD and state.minutes_approved
                and all(a.done for a in state.actions.values()))
    return state.status != CANCELLED and not finished


def _decide(state: Meeting, command: BaseModel, now: datetime) -> list[EventData]:
    match command:
        case cmd.ConveneMeeting():
            return _convene(state, command, now)
        case cmd.RespondToMeeting():
            return _respond(state, command)
        case cmd.InviteToMeeting():
            return _invite(state, command)
        case cmd.PublishMeetingPapers():
            _require(state, command)
            if state.status == CANCELLED:
                raise MeetingCancelled(N_("the meeting was cancelled"))
            return [ev.MeetingPapersPublished(
                meeting_id=state.meeting_id, by_organisation=command.by_organisation,
                papers=command.papers,
            )]
        case cmd.RescheduleMeeting():
            return _reschedule(state, command, now)
        case cmd.AmendMeeting():
            return _amend(state, command)
        case cmd.CancelMeeting():
            _scheduled(state, command)
            return [ev.MeetingCancelled(
                meeting_id=state.meeting_id, by_organisation=command.by_organisation,
                reason=command.reason, revision=state.revision + 1,
            )]
        case cmd.RecordMeetingHeld():
            return _record_held(state, command, now)
        case cmd.MarkMeetingHeld():
            return _mark_held(state, command, now)
        case cmd.DraftMeetingMinutes():
            return _draft(state, command)
        case cmd.ApproveMeetingMinutes():
            return _approve(state, command)
        case cmd.AssignMeetingAction():
            return _assign(state, command, now)
        case cmd.CompleteMeetingAction():
            return _complete(state, command)
        case cmd.SendMeetingReminder():
            return _remind(state, command, now)
        case cmd.SendActionReminder():
            return _remind_action(state, command)
        case cmd.PassMeetingToSuccessors():
            return _pass_on(state, command)
    raise InvalidCommand(N_("a meeting cannot take %(command)s"), command=type(command).__name__)


def _open_to(state: Meeting, organisation_id: str, now: datetime) -> frozenset[type[BaseModel]]:
    """The commands the meeting's state admits from ``organisation_id`` at ``now`` (see the
    guards above). Only the convenor's office may take most of them, which the access policy
    says; this says when."""
    if not state.exists:
        return frozenset()
    offered: set[type[BaseModel]] = set()
    if state.status == SCHEDULED:
        offered |= {cmd.RescheduleMeeting, cmd.AmendMeeting, cmd.CancelMeeting,
                    cmd.InviteToMeeting}
        if organisation_id in state.invitations:
            offered.add(cmd.RespondToMeeting)
        if state.starts_at is not None and now >= state.starts_at:
            offered.add(cmd.RecordMeetingHeld)
    if state.status != CANCELLED:
        offered.add(cmd.PublishMeetingPapers)
    if state.status == HELD:
        offered.add(cmd.AssignMeetingAction)
        if not state.minutes_approved:
            offered.add(cmd.DraftMeetingMinutes)
            if state.minutes_draft:
                offered.add(cmd.ApproveMeetingMinutes)
    if any(a.owner == organisation_id and not a.done for a in state.actions.values()):
        offered.add(cmd.CompleteMeetingAction)
    return frozenset(offered)


def _visible_in(state: Meeting) -> tuple[str, ...]:
    spaces = [area_workspace(state.area_id)]
    if state.workspace_id:
        spaces.append(state.workspace_id)
    return tuple(dict.fromkeys(spaces))


_HUB_ISSUED = (cmd.MarkMeetingHeld, cmd.SendMeetingReminder, cmd.SendActionReminder,
               cmd.PassMeetingToSuccessors)
"""Commands the hub issues itself (scheduled jobs, a directory change): one for a meeting that
is gone does nothing."""


def _area_of(state: Meeting, command: BaseModel) -> str | None:
    if state.exists:
        return state.area_id
    if not isinstance(command, (cmd.ConveneMeeting, *_HUB_ISSUED)):
        # Answer a missing meeting as missing, before asking who may act on it.
        raise MeetingNotFound(N_("no such meeting"))
    return getattr(command, "area_id", None)


MEETING = RecordType(
    "meeting", _initial, _evolve, _decide, _visible_in, _area_of, _open_to, keeper=keeper
)
