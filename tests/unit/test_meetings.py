"""Joint meeting decider: every rule of DOMAIN.md section 4, each refusal with its own code."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from hub.domain import meetings
from hub.domain.errors import DomainError
from hub.domain.meetings import MEETING, Meeting, to_instant
from schemas.commands import Command
from schemas.commands import meetings as cmd
from schemas.events import meetings as ev
from schemas.events.directory import Succession
from schemas.generate import JSON_DIR, render
from schemas.registry import event_type_of, spec
from tests.unit.decisions import accepts

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
OFFICE = "leicestershire-opcc"
AUTHORITIES = ["leicester-city-council", "leicestershire-police", "llr-icb"]
CONVENE = cmd.ConveneMeeting(
    meeting_id="mt1", area_id="leicestershire", by_organisation=OFFICE, kind="reg_14a",
    title="Serious violence duty: joint strategic needs", purpose="Agree the needs assessment",
    starts_local=datetime(2027, 1, 14, 10, 0), ends_local=datetime(2027, 1, 14, 12, 0),
    place="Force HQ, Enderby", agenda=[{"title": "Needs assessment"}],
    invitations=[
        {"organisation_id": "leicester-city-council", "required": True},
        {"organisation_id": "llr-icb", "required": False},
        {"organisation_id": "leicestershire-yot", "required": False},
    ],
    country="england", policing_body_id=OFFICE, policing_body_kind="pcc",
    responsible_authorities=AUTHORITIES,
)


def committed_schema_accepts(event_type: str, data: dict[str, Any]) -> None:
    """``data`` validates against the committed JSON Schema of ``event_type``."""
    event_spec = spec(event_type)
    committed = json.loads((JSON_DIR / f"{event_type}.v{event_spec.version}.json").read_text())
    try:
        import jsonschema
    except ImportError:
        # Without a JSON Schema validator: the committed file must be exactly the model's
        # schema, and the model must accept the data.
        assert committed == json.loads(json.dumps(render(event_spec)))
        event_spec.model.model_validate(data)
    else:
        jsonschema.Draft202012Validator(committed).validate(data)


def but(command: Command, changes: dict[str, Any]) -> Any:
    """``command`` with ``changes``, validated as a client's input would be."""
    return type(command).model_validate({**command.model_dump(), **changes})


def run(*commands: Command, now: datetime = NOW, state: Meeting | None = None) -> Meeting:
    """Fold ``commands`` from ``state`` (or nothing), checking each event on the way."""
    state = state or MEETING.initial()
    for command in commands:
        state, events = MEETING.execute(state, command, now)
        for event in events:
            committed_schema_accepts(event_type_of(event), event.model_dump(mode="json"))
    return state


def refused(command: Command, error: type[DomainError], state: Meeting | None = None,
            now: datetime = NOW) -> DomainError:
    """Assert ``command`` is refused with ``error``; return the error."""
    with pytest.raises(error) as raised:
        MEETING.decide(state or MEETING.initial(), command, now)
    return raised.value


def respond(org: str, response: str, **details: Any) -> cmd.RespondToMeeting:
    """``org`` answers its invitation."""
    return cmd.RespondToMeeting(meeting_id="mt1", by_organisation=org, response=response,
                                **details)


DURING = datetime(2027, 1, 14, 11, 0, tzinfo=UTC)
AFTER = datetime(2027, 1, 14, 12, 0, tzinfo=UTC)
HELD = cmd.RecordMeetingHeld(meeting_id="mt1", by_organisation=OFFICE)


def held() -> Meeting:
    """A meeting that has taken place."""
    return run(HELD, state=run(CONVENE), now=DURING)


# -- convening ---------------------------------------------------------------------------------


def test_a_meeting_is_convened_with_invitations_at_revision_zero() -> None:
    state = run(CONVENE)
    assert state.status == meetings.SCHEDULED and state.revision == 0
    assert state.starts_at == datetime(2027, 1, 14, 10, 0, tzinfo=UTC)
    assert state.invitations == {
        "leicester-city-council": True, "llr-icb": False, "leicestershire-yot": False,
    }
    assert MEETING.visible_in(state) == ("area-leicestershire",)
    with_space = run(but(CONVENE, {"workspace_id": "board"}))
    assert MEETING.visible_in(with_space) == ("area-leicestershire", "board")


def test_only_the_areas_policing_body_convenes() -> None:
    other = but(CONVENE, {"by_organisation": "leicestershire-police"})
    error = refused(other, meetings.NotPolicingBody)
    assert (error.code, error.status) == ("meeting.not_policing_body", 403)


