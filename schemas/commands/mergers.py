"""Commands of CSP combination agreements (mergers) under CDA s.5(1A)-(1E) and s.5A.

Facts from the directory (each constituent CSP's area, country and authorities, each area's
policing body, which parties are not in the hub) are resolved by the handler and carried here,
so the decider stays pure. ``by_organisation`` is the acting organisation, set by the hub from
the signed-in actor, never from a request body.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from schemas.commands.base import Command, Resolved
from schemas.events.directory import Country, Name, Slug
from schemas.events.mergers import Arrangements, Purpose, Reason, SignedDocument


class CspFacts(BaseModel):
    """A constituent CSP as the directory holds it today."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    csp_id: str = Slug
    name: str = Name
    area_id: str = Slug
    country: Country
    local_government_areas: list[str] = Field(min_length=1, max_length=20)
    responsible_authorities: list[str] = Field(min_length=1, max_length=50)
    ended: bool = False


class PolicingBodyFact(BaseModel):
    """Which office holds a police area's PCC functions today."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    area_id: str = Slug
    organisation_id: str = Slug


class _ProposalContent(Command):
    """The content of a proposal, with the directory facts it depends on."""

    merger_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    area_id: str = Slug
    constituents: Resolved[list[CspFacts]] = Field(max_length=20)
    purposes: list[Purpose] = Field(max_length=3)
    proposed_name: str = Name
    combined_csp_id: Resolved[str] = Slug
    effective_date: date
    cooperation_arrangements: str | None = Arrangements
    requested_by_csp: str | None = Field(default=None, min_length=1, max_length=120)
    policing_bodies: Resolved[list[PolicingBodyFact]] = Field(max_length=50)
    unregistered_organisations: Resolved[list[str]] = Field(default_factory=list, max_length=200)
    """Parties the directory does not hold: their word is entered by the office."""


class ProposeMerger(_ProposalContent):
    """Propose combining two or more CSPs (the policing body's office)."""


class ReviseMergerProposal(_ProposalContent):
    """Replace the proposal's content; every consent and refusal is cleared."""

    note: str | None = Field(default=None, min_length=1, max_length=2000)


class WithdrawMergerProposal(Command):
    """Withdraw the proposal before the agreement is made."""

    merger_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    reason: str = Reason


class _Word(Command):
    """A party's word on the question before it, at the revision the party read."""

    merger_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    revision: int = Field(ge=1)
    policing_body_of: Resolved[list[str]] = Field(default_factory=list, max_length=50)
    """Areas whose PCC functions ``by_organisation`` holds today (resolved by the handler)."""


class _Signature(BaseModel):
    """Who signed, in what capacity, when, and the document signed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    signatory: str = Name
    signatory_role: str = Field(min_length=1, max_length=200)
    signed_on: date
    document: SignedDocument


class ConsentToMerger(_Word, _Signature):
    """A party signs the question before it, for itself."""


class RefuseMerger(_Word):
    """A party refuses the question before it, for itself, with a reason."""

    reason: str = Reason


class WithdrawMergerConsent(_Word):
    """A party withdraws its consent before the question is agreed."""

    reason: str | None = Field(default=None, min_length=1, max_length=2000)


class _ExternalWord(Command):
    """The office enters the word of a party that is not in the hub."""

    merger_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    party_id: str = Slug
    revision: int = Field(ge=1)


class RecordExternalConsent(_ExternalWord, _Signature):
    """The office records an external party's signature."""


class RecordExternalRefusal(_ExternalWord):
    """The office records an external party's refusal."""

    reason: str = Reason


class RecordExternalConsentWithdrawal(_ExternalWord):
    """The office records an external party's withdrawal of consent."""

    reason: str | None = Field(default=None, min_length=1, max_length=2000)


class ProposeMergerVariation(Command):
    """Propose varying a made agreement: its purposes or co-operation arrangements."""

    merger_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    description: str = Field(min_length=1, max_length=10000)
    purposes: list[Purpose] = Field(max_length=3)
    cooperation_arrangements: str | None = Arrangements


class ProposeMergerTermination(Command):
    """Propose ending a made agreement on a date."""

    merger_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    ends_on: date
    reason: str = Reason


class WithdrawMergerChange(Command):
    """Withdraw a proposed variation or termination; the agreement stands as it was."""

    merger_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    reason: str = Reason


class TakeMergerEffect(Command):
    """Record that the combination took effect (issued by the hub's scheduled job).

    Carries the effective date it was scheduled for, so a job for a superseded date does
    nothing.
    """

    merger_id: Resolved[str] = Slug
    effective_date: date


class TakeTerminationEffect(Command):
    """Record that the agreement's termination took effect (the hub's scheduled job): the
    combined CSP ends and a CSP is re-registered for each local government area.

    Carries the date it was scheduled for, so a job for a superseded date does nothing.
    """

    merger_id: Resolved[str] = Slug
    ends_on: date


class EndWithCombinedCsp(Command):
    """The combined CSP ended by law (issued by the hub when a directory change takes effect):
    the CSP for a new council's area arose in its place, and the agreement ends with it."""

    merger_id: Resolved[str] = Slug
    combined_csp_id: str = Slug
    csp_ended_on: date
    """The combined CSP's last day."""
    succeeded_by: str = Slug
    """The CSP that arose by law in its place."""
    council_id: str = Slug
    """The new council whose area that CSP is for."""
    change_id: str = Slug
