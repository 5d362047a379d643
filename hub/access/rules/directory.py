"""Who may change the directory: the hub's operators (and the demo loader, as the hub)."""

from __future__ import annotations

from hub.access.policy import Rule, Who
from schemas.commands import Command
from schemas.commands import directory as cmd

RULES: dict[type[Command], Rule] = {
    cmd.RegisterPoliceArea: Rule(Who.OPERATOR),
    cmd.AssignPolicingBody: Rule(Who.OPERATOR),
    cmd.TransferGovernance: Rule(Who.OPERATOR),
    cmd.RegisterOrganisation: Rule(Who.OPERATOR),
    cmd.RegisterCsp: Rule(Who.OPERATOR),
    cmd.ChangeCspAuthorities: Rule(Who.OPERATOR),
    cmd.EndCsp: Rule(Who.OPERATOR),
    cmd.CreateWorkspace: Rule(Who.POLICING_BODY),
    cmd.AddWorkspaceMember: Rule(Who.POLICING_BODY),
    cmd.RemoveWorkspaceMember: Rule(Who.POLICING_BODY),
    cmd.CloseWorkspace: Rule(Who.POLICING_BODY),
}
