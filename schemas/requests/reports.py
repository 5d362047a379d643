"""Requests of report requests under CDA s.7: what a requester or an addressed authority says.

The CSP's area, its responsible authorities, the area's policing body and country, and the
stored files a submission names are resolved by the handler (``schemas.commands.reports``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from schemas.commands import reports as cmd
from schemas.events.directory import Name, Slug
from schemas.events.reports import OptionalText, ReportKind, ReportText, Text
from schemas.requests.base import ActionRequest, CallerRequest

AttachmentIds: Any = Field(default_factory=list, max_length=20,
                      description="ids of files uploaded first to /api/attachments")


class RequireReportRequest(CallerRequest):
    """Ask a CSP's responsible authorities for a report (formal s.7 or informal)."""

    commands = (cmd.RequireReport,)

    csp_id: str = Slug
    kind: ReportKind
    title: str = Name
    matters: str = Text
    due_on: date | None = Field(
        default=None, description="the hub's default time to report from today, if left out"
    )
    specified_form: str | None = OptionalText
    not_satisfied_reasons: str | None = OptionalText
    proportionate_reasons: str | None = OptionalText
    s6_functions_confirmed: bool = False
    publication_required: bool = False
    devolved_functions_excluded: bool = False


class AcknowledgeReportRequest(ActionRequest):
    """An addressed authority acknowledges the request."""

    commands = (cmd.AcknowledgeReport,)


class RequestExtensionRequest(ActionRequest):
    """An addressed authority asks for a later due date."""

    commands = (cmd.RequestExtension,)

    requested_due_on: date
    reason: str = Text


class GrantExtensionRequest(ActionRequest):
    """The requester grants the extension (the date asked for, unless ``due_on`` is given)."""

    commands = (cmd.GrantExtension,)

    due_on: date | None = None


class RefuseExtensionRequest(ActionRequest):
    """The requester refuses the extension; the due date stands."""

    commands = (cmd.RefuseExtension,)

    reason: str = Text


class SubmitReportRequest(ActionRequest):
    """An addressed authority submits the report (or resubmits it after a return)."""

    commands = (cmd.SubmitReport, cmd.ResubmitReport)

    text: str = ReportText
    attachment_ids: list[str] = AttachmentIds
    resubmission: bool = False


class AcceptReportRequest(ActionRequest):
    """The requester accepts the submitted report."""

    commands = (cmd.AcceptReport,)


class ReturnReportRequest(ActionRequest):
    """The requester returns the submitted report, asking for more information."""

    commands = (cmd.ReturnReport,)

    reason: str = Text


class PublishReportRequest(ActionRequest):
    """The requester records publishing a formal report: when and where."""

    commands = (cmd.PublishReport,)

    published_on: date
    location: str = Field(min_length=1, max_length=2000)


class CloseReportRequest(ActionRequest):
    """The requester closes the request."""

    commands = (cmd.CloseReport,)


class WithdrawReportRequest(ActionRequest):
    """The requester withdraws the request before anything is submitted."""

    commands = (cmd.WithdrawReport,)

    reason: str | None = OptionalText
