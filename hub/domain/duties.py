"""The Section 10 duty register (DOMAIN.md section 1): five records, one decider each.

- PRIORITY: a responsible authority's relevant priority (PRSRA s.10(1)), versioned by revision.
- REGARD_DECISION: a decision of the policing body with a regard note per current priority in
  its area; it is finalised only when no priority is left unconsidered without a written
  reason. Priorities of devolved Welsh functions are outside the duty, never gaps. The law
  asks for regard, not paperwork: a written note per priority is good practice that makes the
  regard visible, a product choice of the hub's (README, "Product choices").
- POLICE_CRIME_PLAN: the plan's objectives, kept by the office.
- RECIPROCAL_REGARD: an authority's strategy with regard to those objectives (CDA s.6(1A)),
  recorded and finalised the same way.
- CJ_ARRANGEMENT: criminal justice arrangements (s.10(3)): drafted → agreed by each named
  criminal justice body → in force → review due (scheduled) → reviewed or varied → ended.

Facts from the directory and the other records (the area's office and country, the CSPs an
authority serves, the priorities current in an area, a plan's objectives, parties' kinds)
arrive in the commands, so every function here is pure.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from hub.domain.directory import area_workspace, csp_workspace
from hub.domain.duties_errors import ERRORS as ERRORS
from hub.domain.duties_errors import (
    AlreadyAgreed,
    ArrangementDevolvedOutsideWales,
    ArrangementEnded,
    ArrangementNotInForce,
    ArrangementNotPolicingBody,
    DecisionFinalised,
    DuplicateObjective,
    NotAParty,
    NotAwaitingAgreement,
    NotCriminalJusticeBody,
    NotPriorityOwner,
    NotResponsibleAuthority,
    NotStrategyOwner,
    ObjectiveDevolvedOutsideWales,
    ObjectiveReasonNotNeeded,
    ObjectivesUnconsidered,
    PlanNotPolicingBody,
    PlanPeriodInvalid,
    PlanRetired,
    PolicePartyNotOfArea,
    PrioritiesUnconsidered,
    PriorityDevolvedOutsideWales,
    PriorityNotInArea,
    PriorityPeriodInvalid,
    PriorityRetired,
    RegardNotPolicingBody,
    RegardReasonNotNeeded,
    ReviewDateInPast,
    StrategyNotResponsibleAuthority,
    StrategyRegardFinalised,
    UnknownObjective,
)
from hub.domain.errors import N_, AlreadyExists, DomainError, InvalidCommand, NotFound
from hub.domain.record import RecordType
from schemas.commands import Command
from schemas.commands import duties as cmd
from schemas.events import duties as ev
from schemas.events.directory import Country, CspSuccession, OrganisationKind, Succession
from schemas.events.duties import Objective, Period, PriorityRef, Reason
from schemas.registry import EventData

LONDON = ZoneInfo("Europe/London")

CRIMINAL_JUSTICE_KINDS = frozenset(
    {
        OrganisationKind.POLICE_FORCE,
        OrganisationKind.CPS,
        OrganisationKind.COURTS,
        OrganisationKind.PRISONS,
        OrganisationKind.PROBATION_PROVIDER,
        OrganisationKind.YOUTH_OFFENDING_TEAM,
    }
)
"""The criminal justice bodies of PRSRA s.10 (contracted-out prisons are kind ``prisons``)."""


def london_date(now: datetime) -> date:
    """The calendar date in England and Wales at instant ``now``."""
    return now.astimezone(LONDON).date()


def review_due_at(review_on: date) -> datetime:
    """When an arrangement's review falls due: the start of its review date."""
    return datetime.combine(review_on, time(0, 0), tzinfo=LONDON)


def _existing(exists: bool, what: str) -> None:
    if not exists:
        raise NotFound(N_("no such %(what)s"), what=what)


def _visible(area_id: str, csp_id: str | None) -> tuple[str, ...]:
    own = (csp_workspace(csp_id),) if csp_id else ()
    return (area_workspace(area_id), *own)


def _area_of(state: Any, command: BaseModel) -> str | None:
    area_id = state.area_id or getattr(command, "area_id", None)
    return str(area_id) if area_id else None


# -- gaps: what a record had regard to, and what it did not --------------------------------


