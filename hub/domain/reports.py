"""Report requests under CDA s.7 (DOMAIN.md section 2): the lifecycle and who may move it.

Only the area's policing body office asks, and it is "the requester" for as long as the request
is open (a handler resolves today's office into each command, so a request passes to a
successor body with the area's governance). Only the responsible authorities addressed
acknowledge, ask for more time and submit; only the requester grants or refuses more time,
accepts, returns, publishes, closes or withdraws.

    required → acknowledged ─┬─> submitted ─┬─> accepted ─> closed
       │  ▲        │  ▲      │              └─> returned ─> submitted (resubmitted)
       ▼  │        ▼  │      │
    extension_requested ─────┘ (granted: new due date; refused: due date stands)
    required / acknowledged / extension_requested ─> withdrawn

Publication is not a step of the lifecycle. The duty to publish comes from the Specified
Information Order (SI 2011/3050), not from s.7: it attaches to every report submitted under a
formal requirement, whether or not the requester accepts it, so each submitted version of a
formal report can be published once, accepted, returned or awaiting an answer. A formal
request closes once its accepted version has been published. The requester may also require
the authorities to arrange publication (s.7(3)), and confirms that the matters asked about
relate to the authorities' functions under s.6.

The due date moves only by a granted extension. The hub marks a request overdue once its due
date has passed without a submission, and reminds the authorities before it; those scheduled
commands carry the due date they were scheduled for, and do nothing when it is no longer
current, when the request has been submitted, or when they already happened.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from hub.domain.directory import area_workspace, csp_workspace
from hub.domain.errors import N_, AlreadyExists, DomainError, InvalidCommand, InvalidInput, NotFound
from hub.domain.record import RecordType
from schemas.commands import reports as cmd
from schemas.events import reports as ev
from schemas.events.directory import Country, PolicingBodyKind
from schemas.events.reports import ReportKind
from schemas.registry import EventData

LONDON = ZoneInfo("Europe/London")
REMINDER_DAYS = (7, 1)
"""Reminders go out this many days before the due date."""
REMINDER_TIME = time(9, 0)
"""Local time (Europe/London) at which reminders go out."""


class Status(StrEnum):
    """Where a request stands in its lifecycle."""

    REQUIRED = "required"
    ACKNOWLEDGED = "acknowledged"
    EXTENSION_REQUESTED = "extension_requested"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


AWAITING_SUBMISSION = frozenset({Status.REQUIRED, Status.ACKNOWLEDGED, Status.EXTENSION_REQUESTED})
FINISHED = frozenset({Status.CLOSED, Status.WITHDRAWN})


# -- errors ---------------------------------------------------------------------------------


class InvalidReportInput(InvalidInput):
    """The input does not fit the command's schema; ``errors`` names each field."""

    code = "report_request.invalid_input"


class NotRequester(DomainError):
    """Only the area's policing body office (the requester) may do this."""

    code = "report_request.not_requester"
    status = 403


class NoReportPower(DomainError):
    """In the City of London the Home Secretary, not the Common Council, holds the s.7 power."""

    code = "report_request.no_report_power"
    status = 403


class NotAddressedAuthority(DomainError):
    """Only the responsible authorities the request is addressed to may do this."""

    code = "report_request.not_addressed_authority"
    status = 403


class CspEnded(DomainError):
    """The CSP has ended: it has no authorities left to report."""

    code = "report_request.csp_ended"
    status = 422


class PreconditionsMissing(DomainError):
    """A formal requirement needs both s.7 preconditions, each with its reasons."""

    code = "report_request.preconditions_missing"
    status = 422


class InformalHasNoPreconditions(DomainError):
    """An informal request has no preconditions; record them only on a formal requirement."""

    code = "report_request.informal_has_no_preconditions"
    status = 422


class DevolvedConfirmationMissing(DomainError):
    """A request to a Welsh CSP must confirm that it excludes devolved functions."""

    code = "report_request.devolved_confirmation_missing"
    status = 422


class S6ConfirmationMissing(DomainError):
    """A formal requirement must confirm that the matters relate to the authorities' s.6
    functions (their crime and disorder, substance misuse, re-offending and serious violence
    strategies)."""

    code = "report_request.s6_confirmation_missing"
    status = 422


