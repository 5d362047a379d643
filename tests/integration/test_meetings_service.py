"""Joint meetings through the handlers and the service, on SQLite and PostgreSQL.

Times in January and July keep their London wall-clock time with the right offsets; each role
can do what DOMAIN.md section 4 allows and nothing else; stale writes conflict; refusals carry
their codes; read models follow the log; every event validates against its committed schema.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from hub.access.policy import SYSTEM, Actor
from hub.bootstrap import Hub
from hub.domain import directory
from hub.domain.errors import DomainError
from hub.domain.meetings import LONDON, MEETING
from hub.events import ConcurrencyConflict
from hub.handlers import meetings as h
from hub.projections.meetings import (
    actions,
    get_meeting,
    invitations,
    list_actions,
    list_meetings,
    meetings,
)
from hub.service import handle
from schemas.commands import directory as dcmd
from schemas.commands import meetings as cmd
from tests.clocks import HandClock
from tests.conftest import DemoCopy, HubFactory
from tests.unit.test_meetings import committed_schema_accepts

LEICS, OFFICE = "leicestershire", "leicestershire-opcc"
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def actor(organisation_id: str, area: str = LEICS, role: str = "member") -> Actor:
    """A user of ``organisation_id`` in ``area``."""
    return Actor(user_id=f"u-{organisation_id}", organisation_id=organisation_id, role=role,
                 area_ids=frozenset({area}))


@pytest.fixture
def clock() -> HandClock:
    """The hub's clock, set to NOW and moved by the test."""
    return HandClock(NOW)


@pytest.fixture
def demo(make_hub: HubFactory, demo_copy: DemoCopy, clock: HandClock) -> Hub:
    """A hub on a hand-moved clock with the demo loaded (at NOW)."""
    hub = make_hub(database_url=demo_copy(at=NOW))
    hub.clock = clock
    return hub


INVITED = [
    {"organisation_id": "leicester-city-council", "required": True},
    {"organisation_id": "probation-east-midlands", "required": True},
    {"organisation_id": "llr-icb"},
    {"organisation_id": "leicestershire-yot"},
]


def convene(hub: Hub, start: datetime, hours: int = 2, **extra: Any) -> str:
    """The Leicestershire office convenes a reg 14A meeting at wall-clock ``start``."""
    fields: dict[str, Any] = {
        "kind": "reg_14a", "title": "Serious violence: needs assessment",
        "purpose": "Agree the needs assessment", "place": "Force HQ, Enderby",
        "agenda": [{"title": "Findings"}], "invitations": INVITED,
    }
    fields.update(extra)
    return h.convene_meeting(
        hub, actor(OFFICE), starts_local=start, ends_local=start + timedelta(hours=hours),
        **fields,
    ).id


def code_of(call: Callable[[], object]) -> tuple[str, int]:
    """The code and HTTP status ``call`` is refused with."""
    with pytest.raises((DomainError, ConcurrencyConflict)) as raised:
        call()
    error = raised.value
    return str(getattr(error, "code", "")), int(getattr(error, "status", 409))


def test_meetings_at_ten_in_london_keep_their_offsets_across_the_seasons(demo: Hub) -> None:
    january = convene(demo, datetime(2027, 1, 14, 10, 0))
    july = convene(demo, datetime(2027, 7, 14, 10, 0))
    office = actor(OFFICE)
    assert get_meeting(demo.engine, office, january)["starts_at"] == "2027-01-14T10:00:00+00:00"
    assert get_meeting(demo.engine, office, july)["starts_at"] == "2027-07-14T09:00:00+00:00"
    convened = [e for e in demo.store.iter_all() if e.type == "meeting.convened"
                and e.data["meeting_id"] in (january, july)]
    assert [e.data["starts_at"] for e in convened] == [
        "2027-01-14T10:00:00Z", "2027-07-14T09:00:00Z",
    ]

    march = convene(demo, datetime(2027, 3, 25, 10, 0))
    h.reschedule_meeting(demo, office, march, starts_local=datetime(2027, 4, 1, 10, 0),
                         ends_local=datetime(2027, 4, 1, 12, 0))
    moved = get_meeting(demo.engine, office, march)
    starts = datetime.fromisoformat(moved["starts_at"])
    assert starts == datetime(2027, 4, 1, 9, 0, tzinfo=UTC)
    assert starts.astimezone(LONDON).strftime("%H:%M %Z") == "10:00 BST"
    assert (moved["revision"], moved["timezone"]) == (1, "Europe/London")


