"""Properties of report requests under random command sequences (hypothesis).

Random commands from random organisations, on random days, are decided in turn; refusals are
skipped, accepted events are recorded. After every step:
- the status is the one the history folds to, and every step of the history moved along an
  edge of the lifecycle in DOMAIN.md (so the status is reachable from the history);
- once submitted, a request never goes back to awaiting its report;
- the due date moves only by a granted extension, and only later;
- every command accepted from an organisation was one its page offered it (``open_to``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import event as note_event
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.domain.errors import DomainError
from hub.domain.reports import REPORT_REQUEST, Request
from schemas.commands import Command
from schemas.commands import reports as cmd
from schemas.registry import event_type_of

START = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
KEY = "2c0f7c9e-0000-4000-8000-000000000002"
OFFICE, SUCCESSOR = "leicestershire-opcc", "leicestershire-mayor"
ADDRESSED = ["leicester-city-council", "leicestershire-police", "llr-icb"]
ORGANISATIONS = [OFFICE, SUCCESSOR, *ADDRESSED, "rutland-county-council"]

AWAITING = {"required", "acknowledged", "extension_requested"}
LIFECYCLE = {
    "required": {"acknowledged", "extension_requested", "submitted", "withdrawn"},
    "acknowledged": {"extension_requested", "submitted", "withdrawn"},
    "extension_requested": {"required", "acknowledged", "submitted", "withdrawn"},
    "submitted": {"accepted", "returned"},
    "returned": {"submitted"},
    "accepted": {"closed"},
    "closed": set(),
    "withdrawn": set(),
}
"""DOMAIN.md's lifecycle, written out independently of the decider. Publication is no step of
it: it is recorded for any submitted version of a formal report, whatever its status."""


def _command(name: str, by: str, office: str, days: int, due: date) -> Command:
    base: dict[str, Any] = {"request_id": KEY, "by_organisation": by}
    requester = {**base, "policing_body_id": office}
    later = due + timedelta(days=days)
    match name:
        case "acknowledge":
            return cmd.AcknowledgeReport(**base)
        case "ask":
            return cmd.RequestExtension(**base, requested_due_on=later, reason="time")
        case "grant":
            return cmd.GrantExtension(**requester, due_on=later if days % 2 else None)
        case "refuse":
            return cmd.RefuseExtension(**requester, reason="no")
        case "submit":
            return cmd.SubmitReport(**base, text="report")
        case "resubmit":
            return cmd.ResubmitReport(**base, text="more")
        case "accept":
            return cmd.AcceptReport(**requester)
        case "return":
            return cmd.ReturnReport(**requester, reason="more please")
        case "publish":
            return cmd.PublishReport(**requester, published_on=START.date(), location="web")
        case "close":
            return cmd.CloseReport(**requester)
        case "withdraw":
            return cmd.WithdrawReport(**requester)
        case "overdue":
            return cmd.MarkReportOverdue(request_id=KEY, due_on=due - timedelta(days=days % 3))
        case _:
            return cmd.SendReportReminder(
                request_id=KEY, due_on=due - timedelta(days=days % 3), days_before=1 + days % 7
            )


NAMES = [
    "acknowledge", "ask", "grant", "refuse", "submit", "resubmit", "accept", "return",
    "publish", "close", "withdraw", "overdue", "remind",
]
# Withdrawal ends a history early; the later stages are drawn more often to reach them.
WEIGHTED = [*NAMES, "submit", "accept", "accept", "publish", "publish", "close", "resubmit"]
REQUESTER_COMMANDS = {"grant", "refuse", "accept", "return", "publish", "close", "withdraw"}
steps = st.lists(
    st.tuples(
        st.sampled_from(WEIGHTED),
        # None: the organisation the law entitles (half the time), else anyone at all.
        st.one_of(st.none(), st.sampled_from(ORGANISATIONS)),
        st.integers(min_value=-3, max_value=40),  # days: a date offset, also a clock step
        st.booleans(),  # whether governance has passed to the successor by this step
    ),
    min_size=3,
    max_size=60,
)


@dataclass
class History:
    """The accepted events, and the statuses and due dates after each of them."""

    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    dues: list[date] = field(default_factory=list)

    def record(self, state: Request, event_type: str, data: dict[str, Any]) -> None:
        self.events.append((event_type, data))
        self.statuses.append(state.status.value)
        self.dues.append(state.due_on)


@settings(max_examples=500, deadline=None)
@given(formal=st.booleans(), welsh=st.booleans(), steps=steps)
def test_random_command_sequences_keep_the_lifecycle_invariants(
    formal: bool, welsh: bool, steps: list[tuple[str, str | None, int, bool]]
) -> None:
    require = cmd.RequireReport(
        request_id=KEY, by_organisation=OFFICE, csp_id="a-csp", title="t", matters="m",
        kind="formal" if formal else "informal",
        not_satisfied_reasons="r" if formal else None,
        proportionate_reasons="r" if formal else None, s6_functions_confirmed=formal,
        devolved_functions_excluded=welsh, due_on=START.date() + timedelta(weeks=8),
        area_id="an-area", country="wales" if welsh else "england", policing_body_id=OFFICE,
        policing_body_kind="pcc", addressed=ADDRESSED,
    )
    history, now = History(), START
    state, [required] = REPORT_REQUEST.execute(REPORT_REQUEST.initial(), require, now)
    history.record(state, event_type_of(required), required.model_dump(mode="json"))
    for name, by, days, transferred in steps:
        now += timedelta(days=max(days, 0) % 5)
        office = SUCCESSOR if transferred else OFFICE
        entitled = office if name in REQUESTER_COMMANDS else ADDRESSED[days % len(ADDRESSED)]
        command = _command(name, by or entitled, office, days, state.due_on)
        try:
            after, events = REPORT_REQUEST.execute(state, command, now)
        except DomainError:
            continue
        _offered(state, command, now)
        # Fold one event at a time, so that each step of the history is checked.
        for event in events:
            data = event.model_dump(mode="json")
            state = REPORT_REQUEST.evolve(state, event_type_of(event), data)
            history.record(state, event_type_of(event), data)
        assert state == after
        _check(history, state)
    note_event(f"reached {state.status.value}")


def _offered(state: Request, command: Command, now: datetime) -> None:
    """A command the state accepted was one a page would have offered its sender."""
    by = getattr(command, "by_organisation", None)
    if by is not None:  # the scheduler's commands are not offered on pages
        assert REPORT_REQUEST.open_to is not None
        assert type(command) in REPORT_REQUEST.open_to(state, by, now), (
            f"{type(command).__name__} from {by} was accepted in {state.status} but not offered"
        )


def _check(history: History, state: Request) -> None:
    assert history.statuses[0] == "required"
    assert REPORT_REQUEST.fold(history.events) == state
    for before, after in zip(history.statuses, history.statuses[1:], strict=False):
        assert before == after or after in LIFECYCLE[before], (before, after)
    submitted_at = next((i for i, s in enumerate(history.statuses) if s not in AWAITING), None)
    if submitted_at is not None:
        assert not AWAITING & set(history.statuses[submitted_at:])
    for i in range(1, len(history.dues)):
        if history.dues[i] != history.dues[i - 1]:
            assert history.events[i][0] == "report_request.extension_granted"
            assert history.dues[i] > history.dues[i - 1]