@pytest.mark.parametrize("facts", [
    {"policing_body_kind": "city_of_london"},
    {"policing_body_kind": "mopac"},
    {"policing_body_kind": "police_and_crime_board"},
    {"policing_body_kind": "police_and_crime_board", "commenced_on": date(2028, 5, 8)},
], ids=["city-of-london", "mopac-unrecorded", "board-pending", "board-not-yet-commenced"])
def test_only_a_commissioner_can_require_attendance_under_reg_14a(facts: dict[str, Any]) -> None:
    error = refused(but(CONVENE, facts), meetings.NoReg14aPower)
    assert (error.code, error.status) == ("meeting.no_reg14a_power", 403)
    # The same office may still convene a voluntary meeting.
    voluntary = but(CONVENE, {**facts, "kind": "voluntary", "invitations": [
        {"organisation_id": "leicester-city-council", "required": False}]})
    assert run(voluntary).kind == "voluntary"


@pytest.mark.parametrize("facts", [
    {"policing_body_kind": "mopac", "mopac_reg14a_recorded": True},
    {"policing_body_kind": "police_and_crime_board", "commenced_on": date(2026, 11, 1)},
    {"policing_body_kind": "pfcc"}, {"policing_body_kind": "mayor"},
], ids=["mopac-recorded", "board-commenced", "pfcc", "mayor"])
def test_commissioners_mayors_and_bodies_given_the_power_require_attendance(
    facts: dict[str, Any],
) -> None:
    assert run(but(CONVENE, facts)).kind == "reg_14a"


def test_every_reg_14a_meeting_states_its_statutory_purpose() -> None:
    [event] = MEETING.decide(MEETING.initial(), CONVENE, NOW)
    assert isinstance(event, ev.MeetingConvened)
    assert event.statutory_purpose == meetings.REG_14A_PURPOSE
    assert "section 6" in meetings.REG_14A_PURPOSE and "reg 14A" in meetings.REG_14A_PURPOSE
    voluntary = but(CONVENE, {"kind": "voluntary", "invitations": [
        {"organisation_id": "llr-icb", "required": False}]})
    [event] = MEETING.decide(MEETING.initial(), voluntary, NOW)
    assert isinstance(event, ev.MeetingConvened) and event.statutory_purpose is None


BOARD = "llr-safer-communities-board"
BY_MEMBER = but(CONVENE, {
    "kind": "voluntary", "by_organisation": "leicestershire-county-council",
    "workspace_id": BOARD, "workspace_members": ["leicestershire-county-council", OFFICE],
    "invitations": [{"organisation_id": "llr-icb", "required": False}],
})


def test_any_member_organisation_of_the_workspace_may_convene_a_voluntary_meeting() -> None:
    state = run(BY_MEMBER)
    assert state.convened_by == "leicestershire-county-council"
    assert MEETING.keeper is not None
    assert MEETING.keeper(state) == "leicestershire-county-council"
    assert MEETING.keeper(run(CONVENE)) is None, "the policing body's meetings follow its office"


def test_a_member_convenes_no_reg_14a_meeting_and_only_in_its_own_workspace() -> None:
    reg14a = but(BY_MEMBER, {"kind": "reg_14a"})
    assert refused(reg14a, meetings.NotPolicingBody).code == "meeting.not_policing_body"
    outsider = but(BY_MEMBER, {"workspace_members": [OFFICE]})
    error = refused(outsider, meetings.NotWorkspaceMember)
    assert (error.code, error.status) == ("meeting.not_workspace_member", 403)
    no_space = but(BY_MEMBER, {"workspace_id": None})
    refused(no_space, meetings.NotWorkspaceMember)


def test_reg_14a_applies_in_england_only() -> None:
    welsh = but(CONVENE, {"country": "wales", "invitations": [
        {"organisation_id": "powys-council", "required": False}]})
    error = refused(welsh, meetings.Reg14aEnglandOnly)
    assert (error.code, error.status) == ("meeting.reg14a_england_only", 422)


def test_every_welsh_meeting_is_voluntary() -> None:
    welsh = but(CONVENE, {"country": "wales", "kind": "voluntary", "invitations": [
        {"organisation_id": "powys-council", "required": False}]})
    assert run(welsh).kind == "voluntary"


def test_only_a_reg_14a_meeting_can_require_attendance() -> None:
    voluntary = but(CONVENE, {"kind": "voluntary"})
    error = refused(voluntary, meetings.AttendanceRequiredOnlyInReg14a)
    assert error.code == "meeting.attendance_required_only_in_reg14a"


def test_reg_14a_requires_only_responsible_authorities_in_the_area() -> None:
    yot = but(CONVENE, {"invitations": [
        {"organisation_id": "leicestershire-yot", "required": True}]})
    error = refused(yot, meetings.RequiredInviteeNotResponsibleAuthority)
    assert error.code == "meeting.required_invitee_not_responsible_authority"


