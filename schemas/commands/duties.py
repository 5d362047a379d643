"""Commands of the Section 10 duty register.

Fields marked ``Resolved`` are facts a handler looks up (the area's country and policing body
office, the CSPs an organisation serves, the priorities current in an area, the plan's
objectives, the parties' kinds) so that the deciders stay pure; callers never supply them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from schemas.commands.base import Command, Resolved
from schemas.events.directory import Country, CspSuccession, Name, Slug, Succession
from schemas.events.duties import (
    DecisionKind,
    Objective,
    OptionalText,
    Party,
    Period,
    PriorityRef,
    PriorityTheme,
    Reason,
    SourceDocument,
    Text,
    Url,
)

Csps: Any = Field(default_factory=list, max_length=50)
Priorities: Any = Field(default_factory=list, max_length=500)
Reasons: Any = Field(default_factory=list, max_length=500)
Objectives = Field(min_length=1, max_length=100)
Parties = Field(min_length=1, max_length=50)


# -- relevant priorities ------------------------------------------------------------------


class RegisterPriority(Command):
    """Register one of the acting authority's relevant priorities."""

    priority_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    area_id: str = Slug
    csp_id: str | None = None
    theme: PriorityTheme
    title: str = Name
    summary: str = OptionalText
    source: SourceDocument
    period: Period
    devolved_function: bool = False
    country: Resolved[Country]
    serves_csps: Resolved[list[str]] = Csps


class RevisePriority(Command):
    """Revise a priority; its revision number goes up by one."""

    priority_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    theme: PriorityTheme
    title: str = Name
    summary: str = OptionalText
    source: SourceDocument
    period: Period
    devolved_function: bool = False
    country: Resolved[Country]


class RetirePriority(Command):
    """Retire a priority: it is no longer current."""

    priority_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    reason: str = OptionalText


class _PassOn(Command):
    # Issued by the hub when bodies or CSPs end: every succession of the change, the record
    # deciding which concern it. A closed record keeps who made it.

    successions: list[Succession] = Field(default_factory=list, max_length=500)
    """Organisations that ended, each with its successors."""
    csps: list[CspSuccession] = Field(default_factory=list, max_length=500)
    """CSPs that ended, each with the CSP its open records pass to."""
    change_id: str | None = None
    """The directory change that ended them, if one did."""
    merger_id: str | None = None
    """The combination agreement whose effect or termination ended them, if one did."""


class PassPriorityOn(_PassOn):
    """The priority's authority or CSP ended: a current priority passes to the successor."""

    priority_id: Resolved[str] = Slug


# -- decisions --------------------------------------------------------------------------------


class RecordDecision(Command):
    """Record a decision of the policing body, with the priorities current in its area."""

    decision_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    area_id: str = Slug
    kind: DecisionKind
    title: str = Name
    summary: str = OptionalText
    decided_on: date
    policing_body_id: Resolved[str] = Slug
    priorities: Resolved[list[PriorityRef]] = Priorities


class NoteRegard(Command):
    """Note how a decision had regard to one priority."""

    decision_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    note: str = Text
    policing_body_id: Resolved[str] = Slug
    priority: Resolved[PriorityRef]
    priority_area_id: Resolved[str] = Slug


class FinaliseDecision(Command):
    """Finalise a decision, giving a written reason for each priority left unconsidered."""

    decision_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    reasons: list[Reason] = Reasons
    policing_body_id: Resolved[str] = Slug
    priorities: Resolved[list[PriorityRef]] = Priorities


# -- the police and crime plan ----------------------------------------------------------------


class RecordPlan(Command):
    """Record the police and crime plan's objectives."""

    plan_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    area_id: str = Slug
    title: str = Name
    period: Period
    objectives: list[Objective] = Objectives
    policing_body_id: Resolved[str] = Slug


class RevisePlan(Command):
    """Revise the plan's objectives; its revision number goes up by one."""

    plan_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    title: str = Name
    period: Period
    objectives: list[Objective] = Objectives
    policing_body_id: Resolved[str] = Slug


class RetirePlan(Command):
    """Mark the plan as no longer current."""

    plan_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    policing_body_id: Resolved[str] = Slug


# -- reciprocal regard ------------------------------------------------------------------------


class RecordStrategyRegard(Command):
    """Begin recording a strategy's regard to the police and crime plan's objectives."""

    regard_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    area_id: str = Slug
    csp_id: str | None = None
    strategy: SourceDocument
    plan_id: str = Slug
    plan_revision: Resolved[int] = Field(ge=1)
    objectives: Resolved[list[Objective]] = Objectives
    serves_csps: Resolved[list[str]] = Csps


class NoteObjectiveRegard(Command):
    """Note how the strategy had regard to one of the plan's objectives."""

    regard_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    objective_id: str = Slug
    note: str = Text
    # resolved: the plan's objectives as they stand now
    plan_objectives: Resolved[list[Objective]] = Field(default_factory=list, max_length=100)


class MarkObjectiveDevolved(Command):
    """A Welsh authority marks one of the plan's objectives a devolved function: outside the
    reciprocal duty (CDA s.6(1A)), not a gap."""

    regard_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    objective_id: str = Slug
    # resolved: the plan's objectives as they stand now, and the area's country
    plan_objectives: Resolved[list[Objective]] = Field(default_factory=list, max_length=100)
    country: Resolved[Country]


class FinaliseStrategyRegard(Command):
    """Finalise the record, giving a written reason for each objective left unconsidered."""

    regard_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    reasons: list[Reason] = Reasons
    plan_revision: Resolved[int] = Field(ge=1)
    objectives: Resolved[list[Objective]] = Objectives


class PassStrategyRegardOn(_PassOn):
    """The record's authority or CSP ended: an unfinalised record passes to the successor."""

    regard_id: Resolved[str] = Slug


# -- criminal justice arrangements ------------------------------------------------------------


class DraftArrangement(Command):
    """Draft criminal justice arrangements with the named criminal justice bodies."""

    arrangement_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    area_id: str = Slug
    title: str = Name
    terms: str = Text
    document_url: str | None = Url
    review_on: date
    devolved_function: bool = False
    parties: Resolved[list[Party]] = Parties
    policing_body_id: Resolved[str] = Slug
    country: Resolved[Country]
    area_police: Resolved[list[str]] = Field(default_factory=list, max_length=10)
    """The police forces of the arrangement's area: the police party is the chief officer of
    police for that police area."""


class AgreeArrangement(Command):
    """A named party agrees the arrangement as drafted or varied."""

    arrangement_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    signatory: str = Name


class ReviewArrangement(Command):
    """Record a review without change, and the next review date."""

    arrangement_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    outcome: str = Text
    next_review_on: date
    policing_body_id: Resolved[str] = Slug


class VaryArrangement(Command):
    """Vary the arrangement; every named party must then agree the variation."""

    arrangement_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    title: str = Name
    terms: str = Text
    document_url: str | None = Url
    review_on: date
    reason: str = Text
    parties: Resolved[list[Party]] = Parties
    policing_body_id: Resolved[str] = Slug
    area_police: Resolved[list[str]] = Field(default_factory=list, max_length=10)
    """The police forces of the arrangement's area (as for drafting)."""


class EndArrangement(Command):
    """End the arrangement."""

    arrangement_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    reason: str = OptionalText
    policing_body_id: Resolved[str] = Slug


class MarkArrangementReviewDue(Command):
    """Scheduled: the review date ``review_on`` has arrived (ignored if no longer current)."""

    arrangement_id: Resolved[str] = Slug
    review_on: date