def test_impossible_and_ambiguous_local_times(demo: Hub) -> None:
    assert code_of(lambda: convene(demo, datetime(2027, 3, 28, 1, 30))) == (
        "meeting.nonexistent_local_time", 422,
    )
    autumn = convene(demo, datetime(2027, 10, 31, 1, 30), hours=1)
    assert get_meeting(demo.engine, SYSTEM, autumn)["starts_at"] == "2027-10-31T00:30:00+00:00"
    assert code_of(lambda: convene(demo, datetime(2026, 11, 24, 8, 0))) == (
        "meeting.starts_in_past", 422,
    )
    assert code_of(lambda: convene(demo, datetime(2027, 1, 14, 10, 0), hours=0)) == (
        "meeting.end_not_after_start", 422,
    )
    assert code_of(lambda: convene(
        demo, datetime(2027, 1, 14, 10, 0, tzinfo=UTC))) == ("meeting.local_time_expected", 422)
    assert code_of(lambda: convene(demo, datetime(2027, 1, 14, 10, 0),
                                   timezone="America/New_York")) == (
        "meeting.unsupported_time_zone", 422,
    )


def test_each_role_can_do_only_what_the_law_allows(demo: Hub, clock: HandClock) -> None:
    meeting_id = convene(demo, datetime(2027, 1, 14, 10, 0))
    icb, office = actor("llr-icb"), actor(OFFICE)
    refusals = {
        # A member organisation convenes a voluntary meeting only in its workspace.
        "the police convene outside any workspace": (lambda: h.convene_meeting(
            demo, actor("leicestershire-police"), kind="voluntary", title="T", purpose="P",
            starts_local=datetime(2027, 1, 1, 10), ends_local=datetime(2027, 1, 1, 11),
            place="X", invitations=[{"organisation_id": "llr-icb"}], area_id=LEICS,
        ), ("meeting.not_workspace_member", 403)),
        "a viewer in the office cancels": (lambda: h.cancel_meeting(
            demo, actor(OFFICE, role="viewer"), meeting_id, reason="x",
        ), ("access.viewer_cannot_act", 403)),
        "another area's office cancels": (lambda: h.cancel_meeting(
            demo, actor("nottinghamshire-opcc", "nottinghamshire"), meeting_id, reason="x",
        ), ("record.not_found", 404)),
        "an invitee reschedules": (lambda: h.reschedule_meeting(
            demo, icb, meeting_id, starts_local=datetime(2027, 2, 1, 10),
            ends_local=datetime(2027, 2, 1, 11),
        ), ("access.not_policing_body", 403)),
        "an invitee answers for another": (lambda: handle(
            demo, MEETING, meeting_id, cmd.RespondToMeeting(
                meeting_id=meeting_id, by_organisation="leicester-city-council",
                response="declining", reason="x"), icb,
        ), ("access.not_own_organisation", 403)),
        "a stranger answers": (lambda: h.respond_to_meeting(
            demo, actor("rutland-county-council"), meeting_id, response="declining", reason="x",
        ), ("meeting.not_invited", 403)),
        "an incomplete answer": (lambda: h.respond_to_meeting(
            demo, icb, meeting_id, response="attending",
        ), ("meeting.response_incomplete", 422)),
        "the office marks it held as the hub would": (lambda: handle(
            demo, MEETING, meeting_id, cmd.MarkMeetingHeld(
                meeting_id=meeting_id, ends_at=datetime(2027, 1, 14, 12, tzinfo=UTC)), office,
        ), ("access.not_permitted", 403)),
        "held before it starts": (lambda: h.record_meeting_held(demo, office, meeting_id),
                                  ("meeting.not_started", 409)),
        "minutes before it is held": (lambda: h.draft_meeting_minutes(
            demo, office, meeting_id, text="x"), ("meeting.not_held", 409)),
        "a required invitee outside the authorities": (lambda: convene(
            demo, datetime(2027, 1, 14, 10), invitations=[
                {"organisation_id": "cps-east-midlands", "required": True}],
        ), ("meeting.required_invitee_not_responsible_authority", 422)),
        "an unknown invitee": (lambda: convene(
            demo, datetime(2027, 1, 14, 10), invitations=[{"organisation_id": "nobody"}],
        ), ("meeting.unknown_invitee", 422)),
        "a Welsh reg 14A meeting": (lambda: h.convene_meeting(
            demo, actor("dyfed-powys-opcc", "dyfed-powys"), kind="reg_14a", title="T",
            purpose="P", starts_local=datetime(2027, 1, 1, 10),
            ends_local=datetime(2027, 1, 1, 11), place="Llandrindod Wells",
            invitations=[{"organisation_id": "powys-council"}],
        ), ("meeting.reg14a_england_only", 422)),
        "a malformed link": (lambda: convene(
            demo, datetime(2027, 1, 14, 10), online_link="ftp://x",
        ), ("meeting.invalid_input", 422)),
    }
    for what, (call, expected) in refusals.items():
        assert code_of(call) == expected, what

    welsh = h.convene_meeting(
        demo, actor("dyfed-powys-opcc", "dyfed-powys"), kind="voluntary", title="CSP leads",
        purpose="Plans", starts_local=datetime(2027, 1, 1, 10),
        ends_local=datetime(2027, 1, 1, 11), online_link="https://meet.example.org/dp",
        invitations=[{"organisation_id": "powys-council"}],
    ).id
    h.respond_to_meeting(demo, actor("powys-council", "dyfed-powys"), welsh,
                         response="attending", representatives=[{"name": "Eira Jones"}])
    assert get_meeting(demo.engine, SYSTEM, welsh)["kind"] == "voluntary"

    clock.now = datetime(2027, 1, 14, 12, 30, tzinfo=UTC)
    h.record_meeting_held(demo, office, meeting_id)
    action = h.assign_meeting_action(
        demo, office, meeting_id, description="Share data", owner_organisation_id="llr-icb",
        due_on=date(2027, 2, 28),
    ).id
    assert code_of(lambda: h.complete_meeting_action(
        demo, actor("leicester-city-council"), meeting_id, action, note="Done")) == (
        "meeting.not_action_owner", 403,
    )
    assert code_of(lambda: h.complete_meeting_action(
        demo, office, meeting_id, action, note="Done")) == ("meeting.not_action_owner", 403)
    h.complete_meeting_action(demo, icb, meeting_id, action, note="Shared on 1 February")
    done = get_meeting(demo.engine, icb, meeting_id)["actions"]
    assert [(a["status"], a["note"]) for a in done] == [("done", "Shared on 1 February")]