@dataclass(frozen=True)
class Gaps:
    """Which items a record considered, which are outside the duty, and which are gaps."""

    considered: tuple[str, ...]
    outside_duty: tuple[str, ...]
    unconsidered: tuple[str, ...]


def regard_gaps(priorities: Iterable[PriorityRef], noted: Collection[str]) -> Gaps:
    """Sort priorities into considered, outside the duty (devolved) and unconsidered."""
    considered: list[str] = []
    outside: list[str] = []
    gaps: list[str] = []
    for priority in priorities:
        if priority.devolved_function:
            outside.append(priority.priority_id)
        elif priority.priority_id in noted:
            considered.append(priority.priority_id)
        else:
            gaps.append(priority.priority_id)
    return Gaps(tuple(considered), tuple(outside), tuple(gaps))


def _reasons_for(
    gaps: Collection[str],
    reasons: Iterable[Reason],
    missing: type[DomainError],
    unneeded: type[DomainError],
) -> list[Reason]:
    given = {reason.item_id: reason for reason in reasons}
    extra = sorted(set(given) - set(gaps))
    if extra:
        raise unneeded(f"no reason is needed for {', '.join(extra)}: they are not gaps")
    lacking = [item for item in gaps if item not in given]
    if lacking:
        raise missing(
            f"not yet considered, with no written reason: {', '.join(lacking)}"
        )
    return [given[item] for item in gaps]


# -- open records pass to successors ---------------------------------------------------------


@dataclass(frozen=True)
class Keeper:
    """Who keeps a duty record: its authority and the CSP it belongs to."""

    organisation_id: str
    csp_id: str | None


def successor_keeper(
    keeper: Keeper, successions: Iterable[Succession], csps: Iterable[CspSuccession]
) -> Keeper | None:
    """Who keeps an open record once bodies or CSPs ended; None when neither of its own did.

    Open records pass to the successor body (DOMAIN.md, "Organisations end too"): one record
    names one body, so an authority's records pass to its first successor. The priorities and
    regard records of an ended CSP pass to the CSP that succeeds it (DOMAIN.md section 3).
    """
    first = {s.organisation_id: s.successor_ids[0] for s in successions}
    after = {c.csp_id: c.succeeded_by for c in csps}
    passed = Keeper(
        first.get(keeper.organisation_id, keeper.organisation_id),
        after.get(keeper.csp_id, keeper.csp_id) if keeper.csp_id else None,
    )
    return None if passed == keeper else passed


def _passed_on(
    keeper: Keeper, command: cmd.PassPriorityOn | cmd.PassStrategyRegardOn
) -> dict[str, Any] | None:
    """The fields of a passed-on event, or None when nothing of the record's ended."""
    passed = successor_keeper(keeper, command.successions, command.csps)
    if passed is None:
        return None
    return {
        "organisation_id": passed.organisation_id, "csp_id": passed.csp_id,
        "from_organisation": keeper.organisation_id, "from_csp_id": keeper.csp_id,
        "change_id": command.change_id, "merger_id": command.merger_id,
    }


# -- relevant priorities ---------------------------------------------------------------------


@dataclass(frozen=True)
class Priority:
    """A relevant priority's state."""

    exists: bool = False
    owner: str = ""
    area_id: str = ""
    csp_id: str | None = None
    revision: int = 0
    retired: bool = False


def _check_priority_content(period: Period, devolved: bool, country: Country) -> None:
    if period.ends_on < period.starts_on:
        raise PriorityPeriodInvalid(N_("the period must end on or after the day it starts"))
    if devolved and country != Country.WALES:
        raise PriorityDevolvedOutsideWales(N_("only a Welsh body's priority can be devolved"))


def _evolve_priority(state: Priority, event_type: str, data: dict[str, Any]) -> Priority:
    match event_type:
        case "priority.registered":
            return Priority(
                True, data["by_organisation"], data["area_id"], data.get("csp_id"),
                data["revision"],
            )
        case "priority.revised":
            return replace(state, revision=data["revision"])
        case "priority.retired":
            return replace(state, retired=True)
        case "priority.passed_to_successor":
            return replace(state, owner=data["organisation_id"], csp_id=data.get("csp_id"))
    return state