def test_a_meeting_needs_invitees_each_once_and_each_known() -> None:
    none = but(CONVENE, {"invitations": []})
    assert refused(none, meetings.NoInvitees).code == "meeting.no_invitees"
    twice = but(CONVENE, {"invitations": [
        {"organisation_id": "llr-icb"}, {"organisation_id": "llr-icb"}]})
    assert refused(twice, meetings.DuplicateInvitee).code == "meeting.duplicate_invitee"
    unknown = but(CONVENE, {"unregistered_invitees": ["nobody"]})
    assert refused(unknown, meetings.UnknownInvitee).code == "meeting.unknown_invitee"


def test_a_meeting_needs_a_place_or_an_online_link() -> None:
    nowhere = but(CONVENE, {"place": None})
    assert refused(nowhere, meetings.NoVenue).code == "meeting.no_venue"
    online = but(CONVENE, {"place": None, "online_link": "https://meet.example/x"})
    assert run(online).details["online_link"] == "https://meet.example/x"


def test_a_meeting_must_end_after_it_starts() -> None:
    backwards = but(CONVENE, {"ends_local": datetime(2027, 1, 14, 10, 0)})
    error = refused(backwards, meetings.EndNotAfterStart)
    assert (error.code, error.status) == ("meeting.end_not_after_start", 422)


def test_a_meeting_cannot_start_in_the_past() -> None:
    error = refused(CONVENE, meetings.StartsInPast, now=datetime(2027, 1, 14, 10, 1, tzinfo=UTC))
    assert (error.code, error.status) == ("meeting.starts_in_past", 422)


def test_a_meeting_is_convened_once() -> None:
    error = refused(CONVENE, meetings.MeetingExists, run(CONVENE))
    assert error.code == "meeting.already_convened"


# -- time --------------------------------------------------------------------------------------


def test_wall_clock_times_become_instants_with_the_seasons_offset() -> None:
    assert to_instant(datetime(2027, 1, 14, 10, 0), "Europe/London") == datetime(
        2027, 1, 14, 10, 0, tzinfo=UTC)
    assert to_instant(datetime(2027, 7, 14, 10, 0), "Europe/London") == datetime(
        2027, 7, 14, 9, 0, tzinfo=UTC)


def test_a_time_in_the_spring_forward_gap_is_refused() -> None:
    with pytest.raises(meetings.NonexistentLocalTime) as raised:
        to_instant(datetime(2027, 3, 28, 1, 30), "Europe/London")
    assert (raised.value.code, raised.value.status) == ("meeting.nonexistent_local_time", 422)
    gap = but(CONVENE, {
        "starts_local": datetime(2027, 3, 28, 1, 30), "ends_local": datetime(2027, 3, 28, 3, 0)})
    assert refused(gap, meetings.NonexistentLocalTime).code == "meeting.nonexistent_local_time"


def test_a_time_in_the_repeated_autumn_hour_is_its_first_occurrence_in_summer_time() -> None:
    first = to_instant(datetime(2027, 10, 31, 1, 30), "Europe/London")
    assert first == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 01:30 BST, not 01:30 GMT


def test_a_clients_offset_is_not_taken() -> None:
    offset = but(CONVENE, {
        "starts_local": datetime(2027, 1, 14, 10, 0, tzinfo=UTC)})
    assert refused(offset, meetings.LocalTimeExpected).code == "meeting.local_time_expected"


def test_meetings_are_held_in_london_time() -> None:
    paris = but(CONVENE, {"timezone": "Europe/Paris"})
    assert refused(paris, meetings.UnsupportedTimeZone).code == "meeting.unsupported_time_zone"


# -- responses ---------------------------------------------------------------------------------


def test_each_invitee_attends_with_named_representatives_delegates_or_declines() -> None:
    state = run(
        CONVENE,
        respond("llr-icb", "attending", representatives=[{"name": "Sam Doe", "role": "Lead"}]),
        respond("leicestershire-yot", "delegating", delegate={"name": "Ali Khan"}),
        respond("leicester-city-council", "attending", representatives=[{"name": "Jo Bloggs"}]),
    )
    assert state.responses == {
        "llr-icb": "attending", "leicestershire-yot": "delegating",
        "leicester-city-council": "attending",
    }


def test_a_decline_by_a_required_invitee_is_flagged_to_the_convenor() -> None:
    state = run(CONVENE)
    decline = respond("leicester-city-council", "declining", reason="Budget meeting clash")
    _, events = MEETING.execute(state, decline, NOW)
    assert [event_type_of(e) for e in events] == [
        "meeting.responded", "meeting.required_decline_flagged",
    ]
    flag = events[1]
    assert (flag.organisation_id, flag.convenor) == (  # type: ignore[attr-defined]
        "leicester-city-council", OFFICE,
    )