def test_a_stale_version_is_refused_as_a_conflict(demo: Hub) -> None:
    meeting_id = convene(demo, datetime(2027, 1, 14, 10, 0))
    seen = get_meeting(demo.engine, SYSTEM, meeting_id)["version"]
    h.respond_to_meeting(demo, actor("llr-icb"), meeting_id, response="attending",
                         representatives=[{"name": "Sam Doe"}])
    assert code_of(lambda: h.cancel_meeting(
        demo, actor(OFFICE), meeting_id, reason="x", expected_version=seen,
    )) == ("store.stale_version", 409)
    h.cancel_meeting(demo, actor(OFFICE), meeting_id, reason="Purdah",
                     expected_version=seen + 1)
    row = get_meeting(demo.engine, SYSTEM, meeting_id)
    assert (row["status"], row["revision"], row["cancel_reason"]) == ("cancelled", 1, "Purdah")


def test_a_required_decline_is_flagged_on_the_convenors_dashboard(demo: Hub) -> None:
    meeting_id = convene(demo, datetime(2027, 1, 14, 10, 0))
    probation = actor("probation-east-midlands")

    def flagged() -> list[int]:
        rows = list_meetings(demo.engine, actor(OFFICE), flagged=True)
        return [m["required_declines"] for m in rows if m["meeting_id"] == meeting_id]

    h.respond_to_meeting(demo, actor("llr-icb"), meeting_id, response="declining",
                         reason="Optional, and busy")
    assert flagged() == []
    h.respond_to_meeting(demo, probation, meeting_id, response="declining",
                         reason="Regional board that day")
    assert flagged() == [1]
    rows = {i["organisation_id"]: i for i in get_meeting(demo.engine, SYSTEM,
                                                          meeting_id)["invitations"]}
    assert rows["probation-east-midlands"]["flagged"] and not rows["llr-icb"]["flagged"]
    h.respond_to_meeting(demo, probation, meeting_id, response="delegating",
                         delegate={"name": "Pat Green", "role": "Deputy head"})
    assert flagged() == []
    flags = [e for e in demo.store.iter_all() if e.type == "meeting.required_decline_flagged"
             and e.data["meeting_id"] == meeting_id]
    assert [(f.data["organisation_id"], f.data["convenor"]) for f in flags] == [
        ("probation-east-midlands", OFFICE),
    ]


