"""Events of the Section 10 duty register (PRSRA s.10, CDA s.6(1A)).

Five records: a responsible authority's relevant priorities; the policing body's decisions
with their regard notes; the police and crime plan's objectives; an authority's regard to
those objectives; and the criminal justice arrangements made with the criminal justice bodies.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from schemas.events.directory import Name, Slug
from schemas.registry import EventData, event_type, upcaster

Text = Field(min_length=1, max_length=4000)
OptionalText = Field(default="", max_length=4000)
Url = Field(default=None, max_length=2000)


class Part(BaseModel):
    """A value nested inside an event payload: immutable, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class PriorityTheme(StrEnum):
    """What a relevant priority concerns (PRSRA s.10(4))."""

    CRIME_AND_DISORDER = "crime_and_disorder"
    """Crime and disorder, including anti-social behaviour."""
    SUBSTANCE_MISUSE = "substance_misuse"
    """Misuse of drugs, alcohol and other substances."""
    REOFFENDING = "reoffending"
    SERIOUS_VIOLENCE = "serious_violence"


class SourceKind(StrEnum):
    """The document a priority comes from."""

    STRATEGIC_ASSESSMENT = "strategic_assessment"
    PARTNERSHIP_PLAN = "partnership_plan"


class DecisionKind(StrEnum):
    """The policing body's decisions the register records regard for."""

    PLAN = "plan"
    PLAN_VARIATION = "plan_variation"
    GRANT = "grant"
    """A crime and disorder reduction grant."""
    COMMISSIONING = "commissioning"
    BUDGET = "budget"
    OTHER = "other"


class SourceDocument(Part):
    """A document: a strategic assessment, a partnership plan or a strategy."""

    kind: SourceKind
    title: str = Name
    url: str | None = Url


class Period(Part):
    """The dates a priority or plan covers, both inclusive."""

    starts_on: date
    ends_on: date


class PriorityRef(Part):
    """A priority as it stood when a decision had regard to it."""

    priority_id: str = Slug
    revision: int = Field(ge=1)
    organisation_id: str = Slug
    title: str = Name
    theme: PriorityTheme
    devolved_function: bool = False


class Reason(Part):
    """Why an item was not considered: the written reason a finalised record keeps."""

    item_id: str = Slug
    reason: str = Text


class Objective(Part):
    """One objective of a police and crime plan."""

    objective_id: str = Slug
    title: str = Name
    description: str = OptionalText


class Party(Part):
    """A criminal justice body named as a party to an arrangement."""

    organisation_id: str = Slug
    kind: str = Field(min_length=1, max_length=40)


# -- relevant priorities ------------------------------------------------------------------


@event_type("priority.registered")
class PriorityRegistered(EventData):
    """A responsible authority registered a relevant priority (revision 1)."""

    priority_id: str = Slug
    by_organisation: str = Slug
    area_id: str = Slug
    csp_id: str | None = None
    theme: PriorityTheme
    title: str = Name
    summary: str = OptionalText
    source: SourceDocument
    period: Period
    devolved_function: bool = False
    revision: int = Field(ge=1)


@event_type("priority.revised")
class PriorityRevised(EventData):
    """The authority revised its priority; the revision number went up by one."""

    priority_id: str = Slug
    by_organisation: str = Slug
    theme: PriorityTheme
    title: str = Name
    summary: str = OptionalText
    source: SourceDocument
    period: Period
    devolved_function: bool = False
    revision: int = Field(ge=2)


@event_type("priority.retired")
class PriorityRetired(EventData):
    """The authority retired its priority; it is no longer current."""

    priority_id: str = Slug
    by_organisation: str = Slug
    reason: str = OptionalText


class _PassedOn(EventData):
    # What a record's passing to a successor says, whichever duty record it is.

    organisation_id: str = Slug
    """The authority that keeps the record now."""
    csp_id: str | None = None
    """The CSP the record belongs to now."""
    from_organisation: str = Slug
    from_csp_id: str | None = None
    change_id: str | None = None
    """The directory change that ended the body or CSP (a reorganisation), if one did."""
    merger_id: str | None = None
    """The combination agreement whose effect or termination ended the CSP, if one did."""


@event_type("priority.passed_to_successor")
class PriorityPassedOn(_PassedOn):
    """The authority or the CSP of a current priority ended (a reorganisation, a combination
    or its termination), and the priority passed to the successor, who now keeps it."""

    priority_id: str = Slug


# -- the policing body's decisions and their regard notes ------------------------------------


@event_type("regard_decision.recorded")
class DecisionRecorded(EventData):
    """The office recorded a decision, with the priorities current in the area at the time."""

    decision_id: str = Slug
    by_organisation: str = Slug
    area_id: str = Slug
    kind: DecisionKind
    title: str = Name
    summary: str = OptionalText
    decided_on: date
    priorities: list[PriorityRef] = Field(default_factory=list, max_length=500)


@event_type("regard_decision.regard_noted")
class RegardNoted(EventData):
    """The office noted how the decision had regard to one priority."""

    decision_id: str = Slug
    by_organisation: str = Slug
    priority: PriorityRef
    note: str = Text


@event_type("regard_decision.finalised")
class DecisionFinalised(EventData):
    """The decision was finalised: every priority considered, outside the duty, or reasoned."""

    decision_id: str = Slug
    by_organisation: str = Slug
    priorities: list[PriorityRef] = Field(default_factory=list, max_length=500)
    considered: list[str] = Field(default_factory=list, max_length=500)
    outside_duty: list[str] = Field(default_factory=list, max_length=500)
    unconsidered: list[Reason] = Field(default_factory=list, max_length=500)


