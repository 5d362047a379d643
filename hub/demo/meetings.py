"""Demo joint meetings for Leicestershire (reg 14A and voluntary) and Dyfed-Powys (voluntary).

The rules refuse a meeting that starts in the past, so upcoming meetings are dated from the
day the demo is loaded (their keys are fixed, so loading again replays the first load).
:func:`demo_commands` gives one upcoming meeting in each state: answered (with a required
invitee's decline flagged and papers out), rescheduled and amended, cancelled, and a Welsh
voluntary meeting. A meeting already held, with minutes and actions, can only be recorded as
it happened: :func:`history_commands` gives its steps with the moment each was taken, and
:func:`load_history` runs them with the hub's clock at those moments. People are invented.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from tqdm import tqdm

from hub.access.policy import Actor
from hub.bootstrap import Hub
from hub.demo.partnerships import DYFED_POWYS, LEICESTERSHIRE, AreaDemo
from hub.domain.meetings import LONDON, MEETING
from hub.domain.record import RecordType
from hub.service import handle
from schemas.commands import Command
from schemas.commands import meetings as cmd
from schemas.events.directory import Country, PolicingBodyKind
from schemas.events.meetings import AgendaItem, Paper, Response

Step = tuple[RecordType[Any], str, Command, Actor]
HistoryStep = tuple[RecordType[Any], str, Command, Actor, datetime]

LEICS, LEICS_OFFICE = "leicestershire", "leicestershire-opcc"
DP, DP_OFFICE = "dyfed-powys", "dyfed-powys-opcc"
BOARD = "leicestershire-rutland-strategy-board"
HELD = "leicestershire-reducing-reoffending"
"""The reg 14A meeting already held: a cross-area strategy subject (re-offending)."""


def _actor(organisation_id: str, area_id: str) -> Actor:
    return Actor(user_id=f"demo-{organisation_id}", organisation_id=organisation_id,
                 area_ids=frozenset({area_id}))


def _authorities(area: AreaDemo) -> list[str]:
    return sorted({a for p in area.partnerships for a in p.authorities})


def _at(day: date, hour: int) -> datetime:
    """A wall-clock time in London (naive, as a client sends it)."""
    return datetime.combine(day, time(hour, 0))


def _convene(meeting_id: str, area: AreaDemo, office: str, **fields: Any) -> Step:
    command = cmd.ConveneMeeting(
        meeting_id=meeting_id, area_id=area.area_id, by_organisation=office,
        country=Country(area.country), policing_body_id=office,
        # Both demo areas are PCC areas (hub/demo/areas.py).
        policing_body_kind=PolicingBodyKind.PCC,
        responsible_authorities=_authorities(area), **fields,
    )
    return MEETING, meeting_id, command, _actor(office, area.area_id)


def _respond(meeting_id: str, organisation_id: str, area_id: str, response: str,
             **details: Any) -> Step:
    command = cmd.RespondToMeeting(meeting_id=meeting_id, by_organisation=organisation_id,
                                   response=Response(response), **details)
    return MEETING, meeting_id, command, _actor(organisation_id, area_id)


def _office(meeting_id: str, command: Command) -> Step:
    return MEETING, meeting_id, command, _actor(LEICS_OFFICE, LEICS)


_SERIOUS_VIOLENCE_INVITEES = [
    {"organisation_id": "leicester-city-council", "required": True},
    {"organisation_id": "leicestershire-county-council", "required": True},
    {"organisation_id": "leicestershire-police", "required": True},
    {"organisation_id": "llr-icb", "required": True},
    {"organisation_id": "probation-east-midlands", "required": True},
    {"organisation_id": "leicestershire-yot", "required": False},
    {"organisation_id": "cps-east-midlands", "required": False},
]


def demo_commands(today: date | None = None) -> Iterator[Step]:
    """Upcoming meetings in each state, dated from ``today`` (the day in London by default)."""
    today = today or datetime.now(LONDON).date()
    sv = "leicestershire-serious-violence-needs"
    yield _convene(
        sv, LEICESTERSHIRE, LEICS_OFFICE, kind="reg_14a",
        title="Serious violence duty: joint strategic needs assessment",
        purpose="Agree the strategic needs assessment and the response strategy across "
                "Leicester, Leicestershire and Rutland.",
        starts_local=_at(today + timedelta(days=21), 10),
        ends_local=_at(today + timedelta(days=21), 12),
        place="Leicestershire Police Headquarters, Enderby",
        agenda=[{"title": "Needs assessment findings"}, {"title": "Response strategy"},
                {"title": "Data sharing"}],
        invitations=_SERIOUS_VIOLENCE_INVITEES,
    )
    yield _respond(sv, "leicester-city-council", LEICS, "attending",
                   representatives=[{"name": "Amira Patel", "role": "Head of Community Safety"}])
    yield _respond(sv, "leicestershire-police", LEICS, "attending",
                   representatives=[{"name": "Supt. Owen Clarke", "role": "Partnerships"}])
    yield _respond(sv, "llr-icb", LEICS, "delegating",
                   delegate={"name": "Rachel Moore", "role": "Safeguarding Lead"})
    yield _respond(sv, "probation-east-midlands", LEICS, "declining",
                   reason="The head of service is at the regional performance board that day.")
    yield _office(sv, cmd.PublishMeetingPapers(
        meeting_id=sv, by_organisation=LEICS_OFFICE,
        papers=[Paper(title="Strategic needs assessment (draft)",
                      reference="demo:serious-violence/needs-assessment.pdf")],
    ))

    board = "leicestershire-rutland-board-quarterly"
    yield _convene(
        board, LEICESTERSHIRE, LEICS_OFFICE, kind="voluntary",
        title="Safer Communities Strategy Board",
        purpose="Quarterly review of the county community safety strategy.",
        starts_local=_at(today + timedelta(days=28), 14),
        ends_local=_at(today + timedelta(days=28), 16),
        place="County Hall, Glenfield", agenda=[{"title": "Performance report"}],
        invitations=[{"organisation_id": o} for o in (
            "leicestershire-county-council", "rutland-county-council", "leicestershire-police",
            "llr-combined-fire-authority", "llr-icb", "probation-east-midlands",
        )],
        workspace_id=BOARD,
    )
    yield _office(board, cmd.RescheduleMeeting(
        meeting_id=board, by_organisation=LEICS_OFFICE,
        starts_local=_at(today + timedelta(days=35), 14),
        ends_local=_at(today + timedelta(days=35), 16),
    ))
    yield _office(board, cmd.AmendMeeting(
        meeting_id=board, by_organisation=LEICS_OFFICE, title="Safer Communities Strategy Board",
        purpose="Quarterly review of the county community safety strategy.",
        place="County Hall, Glenfield",
        agenda=[AgendaItem(title="Performance report"),
                AgendaItem(title="Hate crime action plan")],
    ))

    cancelled = "leicestershire-county-lines"
    yield _convene(
        cancelled, LEICESTERSHIRE, LEICS_OFFICE, kind="reg_14a",
        title="County lines and drug markets", purpose="Agree a joint disruption plan.",
        starts_local=_at(today + timedelta(days=14), 13),
        ends_local=_at(today + timedelta(days=14), 15),
        online_link="https://meet.example.org/leicestershire-county-lines",
        invitations=[{"organisation_id": "leicestershire-police", "required": True},
                     {"organisation_id": "leicester-city-council", "required": True}],
    )
    yield _office(cancelled, cmd.CancelMeeting(
        meeting_id=cancelled, by_organisation=LEICS_OFFICE,
        reason="Folded into the serious violence meeting.",
    ))

    welsh = "dyfed-powys-community-safety-leads"
    yield _convene(
        welsh, DYFED_POWYS, DP_OFFICE, kind="voluntary",
        title="Dyfed-Powys community safety leads",
        purpose="Share the partnerships' plans for the year (a voluntary meeting: reg 14A does "
                "not apply in Wales).",
        starts_local=_at(today + timedelta(days=24), 10),
        ends_local=_at(today + timedelta(days=24), 11),
        online_link="https://meet.example.org/dyfed-powys-csp-leads",
        invitations=[{"organisation_id": o} for o in (
            "carmarthenshire-council", "ceredigion-council", "pembrokeshire-council",
            "powys-council", "hywel-dda-uhb", "powys-teaching-hb",
        )],
    )
    yield _respond(welsh, "ceredigion-council", DP, "attending",
                   representatives=[{"name": "Elin Morgan", "role": "Community Safety Manager"}])
    yield _respond(welsh, "hywel-dda-uhb", DP, "delegating", delegate={"name": "Rhys Evans"})


def history_commands(today: date | None = None) -> Iterator[HistoryStep]:
    """A reg 14A meeting held six weeks before ``today``: each step with the moment it was taken.

    Convened three weeks ahead, answered, held, minuted and approved, with papers as
    presented, one action done, one still open (due a month after ``today``) and one overdue
    (due two weeks before ``today``).
    """
    today = today or datetime.now(LONDON).date()
    held = HELD
    day = today - timedelta(days=42)
    starts, ends = _at(day, 10), _at(day, 12)

    def when(local: datetime) -> datetime:
        return local.replace(tzinfo=LONDON)

    def office(command: Command, local: datetime) -> HistoryStep:
        return (*_office(held, command), when(local))

    record, key, command, actor = _convene(
        held, LEICESTERSHIRE, LEICS_OFFICE, kind="reg_14a",
        title="Reducing re-offending: integrated offender management across the area",
        purpose="Agree how the partners' reducing re-offending strategies share one integrated "
                "offender management cohort across Leicester, Leicestershire and Rutland.",
        starts_local=starts, ends_local=ends, place="City Hall, Leicester",
        agenda=[{"title": "Re-offending data"}, {"title": "Cohort selection"}],
        invitations=[{"organisation_id": "leicester-city-council", "required": True},
                     {"organisation_id": "leicestershire-county-council", "required": True},
                     {"organisation_id": "llr-icb", "required": False}],
    )
    yield record, key, command, actor, when(starts - timedelta(days=21))
    for organisation_id, name in (("leicester-city-council", "Dev Sharma"),
                                  ("leicestershire-county-council", "Claire Hughes")):
        yield (*_respond(held, organisation_id, LEICS, "attending",
                         representatives=[{"name": name}]),
               when(starts - timedelta(days=14)))
    yield office(cmd.RecordMeetingHeld(meeting_id=held, by_organisation=LEICS_OFFICE), ends)
    after = ends + timedelta(days=2)
    yield office(cmd.DraftMeetingMinutes(
        meeting_id=held, by_organisation=LEICS_OFFICE,
        text="Partners agreed one integrated offender management cohort across the area.",
    ), after)
    yield office(cmd.AssignMeetingAction(
        meeting_id=held, action_id="reoffending-data", by_organisation=LEICS_OFFICE,
        description="Share re-offending data for the last two years.",
        owner_organisation_id="leicester-city-council", due_on=day + timedelta(days=14),
    ), after)
    yield office(cmd.AssignMeetingAction(
        meeting_id=held, action_id="cohort-criteria", by_organisation=LEICS_OFFICE,
        description="Draft the cohort selection criteria.",
        owner_organisation_id="leicestershire-county-council",
        due_on=today + timedelta(days=30),
    ), after)
    yield office(cmd.ApproveMeetingMinutes(
        meeting_id=held, by_organisation=LEICS_OFFICE, draft=1,
    ), ends + timedelta(days=9))
    yield (*_complete_first_action(held), when(_at(day + timedelta(days=10), 9)))
    # Added after the steps above were first published: appended, so the idempotency keys of
    # a demo loaded before still name the same steps.
    yield office(cmd.PublishMeetingPapers(
        meeting_id=held, by_organisation=LEICS_OFFICE,
        papers=[Paper(title="Re-offending data review (as presented)",
                      reference="https://papers.example.org/leicestershire/reoffending-data.pdf"),
                Paper(title="Cohort options",
                      reference="https://papers.example.org/leicestershire/cohort-options.pdf")],
    ), when(_at(day + timedelta(days=11), 9)))
    yield office(cmd.AssignMeetingAction(
        meeting_id=held, action_id="icb-health-pathway", by_organisation=LEICS_OFFICE,
        description="Confirm the ICB's health pathway for the cohort.",
        owner_organisation_id="llr-icb", due_on=day + timedelta(days=28),
    ), when(_at(day + timedelta(days=11), 9)))


def _complete_first_action(meeting_id: str) -> Step:
    command = cmd.CompleteMeetingAction(
        meeting_id=meeting_id, action_id="reoffending-data",
        by_organisation="leicester-city-council", note="Shared with the OPCC analyst.",
    )
    return MEETING, meeting_id, command, _actor("leicester-city-council", LEICS)


class _StoppedClock:
    """A clock showing one moment of the demo's history at a time."""

    def __init__(self) -> None:
        self.at = datetime.now(LONDON)

    def __call__(self) -> datetime:
        return self.at


def load_history(hub: Hub, *, progress: bool = True) -> int:
    """Record :func:`history_commands` as they happened; return how many events were appended.

    The history is dated from today by the hub's clock; each step is decided with the clock
    at its moment (events are still stored with the time of recording). Idempotent, like the
    rest of the demo.
    """
    clock = _StoppedClock()
    today = hub.clock().astimezone(LONDON).date()
    past = dataclasses.replace(hub, clock=clock)
    past.__dict__.update(engine=hub.engine, store=hub.store, redis=hub.redis)
    appended = 0
    seen: dict[str, int] = {}
    steps = list(history_commands(today))
    for record, key, command, actor, at in tqdm(steps, desc="history", disable=not progress):
        stream = f"{record.stream_type}-{key}"
        seen[stream] = seen.get(stream, 0) + 1
        clock.at = at
        result = handle(past, record, key, command, actor,
                        idempotency_key=f"demo:{stream}:history:{seen[stream]}")
        if not result.replayed:
            appended += len(result.events)
    return appended