def _decide_priority(state: Priority, command: BaseModel, _now: datetime) -> list[EventData]:
    match command:
        case cmd.RegisterPriority():
            if state.exists:
                raise AlreadyExists(N_("a priority with this id already exists"))
            if not command.serves_csps:
                raise NotResponsibleAuthority(
                    N_("%(by_organisation)s is not a responsible authority in the area"),
                    by_organisation=command.by_organisation
                )
            if command.csp_id is not None and command.csp_id not in command.serves_csps:
                raise NotResponsibleAuthority(
                    N_("%(by_organisation)s is not a responsible authority of %(csp_id)s"),
                    by_organisation=command.by_organisation, csp_id=command.csp_id
                )
            _check_priority_content(command.period, command.devolved_function, command.country)
            data = command.model_dump(exclude={"country", "serves_csps"})
            return [ev.PriorityRegistered(**data, revision=1)]
        case cmd.RevisePriority() | cmd.RetirePriority():
            _existing(state.exists, "priority")
            if command.by_organisation != state.owner:
                raise NotPriorityOwner(N_("only the authority that registered it may change it"))
            if state.retired:
                raise PriorityRetired(N_("the priority has been retired"))
            if isinstance(command, cmd.RetirePriority):
                return [ev.PriorityRetired(**command.model_dump())]
            _check_priority_content(command.period, command.devolved_function, command.country)
            data = command.model_dump(exclude={"country"})
            return [ev.PriorityRevised(**data, revision=state.revision + 1)]
        case cmd.PassPriorityOn():
            # A retired priority keeps who made it; a repeat finds nothing left to pass.
            passed = None if not state.exists or state.retired else _passed_on(
                Keeper(state.owner, state.csp_id), command)
            return [] if passed is None else [
                ev.PriorityPassedOn(priority_id=command.priority_id, **passed)]
    raise InvalidCommand(N_("a priority cannot take %(command)s"), command=type(command).__name__)


def _priority_open_to(
    state: Priority, organisation_id: str, _now: datetime
) -> frozenset[type[BaseModel]]:
    """The registering authority revises or retires its priority until it is retired."""
    if not state.exists or state.retired or organisation_id != state.owner:
        return frozenset()
    return frozenset({cmd.RevisePriority, cmd.RetirePriority})


PRIORITY = RecordType(
    "priority",
    Priority,
    _evolve_priority,
    _decide_priority,
    lambda s: _visible(s.area_id, s.csp_id),
    _area_of,
    open_to=_priority_open_to,
)


# -- decisions and their regard notes --------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """A decision's state: the priorities it had regard to and those it noted."""

    exists: bool = False
    area_id: str = ""
    priorities: Mapping[str, PriorityRef] = field(default_factory=dict)
    noted: frozenset[str] = frozenset()
    finalised: bool = False

    def gaps(self) -> Gaps:
        """What the decision has considered so far, and what it has not."""
        return regard_gaps(self.priorities.values(), self.noted)


def _refs(items: Iterable[dict[str, Any]]) -> dict[str, PriorityRef]:
    refs = (PriorityRef.model_validate(item) for item in items)
    return {ref.priority_id: ref for ref in refs}


def _evolve_decision(state: Decision, event_type: str, data: dict[str, Any]) -> Decision:
    match event_type:
        case "regard_decision.recorded":
            return Decision(True, data["area_id"], _refs(data["priorities"]))
        case "regard_decision.regard_noted":
            ref = PriorityRef.model_validate(data["priority"])
            return replace(
                state,
                priorities={**state.priorities, ref.priority_id: ref},
                noted=state.noted | {ref.priority_id},
            )
        case "regard_decision.finalised":
            return replace(state, priorities=_refs(data["priorities"]), finalised=True)
    return state


def _as_office(command: Any, error: type[DomainError]) -> None:
    # ``policing_body_id`` is the area's office today, resolved by the handler.
    if command.by_organisation != command.policing_body_id:
        raise error("only the office of the area's policing body may do this")


def _decide_decision(state: Decision, command: BaseModel, _now: datetime) -> list[EventData]:
    match command:
        case cmd.RecordDecision():
            if state.exists:
                raise AlreadyExists(N_("a decision with this id already exists"))
            _as_office(command, RegardNotPolicingBody)
            return [ev.DecisionRecorded(**command.model_dump(exclude={"policing_body_id"}))]
        case cmd.NoteRegard() | cmd.FinaliseDecision():
            _existing(state.exists, "decision")
            _as_office(command, RegardNotPolicingBody)
            if state.finalised:
                raise DecisionFinalised(N_("the decision has been finalised"))
            if isinstance(command, cmd.NoteRegard):
                if command.priority_area_id != state.area_id:
                    raise PriorityNotInArea(N_("the priority belongs to another police area"))
                data = command.model_dump(exclude={"policing_body_id", "priority_area_id"})
                return [ev.RegardNoted(**data)]
            return [_finalise_decision(state, command)]
    raise InvalidCommand(N_("a decision cannot take %(command)s"), command=type(command).__name__)


