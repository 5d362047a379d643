"""Report request decider (CDA s.7, DOMAIN.md section 2): every transition and every refusal."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from hub.domain import reports
from hub.domain.errors import AlreadyExists, DomainError, InvalidCommand, NotFound
from hub.domain.reports import REPORT_REQUEST, Request, Status
from schemas.commands import Command
from schemas.commands import directory as directory_cmd
from schemas.commands import reports as cmd
from schemas.events import reports as ev
from schemas.events.directory import Succession
from schemas.events.reports import AttachmentRef
from schemas.registry import EventData
from tests.unit.decisions import accepts

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 24)
DUE = TODAY + timedelta(weeks=8)
OFFICE = "leicestershire-opcc"
SUCCESSOR = "leicestershire-mayor"
COUNCIL = "leicester-city-council"
POLICE = "leicestershire-police"
OUTSIDER = "rutland-county-council"
ADDRESSED = [POLICE, COUNCIL, "llr-icb"]
KEY = "9b1c2f1e-0000-4000-8000-000000000001"
FILE = AttachmentRef(
    attachment_id="0" * 32, name="data.csv", size=120, media_type="text/csv", sha256="a" * 64
)


def require(**changes: Any) -> cmd.RequireReport:
    fields: dict[str, Any] = {
        "request_id": KEY, "by_organisation": OFFICE, "csp_id": "safer-leicester",
        "kind": "informal", "title": "Night-time economy", "matters": "Violence in the city",
        "due_on": DUE, "area_id": "leicestershire", "country": "england",
        "policing_body_id": OFFICE, "policing_body_kind": "pcc", "addressed": ADDRESSED,
    }
    return cmd.RequireReport(**{**fields, **changes})


FORMAL = {
    "kind": "formal",
    "not_satisfied_reasons": "The strategy has not been refreshed for three years.",
    "proportionate_reasons": "A short report from existing data is proportionate.",
    "s6_functions_confirmed": True,
}


def by_office(command: type[Any], **fields: Any) -> Any:
    return command(request_id=KEY, by_organisation=OFFICE, policing_body_id=OFFICE, **fields)


def by(organisation: str, command: type[Any], **fields: Any) -> Any:
    return command(request_id=KEY, by_organisation=organisation, **fields)


ACK = by(COUNCIL, cmd.AcknowledgeReport)
ASK = by(COUNCIL, cmd.RequestExtension, requested_due_on=DUE + timedelta(weeks=2), reason="Leave")
GRANT = by_office(cmd.GrantExtension)
REFUSE = by_office(cmd.RefuseExtension, reason="The panel meets on the due date")
SUBMIT = by(COUNCIL, cmd.SubmitReport, text="Our report", attachments=[FILE])
RESUBMIT = by(COUNCIL, cmd.ResubmitReport, text="Our report, with more")
ACCEPT = by_office(cmd.AcceptReport)
RETURN = by_office(cmd.ReturnReport, reason="Add the repeat-victim figures")
PUBLISH = by_office(cmd.PublishReport, published_on=TODAY, location="https://example.org/r")
CLOSE = by_office(cmd.CloseReport)
WITHDRAW = by_office(cmd.WithdrawReport, reason="No longer needed")


def run(*commands: Command, now: datetime = NOW) -> Request:
    state = REPORT_REQUEST.initial()
    for command in commands:
        state, _ = REPORT_REQUEST.execute(state, command, now)
    return state


def decide(state: Request, command: Command, now: datetime = NOW) -> list[EventData]:
    return REPORT_REQUEST.decide(state, command, now)


def refused(error: type[DomainError], state: Request, command: Command) -> DomainError:
    with pytest.raises(error) as caught:
        decide(state, command)
    return caught.value


# -- asking -----------------------------------------------------------------------------------


def test_the_area_office_asks_a_csp_and_every_authority_in_it_for_a_report() -> None:
    [event] = decide(run(), require())
    assert isinstance(event, ev.ReportRequired)
    assert event.addressed == sorted(ADDRESSED)
    assert (event.requested_on, event.due_on, event.by_organisation) == (TODAY, DUE, OFFICE)
    state = run(require())
    assert state.status == Status.REQUIRED and state.requested_by == OFFICE


def test_a_request_is_made_once() -> None:
    refused(AlreadyExists, run(require()), require())


def test_only_the_office_of_the_areas_policing_body_may_ask() -> None:
    refused(reports.NotRequester, run(), require(by_organisation=COUNCIL))


def test_in_the_city_of_london_the_home_secretary_holds_the_report_power() -> None:
    command = require(policing_body_kind="city_of_london", area_id="city-of-london")
    refused(reports.NoReportPower, run(), command)


@pytest.mark.parametrize("missing", ["not_satisfied_reasons", "proportionate_reasons"])
def test_a_formal_requirement_records_both_preconditions_with_reasons(missing: str) -> None:
    refused(reports.PreconditionsMissing, run(), require(**{**FORMAL, missing: None}))


def test_a_formal_requirement_keeps_its_preconditions_and_the_form_the_office_specified() -> None:
    command = require(**FORMAL, specified_form="Ten pages at most")
    [event] = decide(run(), command)
    assert isinstance(event, ev.ReportRequired)
    assert event.kind == "formal" and event.specified_form == "Ten pages at most"
    assert event.not_satisfied_reasons and event.proportionate_reasons


def test_an_informal_request_has_no_preconditions() -> None:
    command = require(proportionate_reasons="Proportionate")
    refused(reports.InformalHasNoPreconditions, run(), command)


def test_a_request_to_a_welsh_csp_confirms_it_excludes_devolved_functions() -> None:
    welsh = {"area_id": "dyfed-powys", "country": "wales", "csp_id": "powys-csp"}
    refused(reports.DevolvedConfirmationMissing, run(), require(**welsh))
    [event] = decide(run(), require(**welsh, devolved_functions_excluded=True))
    assert isinstance(event, ev.ReportRequired) and event.devolved_functions_excluded


@pytest.mark.parametrize("due_on", [TODAY, TODAY - timedelta(days=1)])
def test_the_due_date_the_requester_chooses_lies_after_today(due_on: date) -> None:
    refused(reports.DueDateNotInFuture, run(), require(due_on=due_on))


def test_the_day_is_the_day_in_england_and_wales() -> None:
    # 23:30 UTC on 30 June is already 1 July in London (BST), so 1 July is not after today.
    june_night = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    with pytest.raises(reports.DueDateNotInFuture):
        decide(run(), require(due_on=date(2026, 7, 1)), june_night)


def test_an_ended_csp_is_not_asked() -> None:
    refused(reports.CspEnded, run(), require(csp_valid_to=TODAY))
    assert decide(run(), require(csp_valid_to=TODAY + timedelta(days=30)))


def test_a_request_is_visible_in_its_area_and_csp_workspaces() -> None:
    workspaces = REPORT_REQUEST.visible_in(run(require()))
    assert workspaces == ("area-leicestershire", "csp-safer-leicester")
    assert REPORT_REQUEST.area_of(run(), require()) == "leicestershire"
    assert REPORT_REQUEST.area_of(run(require()), ACK) == "leicestershire"


def test_commands_on_a_request_that_does_not_exist_are_not_found() -> None:
    for command in (ACK, ASK, GRANT, SUBMIT, ACCEPT, WITHDRAW):
        refused(NotFound, run(), command)


def test_a_request_takes_only_its_own_commands() -> None:
    other = directory_cmd.EndCsp(csp_id="safer-leicester", valid_to=TODAY)
    refused(InvalidCommand, run(require()), other)


# -- acknowledging ------------------------------------------------------------------------------


def test_an_addressed_authority_acknowledges_the_request() -> None:
    [event] = decide(run(require()), ACK)
    assert event == ev.ReportAcknowledged(request_id=KEY, by_organisation=COUNCIL)
    assert run(require(), ACK).status == Status.ACKNOWLEDGED


def test_each_authority_acknowledges_once() -> None:
    refused(reports.AlreadyAcknowledged, run(require(), ACK), ACK)
    state = run(require(), ACK, by(POLICE, cmd.AcknowledgeReport))
    assert state.acknowledged_by == {COUNCIL, POLICE} and state.status == Status.ACKNOWLEDGED


def test_only_an_addressed_authority_acknowledges_asks_for_more_time_or_submits() -> None:
    state = run(require())
    for command in (
        by(OUTSIDER, cmd.AcknowledgeReport),
        ASK.model_copy(update={"by_organisation": OUTSIDER}),
        SUBMIT.model_copy(update={"by_organisation": OUTSIDER}),
        by(OFFICE, cmd.AcknowledgeReport),
    ):
        refused(reports.NotAddressedAuthority, state, command)


def test_acknowledging_after_submission_is_refused() -> None:
    refused(reports.AlreadySubmitted, run(require(), SUBMIT), ACK)


# -- extensions -------------------------------------------------------------------------------


def test_an_addressed_authority_asks_for_an_extension() -> None:
    state = run(require(), ACK, ASK)
    assert state.status == Status.EXTENSION_REQUESTED
    assert state.pending_extension == DUE + timedelta(weeks=2) and state.due_on == DUE


def test_an_extension_can_be_asked_before_acknowledging() -> None:
    assert run(require(), ASK).status == Status.EXTENSION_REQUESTED


def test_one_extension_request_waits_at_a_time() -> None:
    refused(reports.ExtensionPending, run(require(), ASK), ASK)


def test_an_extension_asks_for_a_later_date() -> None:
    refused(
        reports.ExtensionNotLater, run(require()), ASK.model_copy(update={"requested_due_on": DUE})
    )


def test_granting_moves_the_due_date_to_the_date_asked_for() -> None:
    [event] = decide(run(require(), ACK, ASK), GRANT)
    assert event == ev.ExtensionGranted(
        request_id=KEY, by_organisation=OFFICE, previous_due_on=DUE,
        due_on=DUE + timedelta(weeks=2),
    )
    state = run(require(), ACK, ASK, GRANT)
    assert state.due_on == DUE + timedelta(weeks=2)
    assert state.status == Status.ACKNOWLEDGED and state.pending_extension is None


def test_the_requester_may_grant_a_different_later_date() -> None:
    other = DUE + timedelta(weeks=1)
    state = run(require(), ASK, GRANT.model_copy(update={"due_on": other}))
    assert state.due_on == other and state.status == Status.REQUIRED


def test_a_granted_due_date_is_later_than_the_current_one() -> None:
    refused(
        reports.ExtensionNotLater, run(require(), ASK), GRANT.model_copy(update={"due_on": DUE})
    )


def test_granting_an_extension_to_an_overdue_request_lifts_the_overdue_mark() -> None:
    late = NOW + timedelta(weeks=9)
    overdue = cmd.MarkReportOverdue(request_id=KEY, due_on=DUE)
    ask = ASK.model_copy(update={"requested_due_on": DUE + timedelta(weeks=4)})
    state = run(require(), now=NOW)
    state, _ = REPORT_REQUEST.execute(state, overdue, late)
    state, _ = REPORT_REQUEST.execute(state, ask, late)
    assert state.overdue
    state, _ = REPORT_REQUEST.execute(state, GRANT, late)
    assert not state.overdue and state.due_on == DUE + timedelta(weeks=4)


def test_refusing_keeps_the_due_date() -> None:
    [event] = decide(run(require(), ACK, ASK), REFUSE)
    assert isinstance(event, ev.ExtensionRefused)
    state = run(require(), ACK, ASK, REFUSE)
    assert state.due_on == DUE and state.status == Status.ACKNOWLEDGED
    assert state.pending_extension is None


@pytest.mark.parametrize("answer", [GRANT, REFUSE], ids=["grant", "refuse"])
def test_only_an_asked_extension_is_answered(answer: Command) -> None:
    refused(reports.NoExtensionPending, run(require()), answer)
    refused(reports.NoExtensionPending, run(require(), ASK, REFUSE), answer)


def test_asking_for_more_time_after_submission_is_refused() -> None:
    refused(reports.AlreadySubmitted, run(require(), SUBMIT), ASK)


# -- submitting, answering, resubmitting ---------------------------------------------------------


def test_an_addressed_authority_submits_text_and_attachments() -> None:
    [event] = decide(run(require(), ACK), SUBMIT)
    assert isinstance(event, ev.ReportSubmitted)
    assert (event.text, event.attachments, event.late) == ("Our report", [FILE], False)
    assert run(require(), ACK, SUBMIT).status == Status.SUBMITTED


def test_a_submission_after_the_due_date_is_marked_late() -> None:
    state = run(require())
    [event] = decide(state, SUBMIT, NOW + timedelta(weeks=9))
    assert isinstance(event, ev.ReportSubmitted) and event.late


def test_submitting_while_an_extension_waits_settles_it() -> None:
    state = run(require(), ASK, SUBMIT)
    assert state.status == Status.SUBMITTED and state.pending_extension is None
    refused(reports.NoExtensionPending, state, GRANT)


def test_a_report_is_submitted_once() -> None:
    refused(reports.AlreadySubmitted, run(require(), SUBMIT), SUBMIT)
    refused(reports.AlreadySubmitted, run(require(), SUBMIT, RETURN), SUBMIT)


def test_the_requester_accepts_a_submitted_report() -> None:
    [event] = decide(run(require(), SUBMIT), ACCEPT)
    assert event == ev.ReportAccepted(request_id=KEY, by_organisation=OFFICE)
    assert run(require(), SUBMIT, ACCEPT).status == Status.ACCEPTED


def test_the_requester_returns_a_report_for_more_information() -> None:
    [event] = decide(run(require(), SUBMIT), RETURN)
    assert isinstance(event, ev.ReportReturned) and event.reason.startswith("Add")
    assert run(require(), SUBMIT, RETURN).status == Status.RETURNED


@pytest.mark.parametrize("answer", [ACCEPT, RETURN], ids=["accept", "return"])
def test_only_a_submitted_report_is_accepted_or_returned(answer: Command) -> None:
    refused(reports.NotSubmitted, run(require(), ACK), answer)
    refused(reports.NotSubmitted, run(require(), SUBMIT, ACCEPT), answer)
    refused(reports.NotSubmitted, run(require(), SUBMIT, RETURN), answer)


def test_a_returned_report_is_resubmitted() -> None:
    [event] = decide(run(require(), SUBMIT, RETURN), RESUBMIT)
    assert isinstance(event, ev.ReportResubmitted)
    state = run(require(), SUBMIT, RETURN, RESUBMIT)
    assert state.status == Status.SUBMITTED
    assert run(require(), SUBMIT, RETURN, RESUBMIT, ACCEPT).status == Status.ACCEPTED


def test_only_a_returned_report_is_resubmitted() -> None:
    refused(reports.NotReturned, run(require()), RESUBMIT)
    refused(reports.NotReturned, run(require(), SUBMIT), RESUBMIT)


def test_only_an_addressed_authority_resubmits() -> None:
    state = run(require(), SUBMIT, RETURN)
    refused(reports.NotAddressedAuthority, state, by(OUTSIDER, cmd.ResubmitReport, text="x"))


# -- publishing and closing -----------------------------------------------------------------------


def formal_accepted() -> Request:
    return run(require(**FORMAL), SUBMIT, ACCEPT)


def test_the_requester_publishes_a_formal_report_with_its_date_and_place() -> None:
    [event] = decide(formal_accepted(), PUBLISH)
    assert event == ev.ReportPublished(
        request_id=KEY, by_organisation=OFFICE, published_on=TODAY,
        location="https://example.org/r",
    )
    state = run(require(**FORMAL), SUBMIT, ACCEPT, PUBLISH)
    assert state.status == Status.ACCEPTED and state.published_submission == 1


def test_an_informal_report_has_no_publication_duty() -> None:
    refused(reports.InformalNotPublished, run(require(), SUBMIT, ACCEPT), PUBLISH)


def test_publication_does_not_wait_for_acceptance() -> None:
    # The Specified Information Order attaches the duty to every report submitted under a
    # formal requirement, whether or not the policing body accepts it.
    [event] = decide(run(require(**FORMAL), SUBMIT), PUBLISH)
    assert isinstance(event, ev.ReportPublished)
    state = run(require(**FORMAL), SUBMIT, PUBLISH, ACCEPT)
    assert state.status == Status.ACCEPTED


def test_a_returned_formal_report_can_still_be_published() -> None:
    returned = run(require(**FORMAL), SUBMIT, RETURN)
    [event] = decide(returned, PUBLISH)
    assert isinstance(event, ev.ReportPublished)
    # Each submitted version is published once: the resubmission too.
    published = run(require(**FORMAL), SUBMIT, RETURN, PUBLISH)
    refused(reports.AlreadyPublished, published, PUBLISH)
    resubmitted = run(require(**FORMAL), SUBMIT, RETURN, PUBLISH, RESUBMIT)
    [event] = decide(resubmitted, PUBLISH)
    assert isinstance(event, ev.ReportPublished)


def test_nothing_is_published_before_a_report_is_submitted() -> None:
    refused(reports.NotSubmitted, run(require(**FORMAL), ACK), PUBLISH)


def test_a_publication_is_recorded_once_it_has_happened() -> None:
    tomorrow = PUBLISH.model_copy(update={"published_on": TODAY + timedelta(days=1)})
    refused(reports.PublicationDateInFuture, formal_accepted(), tomorrow)


def test_a_formal_request_closes_only_after_its_report_is_published() -> None:
    refused(reports.PublicationRequired, formal_accepted(), CLOSE)
    state = run(require(**FORMAL), SUBMIT, ACCEPT, PUBLISH, CLOSE)
    assert state.status == Status.CLOSED
    # The accepted version is the one published before the request closes.
    accepted_later = run(require(**FORMAL), SUBMIT, RETURN, PUBLISH, RESUBMIT, ACCEPT)
    refused(reports.PublicationRequired, accepted_later, CLOSE)


def test_the_policing_body_may_require_the_authorities_to_arrange_publication() -> None:
    # s.7(3): a formal requirement may require the authorities to arrange publication.
    [event] = decide(REPORT_REQUEST.initial(), require(**FORMAL, publication_required=True))
    assert isinstance(event, ev.ReportRequired) and event.publication_required
    error = refused(reports.InformalNotPublished, REPORT_REQUEST.initial(),
                    require(publication_required=True))
    assert error.code == "report_request.informal_not_published"


def test_a_formal_requirement_confirms_the_matters_relate_to_s6_functions() -> None:
    unconfirmed = require(**{**FORMAL, "s6_functions_confirmed": False})
    error = refused(reports.S6ConfirmationMissing, REPORT_REQUEST.initial(), unconfirmed)
    assert (error.code, error.status) == ("report_request.s6_confirmation_missing", 422)
    [event] = decide(REPORT_REQUEST.initial(), require(**FORMAL))
    assert isinstance(event, ev.ReportRequired) and event.s6_functions_confirmed


def test_an_informal_request_closes_once_its_report_is_accepted() -> None:
    refused(reports.NotAccepted, run(require(), SUBMIT), CLOSE)
    refused(reports.NotAccepted, run(require()), CLOSE)
    [event] = decide(run(require(), SUBMIT, ACCEPT), CLOSE)
    assert event == ev.ReportClosed(request_id=KEY, by_organisation=OFFICE)


# -- withdrawing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "before", [(), (ACK,), (ASK,)], ids=["required", "acknowledged", "extension-asked"]
)
def test_the_requester_withdraws_before_submission(before: tuple[Command, ...]) -> None:
    [event] = decide(run(require(), *before), WITHDRAW)
    assert isinstance(event, ev.ReportWithdrawn)
    assert run(require(), *before, WITHDRAW).status == Status.WITHDRAWN


def test_a_submitted_request_is_not_withdrawn() -> None:
    refused(reports.AlreadySubmitted, run(require(), SUBMIT), WITHDRAW)
    refused(reports.AlreadySubmitted, run(require(), SUBMIT, ACCEPT), WITHDRAW)


@pytest.mark.parametrize(
    "command", [ACK, ASK, SUBMIT, WITHDRAW, CLOSE, ACCEPT],
    ids=["ack", "ask", "submit", "withdraw", "close", "accept"],
)
def test_a_finished_request_takes_no_further_changes(command: Command) -> None:
    refused(reports.RequestClosed, run(require(), WITHDRAW), command)
    refused(reports.RequestClosed, run(require(), SUBMIT, ACCEPT, CLOSE), command)


# -- who acts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", [GRANT, REFUSE, ACCEPT, RETURN, PUBLISH, CLOSE, WITHDRAW],
    ids=["grant", "refuse", "accept", "return", "publish", "close", "withdraw"],
)
def test_only_the_requester_answers_accepts_returns_publishes_closes_or_withdraws(
    command: Command,
) -> None:
    state = run(require(**FORMAL), ASK)
    refused(reports.NotRequester, state, command.model_copy(update={"by_organisation": COUNCIL}))


def test_after_a_governance_transfer_the_successor_office_is_the_requester() -> None:
    # The handler resolves the area's office today into policing_body_id.
    state = run(require(), SUBMIT)
    successor = ACCEPT.model_copy(
        update={"by_organisation": SUCCESSOR, "policing_body_id": SUCCESSOR}
    )
    [event] = decide(state, successor)
    assert event == ev.ReportAccepted(request_id=KEY, by_organisation=SUCCESSOR)
    former = ACCEPT.model_copy(update={"policing_body_id": SUCCESSOR})
    refused(reports.NotRequester, state, former)


# -- overdue and reminders (scheduled commands) ---------------------------------------------------


def overdue(due_on: date = DUE) -> cmd.MarkReportOverdue:
    return cmd.MarkReportOverdue(request_id=KEY, due_on=due_on)


def remind(days: int, due_on: date = DUE) -> cmd.SendReportReminder:
    return cmd.SendReportReminder(request_id=KEY, due_on=due_on, days_before=days)


AFTER_DUE = datetime.combine(DUE + timedelta(days=1), datetime.min.time(), UTC)


def test_a_request_is_marked_overdue_once_its_due_date_has_passed() -> None:
    [event] = decide(run(require()), overdue(), AFTER_DUE)
    assert event == ev.ReportOverdue(request_id=KEY, due_on=DUE)
    on_the_day = datetime.combine(DUE, datetime.min.time(), UTC) + timedelta(hours=22)
    assert decide(run(require()), overdue(), on_the_day) == []


def test_overdue_is_marked_once() -> None:
    state, _ = REPORT_REQUEST.execute(run(require()), overdue(), AFTER_DUE)
    assert state.overdue
    assert decide(state, overdue(), AFTER_DUE) == []


@pytest.mark.parametrize(
    "after", [(SUBMIT,), (SUBMIT, RETURN), (SUBMIT, ACCEPT), (WITHDRAW,)],
    ids=["submitted", "returned", "accepted", "withdrawn"],
)
def test_a_request_no_longer_awaiting_its_report_is_never_marked_overdue(
    after: tuple[Command, ...],
) -> None:
    assert decide(run(require(), *after), overdue(), AFTER_DUE) == []


def test_a_stale_job_for_a_moved_due_date_does_nothing() -> None:
    moved = run(require(), ASK, GRANT)
    late = AFTER_DUE + timedelta(days=1)
    assert decide(moved, overdue(DUE), late) == []
    assert decide(moved, remind(1, DUE), late - timedelta(days=3)) == []


def test_scheduled_commands_for_a_missing_request_do_nothing() -> None:
    assert decide(run(), overdue(), AFTER_DUE) == []
    assert decide(run(), remind(7), NOW) == []


@pytest.mark.parametrize("days", [7, 1])
def test_reminders_go_to_the_addressed_authorities_before_the_due_date(days: int) -> None:
    day = datetime.combine(DUE - timedelta(days=days), datetime.min.time(), UTC)
    when = day + timedelta(hours=9)
    [event] = decide(run(require()), remind(days), when)
    assert event == ev.ReminderSent(
        request_id=KEY, due_on=DUE, days_before=days, to_organisations=sorted(ADDRESSED)
    )
    state, _ = REPORT_REQUEST.execute(run(require()), remind(days), when)
    assert decide(state, remind(days), when) == []


def test_a_reminder_waits_for_its_day_and_is_not_sent_once_the_date_has_passed() -> None:
    too_early = datetime.combine(DUE - timedelta(days=8), datetime.min.time(), UTC)
    assert decide(run(require()), remind(7), too_early) == []
    assert decide(run(require()), remind(1), AFTER_DUE) == []


def test_no_reminder_goes_out_after_submission() -> None:
    when = datetime.combine(DUE - timedelta(days=1), datetime.min.time(), UTC)
    assert decide(run(require(), SUBMIT), remind(1), when) == []


def test_deadlines_are_reminders_at_nine_and_the_overdue_mark_at_midnight_london_time() -> None:
    due = date(2027, 4, 1)  # British Summer Time begins on 28 March 2027
    planned = reports.deadline_commands(KEY, due, NOW)
    times = [when.astimezone(UTC) for when, _ in planned]
    assert times == [
        datetime(2027, 3, 25, 9, 0, tzinfo=UTC),  # 7 days before, 09:00 GMT
        datetime(2027, 3, 31, 8, 0, tzinfo=UTC),  # 1 day before, 09:00 BST
        datetime(2027, 4, 1, 23, 0, tzinfo=UTC),  # the start of 2 April, BST
    ]
    assert [type(c) for _, c in planned] == [
        cmd.SendReportReminder, cmd.SendReportReminder, cmd.MarkReportOverdue,
    ]


def test_a_reminder_whose_day_has_passed_is_not_planned() -> None:
    planned = reports.deadline_commands(KEY, TODAY + timedelta(days=3), NOW)
    assert [c.days_before for _, c in planned if isinstance(c, cmd.SendReportReminder)] == [1]


def test_every_refusal_has_a_stable_code_and_an_http_status() -> None:
    codes = [error.code for error in reports.ERRORS]
    assert len(codes) == len(set(codes))
    for error in reports.ERRORS:
        assert error.status in {403, 404, 409, 422}
        own = error.__module__ == reports.__name__
        assert not own or error.code.startswith("report_request.")


# -- what a page offers ------------------------------------------------------------------------

EVERY_ACTION = [ACK, ASK, GRANT, REFUSE, SUBMIT, RESUBMIT, ACCEPT, RETURN, PUBLISH, CLOSE,
                WITHDRAW]


@pytest.mark.parametrize("history", [
    # (After a granted extension, ASK's date is no longer later: a refusal on the details.)
    [require()], [require(), ACK], [require(), ASK], [require(), ASK, REFUSE],
    [require(), SUBMIT], [require(), SUBMIT, RETURN], [require(), SUBMIT, RETURN, RESUBMIT],
    [require(), SUBMIT, ACCEPT], [require(**FORMAL), SUBMIT, ACCEPT],
    [require(**FORMAL), SUBMIT, ACCEPT, PUBLISH], [require(), SUBMIT, ACCEPT, CLOSE],
    [require(), WITHDRAW],
], ids=lambda history: "-".join(type(c).__name__ for c in history))
def test_a_page_offers_exactly_the_actions_the_state_accepts(history: list[Command]) -> None:
    state = run(*history)
    assert REPORT_REQUEST.open_to is not None
    for command in EVERY_ACTION:
        by_organisation = command.by_organisation  # type: ignore[attr-defined]
        offered = type(command) in REPORT_REQUEST.open_to(state, by_organisation, NOW)
        accepted = accepts(REPORT_REQUEST, state, command, NOW)
        assert offered == accepted, (type(command).__name__, state.status.value)


def test_an_authority_is_offered_only_what_is_left_for_it() -> None:
    assert REPORT_REQUEST.open_to is not None
    acknowledged = run(require(), ACK)
    assert cmd.AcknowledgeReport not in REPORT_REQUEST.open_to(acknowledged, COUNCIL, NOW)
    assert cmd.AcknowledgeReport in REPORT_REQUEST.open_to(acknowledged, POLICE, NOW)
    assert not {cmd.SubmitReport, cmd.AcknowledgeReport} & REPORT_REQUEST.open_to(
        acknowledged, OUTSIDER, NOW)


NEW_COUNCIL = "leicester-unitary-council"
PASS = cmd.PassToSuccessors(
    request_id=KEY, change_id="change-2027-04-01-abc",
    successions=[Succession(organisation_id=COUNCIL, successor_ids=[NEW_COUNCIL]),
                 Succession(organisation_id=OUTSIDER, successor_ids=[NEW_COUNCIL])],
)


def test_an_open_request_passes_to_the_successors_of_the_authorities_that_ended() -> None:
    state = run(require(), ACK)
    _, events = REPORT_REQUEST.execute(state, PASS, NOW)
    [passed] = events
    assert isinstance(passed, ev.AuthoritiesSucceeded)
    # Only the authorities the request was addressed to pass it on.
    assert [s.organisation_id for s in passed.successions] == [COUNCIL]
    assert set(passed.addressed) == {POLICE, NEW_COUNCIL, "llr-icb"}
    after = run(require(), ACK, PASS)
    assert COUNCIL not in after.acknowledged_by
    # The successor answers it; the ended council no longer can.
    assert run(require(), ACK, PASS, by(NEW_COUNCIL, cmd.SubmitReport, text="Ours")).status == (
        Status.SUBMITTED)
    with pytest.raises(reports.NotAddressedAuthority):
        run(require(), PASS, ACK)


def test_a_finished_or_unconcerned_request_keeps_its_authorities() -> None:
    finished = run(require(), SUBMIT, ACCEPT, CLOSE)
    assert REPORT_REQUEST.execute(finished, PASS, NOW)[1] == []
    elsewhere = cmd.PassToSuccessors(
        request_id=KEY, change_id="change-2027-04-01-abc",
        successions=[Succession(organisation_id=OUTSIDER, successor_ids=[NEW_COUNCIL])],
    )
    assert REPORT_REQUEST.execute(run(require()), elsewhere, NOW)[1] == []
    # A repeat (a second worker, a re-run) finds nothing left to pass on.
    assert REPORT_REQUEST.execute(run(require(), PASS), PASS, NOW)[1] == []
