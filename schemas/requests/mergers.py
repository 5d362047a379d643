"""Requests of CSP combination agreements (mergers) under CDA s.5(1A)-(1E) and s.5A: what the
proposing office and each party say.

Each constituent CSP's area, country and authorities, each area's policing body, the combined
CSP's id and which parties the directory does not hold are resolved by the handler
(``schemas.commands.mergers``).
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from schemas.commands import mergers as cmd
from schemas.events.directory import Name, Slug
from schemas.events.mergers import Arrangements, Purpose, Reason
from schemas.requests.base import ActionRequest, CallerRequest

Revision = Field(ge=1, description="the revision of the proposal you read")
OptionalReason = Field(default=None, min_length=1, max_length=2000)
Role = Field(min_length=1, max_length=200, description="the signatory's role")
DocumentTitle = Field(min_length=1, max_length=200, description="the signed document's title")
DocumentReference = Field(min_length=1, max_length=500,
                          description="a URL or a document reference the party can be held to")


class _Proposal(CallerRequest):
    """The content of a proposal."""

    csp_ids: list[str] = Field(max_length=20)
    purposes: list[Purpose] = Field(max_length=3)
    proposed_name: str = Name
    effective_date: date
    cooperation_arrangements: str | None = Arrangements
    requested_by_csp: str | None = Field(default=None, min_length=1, max_length=120)


class ProposeMergerRequest(_Proposal):
    """Propose combining two or more CSPs (the policing body's office)."""

    commands = (cmd.ProposeMerger,)

    area_id: str | None = Field(default=None, min_length=1, max_length=120,
                                pattern=r"^[a-z0-9][a-z0-9-]*$")


class ReviseMergerProposalRequest(_Proposal, ActionRequest):
    """Replace the proposal's content; every consent and refusal is cleared."""

    commands = (cmd.ReviseMergerProposal,)

    note: str | None = OptionalReason


class WithdrawMergerProposalRequest(ActionRequest):
    """Withdraw the proposal before the agreement is made."""

    commands = (cmd.WithdrawMergerProposal,)

    reason: str = Reason


class ConsentToMergerRequest(ActionRequest):
    """A party signs the question before it, for itself."""

    commands = (cmd.ConsentToMerger,)

    revision: int = Revision
    signatory: str = Name
    signatory_role: str = Role
    signed_on: date
    document_title: str = DocumentTitle
    document_reference: str = DocumentReference


class RefuseMergerRequest(ActionRequest):
    """A party refuses the question before it, for itself, with a reason."""

    commands = (cmd.RefuseMerger,)

    revision: int = Revision
    reason: str = Reason


class WithdrawMergerConsentRequest(ActionRequest):
    """A party withdraws its consent before the question is agreed."""

    commands = (cmd.WithdrawMergerConsent,)

    revision: int = Revision
    reason: str | None = OptionalReason


class RecordExternalConsentRequest(ActionRequest):
    """The office records the signature of a party that is not in the hub."""

    commands = (cmd.RecordExternalConsent,)

    party_id: str = Slug
    revision: int = Revision
    signatory: str = Name
    signatory_role: str = Role
    signed_on: date
    document_title: str = DocumentTitle
    document_reference: str = DocumentReference


class RecordExternalRefusalRequest(ActionRequest):
    """The office records the refusal of a party that is not in the hub."""

    commands = (cmd.RecordExternalRefusal,)

    party_id: str = Slug
    revision: int = Revision
    reason: str = Reason


class RecordExternalConsentWithdrawalRequest(ActionRequest):
    """The office records that a party not in the hub withdrew its consent."""

    commands = (cmd.RecordExternalConsentWithdrawal,)

    party_id: str = Slug
    revision: int = Revision
    reason: str | None = OptionalReason


class ProposeMergerVariationRequest(ActionRequest):
    """Propose varying a made agreement: its purposes or co-operation arrangements."""

    commands = (cmd.ProposeMergerVariation,)

    description: str = Field(min_length=1, max_length=10000)
    purposes: list[Purpose] = Field(max_length=3)
    cooperation_arrangements: str | None = Arrangements


class ProposeMergerTerminationRequest(ActionRequest):
    """Propose ending a made agreement on a date."""

    commands = (cmd.ProposeMergerTermination,)

    ends_on: date
    reason: str = Reason


class WithdrawMergerChangeRequest(ActionRequest):
    """Withdraw a proposed variation or termination; the agreement stands as it was."""

    commands = (cmd.WithdrawMergerChange,)

    reason: str = Reason
