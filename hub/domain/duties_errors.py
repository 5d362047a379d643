"""The broken rules of the Section 10 duty register: one exception type per rule, each coded."""

from __future__ import annotations

from hub.domain.errors import AlreadyExists, DomainError, InvalidCommand, InvalidInput, NotFound


class InvalidDutyInput(InvalidInput):
    """The input does not fit the command's schema; ``errors`` names each field."""

    code = "duty.invalid_input"


class NotResponsibleAuthority(DomainError):
    """Only a responsible authority (of the CSP named) registers priorities."""

    code = "priority.not_responsible_authority"
    status = 403


class NotPriorityOwner(DomainError):
    """Only the authority that registered a priority revises or retires it."""

    code = "priority.not_owner"
    status = 403


class PriorityRetired(DomainError):
    """A retired priority takes no further changes."""

    code = "priority.retired"


class PriorityPeriodInvalid(DomainError):
    """A priority's period must end on or after the day it starts."""

    code = "priority.invalid_period"
    status = 422


class PriorityDevolvedOutsideWales(DomainError):
    """Only a Welsh body's priority can be marked as a devolved function."""

    code = "priority.devolved_outside_wales"
    status = 422


class RegardNotPolicingBody(DomainError):
    """Only the office of the area's policing body records its decisions."""

    code = "regard.not_policing_body"
    status = 403


class DecisionFinalised(DomainError):
    """A finalised decision takes no further notes."""

    code = "regard.decision_finalised"


class PriorityNotInArea(DomainError):
    """A decision has regard to the priorities of its own area."""

    code = "regard.priority_not_in_area"
    status = 422


class PrioritiesUnconsidered(DomainError):
    """Every current priority needs a regard note, or a written reason, before finalising."""

    code = "regard.priorities_unconsidered"
    status = 422


class RegardReasonNotNeeded(DomainError):
    """A reason was given for a priority that is not a gap."""

    code = "regard.reason_not_needed"
    status = 422


class PlanNotPolicingBody(DomainError):
    """Only the office of the area's policing body keeps its police and crime plan."""

    code = "police_crime_plan.not_policing_body"
    status = 403


class PlanRetired(DomainError):
    """A retired plan takes no further changes."""

    code = "police_crime_plan.retired"


class PlanPeriodInvalid(DomainError):
    """A plan's period must end on or after the day it starts."""

    code = "police_crime_plan.invalid_period"
    status = 422


class DuplicateObjective(DomainError):
    """Each of a plan's objectives has its own id."""

    code = "police_crime_plan.duplicate_objective"
    status = 422


class StrategyNotResponsibleAuthority(DomainError):
    """Only a responsible authority (of the CSP named) records regard to the plan."""

    code = "reciprocal_regard.not_responsible_authority"
    status = 403


class NotStrategyOwner(DomainError):
    """Only the authority that recorded the strategy's regard adds to it."""

    code = "reciprocal_regard.not_owner"
    status = 403


class StrategyRegardFinalised(DomainError):
    """A finalised record takes no further notes."""

    code = "reciprocal_regard.finalised"


class UnknownObjective(DomainError):
    """Regard is noted against one of the plan's objectives."""

    code = "reciprocal_regard.unknown_objective"
    status = 422


class ObjectiveDevolvedOutsideWales(DomainError):
    """Only a Welsh authority's strategy can leave an objective outside the duty as devolved."""

    code = "reciprocal_regard.devolved_outside_wales"
    status = 422


class ObjectivesUnconsidered(DomainError):
    """Every objective needs a regard note, or a written reason, before finalising."""

    code = "reciprocal_regard.objectives_unconsidered"
    status = 422


class ObjectiveReasonNotNeeded(DomainError):
    """A reason was given for an objective that is not a gap."""

    code = "reciprocal_regard.reason_not_needed"
    status = 422


class ArrangementNotPolicingBody(DomainError):
    """Only the office of the area's policing body drafts, reviews, varies or ends."""

    code = "cj_arrangement.not_policing_body"
    status = 403


class PolicePartyNotOfArea(DomainError):
    """The police party to s.10(3) arrangements is the chief officer of police for that area."""

    code = "cj_arrangement.police_party_not_of_area"
    status = 422


class NotCriminalJusticeBody(DomainError):
    """Arrangements are made with the criminal justice bodies of s.10."""

    code = "cj_arrangement.not_criminal_justice_body"
    status = 422


class ArrangementDevolvedOutsideWales(DomainError):
    """Only arrangements in Wales can be marked as a devolved function."""

    code = "cj_arrangement.devolved_outside_wales"
    status = 422


class ReviewDateInPast(DomainError):
    """A review date cannot be in the past."""

    code = "cj_arrangement.review_date_in_past"
    status = 422


class NotAParty(DomainError):
    """Only a named party agrees the arrangement."""

    code = "cj_arrangement.not_a_party"
    status = 403


class AlreadyAgreed(DomainError):
    """This party has already agreed the arrangement as it stands."""

    code = "cj_arrangement.already_agreed"


class NotAwaitingAgreement(DomainError):
    """The arrangement is in force: there is nothing to agree until it is varied."""

    code = "cj_arrangement.not_awaiting_agreement"


class ArrangementNotInForce(DomainError):
    """Only an arrangement in force is reviewed."""

    code = "cj_arrangement.not_in_force"


class ArrangementEnded(DomainError):
    """An ended arrangement takes no further changes."""

    code = "cj_arrangement.ended"


ERRORS: tuple[type[DomainError], ...] = (
    AlreadyExists, NotFound, InvalidCommand, InvalidDutyInput, NotResponsibleAuthority,
    NotPriorityOwner, PriorityRetired, PriorityPeriodInvalid, PriorityDevolvedOutsideWales,
    RegardNotPolicingBody, DecisionFinalised, PriorityNotInArea, PrioritiesUnconsidered,
    RegardReasonNotNeeded, PlanNotPolicingBody, PlanRetired, PlanPeriodInvalid,
    DuplicateObjective, StrategyNotResponsibleAuthority, NotStrategyOwner,
    StrategyRegardFinalised, UnknownObjective, ObjectiveDevolvedOutsideWales,
    ObjectivesUnconsidered,
    ObjectiveReasonNotNeeded, ArrangementNotPolicingBody, PolicePartyNotOfArea,
    NotCriminalJusticeBody,
    ArrangementDevolvedOutsideWales, ReviewDateInPast, NotAParty, AlreadyAgreed,
    NotAwaitingAgreement, ArrangementNotInForce, ArrangementEnded,
)
