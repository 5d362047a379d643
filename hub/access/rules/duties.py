"""Who may issue the commands of the Section 10 duty register (DOMAIN.md section 1).

Responsible authorities keep their own priorities and record their own regard to the police
and crime plan; the office of the area's policing body records its decisions, keeps the plan
and makes criminal justice arrangements, which each named criminal justice body agrees for
itself. The review date falling due is the hub's own scheduled command. None of these powers
is England-only: in Wales, devolved functions are marked and kept outside the duty instead.
"""

from __future__ import annotations

from hub.access.policy import Rule, Who
from hub.domain.powers import Power
from schemas.commands import Command
from schemas.commands import duties as cmd

RULES: dict[type[Command], Rule] = {
    cmd.RegisterPriority: Rule(Who.ORGANISATION_ITSELF),
    cmd.RevisePriority: Rule(Who.ORGANISATION_ITSELF),
    cmd.RetirePriority: Rule(Who.ORGANISATION_ITSELF),
    cmd.RecordDecision: Rule(Who.POLICING_BODY, power=Power.S10),
    cmd.NoteRegard: Rule(Who.POLICING_BODY, power=Power.S10),
    cmd.FinaliseDecision: Rule(Who.POLICING_BODY, power=Power.S10),
    cmd.RecordPlan: Rule(Who.POLICING_BODY, power=Power.S10),
    cmd.RevisePlan: Rule(Who.POLICING_BODY, power=Power.S10),
    cmd.RetirePlan: Rule(Who.POLICING_BODY, power=Power.S10),
    cmd.RecordStrategyRegard: Rule(Who.ORGANISATION_ITSELF),
    cmd.NoteObjectiveRegard: Rule(Who.ORGANISATION_ITSELF),
    cmd.MarkObjectiveDevolved: Rule(Who.ORGANISATION_ITSELF),
    cmd.FinaliseStrategyRegard: Rule(Who.ORGANISATION_ITSELF),
    cmd.DraftArrangement: Rule(Who.POLICING_BODY, power=Power.S10),
    cmd.AgreeArrangement: Rule(Who.ORGANISATION_ITSELF),
    cmd.ReviewArrangement: Rule(Who.POLICING_BODY, power=Power.S10),
    cmd.VaryArrangement: Rule(Who.POLICING_BODY, power=Power.S10),
    cmd.EndArrangement: Rule(Who.POLICING_BODY, power=Power.S10),
    cmd.MarkArrangementReviewDue: Rule(Who.OPERATOR),
    cmd.PassPriorityOn: Rule(Who.OPERATOR),
    cmd.PassStrategyRegardOn: Rule(Who.OPERATOR),
}
