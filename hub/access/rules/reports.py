"""Who may issue the commands of report requests (DOMAIN.md section 2, "Who acts").

Only the area's policing body office asks, and only it (the requester) answers extensions,
accepts, returns, publishes, closes or withdraws. The authorities act for themselves; the
decider then checks that the request is addressed to them. Overdue marking and reminders are
the hub's own scheduled commands.
"""

from __future__ import annotations

from hub.access.policy import Rule, Who
from hub.domain.powers import Power
from schemas.commands import Command
from schemas.commands import reports as cmd

RULES: dict[type[Command], Rule] = {
    cmd.RequireReport: Rule(Who.POLICING_BODY, power=Power.S7),
    cmd.AcknowledgeReport: Rule(Who.ORGANISATION_ITSELF),
    cmd.RequestExtension: Rule(Who.ORGANISATION_ITSELF),
    cmd.GrantExtension: Rule(Who.POLICING_BODY, power=Power.S7),
    cmd.RefuseExtension: Rule(Who.POLICING_BODY, power=Power.S7),
    cmd.SubmitReport: Rule(Who.ORGANISATION_ITSELF),
    cmd.ResubmitReport: Rule(Who.ORGANISATION_ITSELF),
    cmd.AcceptReport: Rule(Who.POLICING_BODY, power=Power.S7),
    cmd.ReturnReport: Rule(Who.POLICING_BODY, power=Power.S7),
    cmd.PublishReport: Rule(Who.POLICING_BODY, power=Power.S7),
    cmd.CloseReport: Rule(Who.POLICING_BODY, power=Power.S7),
    cmd.WithdrawReport: Rule(Who.POLICING_BODY, power=Power.S7),
    cmd.MarkReportOverdue: Rule(Who.OPERATOR),
    cmd.SendReportReminder: Rule(Who.OPERATOR),
    cmd.PassToSuccessors: Rule(Who.OPERATOR),
}
