"""Section 10 duty register deciders (DOMAIN.md section 1): every transition and every refusal."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from hub.domain import duties
from hub.domain.duties import (
    CJ_ARRANGEMENT,
    POLICE_CRIME_PLAN,
    PRIORITY,
    RECIPROCAL_REGARD,
    REGARD_DECISION,
)
from hub.domain.errors import AlreadyExists, DomainError, NotFound
from hub.domain.record import RecordType
from schemas.commands import Command
from schemas.commands import duties as cmd
from schemas.events import duties as ev
from schemas.events.directory import CspSuccession, Succession
from schemas.events.duties import Objective, Party, PriorityRef, Reason
from tests.unit.decisions import accepts

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 24)
OFFICE = "leicestershire-opcc"
COUNCIL = "leicester-city-council"
OTHER_COUNCIL = "rutland-county-council"
PERIOD = {"starts_on": date(2026, 4, 1), "ends_on": date(2029, 3, 31)}
SOURCE = {"kind": "strategic_assessment", "title": "Safer Leicester strategic assessment 2026"}


def run(record: RecordType[Any], *commands: Command, now: datetime = NOW) -> Any:
    state = record.initial()
    for command in commands:
        state, _ = record.execute(state, command, now)
    return state


def refused(
    error: type[DomainError], record: RecordType[Any], state: Any, command: Command,
    now: datetime = NOW,
) -> DomainError:
    with pytest.raises(error) as caught:
        record.decide(state, command, now)
    return caught.value


# -- relevant priorities -----------------------------------------------------------------------

P_KEY = "prio-1"


def register(**changes: Any) -> cmd.RegisterPriority:
    fields: dict[str, Any] = {
        "priority_id": P_KEY, "by_organisation": COUNCIL, "area_id": "leicestershire",
        "csp_id": "safer-leicester", "theme": "serious_violence", "title": "Knife crime",
        "source": SOURCE, "period": PERIOD, "country": "england",
        "serves_csps": ["safer-leicester"],
    }
    return cmd.RegisterPriority(**{**fields, **changes})


def revise(**changes: Any) -> cmd.RevisePriority:
    fields: dict[str, Any] = {
        "priority_id": P_KEY, "by_organisation": COUNCIL, "theme": "crime_and_disorder",
        "title": "Knife crime and ASB", "source": SOURCE, "period": PERIOD, "country": "england",
    }
    return cmd.RevisePriority(**{**fields, **changes})


RETIRE = cmd.RetirePriority(priority_id=P_KEY, by_organisation=COUNCIL, reason="Achieved")


def test_a_responsible_authority_registers_a_priority_at_revision_one() -> None:
    [event] = PRIORITY.decide(run(PRIORITY), register(), NOW)
    assert isinstance(event, ev.PriorityRegistered)
    assert (event.revision, event.theme, event.by_organisation) == (1, "serious_violence", COUNCIL)
    assert event.source.kind == "strategic_assessment" and event.period.ends_on == date(2029, 3, 31)
    state = run(PRIORITY, register())
    assert PRIORITY.visible_in(state) == ("area-leicestershire", "csp-safer-leicester")


def test_a_priority_is_registered_once() -> None:
    refused(AlreadyExists, PRIORITY, run(PRIORITY, register()), register())


def test_only_a_responsible_authority_registers_priorities() -> None:
    refused(duties.NotResponsibleAuthority, PRIORITY, run(PRIORITY), register(serves_csps=[]))


def test_an_authority_registers_priorities_of_a_partnership_it_sits_on() -> None:
    command = register(csp_id="safer-rutland")
    refused(duties.NotResponsibleAuthority, PRIORITY, run(PRIORITY), command)
    assert PRIORITY.decide(run(PRIORITY), register(csp_id=None), NOW)


def test_each_revision_raises_the_priority_revision() -> None:
    state = run(PRIORITY, register(), revise())
    assert state.revision == 2
    [event] = PRIORITY.decide(state, revise(title="Knife crime, ASB and drugs"), NOW)
    assert isinstance(event, ev.PriorityRevised) and event.revision == 3


@pytest.mark.parametrize("change", [revise(by_organisation=OTHER_COUNCIL),
                                    RETIRE.model_copy(update={"by_organisation": OTHER_COUNCIL})],
                         ids=["revise", "retire"])
def test_only_the_authority_that_registered_a_priority_changes_it(change: Command) -> None:
    refused(duties.NotPriorityOwner, PRIORITY, run(PRIORITY, register()), change)


def test_a_retired_priority_takes_no_further_changes() -> None:
    state = run(PRIORITY, register(), RETIRE)
    assert state.retired
    refused(duties.PriorityRetired, PRIORITY, state, revise())
    refused(duties.PriorityRetired, PRIORITY, state, RETIRE)


def test_a_priority_period_ends_on_or_after_it_starts() -> None:
    backwards = {"starts_on": date(2027, 1, 1), "ends_on": date(2026, 12, 31)}
    refused(duties.PriorityPeriodInvalid, PRIORITY, run(PRIORITY), register(period=backwards))
    state = run(PRIORITY, register())
    refused(duties.PriorityPeriodInvalid, PRIORITY, state, revise(period=backwards))


def test_only_a_welsh_bodys_priority_is_marked_as_a_devolved_function() -> None:
    english = register(devolved_function=True)
    refused(duties.PriorityDevolvedOutsideWales, PRIORITY, run(PRIORITY), english)
    welsh = register(
        devolved_function=True, country="wales", area_id="dyfed-powys", csp_id="powys-csp",
        serves_csps=["powys-csp"],
    )
    [event] = PRIORITY.decide(run(PRIORITY), welsh, NOW)
    assert isinstance(event, ev.PriorityRegistered) and event.devolved_function
    refused(
        duties.PriorityDevolvedOutsideWales, PRIORITY, run(PRIORITY, register()),
        revise(devolved_function=True),
    )


def test_changes_to_a_missing_priority_are_not_found() -> None:
    refused(NotFound, PRIORITY, run(PRIORITY), revise())
    refused(NotFound, PRIORITY, run(PRIORITY), RETIRE)


# -- decisions and regard --------------------------------------------------------------------

D_KEY = "decision-1"


def ref(priority_id: str, devolved: bool = False, revision: int = 1) -> PriorityRef:
    return PriorityRef(
        priority_id=priority_id, revision=revision, organisation_id=COUNCIL,
        title=f"Priority {priority_id}", theme="crime_and_disorder", devolved_function=devolved,
    )


VIOLENCE, ASB, DRUGS, WELSH_HEALTH = ref("violence"), ref("asb"), ref("drugs"), ref("wh", True)
CURRENT = [VIOLENCE, ASB, WELSH_HEALTH]


def record(**changes: Any) -> cmd.RecordDecision:
    fields: dict[str, Any] = {
        "decision_id": D_KEY, "by_organisation": OFFICE, "area_id": "leicestershire",
        "kind": "grant", "title": "Crime and disorder reduction grant", "decided_on": TODAY,
        "policing_body_id": OFFICE, "priorities": CURRENT,
    }
    return cmd.RecordDecision(**{**fields, **changes})


def note(priority: PriorityRef, **changes: Any) -> cmd.NoteRegard:
    fields: dict[str, Any] = {
        "decision_id": D_KEY, "by_organisation": OFFICE, "note": "Funds violence work",
        "policing_body_id": OFFICE, "priority": priority, "priority_area_id": "leicestershire",
    }
    return cmd.NoteRegard(**{**fields, **changes})


def finalise(
    reasons: dict[str, str] | None = None, priorities: list[PriorityRef] | None = None,
    **changes: Any,
) -> cmd.FinaliseDecision:
    fields: dict[str, Any] = {
        "decision_id": D_KEY, "by_organisation": OFFICE, "policing_body_id": OFFICE,
        "priorities": CURRENT if priorities is None else priorities,
        "reasons": [Reason(item_id=k, reason=v) for k, v in (reasons or {}).items()],
    }
    return cmd.FinaliseDecision(**{**fields, **changes})


def test_the_office_records_a_decision_with_the_priorities_current_in_its_area() -> None:
    [event] = REGARD_DECISION.decide(run(REGARD_DECISION), record(), NOW)
    assert isinstance(event, ev.DecisionRecorded)
    assert event.kind == "grant" and event.priorities == CURRENT
    assert REGARD_DECISION.visible_in(run(REGARD_DECISION, record())) == ("area-leicestershire",)


def test_a_decision_is_recorded_once() -> None:
    refused(AlreadyExists, REGARD_DECISION, run(REGARD_DECISION, record()), record())


@pytest.mark.parametrize(
    "command",
    [record(by_organisation=COUNCIL), note(VIOLENCE, by_organisation=COUNCIL),
     finalise(by_organisation=COUNCIL)],
    ids=["record", "note", "finalise"],
)
def test_only_the_office_of_the_areas_policing_body_records_decisions(command: Command) -> None:
    state = run(REGARD_DECISION) if isinstance(command, cmd.RecordDecision) else run(
        REGARD_DECISION, record()
    )
    refused(duties.RegardNotPolicingBody, REGARD_DECISION, state, command)


def test_the_register_shows_which_priorities_a_decision_has_not_yet_considered() -> None:
    gaps = run(REGARD_DECISION, record(), note(VIOLENCE)).gaps()
    assert gaps.considered == ("violence",)
    assert gaps.unconsidered == ("asb",)


def test_devolved_priorities_are_outside_the_duty_not_gaps() -> None:
    gaps = run(REGARD_DECISION, record()).gaps()
    assert gaps.outside_duty == ("wh",)
    assert "wh" not in gaps.unconsidered


def test_a_decision_with_unconsidered_priorities_cannot_be_finalised() -> None:
    state = run(REGARD_DECISION, record(), note(VIOLENCE))
    error = refused(duties.PrioritiesUnconsidered, REGARD_DECISION, state, finalise())
    assert error.code == "regard.priorities_unconsidered" and "asb" in error.message


def test_a_decision_is_finalised_once_every_priority_is_considered() -> None:
    state = run(REGARD_DECISION, record(), note(VIOLENCE), note(ASB))
    [event] = REGARD_DECISION.decide(state, finalise(), NOW)
    assert isinstance(event, ev.DecisionFinalised)
    assert (event.considered, event.outside_duty, event.unconsidered) == (
        ["violence", "asb"], ["wh"], [],
    )


def test_each_remaining_gap_needs_a_written_reason() -> None:
    state = run(REGARD_DECISION, record(priorities=[VIOLENCE, ASB, DRUGS]), note(VIOLENCE))
    current = [VIOLENCE, ASB, DRUGS]
    partly = finalise({"asb": "Funded elsewhere"}, current)
    refused(duties.PrioritiesUnconsidered, REGARD_DECISION, state, partly)
    fully = finalise({"asb": "Funded elsewhere", "drugs": "Outside this grant"}, current)
    [event] = REGARD_DECISION.decide(state, fully, NOW)
    assert isinstance(event, ev.DecisionFinalised)
    assert [(r.item_id, r.reason) for r in event.unconsidered] == [
        ("asb", "Funded elsewhere"), ("drugs", "Outside this grant"),
    ]


def test_a_reason_is_given_only_for_a_gap() -> None:
    state = run(REGARD_DECISION, record(), note(VIOLENCE), note(ASB))
    command = finalise({"violence": "Not needed"})
    refused(duties.RegardReasonNotNeeded, REGARD_DECISION, state, command)


def test_a_priority_registered_since_the_decision_was_recorded_must_be_considered() -> None:
    state = run(REGARD_DECISION, record(), note(VIOLENCE), note(ASB))
    with_drugs = finalise(None, [*CURRENT, DRUGS])
    refused(duties.PrioritiesUnconsidered, REGARD_DECISION, state, with_drugs)


def test_a_noted_priority_no_longer_current_stays_on_the_record_as_considered() -> None:
    state = run(REGARD_DECISION, record(), note(VIOLENCE), note(ASB))
    [event] = REGARD_DECISION.decide(state, finalise(None, [ASB]), NOW)
    assert isinstance(event, ev.DecisionFinalised)
    assert sorted(event.considered) == ["asb", "violence"]


def test_a_note_records_the_revision_it_had_regard_to() -> None:
    revised = ref("asb", revision=3)
    [event] = REGARD_DECISION.decide(run(REGARD_DECISION, record()), note(revised), NOW)
    assert isinstance(event, ev.RegardNoted) and event.priority.revision == 3


def test_a_decision_has_regard_to_its_own_areas_priorities() -> None:
    command = note(VIOLENCE, priority_area_id="dyfed-powys")
    refused(duties.PriorityNotInArea, REGARD_DECISION, run(REGARD_DECISION, record()), command)


def test_a_finalised_decision_takes_no_more_notes() -> None:
    state = run(REGARD_DECISION, record(), note(VIOLENCE), note(ASB), finalise())
    assert state.finalised
    refused(duties.DecisionFinalised, REGARD_DECISION, state, note(VIOLENCE))
    refused(duties.DecisionFinalised, REGARD_DECISION, state, finalise())


def test_notes_on_a_missing_decision_are_not_found() -> None:
    refused(NotFound, REGARD_DECISION, run(REGARD_DECISION), note(VIOLENCE))


# -- the police and crime plan ---------------------------------------------------------------

PLAN = "plan-1"
OBJECTIVES = [
    Objective(objective_id="safer-streets", title="Safer streets"),
    Objective(objective_id="victims", title="Victims first"),
]


def record_plan(**changes: Any) -> cmd.RecordPlan:
    fields: dict[str, Any] = {
        "plan_id": PLAN, "by_organisation": OFFICE, "area_id": "leicestershire",
        "title": "Police and Crime Plan", "period": PERIOD, "objectives": OBJECTIVES,
        "policing_body_id": OFFICE,
    }
    return cmd.RecordPlan(**{**fields, **changes})


def revise_plan(**changes: Any) -> cmd.RevisePlan:
    fields: dict[str, Any] = {
        "plan_id": PLAN, "by_organisation": OFFICE, "title": "Police and Crime Plan (refreshed)",
        "period": PERIOD, "objectives": OBJECTIVES, "policing_body_id": OFFICE,
    }
    return cmd.RevisePlan(**{**fields, **changes})


RETIRE_PLAN = cmd.RetirePlan(plan_id=PLAN, by_organisation=OFFICE, policing_body_id=OFFICE)


def test_the_office_keeps_the_plans_objectives_as_a_record() -> None:
    [event] = POLICE_CRIME_PLAN.decide(run(POLICE_CRIME_PLAN), record_plan(), NOW)
    assert isinstance(event, ev.PlanRecorded) and event.revision == 1
    state = run(POLICE_CRIME_PLAN, record_plan(), revise_plan())
    assert state.revision == 2
    refused(AlreadyExists, POLICE_CRIME_PLAN, state, record_plan())


@pytest.mark.parametrize(
    "command",
    [record_plan(by_organisation=COUNCIL), revise_plan(by_organisation=COUNCIL),
     RETIRE_PLAN.model_copy(update={"by_organisation": COUNCIL})],
    ids=["record", "revise", "retire"],
)
def test_only_the_office_keeps_the_plan(command: Command) -> None:
    first = [] if isinstance(command, cmd.RecordPlan) else [record_plan()]
    state = run(POLICE_CRIME_PLAN, *first)
    refused(duties.PlanNotPolicingBody, POLICE_CRIME_PLAN, state, command)


def test_each_objective_has_its_own_id() -> None:
    twice = [*OBJECTIVES, Objective(objective_id="victims", title="Again")]
    refused(duties.DuplicateObjective, POLICE_CRIME_PLAN, run(POLICE_CRIME_PLAN),
            record_plan(objectives=twice))
    refused(duties.DuplicateObjective, POLICE_CRIME_PLAN, run(POLICE_CRIME_PLAN, record_plan()),
            revise_plan(objectives=twice))


def test_a_plan_period_ends_on_or_after_it_starts() -> None:
    backwards = {"starts_on": date(2027, 1, 1), "ends_on": date(2026, 1, 1)}
    refused(duties.PlanPeriodInvalid, POLICE_CRIME_PLAN, run(POLICE_CRIME_PLAN),
            record_plan(period=backwards))


def test_a_retired_plan_takes_no_further_changes() -> None:
    state = run(POLICE_CRIME_PLAN, record_plan(), RETIRE_PLAN)
    refused(duties.PlanRetired, POLICE_CRIME_PLAN, state, revise_plan())
    refused(duties.PlanRetired, POLICE_CRIME_PLAN, state, RETIRE_PLAN)
    refused(NotFound, POLICE_CRIME_PLAN, run(POLICE_CRIME_PLAN), RETIRE_PLAN)


# -- reciprocal regard -----------------------------------------------------------------------

R_KEY = "regard-1"
NEW_OBJECTIVE = Objective(objective_id="prevent-harm", title="Prevent harm")


def record_regard(**changes: Any) -> cmd.RecordStrategyRegard:
    fields: dict[str, Any] = {
        "regard_id": R_KEY, "by_organisation": COUNCIL, "area_id": "leicestershire",
        "csp_id": "safer-leicester",
        "strategy": {"kind": "partnership_plan", "title": "Safer Leicester plan 2026-29"},
        "plan_id": PLAN, "plan_revision": 1, "objectives": OBJECTIVES,
        "serves_csps": ["safer-leicester"],
    }
    return cmd.RecordStrategyRegard(**{**fields, **changes})


def note_objective(objective_id: str, **changes: Any) -> cmd.NoteObjectiveRegard:
    fields: dict[str, Any] = {
        "regard_id": R_KEY, "by_organisation": COUNCIL, "objective_id": objective_id,
        "note": "Shaped our violence priority", "plan_objectives": OBJECTIVES,
    }
    return cmd.NoteObjectiveRegard(**{**fields, **changes})


def finalise_regard(
    reasons: dict[str, str] | None = None, objectives: list[Objective] | None = None,
    **changes: Any,
) -> cmd.FinaliseStrategyRegard:
    fields: dict[str, Any] = {
        "regard_id": R_KEY, "by_organisation": COUNCIL, "plan_revision": 1,
        "objectives": OBJECTIVES if objectives is None else objectives,
        "reasons": [Reason(item_id=k, reason=v) for k, v in (reasons or {}).items()],
    }
    return cmd.FinaliseStrategyRegard(**{**fields, **changes})


def test_an_authority_records_its_strategys_regard_to_the_plans_objectives() -> None:
    [event] = RECIPROCAL_REGARD.decide(run(RECIPROCAL_REGARD), record_regard(), NOW)
    assert isinstance(event, ev.StrategyRegardRecorded) and event.objectives == OBJECTIVES
    state = run(RECIPROCAL_REGARD, record_regard(), note_objective("victims"))
    assert state.noted == {"victims"}
    assert RECIPROCAL_REGARD.visible_in(state) == ("area-leicestershire", "csp-safer-leicester")
    refused(AlreadyExists, RECIPROCAL_REGARD, state, record_regard())


@pytest.mark.parametrize(
    "changes", [{"serves_csps": []}, {"csp_id": "safer-rutland"}], ids=["none", "other-csp"]
)
def test_only_a_responsible_authority_records_regard_to_the_plan(changes: dict[str, Any]) -> None:
    refused(duties.StrategyNotResponsibleAuthority, RECIPROCAL_REGARD, run(RECIPROCAL_REGARD),
            record_regard(**changes))


def test_only_the_authority_that_recorded_it_adds_to_it() -> None:
    state = run(RECIPROCAL_REGARD, record_regard())
    for command in (note_objective("victims", by_organisation=OTHER_COUNCIL),
                    finalise_regard(by_organisation=OTHER_COUNCIL)):
        refused(duties.NotStrategyOwner, RECIPROCAL_REGARD, state, command)


def test_regard_is_noted_against_the_plans_objectives() -> None:
    state = run(RECIPROCAL_REGARD, record_regard())
    refused(duties.UnknownObjective, RECIPROCAL_REGARD, state, note_objective("made-up"))
    revised = note_objective("prevent-harm", plan_objectives=[*OBJECTIVES, NEW_OBJECTIVE])
    [event] = RECIPROCAL_REGARD.decide(state, revised, NOW)
    assert isinstance(event, ev.ObjectiveRegarded) and event.objective == NEW_OBJECTIVE


def test_objectives_left_unconsidered_need_written_reasons_before_finalising() -> None:
    state = run(RECIPROCAL_REGARD, record_regard(), note_objective("safer-streets"))
    error = refused(duties.ObjectivesUnconsidered, RECIPROCAL_REGARD, state, finalise_regard())
    assert error.code == "reciprocal_regard.objectives_unconsidered"
    [event] = RECIPROCAL_REGARD.decide(state, finalise_regard({"victims": "For the LCJB"}), NOW)
    assert isinstance(event, ev.StrategyRegardFinalised)
    assert event.considered == ["safer-streets"]
    assert [r.item_id for r in event.unconsidered] == ["victims"]
    refused(duties.ObjectiveReasonNotNeeded, RECIPROCAL_REGARD, state,
            finalise_regard({"safer-streets": "x", "victims": "y"}))


def test_a_finalised_record_of_regard_takes_no_more_notes() -> None:
    state = run(
        RECIPROCAL_REGARD, record_regard(), note_objective("safer-streets"),
        note_objective("victims"), finalise_regard(),
    )
    refused(duties.StrategyRegardFinalised, RECIPROCAL_REGARD, state, note_objective("victims"))
    refused(NotFound, RECIPROCAL_REGARD, run(RECIPROCAL_REGARD), note_objective("victims"))


def devolve(objective_id: str, country: str = "wales", **changes: Any) -> Any:
    fields: dict[str, Any] = {
        "regard_id": R_KEY, "by_organisation": COUNCIL, "objective_id": objective_id,
        "plan_objectives": OBJECTIVES, "country": country,
    }
    return cmd.MarkObjectiveDevolved(**{**fields, **changes})


def test_a_welsh_authority_marks_an_objective_devolved_outside_the_reciprocal_duty() -> None:
    # CDA s.6(1A) does not reach functions devolved to the Welsh Government.
    state = run(RECIPROCAL_REGARD, record_regard(), note_objective("safer-streets"))
    [event] = RECIPROCAL_REGARD.decide(state, devolve("victims"), NOW)
    assert isinstance(event, ev.ObjectiveDevolved) and event.objective.objective_id == "victims"
    devolved, _ = RECIPROCAL_REGARD.execute(state, devolve("victims"), NOW)
    # Outside the duty: no gap, so no reason is needed to finalise.
    [done] = RECIPROCAL_REGARD.decide(devolved, finalise_regard(), NOW)
    assert isinstance(done, ev.StrategyRegardFinalised)
    assert (done.considered, done.outside_duty, done.unconsidered) == (
        ["safer-streets"], ["victims"], [])


def test_only_a_welsh_authority_marks_an_objective_devolved() -> None:
    state = run(RECIPROCAL_REGARD, record_regard())
    error = refused(duties.ObjectiveDevolvedOutsideWales, RECIPROCAL_REGARD, state,
                    devolve("victims", country="england"))
    assert (error.code, error.status) == ("reciprocal_regard.devolved_outside_wales", 422)
    refused(duties.UnknownObjective, RECIPROCAL_REGARD, state, devolve("made-up"))
    refused(duties.NotStrategyOwner, RECIPROCAL_REGARD, state,
            devolve("victims", by_organisation=OTHER_COUNCIL))


# -- criminal justice arrangements -------------------------------------------------------------

A_KEY = "lcjb-terms"
POLICE = Party(organisation_id="leicestershire-police", kind="police_force")
CPS = Party(organisation_id="cps-east-midlands", kind="cps")
REVIEW_ON = date(2027, 11, 24)


def draft(**changes: Any) -> cmd.DraftArrangement:
    fields: dict[str, Any] = {
        "arrangement_id": A_KEY, "by_organisation": OFFICE, "area_id": "leicestershire",
        "title": "LCJB terms of reference", "terms": "Meet quarterly", "review_on": REVIEW_ON,
        "parties": [POLICE, CPS], "policing_body_id": OFFICE, "country": "england",
        "area_police": ["leicestershire-police"],
    }
    return cmd.DraftArrangement(**{**fields, **changes})


def agree(party: Party) -> cmd.AgreeArrangement:
    return cmd.AgreeArrangement(
        arrangement_id=A_KEY, by_organisation=party.organisation_id, signatory="Head of CJ"
    )


def review(next_on: date = REVIEW_ON + timedelta(days=365), **changes: Any) -> Any:
    fields: dict[str, Any] = {
        "arrangement_id": A_KEY, "by_organisation": OFFICE, "outcome": "Working well",
        "next_review_on": next_on, "policing_body_id": OFFICE,
    }
    return cmd.ReviewArrangement(**{**fields, **changes})


def vary(**changes: Any) -> cmd.VaryArrangement:
    fields: dict[str, Any] = {
        "arrangement_id": A_KEY, "by_organisation": OFFICE, "title": "LCJB terms (varied)",
        "terms": "Meet monthly", "parties": [POLICE, CPS], "review_on": REVIEW_ON,
        "reason": "More cases", "policing_body_id": OFFICE,
        "area_police": ["leicestershire-police"],
    }
    return cmd.VaryArrangement(**{**fields, **changes})


def test_the_police_party_is_the_chief_officer_of_police_for_that_area() -> None:
    other_force = Party(organisation_id="nottinghamshire-police", kind="police_force")
    error = refused(duties.PolicePartyNotOfArea, CJ_ARRANGEMENT, run(CJ_ARRANGEMENT),
                    draft(parties=[other_force, CPS]))
    assert (error.code, error.status) == ("cj_arrangement.police_party_not_of_area", 422)
    drafted = run(CJ_ARRANGEMENT, draft())
    refused(duties.PolicePartyNotOfArea, CJ_ARRANGEMENT, drafted,
            vary(parties=[POLICE, other_force, CPS]))


END = cmd.EndArrangement(arrangement_id=A_KEY, by_organisation=OFFICE, policing_body_id=OFFICE)
DUE_ON_DATE = datetime(2027, 11, 24, 0, 5, tzinfo=UTC)


def due(review_on: date = REVIEW_ON) -> cmd.MarkArrangementReviewDue:
    return cmd.MarkArrangementReviewDue(arrangement_id=A_KEY, review_on=review_on)


def in_force() -> duties.Arrangement:
    return run(CJ_ARRANGEMENT, draft(), agree(POLICE), agree(CPS))


def test_the_office_drafts_arrangements_with_named_criminal_justice_bodies() -> None:
    [event] = CJ_ARRANGEMENT.decide(run(CJ_ARRANGEMENT), draft(), NOW)
    assert isinstance(event, ev.ArrangementDrafted) and event.parties == [POLICE, CPS]
    state = run(CJ_ARRANGEMENT, draft())
    assert state.status == duties.ArrangementStatus.DRAFTED
    assert CJ_ARRANGEMENT.visible_in(state) == ("area-leicestershire",)
    refused(AlreadyExists, CJ_ARRANGEMENT, state, draft())


def test_arrangements_are_made_with_criminal_justice_bodies_only() -> None:
    council = Party(organisation_id=COUNCIL, kind="unitary_council")
    command = draft(parties=[POLICE, council])
    error = refused(duties.NotCriminalJusticeBody, CJ_ARRANGEMENT, run(CJ_ARRANGEMENT), command)
    assert COUNCIL in error.message


@pytest.mark.parametrize(
    "command",
    [draft(by_organisation=COUNCIL), review(by_organisation=COUNCIL),
     vary(by_organisation=COUNCIL), END.model_copy(update={"by_organisation": COUNCIL})],
    ids=["draft", "review", "vary", "end"],
)
def test_only_the_office_drafts_reviews_varies_or_ends(command: Command) -> None:
    state = run(CJ_ARRANGEMENT) if isinstance(command, cmd.DraftArrangement) else in_force()
    refused(duties.ArrangementNotPolicingBody, CJ_ARRANGEMENT, state, command)


def test_only_an_arrangement_in_wales_is_marked_as_a_devolved_function() -> None:
    refused(duties.ArrangementDevolvedOutsideWales, CJ_ARRANGEMENT, run(CJ_ARRANGEMENT),
            draft(devolved_function=True))
    welsh = draft(devolved_function=True, country="wales", area_id="dyfed-powys")
    assert CJ_ARRANGEMENT.decide(run(CJ_ARRANGEMENT), welsh, NOW)


def test_a_review_date_is_not_in_the_past() -> None:
    past = draft(review_on=TODAY - timedelta(days=1))
    refused(duties.ReviewDateInPast, CJ_ARRANGEMENT, run(CJ_ARRANGEMENT), past)
    refused(duties.ReviewDateInPast, CJ_ARRANGEMENT, in_force(), review(TODAY - timedelta(days=1)))
    assert CJ_ARRANGEMENT.decide(run(CJ_ARRANGEMENT), draft(review_on=TODAY), NOW)


def test_it_comes_into_force_once_each_named_party_has_agreed() -> None:
    state = run(CJ_ARRANGEMENT, draft(), agree(POLICE))
    assert state.status == duties.ArrangementStatus.DRAFTED
    events = CJ_ARRANGEMENT.decide(state, agree(CPS), NOW)
    assert tuple(type(e) for e in events) == (ev.PartyAgreed, ev.ArrangementInForce)
    assert events[1] == ev.ArrangementInForce(
        arrangement_id=A_KEY, on_date=TODAY, review_on=REVIEW_ON
    )
    assert in_force().status == duties.ArrangementStatus.IN_FORCE


def test_only_a_named_party_agrees() -> None:
    other = cmd.AgreeArrangement(arrangement_id=A_KEY, by_organisation="hmcts", signatory="x")
    refused(duties.NotAParty, CJ_ARRANGEMENT, run(CJ_ARRANGEMENT, draft()), other)


def test_a_party_agrees_once() -> None:
    refused(duties.AlreadyAgreed, CJ_ARRANGEMENT, run(CJ_ARRANGEMENT, draft(), agree(POLICE)),
            agree(POLICE))


def test_an_arrangement_in_force_has_nothing_to_agree() -> None:
    refused(duties.NotAwaitingAgreement, CJ_ARRANGEMENT, in_force(), agree(POLICE))


def test_the_review_falls_due_on_its_date() -> None:
    the_day_before = DUE_ON_DATE - timedelta(days=1)
    assert CJ_ARRANGEMENT.decide(in_force(), due(), the_day_before) == []
    [event] = CJ_ARRANGEMENT.decide(in_force(), due(), DUE_ON_DATE)
    assert event == ev.ReviewFellDue(arrangement_id=A_KEY, review_on=REVIEW_ON)
    state, _ = CJ_ARRANGEMENT.execute(in_force(), due(), DUE_ON_DATE)
    assert state.status == duties.ArrangementStatus.REVIEW_DUE
    assert CJ_ARRANGEMENT.decide(state, due(), DUE_ON_DATE) == []


def test_a_review_job_for_a_date_no_longer_current_does_nothing() -> None:
    reviewed = run(CJ_ARRANGEMENT, draft(), agree(POLICE), agree(CPS), review())
    assert CJ_ARRANGEMENT.decide(reviewed, due(REVIEW_ON), DUE_ON_DATE) == []
    assert CJ_ARRANGEMENT.decide(run(CJ_ARRANGEMENT, draft()), due(), DUE_ON_DATE) == []
    ended = run(CJ_ARRANGEMENT, draft(), agree(POLICE), agree(CPS), END)
    assert CJ_ARRANGEMENT.decide(ended, due(), DUE_ON_DATE) == []
    assert CJ_ARRANGEMENT.decide(run(CJ_ARRANGEMENT), due(), DUE_ON_DATE) == []


def test_a_review_puts_it_back_in_force_until_the_next_review_date() -> None:
    state, _ = CJ_ARRANGEMENT.execute(in_force(), due(), DUE_ON_DATE)
    later = REVIEW_ON + timedelta(days=365)
    [event] = CJ_ARRANGEMENT.decide(state, review(later), DUE_ON_DATE)
    assert isinstance(event, ev.ArrangementReviewed)
    assert (event.reviewed_on, event.next_review_on) == (REVIEW_ON, later)
    state, _ = CJ_ARRANGEMENT.execute(state, review(later), DUE_ON_DATE)
    assert (state.status, state.review_on) == (duties.ArrangementStatus.IN_FORCE, later)


def test_only_an_arrangement_in_force_is_reviewed() -> None:
    refused(duties.ArrangementNotInForce, CJ_ARRANGEMENT, run(CJ_ARRANGEMENT, draft()), review())


def test_a_variation_needs_every_partys_agreement_again() -> None:
    state = run(CJ_ARRANGEMENT, draft(), agree(POLICE), agree(CPS), vary())
    assert state.status == duties.ArrangementStatus.VARIED and not state.agreed
    state = run(CJ_ARRANGEMENT, draft(), agree(POLICE), agree(CPS), vary(), agree(POLICE))
    assert state.status == duties.ArrangementStatus.VARIED
    events = CJ_ARRANGEMENT.decide(state, agree(CPS), NOW)
    assert isinstance(events[-1], ev.ArrangementInForce)


def test_a_variation_may_name_new_parties_who_must_be_criminal_justice_bodies() -> None:
    yot = Party(organisation_id="leicestershire-yot", kind="youth_offending_team")
    state = run(CJ_ARRANGEMENT, draft(), agree(POLICE), agree(CPS), vary(parties=[POLICE, yot]))
    assert state.parties == {POLICE.organisation_id, yot.organisation_id}
    icb = Party(organisation_id="llr-icb", kind="integrated_care_board")
    refused(duties.NotCriminalJusticeBody, CJ_ARRANGEMENT, in_force(), vary(parties=[icb]))


def test_varying_a_draft_keeps_it_a_draft_and_resets_agreement() -> None:
    state = run(CJ_ARRANGEMENT, draft(), agree(POLICE), vary())
    assert state.status == duties.ArrangementStatus.DRAFTED and not state.agreed


@pytest.mark.parametrize(
    "command", [agree(POLICE), review(), vary(), END], ids=["agree", "review", "vary", "end"]
)
def test_an_ended_arrangement_takes_no_further_changes(command: Command) -> None:
    ended = run(CJ_ARRANGEMENT, draft(), agree(POLICE), agree(CPS), END)
    assert ended.status == duties.ArrangementStatus.ENDED
    refused(duties.ArrangementEnded, CJ_ARRANGEMENT, ended, command)
    refused(NotFound, CJ_ARRANGEMENT, run(CJ_ARRANGEMENT), command)


def test_an_arrangement_can_end_at_any_stage() -> None:
    [event] = CJ_ARRANGEMENT.decide(run(CJ_ARRANGEMENT, draft()), END, NOW)
    assert isinstance(event, ev.ArrangementEnded) and event.on_date == TODAY


def test_every_refusal_has_a_stable_code_and_an_http_status() -> None:
    codes = [error.code for error in duties.ERRORS]
    assert len(codes) == len(set(codes))
    records = ("priority.", "regard.", "police_crime_plan.", "reciprocal_regard.",
               "cj_arrangement.", "duty.", "record.")
    for error in duties.ERRORS:
        assert error.status in {403, 404, 409, 422}
        assert error.code.startswith(records)


# -- what a page offers ------------------------------------------------------------------------

@pytest.mark.parametrize(("record", "history", "actions"), [
    (PRIORITY, [register()], [revise(), RETIRE, revise(by_organisation=OTHER_COUNCIL)]),
    (PRIORITY, [register(), RETIRE], [revise(), RETIRE]),
    (REGARD_DECISION, [record()], [note(VIOLENCE), finalise()]),
    (REGARD_DECISION, [record(priorities=[VIOLENCE]), note(VIOLENCE),
                       finalise(priorities=[VIOLENCE])], [note(VIOLENCE), finalise()]),
    (POLICE_CRIME_PLAN, [record_plan()], [revise_plan(), RETIRE_PLAN]),
    (POLICE_CRIME_PLAN, [record_plan(), RETIRE_PLAN], [revise_plan(), RETIRE_PLAN]),
    (RECIPROCAL_REGARD, [record_regard()],
     [note_objective("victims"), note_objective("victims", by_organisation=OFFICE),
      finalise_regard({"safer-streets": "Not ours", "victims": "Not ours"})]),
    (RECIPROCAL_REGARD, [record_regard(), finalise_regard(
        {"safer-streets": "Not ours", "victims": "Not ours"})], [note_objective("victims")]),
    (CJ_ARRANGEMENT, [draft()], [agree(POLICE), review(), vary(), END]),
    (CJ_ARRANGEMENT, [draft(), agree(POLICE)], [agree(POLICE), agree(CPS), review()]),
    (CJ_ARRANGEMENT, [draft(), agree(POLICE), agree(CPS)], [agree(CPS), review(), vary(), END]),
    (CJ_ARRANGEMENT, [draft(), END], [agree(POLICE), review(), vary(), END]),
])
def test_a_page_never_hides_an_action_the_state_accepts(
    record: RecordType[Any], history: list[Command], actions: list[Command]
) -> None:
    state = run(record, *history)
    assert record.open_to is not None
    for command in actions:
        by_organisation = command.by_organisation  # type: ignore[attr-defined]
        offered = type(command) in record.open_to(state, by_organisation, NOW)
        if accepts(record, state, command, NOW):
            assert offered, f"{type(command).__name__} from {by_organisation} was hidden"


def test_a_finished_duty_record_offers_nothing_more() -> None:
    assert PRIORITY.open_to and CJ_ARRANGEMENT.open_to and REGARD_DECISION.open_to
    assert PRIORITY.open_to(run(PRIORITY, register(), RETIRE), COUNCIL, NOW) == frozenset()
    assert PRIORITY.open_to(run(PRIORITY, register()), OTHER_COUNCIL, NOW) == frozenset()
    assert CJ_ARRANGEMENT.open_to(run(CJ_ARRANGEMENT, draft(), END), OFFICE, NOW) == frozenset()
    agreed = run(CJ_ARRANGEMENT, draft(), agree(POLICE))
    assert cmd.AgreeArrangement not in CJ_ARRANGEMENT.open_to(agreed, POLICE.organisation_id, NOW)
    assert cmd.AgreeArrangement in CJ_ARRANGEMENT.open_to(agreed, CPS.organisation_id, NOW)


# -- open records pass to successors (DOMAIN.md, "Organisations end too" and section 3) --------

NEW_COUNCIL = "leicester-unitary-council"
ENDED = [Succession(organisation_id=COUNCIL, successor_ids=[NEW_COUNCIL, "llr-icb"])]
CSP_ENDED = [CspSuccession(csp_id="safer-leicester", succeeded_by="leicester-unitary-csp")]
CHANGE = "change-2027-04-01-abc"


def pass_priority(**changes: Any) -> cmd.PassPriorityOn:
    fields: dict[str, Any] = {"priority_id": P_KEY, "successions": ENDED, "change_id": CHANGE}
    return cmd.PassPriorityOn(**{**fields, **changes})


def pass_regard(**changes: Any) -> cmd.PassStrategyRegardOn:
    fields: dict[str, Any] = {"regard_id": R_KEY, "successions": ENDED, "change_id": CHANGE}
    return cmd.PassStrategyRegardOn(**{**fields, **changes})


def test_an_ended_authoritys_current_priority_passes_to_its_first_successor() -> None:
    [event] = PRIORITY.decide(run(PRIORITY, register()), pass_priority(), NOW)
    assert isinstance(event, ev.PriorityPassedOn)
    assert (event.from_organisation, event.organisation_id, event.csp_id, event.change_id) == (
        COUNCIL, NEW_COUNCIL, "safer-leicester", CHANGE)
    passed = run(PRIORITY, register(), pass_priority())
    # The successor keeps it now; the ended council no longer can.
    assert run(PRIORITY, register(), pass_priority(),
               revise(by_organisation=NEW_COUNCIL)).revision == 2
    refused(duties.NotPriorityOwner, PRIORITY, passed, revise())
    assert PRIORITY.open_to is not None
    assert cmd.RevisePriority in PRIORITY.open_to(passed, NEW_COUNCIL, NOW)
    assert PRIORITY.open_to(passed, COUNCIL, NOW) == frozenset()


def test_an_ended_csps_priority_passes_to_the_csp_that_succeeds_it() -> None:
    combined = pass_priority(successions=[], csps=CSP_ENDED, change_id=None, merger_id="m1")
    [event] = PRIORITY.decide(run(PRIORITY, register()), combined, NOW)
    assert isinstance(event, ev.PriorityPassedOn)
    assert (event.organisation_id, event.from_csp_id, event.csp_id, event.merger_id) == (
        COUNCIL, "safer-leicester", "leicester-unitary-csp", "m1")
    passed = run(PRIORITY, register(), combined)
    assert PRIORITY.visible_in(passed) == ("area-leicestershire", "csp-leicester-unitary-csp")
    assert run(PRIORITY, register(), combined, revise()).revision == 2


def test_a_retired_priority_keeps_who_made_it_and_a_repeat_passes_nothing() -> None:
    assert PRIORITY.decide(run(PRIORITY, register(), RETIRE), pass_priority(), NOW) == []
    assert PRIORITY.decide(run(PRIORITY, register(), pass_priority()), pass_priority(), NOW) == []
    elsewhere = pass_priority(successions=[Succession(
        organisation_id=OTHER_COUNCIL, successor_ids=[NEW_COUNCIL])])
    assert PRIORITY.decide(run(PRIORITY, register()), elsewhere, NOW) == []
    assert PRIORITY.decide(run(PRIORITY), pass_priority(), NOW) == []


def test_an_unfinalised_record_of_regard_passes_to_the_successor_who_finalises_it() -> None:
    state = run(RECIPROCAL_REGARD, record_regard(), note_objective("victims"))
    both = pass_regard(csps=CSP_ENDED)
    [event] = RECIPROCAL_REGARD.decide(state, both, NOW)
    assert isinstance(event, ev.StrategyRegardPassedOn)
    assert (event.organisation_id, event.csp_id) == (NEW_COUNCIL, "leicester-unitary-csp")
    passed = run(RECIPROCAL_REGARD, record_regard(), note_objective("victims"), both)
    assert passed.noted == {"victims"}, "what was noted stays on the record"
    refused(duties.NotStrategyOwner, RECIPROCAL_REGARD, passed, note_objective("safer-streets"))
    finished = run(RECIPROCAL_REGARD, record_regard(), note_objective("victims"), both,
                   note_objective("safer-streets", by_organisation=NEW_COUNCIL),
                   finalise_regard(by_organisation=NEW_COUNCIL))
    assert finished.finalised
    assert RECIPROCAL_REGARD.decide(finished, both, NOW) == [], "a finalised record stays"


def test_a_passing_names_only_the_successions_that_concern_the_record() -> None:
    duty = duties.OpenDuty("priority", P_KEY, duties.Keeper(COUNCIL, "safer-leicester"))
    others = [Succession(organisation_id=OTHER_COUNCIL, successor_ids=[NEW_COUNCIL]), *ENDED]
    passing = duties.pass_on(duty, successions=others, csps=CSP_ENDED, change_id=CHANGE)
    assert passing is not None
    record, command = passing
    assert record is PRIORITY and isinstance(command, cmd.PassPriorityOn)
    assert (command.successions, command.csps) == (ENDED, CSP_ENDED)
    regard = duties.OpenDuty("reciprocal_regard", R_KEY, duties.Keeper(OTHER_COUNCIL, None))
    assert duties.pass_on(regard, successions=ENDED, csps=CSP_ENDED) is None
