"""Events of CSP combination agreements (mergers) under CDA s.5(1A)-(1E) and s.5A.

A merger record holds one question before its parties at a time: the proposal, then, once the
agreement is made, any variation or termination. Each party's word on the current question is
its latest consent, refusal or withdrawal; a revision or a new question clears every word.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from schemas.events.directory import Name, Slug
from schemas.registry import EventData, event_type

Reason = Field(min_length=1, max_length=2000)
Arrangements = Field(default=None, min_length=1, max_length=10000)
HOME_SECRETARY = "home-secretary"
"""The party id of the Home Secretary, a party to every cross-force combination agreement."""


class Purpose(StrEnum):
    """The interests in which a policing body may agree a combination (CDA s.5A(2))."""

    REDUCING_CRIME_AND_DISORDER = "reducing_crime_and_disorder"
    REDUCING_REOFFENDING = "reducing_reoffending"
    COMBATING_SUBSTANCE_MISUSE = "combating_substance_misuse"


class PartyRole(StrEnum):
    """Why a body is a party to the agreement."""

    RESPONSIBLE_AUTHORITY = "responsible_authority"
    POLICING_BODY = "policing_body"
    HOME_SECRETARY = "home_secretary"


class Question(StrEnum):
    """What the parties are asked to agree in writing."""

    PROPOSAL = "proposal"
    VARIATION = "variation"
    TERMINATION = "termination"


class Constituent(EventData):
    """A CSP to be combined, as the directory described it when proposed."""

    csp_id: str = Slug
    name: str = Name
    area_id: str = Slug
    local_government_areas: list[str] = Field(min_length=1, max_length=20)
    responsible_authorities: list[str] = Field(min_length=1, max_length=50)


class Party(EventData):
    """A party whose written agreement the combination needs.

    ``party_id`` is the organisation's id for a responsible authority, ``policing-body-<area>``
    for a policing body (whichever body holds the area's functions signs), and
    ``home-secretary``. An ``external`` party is not in the hub: the office enters its word.
    """

    party_id: str = Slug
    role: PartyRole
    organisation_id: str | None = Field(default=None, min_length=1, max_length=120)
    area_id: str | None = Field(default=None, min_length=1, max_length=120)
    external: bool = False


class SignedDocument(EventData):
    """The signed written agreement (or the party's signature page of it)."""

    title: str = Field(min_length=1, max_length=200)
    reference: str = Field(min_length=1, max_length=500)
    """A URL or a document reference the party can be held to."""


class _Terms(EventData):
    """What a proposal says: the combination, its purposes, name and date."""

    area_id: str = Slug
    constituents: list[Constituent] = Field(min_length=2, max_length=20)
    purposes: list[Purpose] = Field(min_length=1, max_length=3)
    proposed_name: str = Name
    combined_csp_id: str = Slug
    effective_date: date
    cross_force: bool
    cooperation_arrangements: str | None = Arrangements
    requested_by_csp: str | None = Field(default=None, min_length=1, max_length=120)
    parties: list[Party] = Field(min_length=2, max_length=200)


@event_type("merger.proposed")
class MergerProposed(_Terms):
    """The policing body's office proposed combining two or more CSPs (revision 1)."""

    merger_id: str = Slug
    by_organisation: str = Slug
    revision: int = Field(ge=1)


@event_type("merger.revised")
class MergerRevised(_Terms):
    """The office revised the proposal; every party's consent or refusal is cleared."""

    merger_id: str = Slug
    by_organisation: str = Slug
    revision: int = Field(ge=2)
    note: str | None = Field(default=None, min_length=1, max_length=2000)


@event_type("merger.withdrawn")
class MergerWithdrawn(EventData):
    """The office withdrew the proposal before the agreement was made."""

    merger_id: str = Slug
    by_organisation: str = Slug
    reason: str = Reason


@event_type("merger.consented")
class MergerConsented(EventData):
    """A party signed the question at ``revision`` (entered by ``by_organisation``)."""

    merger_id: str = Slug
    party_id: str = Slug
    by_organisation: str = Slug
    question: Question
    revision: int = Field(ge=1)
    signatory: str = Name
    signatory_role: str = Field(min_length=1, max_length=200)
    signed_on: date
    document: SignedDocument


@event_type("merger.refused")
class MergerRefused(EventData):
    """A party refused the question at ``revision``; while it stands, it blocks the question."""

    merger_id: str = Slug
    party_id: str = Slug
    by_organisation: str = Slug
    question: Question
    revision: int = Field(ge=1)
    reason: str = Reason


@event_type("merger.consent_withdrawn")
class MergerConsentWithdrawn(EventData):
    """A party withdrew its consent before the question was agreed."""

    merger_id: str = Slug
    party_id: str = Slug
    by_organisation: str = Slug
    question: Question
    revision: int = Field(ge=1)
    reason: str | None = Field(default=None, min_length=1, max_length=2000)


@event_type("merger.made")
class MergerMade(EventData):
    """Every party signed the proposal: the combination agreement is made."""

    merger_id: str = Slug
    revision: int = Field(ge=1)
    made_on: date
    effective_date: date


@event_type("merger.took_effect")
class MergerTookEffect(EventData):
    """On the effective date the combined CSP replaced its constituents."""

    merger_id: str = Slug
    combined_csp_id: str = Slug
    workspace_id: str = Slug
    effective_date: date
    ended_csps: list[str] = Field(min_length=2, max_length=20)


@event_type("merger.termination_took_effect")
class MergerTerminationTookEffect(EventData):
    """On its date the termination took effect: the combined CSP ended, and a CSP was
    re-registered for each constituent's local government area(s) with its own responsible
    authorities (``successors``)."""

    merger_id: str = Slug
    combined_csp_id: str = Slug
    ends_on: date
    successors: list[Constituent] = Field(min_length=2, max_length=20)


@event_type("merger.combined_csp_ended")
class MergerEndedWithCombinedCsp(EventData):
    """The combined CSP ended by law, not by the parties' agreement: a local government
    reorganisation replaced its councils, and the CSP for the new council's area arose in its
    place (CDA s.5), so the agreement ended with it."""

    merger_id: str = Slug
    combined_csp_id: str = Slug
    csp_ended_on: date
    """The combined CSP's last day."""
    succeeded_by: str = Slug
    """The CSP that arose by law in its place."""
    council_id: str = Slug
    """The new council whose area that CSP is for."""
    change_id: str = Slug
    """The directory change that ended it."""


# Variations are named "amend..." in event types: a type starting ".v" after the record name
# would be misread as a version suffix in schema file names (<type>.v<N>.json).
@event_type("merger.amendment_proposed")
class MergerVariationProposed(EventData):
    """The office proposed varying the agreement; the parties' words start afresh."""

    merger_id: str = Slug
    by_organisation: str = Slug
    revision: int = Field(ge=2)
    description: str = Field(min_length=1, max_length=10000)
    purposes: list[Purpose] = Field(min_length=1, max_length=3)
    cooperation_arrangements: str | None = Arrangements


@event_type("merger.termination_proposed")
class MergerTerminationProposed(EventData):
    """The office proposed ending the agreement on a date; the parties' words start afresh."""

    merger_id: str = Slug
    by_organisation: str = Slug
    revision: int = Field(ge=2)
    ends_on: date
    reason: str = Reason


@event_type("merger.change_withdrawn")
class MergerChangeWithdrawn(EventData):
    """The office withdrew a proposed variation or termination; the agreement stands."""

    merger_id: str = Slug
    by_organisation: str = Slug
    question: Question
    revision: int = Field(ge=2)
    reason: str = Reason


@event_type("merger.amended")
class MergerVaried(EventData):
    """Every party signed the variation: the agreement now reads as varied."""

    merger_id: str = Slug
    revision: int = Field(ge=2)
    agreed_on: date
    purposes: list[Purpose] = Field(min_length=1, max_length=3)
    cooperation_arrangements: str | None = Arrangements


@event_type("merger.terminated")
class MergerTerminated(EventData):
    """Every party signed the termination: the agreement ends on ``ends_on``."""

    merger_id: str = Slug
    revision: int = Field(ge=2)
    agreed_on: date
    ends_on: date