class DueDateNotInFuture(DomainError):
    """A due date must be after today."""

    code = "report_request.due_date_not_in_future"
    status = 422


class AlreadyAcknowledged(DomainError):
    """This authority has already acknowledged the request."""

    code = "report_request.already_acknowledged"


class AlreadySubmitted(DomainError):
    """The report has been submitted: the request no longer awaits a submission."""

    code = "report_request.already_submitted"


class ExtensionPending(DomainError):
    """An extension has been asked for and not yet answered."""

    code = "report_request.extension_pending"


class NoExtensionPending(DomainError):
    """No extension has been asked for (or it has been answered)."""

    code = "report_request.no_extension_pending"


class ExtensionNotLater(DomainError):
    """An extension must move the due date later."""

    code = "report_request.extension_not_later"
    status = 422


class NotSubmitted(DomainError):
    """Only a submitted report can be accepted, returned or published."""

    code = "report_request.not_submitted"


class NotReturned(DomainError):
    """Only a returned report can be resubmitted."""

    code = "report_request.not_returned"


class NotAccepted(DomainError):
    """The report has not been accepted yet."""

    code = "report_request.not_accepted"


class InformalNotPublished(DomainError):
    """Only reports obtained under a formal s.7 requirement are published, or their
    publication required (s.7(3))."""

    code = "report_request.informal_not_published"
    status = 422


class AlreadyPublished(DomainError):
    """The publication of this submitted version has already been recorded."""

    code = "report_request.already_published"


class PublicationDateInFuture(DomainError):
    """Publication is recorded once it has happened."""

    code = "report_request.publication_date_in_future"
    status = 422


class PublicationRequired(DomainError):
    """A report obtained under s.7 must be published (its accepted version) before the request
    is closed."""

    code = "report_request.publication_required"


class RequestClosed(DomainError):
    """The request is closed or withdrawn and takes no further changes."""

    code = "report_request.closed"


ERRORS: tuple[type[DomainError], ...] = (
    AlreadyExists, NotFound, InvalidCommand, InvalidReportInput, NotRequester, NoReportPower,
    NotAddressedAuthority, CspEnded, PreconditionsMissing, InformalHasNoPreconditions,
    DevolvedConfirmationMissing, S6ConfirmationMissing, DueDateNotInFuture, AlreadyAcknowledged,
    AlreadySubmitted,
    ExtensionPending, NoExtensionPending, ExtensionNotLater, NotSubmitted, NotReturned,
    NotAccepted, InformalNotPublished, AlreadyPublished, PublicationDateInFuture,
    PublicationRequired, RequestClosed,
)


# -- state ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """A report request's state."""

    exists: bool = False
    request_id: str = ""
    area_id: str = ""
    csp_id: str = ""
    kind: ReportKind = ReportKind.INFORMAL
    status: Status = Status.REQUIRED
    requested_by: str = ""
    addressed: frozenset[str] = frozenset()
    acknowledged_by: frozenset[str] = frozenset()
    due_on: date = date.min
    pending_extension: date | None = None
    overdue: bool = False
    reminders: frozenset[tuple[date, int]] = frozenset()
    """(due date, days before) of every reminder sent."""
    submissions: int = 0
    """How many versions have been submitted (the first, and each resubmission)."""
    published_submission: int = 0
    """The latest submitted version whose publication was recorded (0: none)."""


def london_date(now: datetime) -> date:
    """The calendar date in England and Wales at instant ``now``."""
    return now.astimezone(LONDON).date()


def _at_london(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=LONDON)


def overdue_at(due_on: date) -> datetime:
    """When a request due on ``due_on`` becomes overdue: the start of the next day."""
    return _at_london(due_on + timedelta(days=1), time(0, 0))


def reminder_at(due_on: date, days_before: int) -> datetime:
    """When the reminder ``days_before`` the due date goes out."""
    return _at_london(due_on - timedelta(days=days_before), REMINDER_TIME)


