"""Who may issue the commands of joint meetings (DOMAIN.md section 4).

Not England-only as a whole: voluntary meetings are held in Wales too; the decider refuses a
Welsh reg 14A meeting with ``meeting.reg14a_england_only``.
"""

from __future__ import annotations

from hub.access.policy import Rule, Who
from schemas.commands import Command
from schemas.commands import meetings as cmd

RULES: dict[type[Command], Rule] = {
    cmd.ConveneMeeting: Rule(Who.POLICING_BODY),
    cmd.RespondToMeeting: Rule(Who.ORGANISATION_ITSELF),
    cmd.PublishMeetingPapers: Rule(Who.POLICING_BODY),
    cmd.RescheduleMeeting: Rule(Who.POLICING_BODY),
    cmd.AmendMeeting: Rule(Who.POLICING_BODY),
    cmd.CancelMeeting: Rule(Who.POLICING_BODY),
    cmd.RecordMeetingHeld: Rule(Who.POLICING_BODY),
    cmd.DraftMeetingMinutes: Rule(Who.POLICING_BODY),
    cmd.ApproveMeetingMinutes: Rule(Who.POLICING_BODY),
    cmd.AssignMeetingAction: Rule(Who.POLICING_BODY),
    cmd.CompleteMeetingAction: Rule(Who.ORGANISATION_ITSELF),
    cmd.MarkMeetingHeld: Rule(Who.OPERATOR),
    cmd.SendMeetingReminder: Rule(Who.OPERATOR),
    cmd.SendActionReminder: Rule(Who.OPERATOR),
}
