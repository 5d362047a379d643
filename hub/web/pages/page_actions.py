"""What each record page offers, declared: every action names its command, its words, what the
page says once it is done, and whether it asks for confirmation first.

Nothing here is derived from a handler's name or signature: an action a record page offers is
one listed here, the access policy (:func:`hub.access.policy.rules`) says who may issue its
command, the record type's ``open_to`` which commands its state admits, and an action's own
``offered_to`` (when it has one) which organisations the record makes it open to, such as a
merger's parties that have not yet consented.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from hub.i18n import N_
from schemas.commands import duties as duty_cmd
from schemas.commands import meetings as meeting_cmd
from schemas.commands import mergers as merger_cmd
from schemas.commands import reports as report_cmd
from schemas.commands.base import Command

OfferedTo = Callable[[Mapping[str, Any], str], bool]
"""Given the record (as its page reads it) and an organisation: whether the record makes the
action open to that organisation."""


@dataclass(frozen=True)
class PageAction:
    """One action of a record page."""

    command: type[Command]
    """The command the action issues (its rule in the access policy says who may)."""
    label: str
    """The action in words, on its button and as its section's heading."""
    done: str
    """What the page says once it is done, e.g. "You acknowledged the request"."""
    confirm: str = ""
    """For an action that cannot be undone: the question asked before it is taken."""
    offered_to: OfferedTo | None = None
    """Which organisations the record makes the action open to; None: the policing body's
    office takes the policing body's actions, and any other organisation its own."""
    from_record: Mapping[str, str] | None = None
    """Fields the page fills in from the record and sends unseen (a consent's ``revision`` is
    the record's), by field name: the record's key."""
    own_page: bool = False
    """Whether the action is a question page of its own, linked from the record's page,
    rather than a form on it (for a question with many choices, such as whom to invite)."""
    also: tuple[type[Command], ...] = ()
    """Further commands the same form issues, by the record's state (a report submitted after
    a return is resubmitted): the action is offered while any of them is open."""


def _party_word(record: Mapping[str, Any], organisation_id: str) -> list[str | None]:
    """The standing words of the merger parties ``organisation_id`` speaks for."""
    return [
        p.get("word") for p in record.get("parties") or ()
        if p.get("organisation_id") == organisation_id and not p.get("external")
    ]


def _may_consent(record: Mapping[str, Any], organisation_id: str) -> bool:
    return any(word != "consented" for word in _party_word(record, organisation_id))


def _may_refuse(record: Mapping[str, Any], organisation_id: str) -> bool:
    return any(word != "refused" for word in _party_word(record, organisation_id))


def _may_withdraw_consent(record: Mapping[str, Any], organisation_id: str) -> bool:
    return "consented" in _party_word(record, organisation_id)


def _is_proposer(record: Mapping[str, Any], organisation_id: str) -> bool:
    return record.get("proposer_id") == organisation_id


def _has_external_parties(record: Mapping[str, Any], organisation_id: str) -> bool:
    return _is_proposer(record, organisation_id) and any(
        p.get("external") for p in record.get("parties") or ()
    )


REVISION = {"revision": "revision"}

REPORT_ACTIONS = {
    "acknowledge": PageAction(report_cmd.AcknowledgeReport, N_("Acknowledge the request"),
                              N_("You acknowledged the request")),
    "extension-request": PageAction(report_cmd.RequestExtension, N_("Ask for more time"),
                                    N_("You asked for more time")),
    "extension-grant": PageAction(report_cmd.GrantExtension, N_("Grant more time"),
                                  N_("You granted more time: the new due date is shown below")),
    "extension-refusal": PageAction(report_cmd.RefuseExtension, N_("Refuse more time"),
                                    N_("You refused more time: the due date stands")),
    "submit": PageAction(report_cmd.SubmitReport, N_("Submit the report"),
                         N_("You submitted the report"), also=(report_cmd.ResubmitReport,)),
    "accept": PageAction(report_cmd.AcceptReport, N_("Accept the report"),
                         N_("You accepted the report")),
    "return": PageAction(report_cmd.ReturnReport, N_("Return the report for more information"),
                         N_("You returned the report")),
    "publish": PageAction(report_cmd.PublishReport, N_("Record that the report was published"),
                          N_("You recorded the report's publication")),
    "close": PageAction(report_cmd.CloseReport, N_("Close the request"),
                        N_("You closed the request"),
                        confirm=N_("Are you sure you want to close this request?")),
    "withdraw": PageAction(report_cmd.WithdrawReport, N_("Withdraw the request"),
                           N_("You withdrew the request"),
                           confirm=N_("Are you sure you want to withdraw this request?")),
}