def _finalise_decision(state: Decision, command: cmd.FinaliseDecision) -> EventData:
    # The current priorities decide what must be considered; ones noted earlier but no longer
    # current stay on the record as considered.
    current = {ref.priority_id: ref for ref in command.priorities}
    kept = {pid: ref for pid, ref in state.priorities.items() if pid in state.noted}
    final = {**kept, **current}
    gaps = regard_gaps(final.values(), state.noted)
    reasons = _reasons_for(
        gaps.unconsidered, command.reasons, PrioritiesUnconsidered, RegardReasonNotNeeded
    )
    return ev.DecisionFinalised(
        decision_id=command.decision_id,
        by_organisation=command.by_organisation,
        priorities=list(final.values()),
        considered=list(gaps.considered),
        outside_duty=list(gaps.outside_duty),
        unconsidered=reasons,
    )


def _decision_open_to(
    state: Decision, _organisation_id: str, _now: datetime
) -> frozenset[type[BaseModel]]:
    """Notes and the finalising, until the decision is finalised (by the office, whom the
    directory names)."""
    if not state.exists or state.finalised:
        return frozenset()
    return frozenset({cmd.NoteRegard, cmd.FinaliseDecision})


REGARD_DECISION = RecordType(
    "regard_decision",
    Decision,
    _evolve_decision,
    _decide_decision,
    lambda s: _visible(s.area_id, None),
    _area_of,
    open_to=_decision_open_to,
)


# -- the police and crime plan ---------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """A police and crime plan's state."""

    exists: bool = False
    area_id: str = ""
    revision: int = 0
    retired: bool = False


def _check_plan_content(period: Period, objectives: list[Objective]) -> None:
    if period.ends_on < period.starts_on:
        raise PlanPeriodInvalid(N_("the period must end on or after the day it starts"))
    ids = [objective.objective_id for objective in objectives]
    if len(ids) != len(set(ids)):
        raise DuplicateObjective(N_("each objective needs its own id"))


def _evolve_plan(state: Plan, event_type: str, data: dict[str, Any]) -> Plan:
    match event_type:
        case "police_crime_plan.recorded":
            return Plan(True, data["area_id"], data["revision"])
        case "police_crime_plan.revised":
            return replace(state, revision=data["revision"])
        case "police_crime_plan.retired":
            return replace(state, retired=True)
    return state


def _decide_plan(state: Plan, command: BaseModel, _now: datetime) -> list[EventData]:
    match command:
        case cmd.RecordPlan():
            if state.exists:
                raise AlreadyExists(N_("a plan with this id already exists"))
            _as_office(command, PlanNotPolicingBody)
            _check_plan_content(command.period, command.objectives)
            data = command.model_dump(exclude={"policing_body_id"})
            return [ev.PlanRecorded(**data, revision=1)]
        case cmd.RevisePlan() | cmd.RetirePlan():
            _existing(state.exists, "police and crime plan")
            _as_office(command, PlanNotPolicingBody)
            if state.retired:
                raise PlanRetired(N_("the plan has been retired"))
            data = command.model_dump(exclude={"policing_body_id"})
            if isinstance(command, cmd.RetirePlan):
                return [ev.PlanRetired(**data)]
            _check_plan_content(command.period, command.objectives)
            return [ev.PlanRevised(**data, revision=state.revision + 1)]
    raise InvalidCommand(
        N_("a police and crime plan cannot take %(command)s"),
        command=type(command).__name__
    )


def _plan_open_to(
    state: Plan, _organisation_id: str, _now: datetime
) -> frozenset[type[BaseModel]]:
    """Revisions and retirement, until the plan is retired (by the office)."""
    if not state.exists or state.retired:
        return frozenset()
    return frozenset({cmd.RevisePlan, cmd.RetirePlan})


