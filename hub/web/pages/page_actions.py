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
    "acknowledge": PageAction(report_cmd.AcknowledgeReport, "Acknowledge the request",
                              "You acknowledged the request"),
    "extension-request": PageAction(report_cmd.RequestExtension, "Ask for more time",
                                    "You asked for more time"),
    "extension-grant": PageAction(report_cmd.GrantExtension, "Grant more time",
                                  "You granted more time: the new due date is shown below"),
    "extension-refusal": PageAction(report_cmd.RefuseExtension, "Refuse more time",
                                    "You refused more time: the due date stands"),
    "submit": PageAction(report_cmd.SubmitReport, "Submit the report", "You submitted the report",
                         also=(report_cmd.ResubmitReport,)),
    "accept": PageAction(report_cmd.AcceptReport, "Accept the report", "You accepted the report"),
    "return": PageAction(report_cmd.ReturnReport, "Return the report for more information",
                         "You returned the report"),
    "publish": PageAction(report_cmd.PublishReport, "Record that the report was published",
                          "You recorded the report's publication"),
    "close": PageAction(report_cmd.CloseReport, "Close the request", "You closed the request",
                        confirm="Are you sure you want to close this request?"),
    "withdraw": PageAction(report_cmd.WithdrawReport, "Withdraw the request",
                           "You withdrew the request",
                           confirm="Are you sure you want to withdraw this request?"),
}

MEETING_ACTIONS = {
    "respond": PageAction(meeting_cmd.RespondToMeeting, "Respond to the invitation",
                          "You responded to the invitation"),
    "papers": PageAction(meeting_cmd.PublishMeetingPapers, "Publish papers",
                         "You published the papers"),
    "reschedule": PageAction(meeting_cmd.RescheduleMeeting, "Reschedule the meeting",
                             "You rescheduled the meeting"),
    "amend": PageAction(meeting_cmd.AmendMeeting, "Change the details or agenda",
                        "You changed the meeting's details"),
    "cancel": PageAction(meeting_cmd.CancelMeeting, "Cancel the meeting",
                         "You cancelled the meeting",
                         confirm="Are you sure you want to cancel this meeting?"),
    "held": PageAction(meeting_cmd.RecordMeetingHeld, "Record that the meeting was held",
                       "You recorded that the meeting was held"),
    "minutes": PageAction(meeting_cmd.DraftMeetingMinutes, "Draft the minutes",
                          "You drafted the minutes"),
    "minutes-approval": PageAction(meeting_cmd.ApproveMeetingMinutes, "Approve the minutes",
                                   "You approved the minutes"),
    "actions": PageAction(meeting_cmd.AssignMeetingAction, "Assign an action",
                          "You assigned the action"),
    "action-completion": PageAction(meeting_cmd.CompleteMeetingAction, "Complete an action",
                                    "You marked the action as done"),
}

