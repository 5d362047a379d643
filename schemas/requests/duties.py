"""Requests of the Section 10 duty register: what an authority or the policing body says of
its priorities, decisions, plan, reciprocal regard and criminal justice arrangements.

The area's country and policing body office, the CSPs an organisation serves, the priorities
current in an area, the plan's objectives and the parties' kinds are resolved by the handler
(``schemas.commands.duties``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

from schemas.commands import duties as cmd
from schemas.events.directory import Name, Slug
from schemas.events.duties import (
    DecisionKind,
    Objective,
    OptionalText,
    Period,
    PriorityTheme,
    SourceDocument,
    Text,
    Url,
)
from schemas.requests.base import ActionRequest, CallerRequest, ClosedKeys

AreaId = Field(default=None, min_length=1, max_length=120, pattern=r"^[a-z0-9][a-z0-9-]*$",
               description="the police area (yours, if left out)")
CspId = Field(default=None, min_length=1, max_length=120, pattern=r"^[a-z0-9][a-z0-9-]*$")
Reasons = Annotated[
    dict[
        Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[a-z0-9][a-z0-9-]*$")],
        Annotated[str, Field(min_length=1, max_length=4000)],
    ],
    Field(max_length=500),
    ClosedKeys(),
]
"""Why each item was not considered, by its id."""
ReasonsField = Field(default=None)
Objectives = Field(min_length=1, max_length=100)
PartyIds = Field(min_length=1, max_length=50)


class RegisterPriorityRequest(CallerRequest):
    """A responsible authority registers a relevant priority."""

    commands = (cmd.RegisterPriority,)

    theme: PriorityTheme
    title: str = Name
    source: SourceDocument
    period: Period
    summary: str = OptionalText
    csp_id: str | None = CspId
    devolved_function: bool = False
    area_id: str | None = AreaId


class RevisePriorityRequest(ActionRequest):
    """The authority revises its priority."""

    commands = (cmd.RevisePriority,)

    theme: PriorityTheme
    title: str = Name
    source: SourceDocument
    period: Period
    summary: str = OptionalText
    devolved_function: bool = False


class RetirePriorityRequest(ActionRequest):
    """The authority retires its priority."""

    commands = (cmd.RetirePriority,)

    reason: str = OptionalText


class RecordDecisionRequest(CallerRequest):
    """The policing body records a decision that must have regard to the priorities."""

    commands = (cmd.RecordDecision,)

    kind: DecisionKind
    title: str = Name
    summary: str = OptionalText
    decided_on: date | None = Field(default=None, description="today, if left out")
    area_id: str | None = AreaId


class NoteRegardRequest(ActionRequest):
    """The policing body notes how the decision had regard to one priority."""

    commands = (cmd.NoteRegard,)

    priority_id: str = Slug
    note: str = Text


class FinaliseDecisionRequest(ActionRequest):
    """Finalise a decision; ``reasons`` says why each unconsidered priority was not."""

    commands = (cmd.FinaliseDecision,)

    reasons: Reasons | None = ReasonsField


class RecordPlanRequest(CallerRequest):
    """The policing body records its police and crime plan."""

    commands = (cmd.RecordPlan,)

    title: str = Name
    period: Period
    objectives: list[Objective] = Objectives
    area_id: str | None = AreaId


class RevisePlanRequest(ActionRequest):
    """The policing body revises its plan."""

    commands = (cmd.RevisePlan,)

    title: str = Name
    period: Period
    objectives: list[Objective] = Objectives


class RetirePlanRequest(ActionRequest):
    """The policing body retires its plan."""

    commands = (cmd.RetirePlan,)


class RecordStrategyRegardRequest(CallerRequest):
    """An authority records the regard its strategy has to the police and crime plan."""

    commands = (cmd.RecordStrategyRegard,)

    plan_id: str = Slug
    strategy: SourceDocument
    csp_id: str | None = CspId


class NoteObjectiveRegardRequest(ActionRequest):
    """The authority notes how its strategy has regard to one objective."""

    commands = (cmd.NoteObjectiveRegard,)

    objective_id: str = Slug
    note: str = Text


class MarkObjectiveDevolvedRequest(ActionRequest):
    """The authority marks an objective as a function devolved to the Welsh Government."""

    commands = (cmd.MarkObjectiveDevolved,)

    objective_id: str = Slug


class FinaliseStrategyRegardRequest(ActionRequest):
    """Finalise the record; ``reasons`` says why each unconsidered objective was not."""

    commands = (cmd.FinaliseStrategyRegard,)

    reasons: Reasons | None = ReasonsField


class DraftArrangementRequest(CallerRequest):
    """The policing body drafts a criminal justice arrangement with criminal justice bodies."""

    commands = (cmd.DraftArrangement,)

    title: str = Name
    terms: str = Text
    party_ids: list[str] = PartyIds
    review_on: date
    document_url: str | None = Url
    devolved_function: bool = False
    area_id: str | None = AreaId


class AgreeArrangementRequest(ActionRequest):
    """A party agrees the arrangement."""

    commands = (cmd.AgreeArrangement,)

    signatory: str = Name


class ReviewArrangementRequest(ActionRequest):
    """The policing body records a review of the arrangement."""

    commands = (cmd.ReviewArrangement,)

    outcome: str = Text
    next_review_on: date


class VaryArrangementRequest(ActionRequest):
    """The policing body varies the arrangement's terms."""

    commands = (cmd.VaryArrangement,)

    title: str = Name
    terms: str = Text
    party_ids: list[str] = PartyIds
    review_on: date
    reason: str = Text
    document_url: str | None = Url


class EndArrangementRequest(ActionRequest):
    """The policing body ends the arrangement."""

    commands = (cmd.EndArrangement,)

    reason: str = OptionalText