def test_a_meeting_runs_from_convening_to_approved_minutes_and_done_actions(
    demo: Hub, clock: HandClock,
) -> None:
    office = actor(OFFICE)
    meeting_id = convene(demo, datetime(2027, 1, 14, 10, 0))
    h.respond_to_meeting(demo, actor("leicester-city-council"), meeting_id,
                         response="attending", representatives=[{"name": "Amira Patel"}])
    h.publish_meeting_papers(demo, office, meeting_id,
                             papers=[{"title": "Needs assessment", "reference": "doc-1"}])
    h.amend_meeting(demo, office, meeting_id, place="City Hall, Leicester")
    assert code_of(lambda: h.amend_meeting(demo, office, meeting_id)) == (
        "meeting.unchanged", 422,
    )
    clock.now = datetime(2027, 1, 14, 10, 5, tzinfo=UTC)
    h.record_meeting_held(demo, office, meeting_id)
    h.draft_meeting_minutes(demo, office, meeting_id, text="Agreed the assessment.")
    h.draft_meeting_minutes(demo, office, meeting_id, text="Agreed the assessment; AOB.")
    assert code_of(lambda: h.approve_meeting_minutes(demo, office, meeting_id, draft=1)) == (
        "meeting.stale_minutes", 409,
    )
    h.approve_meeting_minutes(demo, office, meeting_id, draft=2)
    first = h.assign_meeting_action(
        demo, office, meeting_id, description="Share data",
        owner_organisation_id="leicester-city-council", due_on=date(2027, 2, 1),
    ).id
    strategy = h.assign_meeting_action(
        demo, office, meeting_id, description="Draft the strategy",
        owner_organisation_id=OFFICE, due_on=date(2027, 3, 1),
    ).id
    h.complete_meeting_action(demo, actor("leicester-city-council"), meeting_id, first,
                              note="Shared")
    row = get_meeting(demo.engine, actor("leicester-city-council"), meeting_id)
    assert (row["status"], row["minutes_status"], row["minutes_draft"], row["open_actions"]) == (
        "held", "approved", 2, 1,
    )
    assert (row["place"], row["revision"], row["papers"][0]["title"]) == (
        "City Hall, Leicester", 1, "Needs assessment",
    )
    mine = list_actions(demo.engine, office, owner=OFFICE, status="open")
    assert [a["action_id"] for a in mine] == [strategy]
    assert list_actions(demo.engine, office, due_before=date(2027, 2, 2))[0]["status"] == "done"
    for event in demo.store.iter_all():
        if event.stream_type == "meeting":
            committed_schema_accepts(event.type, event.data)


