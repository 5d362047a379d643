"""The words a form uses for each field of a command: its label and hint, in plain English.

A command's field names are the API's (``csp_id``, ``starts_local``); people read these words
instead, and a unit test fails on a request field a form would show without them. Choices of
a few values that need explaining (formal or informal, the kind of meeting) are offered as
radios, each with a hint.
"""

from __future__ import annotations

from hub.i18n import N_

FIELDS: dict[str, tuple[str, str]] = {
    # Report requests (CDA s.7)
    "csp_id": (N_("Partnership"), ""),
    "kind": (N_("Kind"), ""),
    "title": (N_("Title"), ""),
    "matters": (N_("Matters to report on"), N_("Say what the report must cover")),
    "due_on": (N_("Due date"), N_("Leave blank for eight weeks from today")),
    "specified_form": (N_("The form the report must take"),
                       N_("For example, the length or the data tables to attach")),
    "not_satisfied_reasons": (
        N_("Why the information already given is not enough"),
        N_("For a formal requirement: the commissioner must be satisfied that the information "
        "the partnership has already given does not meet the need")),
    "proportionate_reasons": (
        N_("Why requiring the report is proportionate"),
        N_("For a formal requirement: the commissioner must be satisfied that requiring it is a "
        "proportionate way to get the information")),
    "s6_functions_confirmed": (
        N_("The matters relate to the authorities' crime and disorder, substance misuse, "
        "re-offending and serious violence strategies (section 6)"),
        N_("For a formal requirement: section 7 only reaches what the authorities do under "
        "section 6 of the Crime and Disorder Act 1998")),
    "publication_required": (
        N_("The authorities must arrange for the report to be published (section 7(3))"),
        N_("Optional, for a formal requirement. A copy of every report required under section 7 "
        "must be published in any case (the Specified Information Order)")),
    "devolved_functions_excluded": (
        N_("Leave out functions devolved to the Welsh Government (Welsh partnerships only)"), ""),
    "requested_due_on": (N_("New due date you are asking for"), ""),
    "text": (N_("Your report"), ""),
    "resubmission": (N_("This answers the commissioner's request for more information"), ""),
    "attachment_ids": (N_("Files"), ""),
    "published_on": (N_("Date published"), ""),
    "location": (N_("Where it was published"), N_("A web address, or where a copy can be read")),
    "reason": (N_("Reason"), ""),
    # Mergers (CDA s.5A)
    "csp_ids": (N_("Partnerships to combine"), N_("Choose two or more")),
    "purposes": (N_("Purposes of the combined partnership"), N_("Choose all that apply")),
    "proposed_name": (N_("Name of the combined partnership"), ""),
    "effective_date": (N_("Date it takes effect"), ""),
    "cooperation_arrangements": (N_("How the partners will co-operate"), ""),
    "requested_by_csp": (N_("Partnership that asked for the merger"), ""),
    "combined_csp_id": (N_("Short reference for the combined partnership"),
                        N_("Lower-case letters, numbers and hyphens. Leave blank to make one "
                        "from its name")),
    "area_id": (N_("Police area"), ""),
    "signatory": (N_("Name of the person who signed"), ""),
    "signatory_role": (N_("Their role"), N_("For example, Chief Executive")),
    "signed_on": (N_("Date signed"), ""),
    "document_title": (N_("Title of the signed agreement"), ""),
    "document_reference": (N_("Where the signed agreement is kept"),
                           N_("A file reference or web address")),
    "party_id": (N_("Party"), ""),
    "ends_on": (N_("Date it ends"), ""),
    "note": (N_("Note"), ""),
    # Meetings (reg 14A and voluntary)
    "starts_local": (N_("Starts"), N_("In London time")),
    "ends_local": (N_("Ends"), N_("In London time")),
    "place": (N_("Where"), N_("An address or room")),
    "online_link": (N_("Online meeting link"), N_("A web address starting with https://")),
    "purpose": (N_("Purpose"), ""),
    "invitations": (N_("Organisations invited"), ""),
    "organisation_id": (N_("Organisation"), ""),
    "workspace_id": (N_("Workspace"), ""),
    "owner_organisation_id": (N_("Organisation responsible"), ""),
    "action_id": (N_("Action"), ""),
    "response": (N_("Your response"), ""),
    "papers": (N_("Papers"), ""),
    "agenda": (N_("Agenda"), ""),
    "summary": (N_("Summary"), ""),
    # Duty register (PRSRA s.10)
    "devolved_function": (N_("This objective concerns a function devolved to the Welsh "
                          "Government (outside the duty)"), ""),
    "decided_on": (N_("Date of the decision"), ""),
    "next_review_on": (N_("Next review due"), ""),
    "review_on": (N_("Review due"), ""),
    "party_ids": (N_("Criminal justice bodies party to it"), N_("Choose all that apply")),
    "theme": (N_("Theme"), ""),
    "period": (N_("Period"), ""),
    "starts_on": (N_("Start date"), ""),
    "source": (N_("Source"), N_("The document the priority comes from")),
    "url": (N_("Web address"), N_("Optional. A web address starting with https://")),
    "description": (N_("Description"), ""),
    "objectives": (N_("Objectives"), ""),
    "objective_id": (N_("Objective"), ""),
    "plan_id": (N_("Police and crime plan"), ""),
    "priority_id": (N_("Priority"), ""),
    "strategy": (N_("Strategy"), ""),
    "reasons": (N_("Reasons"), N_("Why each item not considered was left out")),
    "key": (N_("Item"), ""),
    "value": (N_("Reason"), ""),
    "terms": (N_("Terms"), ""),
    "document_url": (N_("Web address of the signed agreement"),
                     N_("Optional. A web address starting with https://")),
    "outcome": (N_("Outcome"), ""),
    # Meetings, continued
    "required": (N_("Required"), N_("Attendance is required (reg 14A meetings only)")),
    "representatives": (N_("Representatives"), ""),
    "delegate": (N_("Delegate"), N_("Someone attending on your organisation's behalf")),
    "name": (N_("Name"), ""),
    "role": (N_("Role"), ""),
    "reference": (N_("Reference"), N_("A web address or file reference")),
    "document": (N_("Minutes document"), N_("Optional. A web address or file reference")),
    "draft": (N_("Draft"), N_("The number of the draft you read")),
    "revision": (N_("Version of the proposal you read"), ""),
    # The directory (admin)
    "area_ids": (N_("Police areas"), ""),
    "local_government_areas": (N_("Local government areas"), ""),
    "responsible_authorities": (N_("Responsible authorities"), ""),
    "valid_from": (N_("Date it starts"), ""),
}
"""Each field's label and hint, by the command's field name."""

CHOICES: dict[str, tuple[str, str]] = {
    "formal": (N_("Formal requirement (section 7)"),
               N_("Uses the commissioner's power under section 7 of the Crime and Disorder Act "
               "1998: the authorities must report. You must say why the information already "
               "given is not enough and why requiring the report is proportionate")),
    "informal": (N_("Informal request"),
                 N_("Asks the partnership for information without using the section 7 power")),
    "reg_14a": (N_("Reg 14A joint meeting"),
                N_("A meeting the commissioner may require the partnership's authorities to "
                "attend (regulation 14A)")),
    "voluntary": (N_("Voluntary meeting"), N_("Organisations attend if they choose to")),
}
"""The words and hints of choices that need explaining; a field with any is offered as radios."""