POLICE_CRIME_PLAN = RecordType(
    "police_crime_plan",
    Plan,
    _evolve_plan,
    _decide_plan,
    lambda s: _visible(s.area_id, None),
    _area_of,
    open_to=_plan_open_to,
)


# -- reciprocal regard (CDA s.6(1A)) ---------------------------------------------------------


@dataclass(frozen=True)
class StrategyRegard:
    """An authority's record of its strategy's regard to the plan's objectives."""

    exists: bool = False
    owner: str = ""
    area_id: str = ""
    csp_id: str | None = None
    objectives: Mapping[str, Objective] = field(default_factory=dict)
    noted: frozenset[str] = frozenset()
    devolved: frozenset[str] = frozenset()
    """Objectives a Welsh authority marked devolved: outside the duty, never gaps."""
    finalised: bool = False


def _objectives(items: Iterable[dict[str, Any]]) -> dict[str, Objective]:
    objectives = (Objective.model_validate(item) for item in items)
    return {o.objective_id: o for o in objectives}


def _evolve_strategy(
    state: StrategyRegard, event_type: str, data: dict[str, Any]
) -> StrategyRegard:
    match event_type:
        case "reciprocal_regard.recorded":
            return StrategyRegard(
                True, data["by_organisation"], data["area_id"], data.get("csp_id"),
                _objectives(data["objectives"]),
            )
        case "reciprocal_regard.objective_regarded":
            objective = Objective.model_validate(data["objective"])
            return replace(
                state,
                objectives={**state.objectives, objective.objective_id: objective},
                noted=state.noted | {objective.objective_id},
            )
        case "reciprocal_regard.objective_devolved":
            objective = Objective.model_validate(data["objective"])
            return replace(
                state,
                objectives={**state.objectives, objective.objective_id: objective},
                noted=state.noted - {objective.objective_id},
                devolved=state.devolved | {objective.objective_id},
            )
        case "reciprocal_regard.finalised":
            return replace(state, finalised=True)
        case "reciprocal_regard.passed_to_successor":
            return replace(state, owner=data["organisation_id"], csp_id=data.get("csp_id"))
    return state


def _decide_strategy(
    state: StrategyRegard, command: BaseModel, _now: datetime
) -> list[EventData]:
    match command:
        case cmd.RecordStrategyRegard():
            if state.exists:
                raise AlreadyExists(N_("a record with this id already exists"))
            if not command.serves_csps or (
                command.csp_id is not None and command.csp_id not in command.serves_csps
            ):
                raise StrategyNotResponsibleAuthority(
                    N_("%(by_organisation)s is not a responsible authority of the partnership"),
                    by_organisation=command.by_organisation
                )
            return [ev.StrategyRegardRecorded(**command.model_dump(exclude={"serves_csps"}))]
        case cmd.NoteObjectiveRegard() | cmd.MarkObjectiveDevolved() | cmd.FinaliseStrategyRegard():
            _existing(state.exists, "record of regard")
            if command.by_organisation != state.owner:
                raise NotStrategyOwner(N_("only the authority that recorded it may add to it"))
            if state.finalised:
                raise StrategyRegardFinalised(N_("the record has been finalised"))
            if isinstance(command, cmd.NoteObjectiveRegard):
                return [_note_objective(state, command)]
            if isinstance(command, cmd.MarkObjectiveDevolved):
                return [_devolve_objective(state, command)]
            return [_finalise_strategy(state, command)]
        case cmd.PassStrategyRegardOn():
            # A finalised record keeps who made it; a repeat finds nothing left to pass.
            passed = None if not state.exists or state.finalised else _passed_on(
                Keeper(state.owner, state.csp_id), command)
            return [] if passed is None else [
                ev.StrategyRegardPassedOn(regard_id=command.regard_id, **passed)]
    raise InvalidCommand(
        N_("a record of regard cannot take %(command)s"),
        command=type(command).__name__
    )


def _note_objective(state: StrategyRegard, command: cmd.NoteObjectiveRegard) -> EventData:
    # The plan may have gained objectives since the record began: those count too.
    known = {**state.objectives, **_objectives(o.model_dump() for o in command.plan_objectives)}
    objective = known.get(command.objective_id)
    if objective is None:
        raise UnknownObjective(
            N_("%(objective_id)s is not one of the plan's objectives"),
            objective_id=command.objective_id
        )
    return ev.ObjectiveRegarded(
        regard_id=command.regard_id, by_organisation=command.by_organisation,
        objective=objective, note=command.note,
    )


