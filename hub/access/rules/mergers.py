"""Who may issue the commands of mergers (DOMAIN.md section 3; England only).

The office of the area's policing body proposes, revises, withdraws and enters the word of
parties outside the hub; every party in the hub gives its own word; the hub's scheduled job
records the effect.
"""

from __future__ import annotations

from hub.access.policy import Rule, Who
from hub.domain.powers import Power
from schemas.commands import Command
from schemas.commands import mergers as cmd

_OFFICE = Rule(Who.POLICING_BODY, england_only=True, power=Power.S5A)
"""The office of the area's policing body, exercising its s.5A power (England only)."""

RULES: dict[type[Command], Rule] = {
    cmd.ProposeMerger: _OFFICE,
    cmd.ReviseMergerProposal: _OFFICE,
    cmd.WithdrawMergerProposal: _OFFICE,
    cmd.ConsentToMerger: Rule(Who.ORGANISATION_ITSELF, england_only=True),
    cmd.RefuseMerger: Rule(Who.ORGANISATION_ITSELF, england_only=True),
    cmd.WithdrawMergerConsent: Rule(Who.ORGANISATION_ITSELF, england_only=True),
    cmd.RecordExternalConsent: _OFFICE,
    cmd.RecordExternalRefusal: _OFFICE,
    cmd.RecordExternalConsentWithdrawal: _OFFICE,
    cmd.ProposeMergerVariation: _OFFICE,
    cmd.ProposeMergerTermination: _OFFICE,
    cmd.WithdrawMergerChange: _OFFICE,
    cmd.TakeMergerEffect: Rule(Who.OPERATOR, england_only=True),
    cmd.TakeTerminationEffect: Rule(Who.OPERATOR, england_only=True),
    cmd.EndWithCombinedCsp: Rule(Who.OPERATOR, england_only=True),
}
