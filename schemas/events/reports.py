"""Events of report requests under CDA s.7.

A request goes from the area's policing body to the responsible authorities of one CSP. Each
event names the organisation that acted (``by_organisation``), so a closed request keeps the
office that asked even after governance passes to a successor.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from schemas.events.directory import Name, Slug, Succession
from schemas.registry import EventData, event_type, upcaster

Text = Field(min_length=1, max_length=4000)
OptionalText = Field(default=None, min_length=1, max_length=4000)
ReportText = Field(min_length=1, max_length=100_000)
Authorities = Field(min_length=1, max_length=50)
Attachments: Any = Field(default_factory=list, max_length=20)


class ReportKind(StrEnum):
    """A formal requirement under s.7, or an informal request (no preconditions)."""

    FORMAL = "formal"
    INFORMAL = "informal"


class AttachmentRef(BaseModel):
    """A file stored by the hub, as a submission references it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    attachment_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    name: str = Field(min_length=1, max_length=255)
    size: int = Field(ge=0)
    media_type: str = Field(min_length=3, max_length=127)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


@event_type("report_request.required", version=2)
class ReportRequired(EventData):
    """The policing body asked a CSP's responsible authorities for a report."""

    request_id: str = Slug
    by_organisation: str = Slug
    area_id: str = Slug
    csp_id: str = Slug
    kind: ReportKind
    title: str = Name
    matters: str = Text
    specified_form: str | None = OptionalText
    not_satisfied_reasons: str | None = OptionalText
    proportionate_reasons: str | None = OptionalText
    devolved_functions_excluded: bool = False
    s6_functions_confirmed: bool = False
    """The requester confirmed the matters relate to the authorities' s.6 functions."""
    publication_required: bool = False
    """s.7(3): the authorities must arrange for the report to be published."""
    addressed: list[str] = Authorities
    requested_on: date
    due_on: date


@upcaster("report_request.required", from_version=1)
def _report_required_v1(data: dict[str, Any]) -> dict[str, Any]:
    # Version 1 asked for no s.6 confirmation and could not require publication (s.7(3)).
    return {**data, "s6_functions_confirmed": False, "publication_required": False}


@event_type("report_request.acknowledged")
class ReportAcknowledged(EventData):
    """An addressed authority acknowledged the request."""

    request_id: str = Slug
    by_organisation: str = Slug


@event_type("report_request.extension_requested")
class ExtensionRequested(EventData):
    """An addressed authority asked for more time."""

    request_id: str = Slug
    by_organisation: str = Slug
    requested_due_on: date
    reason: str = Text


@event_type("report_request.extension_granted")
class ExtensionGranted(EventData):
    """The requester granted an extension: the due date moved from one date to another."""

    request_id: str = Slug
    by_organisation: str = Slug
    previous_due_on: date
    due_on: date


@event_type("report_request.extension_refused")
class ExtensionRefused(EventData):
    """The requester refused the extension; the due date stands."""

    request_id: str = Slug
    by_organisation: str = Slug
    reason: str = Text


@event_type("report_request.submitted")
class ReportSubmitted(EventData):
    """An addressed authority submitted the report (text and attachments)."""

    request_id: str = Slug
    by_organisation: str = Slug
    text: str = ReportText
    attachments: list[AttachmentRef] = Attachments
    late: bool = False


@event_type("report_request.returned")
class ReportReturned(EventData):
    """The requester returned the report, asking for more information."""

    request_id: str = Slug
    by_organisation: str = Slug
    reason: str = Text


@event_type("report_request.resubmitted")
class ReportResubmitted(EventData):
    """An addressed authority resubmitted the returned report."""

    request_id: str = Slug
    by_organisation: str = Slug
    text: str = ReportText
    attachments: list[AttachmentRef] = Attachments


@event_type("report_request.accepted")
class ReportAccepted(EventData):
    """The requester accepted the report."""

    request_id: str = Slug
    by_organisation: str = Slug


@event_type("report_request.published")
class ReportPublished(EventData):
    """The requester published a report obtained under s.7: when and where."""

    request_id: str = Slug
    by_organisation: str = Slug
    published_on: date
    location: str = Field(min_length=1, max_length=2000)


@event_type("report_request.closed")
class ReportClosed(EventData):
    """The requester closed the request."""

    request_id: str = Slug
    by_organisation: str = Slug


@event_type("report_request.withdrawn")
class ReportWithdrawn(EventData):
    """The requester withdrew the request before anything was submitted."""

    request_id: str = Slug
    by_organisation: str = Slug
    reason: str | None = OptionalText


@event_type("report_request.marked_overdue")
class ReportOverdue(EventData):
    """The due date passed without a submission."""

    request_id: str = Slug
    due_on: date


@event_type("report_request.reminder_sent")
class ReminderSent(EventData):
    """The hub reminded the addressed authorities that the report falls due."""

    request_id: str = Slug
    due_on: date
    days_before: int = Field(ge=1, le=60)
    to_organisations: list[str] = Authorities


@event_type("report_request.authorities_succeeded")
class AuthoritiesSucceeded(EventData):
    """Authorities the open request was addressed to ended in a directory change (a local
    government reorganisation, say), and their successors take their place: the request is
    now theirs to answer."""

    request_id: str = Slug
    change_id: str = Slug
    successions: list[Succession] = Field(min_length=1, max_length=50)
    addressed: list[str] = Authorities
    """Every authority the request is now addressed to."""