def test_open_meetings_pass_to_a_successor_body_and_closed_ones_keep_the_office(
    demo: Hub, clock: HandClock,
) -> None:
    open_id = convene(demo, datetime(2027, 1, 14, 10, 0))
    closed_id = convene(demo, datetime(2027, 1, 21, 10, 0))
    h.cancel_meeting(demo, actor(OFFICE), closed_id, reason="Not needed")
    held_id = convene(demo, datetime(2026, 11, 24, 10, 0))
    finished_id = convene(demo, datetime(2026, 11, 24, 12, 0))
    clock.now = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    for meeting_id in (held_id, finished_id):
        h.record_meeting_held(demo, actor(OFFICE), meeting_id)
    h.draft_meeting_minutes(demo, actor(OFFICE), finished_id, text="Minutes")
    h.approve_meeting_minutes(demo, actor(OFFICE), finished_id, draft=1)
    mayor = "leicestershire-mayor-office"
    handle(demo, directory.ORGANISATION, mayor, dcmd.RegisterOrganisation(
        organisation_id=mayor, name="Mayor's office", kind="policing_body_office",
        area_ids=[LEICS], country="england"), SYSTEM)
    handle(demo, directory.POLICE_AREA, LEICS, dcmd.TransferGovernance(
        area_id=LEICS, to_organisation_id=mayor, kind="mayor", on_date=date(2026, 5, 8)),
        SYSTEM)
    with demo.engine.connect() as conn:
        rows = conn.execute(select(meetings.c.meeting_id, meetings.c.convenor_id)).all()
    convenors: dict[str, str] = {
        r.meeting_id: r.convenor_id for r in rows
        if r.meeting_id in (open_id, closed_id, held_id, finished_id)
    }
    assert convenors == {open_id: mayor, closed_id: OFFICE, held_id: mayor, finished_id: OFFICE}
    assert code_of(lambda: h.cancel_meeting(demo, actor(OFFICE), open_id, reason="x")) == (
        "access.not_policing_body", 403,
    )
    h.cancel_meeting(demo, actor(mayor), open_id, reason="Rearranging")


def test_visibility_and_filters(demo: Hub) -> None:
    soon = convene(demo, datetime(2027, 1, 14, 10, 0))
    later = convene(demo, datetime(2027, 6, 14, 10, 0), kind="voluntary", invitations=[
        {"organisation_id": "llr-icb"}])
    office = actor(OFFICE)

    def ids(viewer: Actor, **filters: Any) -> list[str]:
        # The demo's own meetings are left out: the filters are checked on this test's two.
        found = list_meetings(demo.engine, viewer, **filters)
        return [m["meeting_id"] for m in found if m["meeting_id"] in (soon, later)]

    assert ids(office) == [soon, later]
    assert ids(office, kind="voluntary") == [later]
    assert ids(office, invited="leicestershire-yot") == [soon]
    assert ids(office, starts_from=datetime(2027, 3, 1, tzinfo=UTC)) == [later]
    assert ids(office, starts_before=datetime(2027, 3, 1, tzinfo=UTC)) == [soon]
    powys = actor("powys-council", "dyfed-powys")
    assert {m["area_id"] for m in list_meetings(demo.engine, powys)} <= {"dyfed-powys"}
    with pytest.raises(DomainError) as hidden:
        get_meeting(demo.engine, actor("powys-council", "dyfed-powys"), soon)
    assert hidden.value.code == "record.not_found"


