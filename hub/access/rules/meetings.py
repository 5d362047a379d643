"""Who may issue the commands of joint meetings (DOMAIN.md section 4).

Not England-only as a whole: voluntary meetings are held in Wales too; the decider refuses a
Welsh reg 14A meeting with ``meeting.reg14a_england_only``.
"""

from __future__ import annotations

from hub.access.policy import Rule, Who
from schemas.commands import Command
from schemas.commands import meetings as cmd

RULES: dict[type[Command], Rule] = {
    # The decider says who convenes: the office (reg 14A only if its body holds the power), or
    # for a voluntary meeting any member organisation of the workspace; each acts for itself.
    cmd.ConveneMeeting: Rule(Who.ORGANISATION_ITSELF),
    cmd.RespondToMeeting: Rule(Who.ORGANISATION_ITSELF),
    # Only the meeting's keeper (the convenor's office) widens whom it reaches.
    cmd.InviteToMeeting: Rule(Who.KEEPER),
    cmd.PublishMeetingPapers: Rule(Who.KEEPER),
    cmd.RescheduleMeeting: Rule(Who.KEEPER),
    cmd.AmendMeeting: Rule(Who.KEEPER),
    cmd.CancelMeeting: Rule(Who.KEEPER),
    cmd.RecordMeetingHeld: Rule(Who.KEEPER),
    cmd.DraftMeetingMinutes: Rule(Who.KEEPER),
    cmd.ApproveMeetingMinutes: Rule(Who.KEEPER),
    cmd.AssignMeetingAction: Rule(Who.KEEPER),
    cmd.CompleteMeetingAction: Rule(Who.ORGANISATION_ITSELF),
    cmd.MarkMeetingHeld: Rule(Who.OPERATOR),
    cmd.SendMeetingReminder: Rule(Who.OPERATOR),
    cmd.SendActionReminder: Rule(Who.OPERATOR),
    cmd.PassMeetingToSuccessors: Rule(Who.OPERATOR),
}