def deadline_commands(
    request_id: str, due_on: date, now: datetime
) -> list[tuple[datetime, cmd.MarkReportOverdue | cmd.SendReportReminder]]:
    """The scheduled commands for a due date, each with the instant it is due.

    A reminder whose day has already passed at ``now`` is left out (a request due in three
    days gets no "seven days" reminder); the overdue check is always planned.
    """
    today = london_date(now)
    planned: list[tuple[datetime, cmd.MarkReportOverdue | cmd.SendReportReminder]] = [
        (
            reminder_at(due_on, days),
            cmd.SendReportReminder(request_id=request_id, due_on=due_on, days_before=days),
        )
        for days in REMINDER_DAYS
        if due_on - timedelta(days=days) >= today
    ]
    overdue = cmd.MarkReportOverdue(request_id=request_id, due_on=due_on)
    return [*planned, (overdue_at(due_on), overdue)]


def _initial() -> Request:
    return Request()


def _settled(state: Request) -> Status:
    # After an extension is answered the request is back where it was before the ask.
    return Status.ACKNOWLEDGED if state.acknowledged_by else Status.REQUIRED


def _evolve(state: Request, event_type: str, data: dict[str, Any]) -> Request:
    match event_type.split(".", 1)[1]:
        case "required":
            return Request(
                exists=True,
                request_id=data["request_id"],
                area_id=data["area_id"],
                csp_id=data["csp_id"],
                kind=ReportKind(data["kind"]),
                requested_by=data["by_organisation"],
                addressed=frozenset(data["addressed"]),
                due_on=date.fromisoformat(data["due_on"]),
            )
        case "acknowledged":
            acknowledged = state.acknowledged_by | {data["by_organisation"]}
            status = Status.ACKNOWLEDGED if state.status == Status.REQUIRED else state.status
            return replace(state, acknowledged_by=acknowledged, status=status)
        case "authorities_succeeded":
            ended = {s["organisation_id"] for s in data["successions"]}
            return replace(state, addressed=frozenset(data["addressed"]),
                           acknowledged_by=state.acknowledged_by - ended)
        case "extension_requested":
            asked = date.fromisoformat(data["requested_due_on"])
            return replace(state, pending_extension=asked, status=Status.EXTENSION_REQUESTED)
        case "extension_granted":
            due = date.fromisoformat(data["due_on"])
            return replace(
                state, due_on=due, overdue=False, pending_extension=None, status=_settled(state)
            )
        case "extension_refused":
            return replace(state, pending_extension=None, status=_settled(state))
        case "submitted" | "resubmitted":
            return replace(
                state, status=Status.SUBMITTED, pending_extension=None, overdue=False,
                submissions=state.submissions + 1,
            )
        case "returned":
            return replace(state, status=Status.RETURNED)
        case "accepted":
            return replace(state, status=Status.ACCEPTED)
        case "published":
            return replace(state, published_submission=state.submissions)
        case "closed":
            return replace(state, status=Status.CLOSED)
        case "withdrawn":
            return replace(state, status=Status.WITHDRAWN)
        case "marked_overdue":
            return replace(state, overdue=True)
        case "reminder_sent":
            sent = (date.fromisoformat(data["due_on"]), int(data["days_before"]))
            return replace(state, reminders=state.reminders | {sent})
    return state


# -- guards -----------------------------------------------------------------------------------


def _existing(state: Request) -> None:
    if not state.exists:
        raise NotFound(N_("no such report request"))


def _as_requester(state: Request, by_organisation: str, policing_body_id: str) -> None:
    _existing(state)
    if by_organisation != policing_body_id:
        raise NotRequester(N_("only the requester (the area's policing body office) may do this"))
    _open(state)


def _as_addressed(state: Request, by_organisation: str) -> None:
    _existing(state)
    if by_organisation not in state.addressed:
        raise NotAddressedAuthority(
            N_("the request is not addressed to %(by_organisation)s"),
            by_organisation=by_organisation
        )
    _open(state)


def _open(state: Request) -> None:
    if state.status in FINISHED:
        raise RequestClosed(
            N_("the request is %(status)s and takes no further changes"),
            status=state.status
        )


