"""Coded values in words: what a page shows for a theme, a kind of organisation or a role.

A value such as ``substance_misuse`` is data; a person reads "Misuse of drugs, alcohol and other
substances", in their own language. Every coded value a form offers or a page shows has its
words here, marked for the catalogue and translated where shown (:func:`value_words`), so that
no page makes words of a value by replacing its underscores. A unit test checks that each
value of the enumerations pages show has words here.
"""

from __future__ import annotations

from hub.i18n import N_, gettext

VALUE_WORDS: dict[str, str] = {
    # Relevant priorities' themes (PRSRA s.10(4)), and where a priority comes from.
    "crime_and_disorder": N_("Crime and disorder, including anti-social behaviour"),
    "substance_misuse": N_("Misuse of drugs, alcohol and other substances"),
    "reoffending": N_("Re-offending"),
    "serious_violence": N_("Serious violence"),
    "strategic_assessment": N_("Strategic assessment"),
    "partnership_plan": N_("Partnership plan"),
    # The policing body's decisions the register records regard for.
    "plan": N_("Police and crime plan"),
    "plan_variation": N_("Variation of the police and crime plan"),
    "grant": N_("Crime and disorder reduction grant"),
    "commissioning": N_("Commissioning decision"),
    "budget": N_("Budget"),
    "other": N_("Other"),
    # Kinds of organisation.
    "policing_body_office": N_("Policing body's office"),
    "police_force": N_("Police force"),
    "county_council": N_("County council"),
    "district_council": N_("District council"),
    "unitary_council": N_("Unitary council"),
    "fire_and_rescue_authority": N_("Fire and rescue authority"),
    "integrated_care_board": N_("Integrated care board"),
    "local_health_board": N_("Local health board"),
    "probation_provider": N_("Probation provider"),
    "youth_offending_team": N_("Youth offending team"),
    "cps": N_("Crown Prosecution Service"),
    "courts": N_("Courts"),
    "prisons": N_("Prisons"),
    "voluntary": N_("Voluntary sector"),
    # Answers to a meeting's invitation.
    "attending": N_("Attending"),
    "delegating": N_("Sending a delegate"),
    "declining": N_("Declining"),
    # A person's role in their organisation or in a workspace, and what an API client's token
    # may do.
    "admin": N_("Admin"),
    "member": N_("Member"),
    "lead": N_("Lead"),
    "observer": N_("Observer"),
    "viewer": N_("Viewer"),
    "read_events": N_("Read events"),
    "manage_webhooks": N_("Manage webhooks"),
    "act": N_("Act"),
    # A webhook endpoint's state, and a message's delivery.
    "pending": N_("Pending"),
    "active": N_("Active"),
    "disabled": N_("Disabled"),
    "delivered": N_("Delivered"),
    "failed": N_("Failed"),
    "sending": N_("Sending"),
    "abandoned": N_("Abandoned"),
    # Where a criminal justice arrangement stands, and a report request (a refusal names them).
    "drafted": N_("Drafted"),
    "in_force": N_("In force"),
    "review_due": N_("Review due"),
    "varied": N_("Varied"),
    "ended": N_("Ended"),
    "required": N_("Required"),
    "acknowledged": N_("Acknowledged"),
    "extension_requested": N_("More time asked for"),
    "submitted": N_("Submitted"),
    "returned": N_("Returned for more information"),
    "accepted": N_("Accepted"),
    "closed": N_("Closed"),
    "withdrawn": N_("Withdrawn"),
    # Leave a meeting's detail as it is.
    "keep": N_("Keep as it is"),
}
"""Each coded value's words, translated where shown."""


def value_words(value: object) -> str:
    """A coded value in words, in the reader's language; a value with none here reads as
    itself, with spaces for underscores."""
    text = str(getattr(value, "value", value))
    if text in VALUE_WORDS:
        return gettext(VALUE_WORDS[text])
    return text.replace("_", " ")