# -- the police and crime plan's objectives --------------------------------------------------


@event_type("police_crime_plan.recorded")
class PlanRecorded(EventData):
    """The office recorded its police and crime plan's objectives (revision 1)."""

    plan_id: str = Slug
    by_organisation: str = Slug
    area_id: str = Slug
    title: str = Name
    period: Period
    objectives: list[Objective] = Field(min_length=1, max_length=100)
    revision: int = Field(ge=1)


@event_type("police_crime_plan.revised")
class PlanRevised(EventData):
    """The office revised the plan's objectives; the revision number went up by one."""

    plan_id: str = Slug
    by_organisation: str = Slug
    title: str = Name
    period: Period
    objectives: list[Objective] = Field(min_length=1, max_length=100)
    revision: int = Field(ge=2)


@event_type("police_crime_plan.retired")
class PlanRetired(EventData):
    """The plan ceased to be current (e.g. a new plan replaced it)."""

    plan_id: str = Slug
    by_organisation: str = Slug


# -- responsible authorities' regard to the plan (CDA s.6(1A)) ------------------------------


@event_type("reciprocal_regard.recorded")
class StrategyRegardRecorded(EventData):
    """An authority began recording its strategy's regard to the plan's objectives."""

    regard_id: str = Slug
    by_organisation: str = Slug
    area_id: str = Slug
    csp_id: str | None = None
    strategy: SourceDocument
    plan_id: str = Slug
    plan_revision: int = Field(ge=1)
    objectives: list[Objective] = Field(min_length=1, max_length=100)


@event_type("reciprocal_regard.objective_regarded")
class ObjectiveRegarded(EventData):
    """The authority noted how its strategy had regard to one objective."""

    regard_id: str = Slug
    by_organisation: str = Slug
    objective: Objective
    note: str = Text


@event_type("reciprocal_regard.objective_devolved")
class ObjectiveDevolved(EventData):
    """A Welsh authority marked an objective a devolved function: outside the duty."""

    regard_id: str = Slug
    by_organisation: str = Slug
    objective: Objective


@event_type("reciprocal_regard.passed_to_successor")
class StrategyRegardPassedOn(_PassedOn):
    """The authority or the CSP of an unfinalised record of regard ended (a reorganisation, a
    combination or its termination), and the record passed to the successor, who now keeps
    it."""

    regard_id: str = Slug


@event_type("reciprocal_regard.finalised", version=2)
class StrategyRegardFinalised(EventData):
    """The record was finalised against the plan's objectives as they then stood: each
    considered, outside the duty (devolved, Wales), or unconsidered with a written reason."""

    regard_id: str = Slug
    by_organisation: str = Slug
    plan_revision: int = Field(ge=1)
    objectives: list[Objective] = Field(min_length=1, max_length=100)
    considered: list[str] = Field(default_factory=list, max_length=100)
    outside_duty: list[str] = Field(default_factory=list, max_length=100)
    unconsidered: list[Reason] = Field(default_factory=list, max_length=100)


@upcaster("reciprocal_regard.finalised", from_version=1)
def _strategy_regard_finalised_v1(data: dict[str, Any]) -> dict[str, Any]:
    # Version 1 had no devolved objectives.
    return {**data, "outside_duty": []}


# -- criminal justice arrangements (PRSRA s.10(3)) ------------------------------------------


@event_type("cj_arrangement.drafted")
class ArrangementDrafted(EventData):
    """The office drafted an arrangement with named criminal justice bodies."""

    arrangement_id: str = Slug
    by_organisation: str = Slug
    area_id: str = Slug
    title: str = Name
    terms: str = Text
    document_url: str | None = Url
    parties: list[Party] = Field(min_length=1, max_length=50)
    review_on: date
    devolved_function: bool = False


@event_type("cj_arrangement.party_agreed")
class PartyAgreed(EventData):
    """A named criminal justice body agreed the arrangement as drafted or varied."""

    arrangement_id: str = Slug
    by_organisation: str = Slug
    signatory: str = Name


@event_type("cj_arrangement.came_into_force")
class ArrangementInForce(EventData):
    """Every named party had agreed, so the arrangement came into force."""

    arrangement_id: str = Slug
    on_date: date
    review_on: date


@event_type("cj_arrangement.review_fell_due")
class ReviewFellDue(EventData):
    """The arrangement's review date arrived (marked by the hub's schedule)."""

    arrangement_id: str = Slug
    review_on: date


@event_type("cj_arrangement.reviewed")
class ArrangementReviewed(EventData):
    """The office reviewed the arrangement without change and set the next review date."""

    arrangement_id: str = Slug
    by_organisation: str = Slug
    outcome: str = Text
    reviewed_on: date
    next_review_on: date


@event_type("cj_arrangement.terms_varied")
class ArrangementVaried(EventData):
    """The office varied the arrangement; every named party must agree the variation."""

    arrangement_id: str = Slug
    by_organisation: str = Slug
    title: str = Name
    terms: str = Text
    document_url: str | None = Url
    parties: list[Party] = Field(min_length=1, max_length=50)
    review_on: date
    reason: str = Text


@event_type("cj_arrangement.ended")
class ArrangementEnded(EventData):
    """The arrangement ended."""

    arrangement_id: str = Slug
    by_organisation: str = Slug
    on_date: date
    reason: str = OptionalText
