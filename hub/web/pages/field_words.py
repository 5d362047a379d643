"""The words a form uses for each field of a command: its label and hint, in plain English.

A command's field names are the API's (``csp_id``, ``starts_local``); people read these words
instead. A field not listed here is labelled from its name. Choices of a few values that need
explaining (formal or informal, the kind of meeting) are offered as radios, each with a hint.
"""

from __future__ import annotations

FIELDS: dict[str, tuple[str, str]] = {
    # Report requests (CDA s.7)
    "csp_id": ("Partnership", ""),
    "kind": ("Kind", ""),
    "title": ("Title", ""),
    "matters": ("Matters to report on", "Say what the report must cover"),
    "due_on": ("Due date", "Leave blank for eight weeks from today"),
    "specified_form": ("The form the report must take",
                       "For example, the length or the data tables to attach"),
    "not_satisfied_reasons": (
        "Why the information already given is not enough",
        "For a formal requirement: the commissioner must be satisfied that the information "
        "the partnership has already given does not meet the need"),
    "proportionate_reasons": (
        "Why requiring the report is proportionate",
        "For a formal requirement: the commissioner must be satisfied that requiring it is a "
        "proportionate way to get the information"),
    "s6_functions_confirmed": (
        "The matters relate to the authorities' crime and disorder, substance misuse, "
        "re-offending and serious violence strategies (section 6)",
        "For a formal requirement: section 7 only reaches what the authorities do under "
        "section 6 of the Crime and Disorder Act 1998"),
    "publication_required": (
        "The authorities must arrange for the report to be published (section 7(3))",
        "Optional, for a formal requirement. A copy of every report required under section 7 "
        "must be published in any case (the Specified Information Order)"),
    "devolved_functions_excluded": (
        "Leave out functions devolved to the Welsh Government (Welsh partnerships only)", ""),
    "requested_due_on": ("New due date you are asking for", ""),
    "text": ("Your report", ""),
    "resubmission": ("This answers the commissioner's request for more information", ""),
    "attachment_ids": ("Files", ""),
    "published_on": ("Date published", ""),
    "location": ("Where it was published", "A web address, or where a copy can be read"),
    "reason": ("Reason", ""),
    # Mergers (CDA s.5A)
    "csp_ids": ("Partnerships to combine", "Choose two or more"),
    "purposes": ("Purposes of the combined partnership", "Choose all that apply"),
    "proposed_name": ("Name of the combined partnership", ""),
    "effective_date": ("Date it takes effect", ""),
    "cooperation_arrangements": ("How the partners will co-operate", ""),
    "requested_by_csp": ("Partnership that asked for the merger", ""),
    "combined_csp_id": ("Short reference for the combined partnership",
                        "Lower-case letters, numbers and hyphens. Leave blank to make one "
                        "from its name"),
    "area_id": ("Police area", ""),
    "signatory": ("Name of the person who signed", ""),
    "signatory_role": ("Their role", "For example, Chief Executive"),
    "signed_on": ("Date signed", ""),
    "document_title": ("Title of the signed agreement", ""),
    "document_reference": ("Where the signed agreement is kept",
                           "A file reference or web address"),
    "party_id": ("Party", ""),
    "ends_on": ("Date it ends", ""),
    "note": ("Note", ""),
    # Meetings (reg 14A and voluntary)
    "starts_local": ("Starts", "In London time"),
    "ends_local": ("Ends", "In London time"),
    "place": ("Where", "An address or room"),
    "online_link": ("Online meeting link", "A web address starting with https://"),
    "purpose": ("Purpose", ""),
    "invitations": ("Organisations invited", ""),
    "organisation_id": ("Organisation", ""),
    "workspace_id": ("Workspace", ""),
    "owner_organisation_id": ("Organisation responsible", ""),
    "action_id": ("Action", ""),
    "response": ("Your response", ""),
    "papers": ("Papers", ""),
    "agenda": ("Agenda", ""),
    "summary": ("Summary", ""),
    # Duty register (PRSRA s.10)
    "devolved_function": ("This objective concerns a function devolved to the Welsh "
                          "Government (outside the duty)", ""),
    "decided_on": ("Date of the decision", ""),
    "next_review_on": ("Next review due", ""),
    "review_on": ("Review due", ""),
    "party_ids": ("Criminal justice bodies party to it", "Choose all that apply"),
}
"""Each field's label and hint, by the command's field name."""

CHOICES: dict[str, tuple[str, str]] = {
    "formal": ("Formal requirement (section 7)",
               "Uses the commissioner's power under section 7 of the Crime and Disorder Act "
               "1998: the authorities must report. You must say why the information already "
               "given is not enough and why requiring the report is proportionate"),
    "informal": ("Informal request",
                 "Asks the partnership for information without using the section 7 power"),
    "reg_14a": ("Reg 14A joint meeting",
                "A meeting the commissioner may require the partnership's authorities to "
                "attend (regulation 14A)"),
    "voluntary": ("Voluntary meeting", "Organisations attend if they choose to"),
}
"""The words and hints of choices that need explaining; a field with any is offered as radios."""