def _awaiting_submission(state: Request) -> None:
    if state.status not in AWAITING_SUBMISSION:
        raise AlreadySubmitted(N_("the report has already been submitted"))


def _future(day: date, today: date, refusal: str) -> None:
    """``refusal``: the whole sentence naming the date, with a ``%(today)s`` placeholder."""
    if day <= today:
        raise DueDateNotInFuture(refusal, today=today.isoformat())


# -- decisions --------------------------------------------------------------------------------


def _require(state: Request, c: cmd.RequireReport, today: date) -> list[EventData]:
    if state.exists:
        raise AlreadyExists(N_("a report request with this id already exists"))
    if c.by_organisation != c.policing_body_id:
        raise NotRequester(N_("only the office of the area's policing body may ask for a report"))
    if c.policing_body_kind == PolicingBodyKind.CITY_OF_LONDON:
        raise NoReportPower(N_("in the City of London the Home Secretary holds the report power"))
    if c.csp_valid_to is not None and c.csp_valid_to <= today:
        raise CspEnded(
            N_("the CSP %(csp_id)s ended on %(csp_valid_to)s"),
            csp_id=c.csp_id, csp_valid_to=c.csp_valid_to.isoformat()
        )
    reasons = (c.not_satisfied_reasons, c.proportionate_reasons)
    if c.kind == ReportKind.FORMAL and not all(reasons):
        raise PreconditionsMissing(
            N_("a formal requirement must record, with reasons, that the policing body is not "
            "satisfied the authorities carry out their strategy functions effectively and "
            "efficiently, and that a report is reasonable and proportionate")
        )
    if c.kind == ReportKind.INFORMAL and any(reasons):
        raise InformalHasNoPreconditions(N_("an informal request has no preconditions"))
    if c.kind == ReportKind.FORMAL and not c.s6_functions_confirmed:
        raise S6ConfirmationMissing(
            N_("confirm that the matters asked about relate to the authorities' functions under "
            "s.6 (their crime and disorder, substance misuse, re-offending and serious "
            "violence strategies)")
        )
    if c.kind == ReportKind.INFORMAL and c.publication_required:
        raise InformalNotPublished(
            N_("only a formal requirement may require the authorities to arrange publication")
        )
    if c.country == Country.WALES and not c.devolved_functions_excluded:
        raise DevolvedConfirmationMissing(
            N_("confirm that the matters asked about exclude functions devolved to the Welsh "
            "Government")
        )
    _future(c.due_on, today, N_("the due date must be after today (%(today)s)"))
    data = c.model_dump(
        exclude={"country", "policing_body_id", "policing_body_kind", "csp_valid_to", "addressed"}
    )
    return [ev.ReportRequired(**data, addressed=sorted(set(c.addressed)), requested_on=today)]


def _acknowledge(state: Request, c: cmd.AcknowledgeReport) -> list[EventData]:
    _as_addressed(state, c.by_organisation)
    _awaiting_submission(state)
    if c.by_organisation in state.acknowledged_by:
        raise AlreadyAcknowledged(
            N_("%(by_organisation)s has already acknowledged the request"),
            by_organisation=c.by_organisation
        )
    return [ev.ReportAcknowledged(**c.model_dump())]


def _ask_extension(state: Request, c: cmd.RequestExtension, today: date) -> list[EventData]:
    _as_addressed(state, c.by_organisation)
    _awaiting_submission(state)
    if state.pending_extension is not None:
        raise ExtensionPending(N_("an extension has already been asked for"))
    if c.requested_due_on <= state.due_on:
        raise ExtensionNotLater(N_("the date asked for must be after the current due date"))
    _future(c.requested_due_on, today,
            N_("the date asked for must be after today (%(today)s)"))
    return [ev.ExtensionRequested(**c.model_dump())]


def _grant(state: Request, c: cmd.GrantExtension, today: date) -> list[EventData]:
    _as_requester(state, c.by_organisation, c.policing_body_id)
    if state.pending_extension is None:
        raise NoExtensionPending(N_("no extension is waiting for an answer"))
    due = c.due_on or state.pending_extension
    if due <= state.due_on:
        raise ExtensionNotLater(N_("the new due date must be after the current one"))
    _future(due, today, N_("the new due date must be after today (%(today)s)"))
    return [
        ev.ExtensionGranted(
            request_id=c.request_id, by_organisation=c.by_organisation,
            previous_due_on=state.due_on, due_on=due,
        )
    ]