def _devolve_objective(state: StrategyRegard, command: cmd.MarkObjectiveDevolved) -> EventData:
    # CDA s.6(1A) does not reach functions devolved to the Welsh Government.
    if command.country != Country.WALES:
        raise ObjectiveDevolvedOutsideWales(
            N_("only a Welsh authority's strategy can leave an objective outside the duty as a "
            "devolved function")
        )
    known = {**state.objectives, **_objectives(o.model_dump() for o in command.plan_objectives)}
    objective = known.get(command.objective_id)
    if objective is None:
        raise UnknownObjective(
            N_("%(objective_id)s is not one of the plan's objectives"),
            objective_id=command.objective_id
        )
    return ev.ObjectiveDevolved(
        regard_id=command.regard_id, by_organisation=command.by_organisation, objective=objective,
    )


def _finalise_strategy(state: StrategyRegard, command: cmd.FinaliseStrategyRegard) -> EventData:
    ids = [o.objective_id for o in command.objectives]
    considered = [i for i in ids if i in state.noted]
    outside = [i for i in ids if i in state.devolved]
    gaps = [i for i in ids if i not in state.noted and i not in state.devolved]
    reasons = _reasons_for(gaps, command.reasons, ObjectivesUnconsidered, ObjectiveReasonNotNeeded)
    return ev.StrategyRegardFinalised(
        regard_id=command.regard_id,
        by_organisation=command.by_organisation,
        plan_revision=command.plan_revision,
        objectives=command.objectives,
        considered=considered,
        outside_duty=outside,
        unconsidered=reasons,
    )


def _strategy_open_to(
    state: StrategyRegard, organisation_id: str, _now: datetime
) -> frozenset[type[BaseModel]]:
    """The recording authority adds notes and finalises, until it has finalised."""
    if not state.exists or state.finalised or organisation_id != state.owner:
        return frozenset()
    return frozenset(
        (cmd.NoteObjectiveRegard, cmd.MarkObjectiveDevolved, cmd.FinaliseStrategyRegard)
    )


RECIPROCAL_REGARD = RecordType(
    "reciprocal_regard",
    StrategyRegard,
    _evolve_strategy,
    _decide_strategy,
    lambda s: _visible(s.area_id, s.csp_id),
    _area_of,
    open_to=_strategy_open_to,
)


# -- criminal justice arrangements (PRSRA s.10(3)) -------------------------------------------


class ArrangementStatus(StrEnum):
    """Where an arrangement stands."""

    DRAFTED = "drafted"
    IN_FORCE = "in_force"
    REVIEW_DUE = "review_due"
    VARIED = "varied"
    """Varied while in force: waiting for every party to agree the variation."""
    ENDED = "ended"


AWAITING_AGREEMENT = frozenset({ArrangementStatus.DRAFTED, ArrangementStatus.VARIED})
IN_FORCE = frozenset({ArrangementStatus.IN_FORCE, ArrangementStatus.REVIEW_DUE})


@dataclass(frozen=True)
class Arrangement:
    """A criminal justice arrangement's state."""

    exists: bool = False
    area_id: str = ""
    status: ArrangementStatus = ArrangementStatus.DRAFTED
    parties: frozenset[str] = frozenset()
    agreed: frozenset[str] = frozenset()
    review_on: date = date.min


def _parties(data: dict[str, Any]) -> frozenset[str]:
    return frozenset(p["organisation_id"] for p in data["parties"])


def _evolve_arrangement(state: Arrangement, event_type: str, data: dict[str, Any]) -> Arrangement:
    match event_type:
        case "cj_arrangement.drafted":
            return Arrangement(
                True, data["area_id"], ArrangementStatus.DRAFTED, _parties(data),
                review_on=date.fromisoformat(data["review_on"]),
            )
        case "cj_arrangement.party_agreed":
            return replace(state, agreed=state.agreed | {data["by_organisation"]})
        case "cj_arrangement.came_into_force":
            return replace(state, status=ArrangementStatus.IN_FORCE)
        case "cj_arrangement.review_fell_due":
            return replace(state, status=ArrangementStatus.REVIEW_DUE)
        case "cj_arrangement.reviewed":
            review_on = date.fromisoformat(data["next_review_on"])
            return replace(state, status=ArrangementStatus.IN_FORCE, review_on=review_on)
        case "cj_arrangement.terms_varied":
            status = (
                ArrangementStatus.DRAFTED
                if state.status == ArrangementStatus.DRAFTED
                else ArrangementStatus.VARIED
            )
            return replace(
                state, status=status, parties=_parties(data), agreed=frozenset(),
                review_on=date.fromisoformat(data["review_on"]),
            )
        case "cj_arrangement.ended":
            return replace(state, status=ArrangementStatus.ENDED)
    return state