MEETING_ACTIONS = {
    "respond": PageAction(meeting_cmd.RespondToMeeting, N_("Respond to the invitation"),
                          N_("You responded to the invitation")),
    "invitations": PageAction(meeting_cmd.InviteToMeeting, N_("Invite more organisations"),
                              N_("You invited more organisations: each has been sent the "
                                 "invitation"), own_page=True),
    "papers": PageAction(meeting_cmd.PublishMeetingPapers, N_("Publish papers"),
                         N_("You published the papers")),
    "reschedule": PageAction(meeting_cmd.RescheduleMeeting, N_("Reschedule the meeting"),
                             N_("You rescheduled the meeting")),
    "amend": PageAction(meeting_cmd.AmendMeeting, N_("Change the details or agenda"),
                        N_("You changed the meeting's details")),
    "cancel": PageAction(meeting_cmd.CancelMeeting, N_("Cancel the meeting"),
                         N_("You cancelled the meeting"),
                         confirm=N_("Are you sure you want to cancel this meeting?")),
    "held": PageAction(meeting_cmd.RecordMeetingHeld, N_("Record that the meeting was held"),
                       N_("You recorded that the meeting was held")),
    "minutes": PageAction(meeting_cmd.DraftMeetingMinutes, N_("Draft the minutes"),
                          N_("You drafted the minutes")),
    "minutes-approval": PageAction(meeting_cmd.ApproveMeetingMinutes, N_("Approve the minutes"),
                                   N_("You approved the minutes")),
    "actions": PageAction(meeting_cmd.AssignMeetingAction, N_("Assign an action"),
                          N_("You assigned the action")),
    "action-completion": PageAction(meeting_cmd.CompleteMeetingAction, N_("Complete an action"),
                                    N_("You marked the action as done")),
}

MERGER_ACTIONS = {
    "consent": PageAction(merger_cmd.ConsentToMerger, N_("Consent to the merger"),
                          N_("You consented to the merger"), offered_to=_may_consent,
                          from_record=REVISION),
    "refusal": PageAction(merger_cmd.RefuseMerger, N_("Refuse the merger"),
                          N_("You refused the merger"), offered_to=_may_refuse,
                          from_record=REVISION,
                          confirm=N_("Are you sure you want to refuse this merger?")),
    "consent-withdrawal": PageAction(merger_cmd.WithdrawMergerConsent, N_("Withdraw your consent"),
                                     N_("You withdrew your consent"),
                                     offered_to=_may_withdraw_consent, from_record=REVISION,
                                     confirm=N_("Are you sure you want to withdraw your consent?")),
    "revision": PageAction(merger_cmd.ReviseMergerProposal, N_("Revise the proposal"),
                           N_("You revised the proposal: every party is asked to consent again"),
                           offered_to=_is_proposer),
    "withdrawal": PageAction(merger_cmd.WithdrawMergerProposal, N_("Withdraw the proposal"),
                             N_("You withdrew the proposal"), offered_to=_is_proposer,
                             confirm=N_("Are you sure you want to withdraw this proposal?")),
    "external-consent": PageAction(merger_cmd.RecordExternalConsent,
                                   N_("Record another area's consent"),
                                   N_("You recorded the consent"), offered_to=_has_external_parties,
                                   from_record=REVISION),
    "external-refusal": PageAction(merger_cmd.RecordExternalRefusal,
                                   N_("Record another area's refusal"),
                                   N_("You recorded the refusal"), offered_to=_has_external_parties,
                                   from_record=REVISION),
    "external-consent-withdrawal": PageAction(
        merger_cmd.RecordExternalConsentWithdrawal, N_("Record another area's withdrawn consent"),
        N_("You recorded the withdrawn consent"), offered_to=_has_external_parties,
        from_record=REVISION),
    "variation": PageAction(merger_cmd.ProposeMergerVariation, N_("Propose a variation"),
                            N_("You proposed a variation"), offered_to=_is_proposer),
    "termination": PageAction(merger_cmd.ProposeMergerTermination, N_("Propose ending the merger"),
                              N_("You proposed ending the merger"), offered_to=_is_proposer),
    "change-withdrawal": PageAction(merger_cmd.WithdrawMergerChange,
                                    N_("Withdraw the proposed change"),
                                    N_("You withdrew the proposed change"), offered_to=_is_proposer,
                                    confirm=N_("Are you sure you want to withdraw this change?")),
}