def test_the_convenor_invites_more_organisations_until_the_meeting_is_held(
    demo: Hub, clock: HandClock
) -> None:
    meeting_id = convene(demo, datetime(2027, 1, 14, 10, 0))
    office = actor(OFFICE)

    def invite(who: Actor, *organisations: str, required: bool = False) -> Any:
        return h.invite_to_meeting(demo, who, meeting_id, invitations=[
            {"organisation_id": o, "required": required} for o in organisations])

    assert code_of(lambda: invite(actor("llr-icb"), "leicestershire-police")) == (
        "access.not_policing_body", 403)
    assert code_of(lambda: invite(actor("nottinghamshire-opcc", "nottinghamshire"),
                                  "leicestershire-police")) == ("record.not_found", 404)
    # Another area's organisation is, for the convenor, not in the directory at all.
    assert code_of(lambda: invite(office, "carmarthenshire-council")) == code_of(
        lambda: invite(office, "no-such-council")) == ("meeting.unknown_invitee", 422)
    before = get_meeting(demo.engine, office, meeting_id)
    added = invite(office, "leicestershire-police", "llr-icb", required=True)
    [event] = added.events
    assert [i["organisation_id"] for i in event.data["invitations"]] == ["leicestershire-police"]
    committed_schema_accepts(event.type, event.data)
    after = get_meeting(demo.engine, office, meeting_id)
    assert (after["revision"], after["version"]) == (before["revision"], before["version"] + 1)
    invited = {i["organisation_id"]: (i["required"], i["response"]) for i in after["invitations"]}
    assert invited["leicestershire-police"] == (True, None)
    assert invited["llr-icb"] == (False, None)
    # The new invitee answers like any other.
    h.respond_to_meeting(demo, actor("leicestershire-police"), meeting_id, response="attending",
                         representatives=[{"name": "Ch Supt Ana Costa"}])
    clock.now = datetime(2027, 1, 14, 11, tzinfo=UTC)
    h.record_meeting_held(demo, office, meeting_id)
    assert code_of(lambda: invite(office, "rutland-county-council")) == (
        "meeting.already_held", 409)

    # A voluntary meeting a workspace member convened is that member's to widen.
    clock.now = NOW
    board = h.convene_meeting(
        demo, actor("leicestershire-county-council"), kind="voluntary", title="Board",
        purpose="Quarterly review", starts_local=datetime(2027, 2, 1, 14),
        ends_local=datetime(2027, 2, 1, 16), place="County Hall",
        invitations=[{"organisation_id": "llr-icb"}],
        workspace_id="leicestershire-rutland-strategy-board",
    ).id
    assert code_of(lambda: h.invite_to_meeting(
        demo, office, board, invitations=[{"organisation_id": "leicestershire-police"}],
    )) == ("access.not_permitted", 403)
    h.invite_to_meeting(demo, actor("leicestershire-county-council"), board,
                        invitations=[{"organisation_id": "leicestershire-police"}])


def test_a_rebuild_gives_the_same_meeting_read_models(demo: Hub, clock: HandClock) -> None:
    meeting_id = convene(demo, datetime(2027, 1, 14, 10, 0))
    h.respond_to_meeting(demo, actor("probation-east-midlands"), meeting_id,
                         response="declining", reason="Clash")
    h.invite_to_meeting(demo, actor(OFFICE), meeting_id,
                        invitations=[{"organisation_id": "leicestershire-police"}])
    h.reschedule_meeting(demo, actor(OFFICE), meeting_id, starts_local=datetime(2027, 1, 15, 10),
                         ends_local=datetime(2027, 1, 15, 12))
    clock.now = datetime(2027, 1, 15, 11, tzinfo=UTC)
    h.record_meeting_held(demo, actor(OFFICE), meeting_id)
    h.assign_meeting_action(demo, actor(OFFICE), meeting_id, description="Report back",
                            owner_organisation_id="llr-icb", due_on=date(2027, 2, 1))

    def snapshot() -> dict[str, list[tuple[Any, ...]]]:
        with demo.engine.connect() as conn:
            return {t.name: sorted(tuple(r) for r in conn.execute(select(t)))
                    for t in (meetings, invitations, actions)}

    live = snapshot()
    demo.projections.rebuild(demo.store, progress=False)
    assert snapshot() == live