def test_a_decline_by_an_optional_invitee_is_not_flagged() -> None:
    _, events = MEETING.execute(run(CONVENE), respond("llr-icb", "declining", reason="No"), NOW)
    assert [event_type_of(e) for e in events] == ["meeting.responded"]


def test_a_response_carries_what_its_kind_needs_and_nothing_else() -> None:
    state = run(CONVENE)
    for incomplete in (respond("llr-icb", "attending"), respond("llr-icb", "delegating"),
                       respond("llr-icb", "declining")):
        assert refused(incomplete, meetings.ResponseIncomplete, state).code == (
            "meeting.response_incomplete"
        )
    mixed = respond("llr-icb", "declining", reason="No", delegate={"name": "X"})
    assert refused(mixed, meetings.ResponseInconsistent, state).code == (
        "meeting.response_inconsistent"
    )


def test_only_an_invited_organisation_responds() -> None:
    error = refused(respond("rutland-county-council", "declining", reason="x"),
                    meetings.NotInvited, run(CONVENE))
    assert (error.code, error.status) == ("meeting.not_invited", 403)


# -- changes -----------------------------------------------------------------------------------


RESCHEDULE = cmd.RescheduleMeeting(
    meeting_id="mt1", by_organisation=OFFICE, starts_local=datetime(2027, 4, 1, 10, 0),
    ends_local=datetime(2027, 4, 1, 12, 0),
)


def test_a_reschedule_keeps_the_identity_and_raises_the_revision() -> None:
    state = run(CONVENE, RESCHEDULE)
    assert (state.meeting_id, state.revision) == ("mt1", 1)
    assert state.starts_at == datetime(2027, 4, 1, 9, 0, tzinfo=UTC)  # 10:00 BST
    assert refused(RESCHEDULE, meetings.Unchanged, state).code == "meeting.unchanged"


def test_a_reschedule_checks_the_times_as_convening_does() -> None:
    state = run(CONVENE)
    past = but(RESCHEDULE, {"starts_local": datetime(2026, 1, 1, 10, 0)})
    assert refused(past, meetings.StartsInPast, state).code == "meeting.starts_in_past"
    backwards = but(RESCHEDULE, {"ends_local": datetime(2027, 4, 1, 9, 0)})
    assert refused(backwards, meetings.EndNotAfterStart, state).code == (
        "meeting.end_not_after_start"
    )


def test_every_change_a_calendar_shows_raises_the_revision() -> None:
    amend = cmd.AmendMeeting(
        meeting_id="mt1", by_organisation=OFFICE, title="Serious violence: needs",
        purpose=CONVENE.purpose, place=CONVENE.place, agenda=CONVENE.agenda,
    )
    moved = but(amend, {"place": "City Hall"})
    agenda = but(moved, {"agenda": [{"title": "Needs"}, {"title": "AOB"}]})
    cancel = cmd.CancelMeeting(meeting_id="mt1", by_organisation=OFFICE, reason="Purdah")
    state = run(CONVENE)
    for number, change in enumerate((amend, moved, agenda, RESCHEDULE, cancel), start=1):
        state = run(change, state=state)
        assert state.revision == number
    assert state.status == meetings.CANCELLED
    assert refused(agenda, meetings.MeetingCancelled, state).code == "meeting.cancelled"


def test_an_amendment_must_change_something_and_keep_a_venue() -> None:
    same = cmd.AmendMeeting(
        meeting_id="mt1", by_organisation=OFFICE, title=CONVENE.title, purpose=CONVENE.purpose,
        place=CONVENE.place, agenda=CONVENE.agenda,
    )
    assert refused(same, meetings.Unchanged, run(CONVENE)).code == "meeting.unchanged"
    nowhere = but(same, {"place": None})
    assert refused(nowhere, meetings.NoVenue, run(CONVENE)).code == "meeting.no_venue"


def test_papers_are_published_but_not_for_a_cancelled_meeting() -> None:
    papers = cmd.PublishMeetingPapers(meeting_id="mt1", by_organisation=OFFICE,
                                      papers=[{"title": "Needs assessment", "reference": "x"}])
    _, events = MEETING.execute(run(CONVENE), papers, NOW)
    assert [event_type_of(e) for e in events] == ["meeting.papers_published"]
    cancelled = run(CONVENE, cmd.CancelMeeting(meeting_id="mt1", by_organisation=OFFICE,
                                               reason="Purdah"))
    assert refused(papers, meetings.MeetingCancelled, cancelled).code == "meeting.cancelled"


