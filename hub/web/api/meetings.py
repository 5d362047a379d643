"""The joint meetings API (reg 14A and voluntary) and the CSP mergers API (CDA s.5(1A)-(1E))."""

from __future__ import annotations

from hub.domain import meetings as meeting_rules
from hub.domain import mergers as merger_rules
from hub.handlers import meetings as meeting_handlers
from hub.handlers import mergers as merger_handlers
from hub.queries.meetings import MEETING_QUERIES
from hub.queries.mergers import MERGER_QUERIES
from hub.web.api.openapi import Query
from hub.web.api.records import Action, RecordApi

MEETINGS = RecordApi(
    collection="meetings", id_parameter="meeting_id",
    create=meeting_handlers.convene_meeting,
    actions=[
        Action("respond", meeting_handlers.respond_to_meeting),
        Action("papers", meeting_handlers.publish_meeting_papers),
        Action("reschedule", meeting_handlers.reschedule_meeting),
        Action("amend", meeting_handlers.amend_meeting),
        Action("cancel", meeting_handlers.cancel_meeting),
        Action("held", meeting_handlers.record_meeting_held),
        Action("minutes", meeting_handlers.draft_meeting_minutes),
        Action("minutes-approval", meeting_handlers.approve_meeting_minutes),
        Action("actions", meeting_handlers.assign_meeting_action),
        Action("action-completion", meeting_handlers.complete_meeting_action),
    ],
    get=MEETING_QUERIES.get, history=MEETING_QUERIES.history, list=MEETING_QUERIES.list,
    filters=[Query("area_id", "meetings of this police area"),
             Query("status", "any of these statuses (repeat the parameter)", "array")],
    errors=meeting_rules.ERRORS,
    tag="meetings",
)

MERGERS = RecordApi(
    collection="mergers", id_parameter="merger_id",
    create=merger_handlers.propose_merger,
    actions=[
        Action("revision", merger_handlers.revise_merger_proposal),
        Action("withdrawal", merger_handlers.withdraw_merger_proposal),
        Action("consent", merger_handlers.consent_to_merger),
        Action("refusal", merger_handlers.refuse_merger),
        Action("consent-withdrawal", merger_handlers.withdraw_merger_consent),
        Action("external-consent", merger_handlers.record_external_consent),
        Action("external-refusal", merger_handlers.record_external_refusal),
        Action("external-consent-withdrawal",
               merger_handlers.record_external_consent_withdrawal),
        Action("variation", merger_handlers.propose_merger_variation),
        Action("termination", merger_handlers.propose_merger_termination),
        Action("change-withdrawal", merger_handlers.withdraw_merger_change),
    ],
    get=MERGER_QUERIES.get, history=MERGER_QUERIES.history, list=MERGER_QUERIES.list,
    filters=[Query("area_id", "mergers of this police area"),
             Query("status", "any of these statuses (repeat the parameter)", "array")],
    errors=merger_rules.ERRORS,
    tag="mergers",
)

ROUTES = [*MEETINGS.routes(), *MERGERS.routes()]