def _refuse(state: Request, c: cmd.RefuseExtension) -> list[EventData]:
    _as_requester(state, c.by_organisation, c.policing_body_id)
    if state.pending_extension is None:
        raise NoExtensionPending(N_("no extension is waiting for an answer"))
    return [ev.ExtensionRefused(**c.model_dump(exclude={"policing_body_id"}))]


def _submit(state: Request, c: cmd.SubmitReport, today: date) -> list[EventData]:
    _as_addressed(state, c.by_organisation)
    _awaiting_submission(state)
    return [ev.ReportSubmitted(**c.model_dump(), late=today > state.due_on)]


def _resubmit(state: Request, c: cmd.ResubmitReport) -> list[EventData]:
    _as_addressed(state, c.by_organisation)
    if state.status != Status.RETURNED:
        raise NotReturned(N_("only a report returned for more information can be resubmitted"))
    return [ev.ReportResubmitted(**c.model_dump())]


def _answer(state: Request, c: cmd.AcceptReport | cmd.ReturnReport) -> list[EventData]:
    _as_requester(state, c.by_organisation, c.policing_body_id)
    if state.status != Status.SUBMITTED:
        raise NotSubmitted(
            N_("the request is %(status)s: there is no submission to answer"),
            status=state.status
        )
    data = c.model_dump(exclude={"policing_body_id"})
    if isinstance(c, cmd.AcceptReport):
        return [ev.ReportAccepted(**data)]
    return [ev.ReportReturned(**data)]


def _publish(state: Request, c: cmd.PublishReport, today: date) -> list[EventData]:
    _as_requester(state, c.by_organisation, c.policing_body_id)
    if state.kind != ReportKind.FORMAL:
        raise InformalNotPublished(N_("only a report obtained under s.7 is published"))
    if state.submissions == 0:
        raise NotSubmitted(N_("no report has been submitted yet"))
    if state.published_submission == state.submissions:
        raise AlreadyPublished(N_("the publication of this version has already been recorded"))
    if c.published_on > today:
        raise PublicationDateInFuture(N_("record the publication once it has happened"))
    return [ev.ReportPublished(**c.model_dump(exclude={"policing_body_id"}))]


def _close(state: Request, c: cmd.CloseReport) -> list[EventData]:
    _as_requester(state, c.by_organisation, c.policing_body_id)
    if state.status != Status.ACCEPTED:
        raise NotAccepted(
            N_("the request is %(status)s: close it once the report is accepted"),
            status=state.status
        )
    if state.kind == ReportKind.FORMAL and state.published_submission != state.submissions:
        raise PublicationRequired(N_("publish the report obtained under s.7 before closing"))
    return [ev.ReportClosed(**c.model_dump(exclude={"policing_body_id"}))]


def _withdraw(state: Request, c: cmd.WithdrawReport) -> list[EventData]:
    _as_requester(state, c.by_organisation, c.policing_body_id)
    _awaiting_submission(state)
    return [ev.ReportWithdrawn(**c.model_dump(exclude={"policing_body_id"}))]


def _still_due(state: Request, due_on: date) -> bool:
    # A scheduled command for a due date that moved, or for a request no longer awaiting a
    # submission, is a late job: it does nothing.
    return state.exists and state.status in AWAITING_SUBMISSION and state.due_on == due_on


def _mark_overdue(state: Request, c: cmd.MarkReportOverdue, today: date) -> list[EventData]:
    if not _still_due(state, c.due_on) or state.overdue or today <= c.due_on:
        return []
    return [ev.ReportOverdue(request_id=c.request_id, due_on=c.due_on)]


def _remind(state: Request, c: cmd.SendReportReminder, today: date) -> list[EventData]:
    if not _still_due(state, c.due_on) or (c.due_on, c.days_before) in state.reminders:
        return []
    if not c.due_on - timedelta(days=c.days_before) <= today <= c.due_on:
        return []
    return [
        ev.ReminderSent(
            request_id=c.request_id, due_on=c.due_on, days_before=c.days_before,
            to_organisations=sorted(state.addressed),
        )
    ]