def test_a_cancelled_meeting_takes_no_responses() -> None:
    cancelled = run(CONVENE, cmd.CancelMeeting(meeting_id="mt1", by_organisation=OFFICE,
                                               reason="Purdah"))
    error = refused(respond("llr-icb", "declining", reason="x"), meetings.MeetingCancelled,
                    cancelled)
    assert error.code == "meeting.cancelled"


# -- inviting more organisations ---------------------------------------------------------------


def invite(*invitations: dict[str, Any], **facts: Any) -> cmd.InviteToMeeting:
    """The office invites more organisations to the meeting."""
    return cmd.InviteToMeeting(meeting_id="mt1", by_organisation=OFFICE,
                               invitations=list(invitations),
                               responsible_authorities=AUTHORITIES, **facts)


def test_more_organisations_are_invited_at_the_same_revision() -> None:
    state = run(CONVENE, RESCHEDULE)
    added = invite({"organisation_id": "leicestershire-police", "required": True},
                   {"organisation_id": "rutland-probation"})
    after, events = MEETING.execute(state, added, NOW)
    assert [event_type_of(e) for e in events] == ["meeting.invitees_added"]
    assert events[0].revision == state.revision == 1  # type: ignore[attr-defined]
    assert after.revision == state.revision
    assert after.invitations == {**state.invitations, "leicestershire-police": True,
                                 "rutland-probation": False}
    run(added, state=state)


def test_organisations_already_invited_keep_their_invitation_and_answer() -> None:
    state = run(CONVENE, respond("llr-icb", "declining", reason="Clash"))
    _, events = MEETING.execute(state, invite({"organisation_id": "llr-icb", "required": True},
                                              {"organisation_id": "leicestershire-police"}), NOW)
    assert [i.organisation_id for i in events[0].invitations] == [  # type: ignore[attr-defined]
        "leicestershire-police"]
    again = refused(invite({"organisation_id": "llr-icb"}), meetings.AlreadyInvited, state)
    assert (again.code, again.status) == ("meeting.already_invited", 422)


def test_more_invitations_follow_the_rules_of_convening() -> None:
    state = run(CONVENE)
    assert refused(invite(), meetings.NoInvitees, state).code == "meeting.no_invitees"
    twice = invite({"organisation_id": "leicestershire-police"},
                   {"organisation_id": "leicestershire-police"})
    assert refused(twice, meetings.DuplicateInvitee, state).code == "meeting.duplicate_invitee"
    unseen = invite({"organisation_id": "dyfed-powys-police"},
                    unregistered_invitees=["dyfed-powys-police"])
    assert refused(unseen, meetings.UnknownInvitee, state).code == "meeting.unknown_invitee"
    voluntary = run(but(CONVENE, {"kind": "voluntary", "invitations": [
        {"organisation_id": "llr-icb"}]}))
    required = invite({"organisation_id": "leicestershire-police", "required": True})
    refused(required, meetings.AttendanceRequiredOnlyInReg14a, voluntary)
    not_authority = invite({"organisation_id": "voluntary-network", "required": True})
    refused(not_authority, meetings.RequiredInviteeNotResponsibleAuthority, state)


def test_no_one_is_invited_to_a_meeting_held_or_cancelled() -> None:
    added = invite({"organisation_id": "leicestershire-police"})
    refused(added, meetings.MeetingNotFound)
    refused(added, meetings.AlreadyHeld, held(), DURING)
    refused(added, meetings.MeetingCancelled, run(CONVENE, CANCEL))


# -- held, minutes and actions -----------------------------------------------------------------


def test_the_convenor_records_the_meeting_held_once_it_has_started() -> None:
    assert refused(HELD, meetings.NotStarted, run(CONVENE)).code == "meeting.not_started"
    state = held()
    assert state.status == meetings.HELD
    assert refused(HELD, meetings.AlreadyHeld, state, DURING).code == "meeting.already_held"


def test_the_hub_marks_the_meeting_held_after_its_end_unless_superseded() -> None:
    mark = cmd.MarkMeetingHeld(meeting_id="mt1", ends_at=AFTER)
    assert MEETING.decide(run(CONVENE), mark, AFTER - timedelta(seconds=1)) == []
    state, events = MEETING.execute(run(CONVENE), mark, AFTER)
    assert events[0].automatic  # type: ignore[attr-defined]
    assert MEETING.decide(state, mark, AFTER) == []
    assert MEETING.decide(run(CONVENE, RESCHEDULE), mark, AFTER) == []


