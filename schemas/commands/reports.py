"""Commands of report requests under CDA s.7.

Fields marked ``Resolved`` are facts a handler looks up (the CSP's area and responsible
authorities, the area's country and current policing body office, stored attachments) so that
the decider stays pure; callers never supply them.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from schemas.commands.base import Command, Resolved
from schemas.events.directory import Country, Name, PolicingBodyKind, Slug, Succession
from schemas.events.reports import (
    AttachmentRef,
    Attachments,
    Authorities,
    OptionalText,
    ReportKind,
    ReportText,
    Text,
)


class RequireReport(Command):
    """Ask the responsible authorities of a CSP for a report (formal s.7 or informal)."""

    request_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    csp_id: str = Slug
    kind: ReportKind
    title: str = Name
    matters: str = Text
    specified_form: str | None = OptionalText
    not_satisfied_reasons: str | None = OptionalText
    proportionate_reasons: str | None = OptionalText
    s6_functions_confirmed: bool = False
    """The requester confirms the matters relate to the authorities' s.6 functions (formal)."""
    publication_required: bool = False
    """s.7(3): the authorities must arrange for the report to be published (formal only)."""
    devolved_functions_excluded: bool = False
    due_on: date
    area_id: Resolved[str] = Slug
    country: Resolved[Country]
    policing_body_id: Resolved[str] = Slug
    policing_body_kind: Resolved[PolicingBodyKind]
    addressed: Resolved[list[str]] = Authorities
    csp_valid_to: Resolved[date | None] = None


class AcknowledgeReport(Command):
    """An addressed authority acknowledges the request."""

    request_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug


class RequestExtension(Command):
    """An addressed authority asks for a later due date."""

    request_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    requested_due_on: date
    reason: str = Text


class GrantExtension(Command):
    """The requester grants the extension asked for (or sets another later date)."""

    request_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    due_on: date | None = None
    policing_body_id: Resolved[str] = Slug


class RefuseExtension(Command):
    """The requester refuses the extension; the due date stands."""

    request_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    reason: str = Text
    policing_body_id: Resolved[str] = Slug


class SubmitReport(Command):
    """An addressed authority submits the report."""

    request_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    text: str = ReportText
    # resolved (from the attachment store, never from the caller's description of a file)
    attachments: Resolved[list[AttachmentRef]] = Attachments


class ResubmitReport(Command):
    """An addressed authority resubmits a returned report."""

    request_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    text: str = ReportText
    attachments: Resolved[list[AttachmentRef]] = Attachments


class AcceptReport(Command):
    """The requester accepts the submitted report."""

    request_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    policing_body_id: Resolved[str] = Slug


class ReturnReport(Command):
    """The requester returns the submitted report, asking for more information."""

    request_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    reason: str = Text
    policing_body_id: Resolved[str] = Slug


class PublishReport(Command):
    """The requester records publishing a formal report: when and where."""

    request_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    published_on: date
    location: str = Field(min_length=1, max_length=2000)
    policing_body_id: Resolved[str] = Slug


class CloseReport(Command):
    """The requester closes the request."""

    request_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    policing_body_id: Resolved[str] = Slug


class WithdrawReport(Command):
    """The requester withdraws the request before anything is submitted."""

    request_id: Resolved[str] = Slug
    by_organisation: Resolved[str] = Slug
    reason: str | None = OptionalText
    policing_body_id: Resolved[str] = Slug


class MarkReportOverdue(Command):
    """Scheduled: the due date ``due_on`` has passed (ignored if no longer current)."""

    request_id: Resolved[str] = Slug
    due_on: date


class SendReportReminder(Command):
    """Scheduled: remind the addressed authorities ``days_before`` the due date ``due_on``."""

    request_id: Resolved[str] = Slug
    due_on: date
    days_before: int = Field(ge=1, le=60)


class PassToSuccessors(Command):
    """A directory change took effect (issued by the hub): authorities the request is addressed
    to ended, and their successors take their place. A finished request keeps the authorities
    it was made to."""

    request_id: Resolved[str] = Slug
    change_id: str = Slug
    successions: list[Succession]