def _check_parties(parties: Iterable[ev.Party], area_police: Collection[str]) -> list[ev.Party]:
    unique = list({p.organisation_id: p for p in parties}.values())
    wrong = [p.organisation_id for p in unique if p.kind not in CRIMINAL_JUSTICE_KINDS]
    if wrong:
        raise NotCriminalJusticeBody(
            N_("not criminal justice bodies: %(organisations)s"),
            organisations=', '.join(wrong)
        )
    # PRSRA s.10(3): the police party is the chief officer of police for that police area.
    foreign = [p.organisation_id for p in unique
               if p.kind == OrganisationKind.POLICE_FORCE and p.organisation_id not in area_police]
    if foreign:
        raise PolicePartyNotOfArea(
            N_("the police party must be the chief officer of police for this area, not "
               "%(organisations)s"),
            organisations=', '.join(foreign)
        )
    return unique


def _check_review_on(review_on: date, today: date) -> None:
    if review_on < today:
        raise ReviewDateInPast(
            N_("the review date is before today (%(today)s)"),
            today=today.isoformat()
        )


def _open_arrangement(state: Arrangement) -> None:
    _existing(state.exists, "arrangement")
    if state.status == ArrangementStatus.ENDED:
        raise ArrangementEnded(N_("the arrangement has ended"))


def _decide_arrangement(state: Arrangement, command: BaseModel, now: datetime) -> list[EventData]:
    today = london_date(now)
    match command:
        case cmd.DraftArrangement():
            return _draft(state, command, today)
        case cmd.AgreeArrangement():
            return _agree(state, command, today)
        case cmd.MarkArrangementReviewDue():
            current = state.exists and state.status == ArrangementStatus.IN_FORCE
            if not current or command.review_on != state.review_on or today < state.review_on:
                return []
            return [ev.ReviewFellDue(**command.model_dump())]
        case cmd.ReviewArrangement() | cmd.VaryArrangement() | cmd.EndArrangement():
            _existing(state.exists, "arrangement")
            _as_office(command, ArrangementNotPolicingBody)
            _open_arrangement(state)
            return _change(state, command, today)
    raise InvalidCommand(
        N_("an arrangement cannot take %(command)s"),
        command=type(command).__name__
    )


def _draft(state: Arrangement, command: cmd.DraftArrangement, today: date) -> list[EventData]:
    if state.exists:
        raise AlreadyExists(N_("an arrangement with this id already exists"))
    _as_office(command, ArrangementNotPolicingBody)
    parties = _check_parties(command.parties, command.area_police)
    if command.devolved_function and command.country != Country.WALES:
        raise ArrangementDevolvedOutsideWales(N_("only arrangements in Wales can be devolved"))
    _check_review_on(command.review_on, today)
    data = command.model_dump(
        exclude={"policing_body_id", "country", "parties", "area_police"}
    )
    return [ev.ArrangementDrafted(**data, parties=parties)]


def _agree(state: Arrangement, command: cmd.AgreeArrangement, today: date) -> list[EventData]:
    _existing(state.exists, "arrangement")
    if command.by_organisation not in state.parties:
        raise NotAParty(
            N_("%(by_organisation)s is not a party to the arrangement"),
            by_organisation=command.by_organisation
        )
    _open_arrangement(state)
    if state.status not in AWAITING_AGREEMENT:
        raise NotAwaitingAgreement(N_("the arrangement is in force; nothing awaits agreement"))
    if command.by_organisation in state.agreed:
        raise AlreadyAgreed(
            N_("%(by_organisation)s has already agreed"),
            by_organisation=command.by_organisation
        )
    events: list[EventData] = [ev.PartyAgreed(**command.model_dump())]
    if state.parties <= state.agreed | {command.by_organisation}:
        events.append(
            ev.ArrangementInForce(
                arrangement_id=command.arrangement_id, on_date=today, review_on=state.review_on
            )
        )
    return events


