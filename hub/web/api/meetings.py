"""The joint meetings API (reg 14A and voluntary) and the CSP mergers API (CDA s.5(1A)-(1E))."""

from __future__ import annotations

from hub.domain import meetings as meeting_rules
from hub.domain import mergers as merger_rules
from hub.handlers import meetings as meeting_handlers
from hub.handlers import mergers as merger_handlers
from hub.queries.meetings import MEETING_QUERIES
from hub.queries.mergers import MERGER_QUERIES
from hub.web.api.openapi import Query
from hub.web.api.records import Action, Create, RecordApi, row_model
from schemas.requests import meetings as meeting_requests
from schemas.requests import mergers as merger_requests

MEETINGS = RecordApi(
    collection="meetings", id_parameter="meeting_id",
    create=Create(meeting_handlers.convene_meeting, meeting_requests.ConveneMeetingRequest),
    actions=[
        Action("respond", meeting_handlers.respond_to_meeting,
               meeting_requests.RespondToMeetingRequest),
        Action("invitations", meeting_handlers.invite_to_meeting,
               meeting_requests.InviteToMeetingRequest),
        Action("papers", meeting_handlers.publish_meeting_papers,
               meeting_requests.PublishMeetingPapersRequest),
        Action("reschedule", meeting_handlers.reschedule_meeting,
               meeting_requests.RescheduleMeetingRequest),
        Action("amend", meeting_handlers.amend_meeting,
               meeting_requests.AmendMeetingRequest),
        Action("cancel", meeting_handlers.cancel_meeting,
               meeting_requests.CancelMeetingRequest),
        Action("held", meeting_handlers.record_meeting_held,
               meeting_requests.RecordMeetingHeldRequest),
        Action("minutes", meeting_handlers.draft_meeting_minutes,
               meeting_requests.DraftMeetingMinutesRequest),
        Action("minutes-approval", meeting_handlers.approve_meeting_minutes,
               meeting_requests.ApproveMeetingMinutesRequest),
        Action("actions", meeting_handlers.assign_meeting_action,
               meeting_requests.AssignMeetingActionRequest),
        Action("action-completion", meeting_handlers.complete_meeting_action,
               meeting_requests.CompleteMeetingActionRequest),
    ],
    get=MEETING_QUERIES.get, history=MEETING_QUERIES.history, list=MEETING_QUERIES.list,
    record=row_model("Meeting", MEETING_QUERIES.table,
                     [c.name for c in MEETING_QUERIES.children]),
    filters=[Query("area_id", "meetings of this police area"),
             Query("status", "any of these statuses (repeat the parameter)", "array")],
    errors=meeting_rules.ERRORS,
    tag="meetings",
)

MERGERS = RecordApi(
    collection="mergers", id_parameter="merger_id",
    create=Create(merger_handlers.propose_merger, merger_requests.ProposeMergerRequest),
    actions=[
        Action("revision", merger_handlers.revise_merger_proposal,
               merger_requests.ReviseMergerProposalRequest),
        Action("withdrawal", merger_handlers.withdraw_merger_proposal,
               merger_requests.WithdrawMergerProposalRequest),
        Action("consent", merger_handlers.consent_to_merger,
               merger_requests.ConsentToMergerRequest),
        Action("refusal", merger_handlers.refuse_merger,
               merger_requests.RefuseMergerRequest),
        Action("consent-withdrawal", merger_handlers.withdraw_merger_consent,
               merger_requests.WithdrawMergerConsentRequest),
        Action("external-consent", merger_handlers.record_external_consent,
               merger_requests.RecordExternalConsentRequest),
        Action("external-refusal", merger_handlers.record_external_refusal,
               merger_requests.RecordExternalRefusalRequest),
        Action("external-consent-withdrawal",
               merger_handlers.record_external_consent_withdrawal,
               merger_requests.RecordExternalConsentWithdrawalRequest),
        Action("variation", merger_handlers.propose_merger_variation,
               merger_requests.ProposeMergerVariationRequest),
        Action("termination", merger_handlers.propose_merger_termination,
               merger_requests.ProposeMergerTerminationRequest),
        Action("change-withdrawal", merger_handlers.withdraw_merger_change,
               merger_requests.WithdrawMergerChangeRequest),
    ],
    get=MERGER_QUERIES.get, history=MERGER_QUERIES.history, list=MERGER_QUERIES.list,
    record=row_model("Merger", MERGER_QUERIES.table, [c.name for c in MERGER_QUERIES.children]),
    filters=[Query("area_id", "mergers of this police area"),
             Query("status", "any of these statuses (repeat the parameter)", "array")],
    errors=merger_rules.ERRORS,
    tag="mergers",
)

ROUTES = [*MEETINGS.routes(), *MERGERS.routes()]