def test_minutes_are_drafted_and_approved_after_the_meeting() -> None:
    draft = cmd.DraftMeetingMinutes(meeting_id="mt1", by_organisation=OFFICE, text="Minutes")
    approve = cmd.ApproveMeetingMinutes(meeting_id="mt1", by_organisation=OFFICE, draft=1)
    assert refused(draft, meetings.NotHeld, run(CONVENE)).code == "meeting.not_held"
    assert refused(approve, meetings.NoMinutes, held()).code == "meeting.no_minutes"
    state = run(draft, draft, state=held())
    assert state.minutes_draft == 2
    assert refused(approve, meetings.StaleMinutes, state).code == "meeting.stale_minutes"
    state = run(but(approve, {"draft": 2}), state=state)
    assert state.minutes_approved
    assert refused(draft, meetings.MinutesAlreadyApproved, state).code == (
        "meeting.minutes_approved"
    )


ASSIGN = cmd.AssignMeetingAction(
    meeting_id="mt1", action_id="a1", by_organisation=OFFICE, description="Share data",
    owner_organisation_id="llr-icb", due_on=date(2027, 2, 28),
)
COMPLETE = cmd.CompleteMeetingAction(meeting_id="mt1", action_id="a1",
                                     by_organisation="llr-icb", note="Shared on 1 Feb")


def test_actions_have_an_owner_and_a_due_date_and_the_owner_completes_them() -> None:
    assert refused(ASSIGN, meetings.NotHeld, run(CONVENE)).code == "meeting.not_held"
    state = run(ASSIGN, state=held(), now=AFTER)
    assert state.actions["a1"].owner == "llr-icb" and not state.actions["a1"].done
    assert refused(ASSIGN, meetings.ActionExists, state, AFTER).code == "meeting.action_exists"
    stranger = but(COMPLETE, {"by_organisation": "leicestershire-police"})
    error = refused(stranger, meetings.NotActionOwner, state)
    assert (error.code, error.status) == ("meeting.not_action_owner", 403)
    state = run(COMPLETE, state=state)
    assert state.actions["a1"].done
    assert refused(COMPLETE, meetings.ActionAlreadyDone, state).code == (
        "meeting.action_already_done"
    )
    missing = but(COMPLETE, {"action_id": "zz"})
    assert refused(missing, meetings.NoSuchAction, state).code == "meeting.no_such_action"


def test_an_action_is_owned_by_an_invitee_or_the_convenor_and_not_due_in_the_past() -> None:
    stranger = but(ASSIGN, {"owner_organisation_id": "rutland-county-council"})
    assert refused(stranger, meetings.OwnerNotInvited, held(), AFTER).code == (
        "meeting.owner_not_invited"
    )
    own = but(ASSIGN, {"owner_organisation_id": OFFICE})
    assert run(own, state=held(), now=AFTER).actions["a1"].owner == OFFICE
    past = but(ASSIGN, {"due_on": date(2027, 1, 1)})
    assert refused(past, meetings.ActionDueInPast, held(), AFTER).code == (
        "meeting.action_due_in_past"
    )


# -- reminders ---------------------------------------------------------------------------------


def test_a_reminder_goes_out_once_for_the_start_it_was_scheduled_for() -> None:
    starts = datetime(2027, 1, 14, 10, 0, tzinfo=UTC)
    remind = cmd.SendMeetingReminder(meeting_id="mt1", starts_at=starts)
    day_before = starts - timedelta(days=1)
    state, events = MEETING.execute(run(CONVENE), remind, day_before)
    assert [event_type_of(e) for e in events] == ["meeting.reminder_sent"]
    assert MEETING.decide(state, remind, day_before) == []


def test_a_stale_reminder_does_nothing_after_a_reschedule_or_cancel() -> None:
    old = cmd.SendMeetingReminder(meeting_id="mt1",
                                  starts_at=datetime(2027, 1, 14, 10, 0, tzinfo=UTC))
    moved = run(CONVENE, RESCHEDULE)
    assert MEETING.decide(moved, old, NOW) == []
    new = but(old, {"starts_at": moved.starts_at})
    assert len(MEETING.decide(moved, new, NOW)) == 1
    cancelled = run(cmd.CancelMeeting(meeting_id="mt1", by_organisation=OFFICE, reason="x"),
                    state=moved)
    assert MEETING.decide(cancelled, new, NOW) == []


def test_an_action_reminder_goes_out_once_unless_the_action_is_done() -> None:
    remind = cmd.SendActionReminder(meeting_id="mt1", action_id="a1", due_on=date(2027, 2, 28))
    state = run(ASSIGN, state=held(), now=AFTER)
    state, events = MEETING.execute(state, remind, AFTER)
    assert events[0].owner_organisation_id == "llr-icb"  # type: ignore[attr-defined]
    assert MEETING.decide(state, remind, AFTER) == []
    done = run(COMPLETE, state=run(ASSIGN, state=held(), now=AFTER))
    assert MEETING.decide(done, remind, AFTER) == []
    other_date = but(remind, {"due_on": date(2027, 3, 1)})
    assert MEETING.decide(run(ASSIGN, state=held(), now=AFTER), other_date, AFTER) == []