def _change(
    state: Arrangement,
    command: cmd.ReviewArrangement | cmd.VaryArrangement | cmd.EndArrangement,
    today: date,
) -> list[EventData]:
    data = command.model_dump(exclude={"policing_body_id", "parties", "area_police"})
    if isinstance(command, cmd.EndArrangement):
        return [ev.ArrangementEnded(**data, on_date=today)]
    if isinstance(command, cmd.ReviewArrangement):
        if state.status not in IN_FORCE:
            raise ArrangementNotInForce(
                N_("the arrangement is %(status)s, not in force"),
                status=state.status
            )
        _check_review_on(command.next_review_on, today)
        return [ev.ArrangementReviewed(**data, reviewed_on=today)]
    parties = _check_parties(command.parties, command.area_police)
    _check_review_on(command.review_on, today)
    return [ev.ArrangementVaried(**data, parties=parties)]


def _arrangement_open_to(
    state: Arrangement, organisation_id: str, _now: datetime
) -> frozenset[type[BaseModel]]:
    """A party agrees what awaits its agreement; the office reviews one in force, and varies or
    ends one until it has ended."""
    if not state.exists or state.status == ArrangementStatus.ENDED:
        return frozenset()
    offered: set[type[BaseModel]] = {cmd.VaryArrangement, cmd.EndArrangement}
    if state.status in IN_FORCE:
        offered.add(cmd.ReviewArrangement)
    waiting = state.status in AWAITING_AGREEMENT and organisation_id not in state.agreed
    if waiting and organisation_id in state.parties:
        offered.add(cmd.AgreeArrangement)
    return frozenset(offered)


CJ_ARRANGEMENT = RecordType(
    "cj_arrangement",
    Arrangement,
    _evolve_arrangement,
    _decide_arrangement,
    lambda s: _visible(s.area_id, None),
    _area_of,
    open_to=_arrangement_open_to,
)


# -- open records passing to successors ------------------------------------------------------


@dataclass(frozen=True)
class OpenDuty:
    """An open duty record as the read models hold it: a current priority, or a record of
    regard not yet finalised."""

    record: str
    """Its record type: ``priority`` or ``reciprocal_regard``."""
    record_id: str
    keeper: Keeper
    title: str = ""


def pass_on(
    duty: OpenDuty, *, successions: Iterable[Succession] = (),
    csps: Iterable[CspSuccession] = (), change_id: str | None = None,
    merger_id: str | None = None,
) -> tuple[RecordType[Any], Command] | None:
    """The command (and its record type) that passes an open duty record to its successor,
    naming only the successions that concern it; None when nothing of the record's ended."""
    own = [s for s in successions if s.organisation_id == duty.keeper.organisation_id]
    own_csp = [c for c in csps if c.csp_id == duty.keeper.csp_id]
    if successor_keeper(duty.keeper, own, own_csp) is None:
        return None
    common: dict[str, Any] = {
        "successions": own, "csps": own_csp, "change_id": change_id, "merger_id": merger_id,
    }
    if duty.record == PRIORITY.stream_type:
        return PRIORITY, cmd.PassPriorityOn(priority_id=duty.record_id, **common)
    return RECIPROCAL_REGARD, cmd.PassStrategyRegardOn(regard_id=duty.record_id, **common)


def passing_steps(
    stem: str, open_duties: Iterable[OpenDuty], *, successions: Iterable[Succession] = (),
    csps: Iterable[CspSuccession] = (), change_id: str | None = None,
    merger_id: str | None = None,
) -> list[tuple[RecordType[Any], str, Command, str]]:
    """The keyed commands that pass each of ``open_duties`` whose body or CSP ended to its
    successor: each record type, record id, command and idempotency key (``stem`` and the
    record), so that a re-run of the change that issues them passes nothing twice."""
    successions, csps = list(successions), list(csps)
    steps = []
    for duty in open_duties:
        passing = pass_on(duty, successions=successions, csps=csps, change_id=change_id,
                          merger_id=merger_id)
        if passing is not None:
            record, command = passing
            steps.append((record, duty.record_id, command,
                          f"{stem}:{duty.record}:{duty.record_id}"))
    return steps