MERGER_ACTIONS = {
    "consent": PageAction(merger_cmd.ConsentToMerger, "Consent to the merger",
                          "You consented to the merger", offered_to=_may_consent,
                          from_record=REVISION),
    "refusal": PageAction(merger_cmd.RefuseMerger, "Refuse the merger",
                          "You refused the merger", offered_to=_may_refuse,
                          from_record=REVISION,
                          confirm="Are you sure you want to refuse this merger?"),
    "consent-withdrawal": PageAction(merger_cmd.WithdrawMergerConsent, "Withdraw your consent",
                                     "You withdrew your consent",
                                     offered_to=_may_withdraw_consent, from_record=REVISION,
                                     confirm="Are you sure you want to withdraw your consent?"),
    "revision": PageAction(merger_cmd.ReviseMergerProposal, "Revise the proposal",
                           "You revised the proposal: every party is asked to consent again",
                           offered_to=_is_proposer),
    "withdrawal": PageAction(merger_cmd.WithdrawMergerProposal, "Withdraw the proposal",
                             "You withdrew the proposal", offered_to=_is_proposer,
                             confirm="Are you sure you want to withdraw this proposal?"),
    "external-consent": PageAction(merger_cmd.RecordExternalConsent,
                                   "Record another area's consent",
                                   "You recorded the consent", offered_to=_has_external_parties,
                                   from_record=REVISION),
    "external-refusal": PageAction(merger_cmd.RecordExternalRefusal,
                                   "Record another area's refusal",
                                   "You recorded the refusal", offered_to=_has_external_parties,
                                   from_record=REVISION),
    "external-consent-withdrawal": PageAction(
        merger_cmd.RecordExternalConsentWithdrawal, "Record another area's withdrawn consent",
        "You recorded the withdrawn consent", offered_to=_has_external_parties,
        from_record=REVISION),
    "variation": PageAction(merger_cmd.ProposeMergerVariation, "Propose a variation",
                            "You proposed a variation", offered_to=_is_proposer),
    "termination": PageAction(merger_cmd.ProposeMergerTermination, "Propose ending the merger",
                              "You proposed ending the merger", offered_to=_is_proposer),
    "change-withdrawal": PageAction(merger_cmd.WithdrawMergerChange,
                                    "Withdraw the proposed change",
                                    "You withdrew the proposed change", offered_to=_is_proposer,
                                    confirm="Are you sure you want to withdraw this change?"),
}

DUTY_ACTIONS: dict[str, dict[str, PageAction]] = {
    "priorities": {
        "revise": PageAction(duty_cmd.RevisePriority, "Revise the priority",
                             "You revised the priority"),
        "retire": PageAction(duty_cmd.RetirePriority, "Retire the priority",
                             "You retired the priority",
                             confirm="Are you sure you want to retire this priority?"),
    },
    "regard-decisions": {
        "regard-notes": PageAction(duty_cmd.NoteRegard, "Note regard to a priority",
                                   "You noted regard to the priority"),
        "finalise": PageAction(duty_cmd.FinaliseDecision, "Finalise the decision",
                               "You finalised the decision"),
    },
    "police-crime-plans": {
        "revise": PageAction(duty_cmd.RevisePlan, "Revise the plan", "You revised the plan"),
        "retire": PageAction(duty_cmd.RetirePlan, "Retire the plan", "You retired the plan",
                             confirm="Are you sure you want to retire this plan?"),
    },
    "reciprocal-regards": {
        "objective-notes": PageAction(duty_cmd.NoteObjectiveRegard,
                                      "Note regard to an objective",
                                      "You noted regard to the objective"),
        # CDA s.6(1A) does not reach functions devolved to the Welsh Government.
        "devolved-objectives": PageAction(duty_cmd.MarkObjectiveDevolved,
                                          "Mark an objective as a devolved function",
                                          "You marked the objective as outside the duty"),
        "finalise": PageAction(duty_cmd.FinaliseStrategyRegard, "Finalise the record",
                               "You finalised the record"),
    },
    "cj-arrangements": {
        "agree": PageAction(duty_cmd.AgreeArrangement, "Agree the arrangement",
                            "You agreed the arrangement"),
        "review": PageAction(duty_cmd.ReviewArrangement, "Record a review",
                             "You recorded the review"),
        "vary": PageAction(duty_cmd.VaryArrangement, "Vary the terms", "You varied the terms"),
        "end": PageAction(duty_cmd.EndArrangement, "End the arrangement",
                          "You ended the arrangement",
                          confirm="Are you sure you want to end this arrangement?"),
    },
}
"""Each duty register collection's actions."""

DUTY_NAMES = {
    "priorities": ("relevant priority", "Register a relevant priority"),
    "regard-decisions": ("decision", "Record a decision"),
    "police-crime-plans": ("police and crime plan", "Record a police and crime plan"),
    "reciprocal-regards": ("regard to the plan", "Record regard to the police and crime plan"),
    "cj-arrangements": ("criminal justice arrangement", "Draft a criminal justice arrangement"),
}
"""Each duty register collection: one record in words, and its create form's title."""