def test_every_error_has_its_own_meeting_code() -> None:
    codes = [error.code for error in meetings.ERRORS]
    assert len(codes) == len(set(codes))
    assert all(code.startswith("meeting.") for code in codes)
    missing = refused(HELD, meetings.MeetingNotFound)
    assert (missing.code, missing.status) == ("meeting.not_found", 404)


# -- what a page offers ------------------------------------------------------------------------

AMEND = cmd.AmendMeeting(meeting_id="mt1", by_organisation=OFFICE, title="Needs, revised",
                         purpose=CONVENE.purpose, place=CONVENE.place, agenda=CONVENE.agenda)
CANCEL = cmd.CancelMeeting(meeting_id="mt1", by_organisation=OFFICE, reason="Purdah")
PAPERS = cmd.PublishMeetingPapers(meeting_id="mt1", by_organisation=OFFICE,
                                  papers=[{"title": "Needs", "reference": "https://e.org/n"}])
DRAFT = cmd.DraftMeetingMinutes(meeting_id="mt1", by_organisation=OFFICE, text="Minutes")
APPROVE = cmd.ApproveMeetingMinutes(meeting_id="mt1", by_organisation=OFFICE, draft=1)
ATTEND = respond("llr-icb", "attending", representatives=[{"name": "Dev Sharma"}])
ANOTHER = but(ASSIGN, {"action_id": "a2"})
INVITE = invite({"organisation_id": "leicestershire-police"})
EVERY_ACTION = [ATTEND, PAPERS, RESCHEDULE, AMEND, CANCEL, HELD, DRAFT, APPROVE, ANOTHER,
                COMPLETE, INVITE]


@pytest.mark.parametrize(("name", "history", "now"), [
    ("scheduled", [CONVENE], NOW),
    ("under way", [CONVENE], DURING),
    ("cancelled", [CONVENE, CANCEL], NOW),
    ("held", [CONVENE, HELD], AFTER),
    ("drafted", [CONVENE, HELD, DRAFT], AFTER),
    ("approved", [CONVENE, HELD, DRAFT, APPROVE], AFTER),
    ("action open", [CONVENE, HELD, ASSIGN], AFTER),
    ("action done", [CONVENE, HELD, ASSIGN, COMPLETE], AFTER),
])
def test_a_page_offers_exactly_the_actions_the_state_accepts(
    name: str, history: list[Command], now: datetime
) -> None:
    state = MEETING.initial()
    for command in history:
        # Convened and cancelled beforehand, held during the meeting, the rest after it.
        at = NOW if command in (CONVENE, CANCEL) else DURING if command is HELD else AFTER
        state = run(command, state=state, now=at)
    assert MEETING.open_to is not None
    for command in EVERY_ACTION:
        by_organisation = command.by_organisation  # type: ignore[attr-defined]
        offered = type(command) in MEETING.open_to(state, by_organisation, now)
        assert offered == accepts(MEETING, state, command, now), (name, type(command).__name__)


def test_an_invitee_is_offered_its_response_and_its_own_actions_only() -> None:
    assert MEETING.open_to is not None
    scheduled = run(CONVENE)
    assert cmd.RespondToMeeting in MEETING.open_to(scheduled, "llr-icb", NOW)
    assert cmd.RespondToMeeting not in MEETING.open_to(scheduled, "rutland-county-council", NOW)
    assigned = run(ASSIGN, state=held(), now=AFTER)
    assert cmd.CompleteMeetingAction in MEETING.open_to(assigned, "llr-icb", AFTER)
    assert cmd.CompleteMeetingAction not in MEETING.open_to(assigned, OFFICE, AFTER)


# -- organisations end: open records pass to the successors --------------------------------------

SUCCESSOR = "leicester-unitary-council"
NEW_ICB = "new-icb"
PASS = cmd.PassMeetingToSuccessors(
    meeting_id="mt1", change_id="change-2027-04-01-abc",
    successions=[
        Succession(organisation_id="leicester-city-council", successor_ids=[SUCCESSOR]),
        Succession(organisation_id="llr-icb", successor_ids=[NEW_ICB]),
        Succession(organisation_id="rutland-county-council", successor_ids=[SUCCESSOR]),
    ],
    heirs={"llr-icb": NEW_ICB},
)
DECLINE = respond("leicester-city-council", "declining", reason="Budget meeting that day")