DUTY_ACTIONS: dict[str, dict[str, PageAction]] = {
    "priorities": {
        "revise": PageAction(duty_cmd.RevisePriority, N_("Revise the priority"),
                             N_("You revised the priority")),
        "retire": PageAction(duty_cmd.RetirePriority, N_("Retire the priority"),
                             N_("You retired the priority"),
                             confirm=N_("Are you sure you want to retire this priority?")),
    },
    "regard-decisions": {
        "regard-notes": PageAction(duty_cmd.NoteRegard, N_("Note regard to a priority"),
                                   N_("You noted regard to the priority")),
        "finalise": PageAction(duty_cmd.FinaliseDecision, N_("Finalise the decision"),
                               N_("You finalised the decision")),
    },
    "police-crime-plans": {
        "revise": PageAction(duty_cmd.RevisePlan, N_("Revise the plan"),
                             N_("You revised the plan")),
        "retire": PageAction(duty_cmd.RetirePlan, N_("Retire the plan"), N_("You retired the plan"),
                             confirm=N_("Are you sure you want to retire this plan?")),
    },
    "reciprocal-regards": {
        "objective-notes": PageAction(duty_cmd.NoteObjectiveRegard,
                                      N_("Note regard to an objective"),
                                      N_("You noted regard to the objective")),
        # CDA s.6(1A) does not reach functions devolved to the Welsh Government.
        "devolved-objectives": PageAction(duty_cmd.MarkObjectiveDevolved,
                                          N_("Mark an objective as a devolved function"),
                                          N_("You marked the objective as outside the duty")),
        "finalise": PageAction(duty_cmd.FinaliseStrategyRegard, N_("Finalise the record"),
                               N_("You finalised the record")),
    },
    "cj-arrangements": {
        "agree": PageAction(duty_cmd.AgreeArrangement, N_("Agree the arrangement"),
                            N_("You agreed the arrangement")),
        "review": PageAction(duty_cmd.ReviewArrangement, N_("Record a review"),
                             N_("You recorded the review")),
        "vary": PageAction(duty_cmd.VaryArrangement, N_("Vary the terms"),
                           N_("You varied the terms")),
        "end": PageAction(duty_cmd.EndArrangement, N_("End the arrangement"),
                          N_("You ended the arrangement"),
                          confirm=N_("Are you sure you want to end this arrangement?")),
    },
}
"""Each duty register collection's actions."""

DUTY_NAMES = {
    "priorities": (N_("relevant priority"), N_("Register a relevant priority")),
    "regard-decisions": (N_("decision"), N_("Record a decision")),
    "police-crime-plans": (N_("police and crime plan"), N_("Record a police and crime plan")),
    "reciprocal-regards": (N_("regard to the plan"),
                           N_("Record regard to the police and crime plan")),
    "cj-arrangements": (N_("criminal justice arrangement"),
                        N_("Draft a criminal justice arrangement")),
}
"""Each duty register collection: one record in words, and its create form's title (both
translated where shown)."""