def _pass_on(state: Request, c: cmd.PassToSuccessors) -> list[EventData]:
    # Open records pass to the successor bodies (DOMAIN.md, "Organisations end too"); a
    # finished request keeps the authorities it was made to, and a repeat changes nothing.
    relevant = [s for s in c.successions if s.organisation_id in state.addressed]
    if not state.exists or state.status in FINISHED or not relevant:
        return []
    successors = {s.organisation_id: s.successor_ids for s in relevant}
    addressed = dict.fromkeys(
        o for a in sorted(state.addressed) for o in successors.get(a, [a])
    )
    return [ev.AuthoritiesSucceeded(request_id=c.request_id, change_id=c.change_id,
                                    successions=relevant, addressed=list(addressed))]


def _decide(state: Request, command: BaseModel, now: datetime) -> list[EventData]:
    today = london_date(now)
    match command:
        case cmd.RequireReport():
            return _require(state, command, today)
        case cmd.AcknowledgeReport():
            return _acknowledge(state, command)
        case cmd.RequestExtension():
            return _ask_extension(state, command, today)
        case cmd.GrantExtension():
            return _grant(state, command, today)
        case cmd.RefuseExtension():
            return _refuse(state, command)
        case cmd.SubmitReport():
            return _submit(state, command, today)
        case cmd.ResubmitReport():
            return _resubmit(state, command)
        case cmd.AcceptReport() | cmd.ReturnReport():
            return _answer(state, command)
        case cmd.PublishReport():
            return _publish(state, command, today)
        case cmd.CloseReport():
            return _close(state, command)
        case cmd.WithdrawReport():
            return _withdraw(state, command)
        case cmd.MarkReportOverdue():
            return _mark_overdue(state, command, today)
        case cmd.SendReportReminder():
            return _remind(state, command, today)
        case cmd.PassToSuccessors():
            return _pass_on(state, command)
    raise InvalidCommand(
        N_("a report request cannot take %(command)s"),
        command=type(command).__name__
    )


def _open_to(state: Request, organisation_id: str, _now: datetime) -> frozenset[type[BaseModel]]:
    """The commands the request's state admits from ``organisation_id`` (see the guards above).

    Who the requester is today is the directory's to say (the policing body may have changed),
    so the requester's commands are judged on the state alone.
    """
    if not state.exists or state.status in FINISHED:
        return frozenset()
    awaiting = state.status in AWAITING_SUBMISSION
    offered: set[type[BaseModel]] = set()
    if organisation_id in state.addressed:
        if awaiting:
            offered.add(cmd.SubmitReport)
            if organisation_id not in state.acknowledged_by:
                offered.add(cmd.AcknowledgeReport)
            if state.pending_extension is None:
                offered.add(cmd.RequestExtension)
        if state.status == Status.RETURNED:
            offered.add(cmd.ResubmitReport)
    if awaiting:
        offered.add(cmd.WithdrawReport)
    if state.pending_extension is not None:
        offered |= {cmd.GrantExtension, cmd.RefuseExtension}
    if state.status == Status.SUBMITTED:
        offered |= {cmd.AcceptReport, cmd.ReturnReport}
    formal = state.kind == ReportKind.FORMAL
    unpublished = state.published_submission < state.submissions
    if formal and unpublished:
        offered.add(cmd.PublishReport)
    if state.status == Status.ACCEPTED and not (formal and unpublished):
        offered.add(cmd.CloseReport)
    return frozenset(offered)


def _visible_in(state: Request) -> tuple[str, ...]:
    return (area_workspace(state.area_id), csp_workspace(state.csp_id))


def _area_of(state: Request, command: BaseModel) -> str | None:
    area_id = state.area_id or getattr(command, "area_id", None)
    return str(area_id) if area_id else None


REPORT_REQUEST = RecordType(
    "report_request", _initial, _evolve, _decide, _visible_in, _area_of, _open_to
)