def test_a_convened_meetings_invitation_passes_to_the_successors_of_an_ended_invitee() -> None:
    state, events = MEETING.execute(run(CONVENE, DECLINE), PASS, NOW)
    [passed] = events
    assert isinstance(passed, ev.InvitationsSucceeded)
    # Only the bodies the meeting invites pass it on; each successor joins as required as the
    # body it succeeds, and answers for itself.
    assert [s.organisation_id for s in passed.successions] == ["leicester-city-council",
                                                                "llr-icb"]
    assert [(i.organisation_id, i.required) for i in passed.invited] == [
        (SUCCESSOR, True), (NEW_ICB, False)]
    assert state.invitations == {"leicestershire-yot": False, SUCCESSOR: True, NEW_ICB: False}
    assert "leicester-city-council" not in state.responses
    assert MEETING.open_to is not None
    assert cmd.RespondToMeeting in MEETING.open_to(state, SUCCESSOR, NOW)
    assert cmd.RespondToMeeting not in MEETING.open_to(state, "leicester-city-council", NOW)
    answered = run(respond(SUCCESSOR, "attending", representatives=[{"name": "Ann Lee"}]),
                   state=state)
    assert answered.responses[SUCCESSOR] == "attending"
    refused(respond("leicester-city-council", "attending", representatives=[{"name": "Bo"}]),
            meetings.NotInvited, state)


def test_a_successor_invited_already_keeps_its_own_invitation_and_answer() -> None:
    into_icb = but(PASS, {"successions": [
        {"organisation_id": "leicester-city-council", "successor_ids": ["llr-icb"]}],
        "heirs": {}})
    state, [passed] = MEETING.execute(run(CONVENE, ATTEND), into_icb, NOW)
    assert passed.invited == []  # type: ignore[attr-defined]
    assert state.invitations == {"llr-icb": False, "leicestershire-yot": False}
    assert state.responses == {"llr-icb": "attending"}


def test_a_held_or_cancelled_meeting_keeps_the_invitations_it_had() -> None:
    cancelled = run(CONVENE, CANCEL)
    assert MEETING.execute(cancelled, PASS, NOW)[1] == []
    assert MEETING.execute(held(), PASS, AFTER)[1] == []


def test_an_open_action_passes_to_its_owners_heir_and_a_done_one_keeps_its_owner() -> None:
    state = run(ASSIGN, ANOTHER, COMPLETE, state=held(), now=AFTER)
    state, events = MEETING.execute(state, PASS, AFTER)
    [passed] = events
    assert isinstance(passed, ev.ActionOwnerSucceeded)
    assert (passed.action_id, passed.from_organisation_id, passed.owner_organisation_id) == (
        "a2", "llr-icb", NEW_ICB)
    assert (state.actions["a1"].owner, state.actions["a2"].owner) == ("llr-icb", NEW_ICB)
    # The heir completes it; the ended owner no longer can.
    refused(but(COMPLETE, {"action_id": "a2"}), meetings.NotActionOwner, state)
    done = run(but(COMPLETE, {"action_id": "a2", "by_organisation": NEW_ICB}), state=state)
    assert done.actions["a2"].done


def test_passing_a_meeting_on_twice_changes_nothing_the_second_time() -> None:
    once = run(PASS, state=run(CONVENE))
    assert MEETING.execute(once, PASS, NOW)[1] == []
    acted = run(PASS, state=run(ASSIGN, state=held(), now=AFTER), now=AFTER)
    assert MEETING.execute(acted, PASS, AFTER)[1] == []
    assert MEETING.execute(MEETING.initial(), PASS, NOW)[1] == [], "a meeting gone: nothing"


def test_an_open_meeting_passes_to_its_ended_convenors_heir_and_a_finished_one_stays() -> None:
    heirs = but(PASS, {"heirs": {BY_MEMBER.by_organisation: SUCCESSOR}})
    convened = run(BY_MEMBER)
    state, events = MEETING.execute(convened, heirs, NOW)
    assert [(e.from_organisation_id, e.convened_by) for e in events  # type: ignore[attr-defined]
            if isinstance(e, ev.ConvenorSucceeded)] == [(BY_MEMBER.by_organisation, SUCCESSOR)]
    # The heir keeps it from now on, so the access policy lets it act.
    assert (meetings.keeper(convened), meetings.keeper(state)) == (
        BY_MEMBER.by_organisation, SUCCESSOR)
    finished = run(but(HELD, {"by_organisation": BY_MEMBER.by_organisation}), state=convened,
                   now=DURING)
    finished = run(*(but(c, {"by_organisation": BY_MEMBER.by_organisation})
                     for c in (DRAFT, APPROVE)), state=finished, now=AFTER)
    assert MEETING.execute(finished, heirs, AFTER)[1] == []
    assert MEETING.execute(run(CANCEL, state=convened), heirs, NOW)[1] == []
