"""Who may change the directory.

Areas and their governance are the hub operators' (by CLI or the demo loader, as the hub);
an area's organisations, CSPs and workspaces are kept by the office of its policing body.
Roles within a workspace are set by its leads (and by admins, as :attr:`Who.WORKSPACE_LEAD`
says): a product choice, since the law knows organisations, not their people.
"""

from __future__ import annotations

from hub.access.policy import Rule, Who
from schemas.commands import Command
from schemas.commands import directory as cmd

RULES: dict[type[Command], Rule] = {
    cmd.RegisterPoliceArea: Rule(Who.OPERATOR),
    cmd.AssignPolicingBody: Rule(Who.OPERATOR),
    cmd.TransferGovernance: Rule(Who.OPERATOR),
    cmd.BringGovernanceIntoEffect: Rule(Who.OPERATOR),
    cmd.RecordReg14aPower: Rule(Who.OPERATOR),
    cmd.RecordCommencement: Rule(Who.OPERATOR),
    cmd.RegisterOrganisation: Rule(Who.POLICING_BODY),
    cmd.RegisterCsp: Rule(Who.POLICING_BODY),
    cmd.ChangeCspAuthorities: Rule(Who.POLICING_BODY),
    cmd.EndCsp: Rule(Who.POLICING_BODY),
    cmd.CreateWorkspace: Rule(Who.POLICING_BODY),
    cmd.AddWorkspaceMember: Rule(Who.POLICING_BODY),
    cmd.RemoveWorkspaceMember: Rule(Who.POLICING_BODY),
    cmd.CloseWorkspace: Rule(Who.POLICING_BODY),
    cmd.AssignWorkspaceRole: Rule(Who.WORKSPACE_LEAD),
    # An office records a change to its own area's organisations, as it registers them; the
    # hub carries it out on the date.
    cmd.RecordDirectoryChange: Rule(Who.POLICING_BODY),
    cmd.EndOrganisation: Rule(Who.OPERATOR),
    cmd.TakeDirectoryChangeEffect: Rule(Who.OPERATOR),
}
