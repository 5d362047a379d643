"""Who may issue the commands of mergers (DOMAIN.md section 3; England only).

The office of the area's policing body proposes, revises, withdraws and enters the word of
parties outside the hub; every party in the hub gives its own word; the hub's scheduled job
records the effect.
"""

from __future__ import annotations

from hub.access.policy import Rule, Who
from schemas.commands import Command
from schemas.commands import mergers as cmd

RULES: dict[type[Command], Rule] = {
    cmd.ProposeMerger: Rule(Who.POLICING_BODY, england_only=True),
    cmd.ReviseMergerProposal: Rule(Who.POLICING_BODY, england_only=True),
    cmd.WithdrawMergerProposal: Rule(Who.POLICING_BODY, england_only=True),
    cmd.ConsentToMerger: Rule(Who.ORGANISATION_ITSELF, england_only=True),
    cmd.RefuseMerger: Rule(Who.ORGANISATION_ITSELF, england_only=True),
    cmd.WithdrawMergerConsent: Rule(Who.ORGANISATION_ITSELF, england_only=True),
    cmd.RecordExternalConsent: Rule(Who.POLICING_BODY, england_only=True),
    cmd.RecordExternalRefusal: Rule(Who.POLICING_BODY, england_only=True),
    cmd.RecordExternalConsentWithdrawal: Rule(Who.POLICING_BODY, england_only=True),
    cmd.ProposeMergerVariation: Rule(Who.POLICING_BODY, england_only=True),
    cmd.ProposeMergerTermination: Rule(Who.POLICING_BODY, england_only=True),
    cmd.WithdrawMergerChange: Rule(Who.POLICING_BODY, england_only=True),
    cmd.TakeMergerEffect: Rule(Who.OPERATOR, england_only=True),
}
