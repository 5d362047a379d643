"""The report request page: what the request asks, where each authority stands, the reports.

The request's read model says where it stands; what the policing body asked (the matters, the
formal reasons, the specified form) and what each authority did and when (acknowledged, asked
for more time, submitted) are in the request's events, and are shown from them, as is every
submission's text and files. The files are downloaded through the page, by those who may see
the request, and only files submitted to this request: an attachment id of another request's
file is answered as missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.attachments import AttachmentNotFound
from hub.events.envelope import RecordedEvent
from hub.handlers.reports import attachment_requests
from hub.i18n import N_, _, gettext
from hub.queries.directory import csp_names
from hub.queries.reports import ASKED
from hub.web.auth import Caller, hub_of
from hub.web.downloads import attachment_download
from hub.web.pages.common import page_caller
from hub.web.pages.present import (
    REPORT_STATUSES,
    listing,
    london_time,
    long_date,
    status_tag,
)
from hub.web.pages.records import RecordPages

SUBMISSIONS = {
    "report_request.submitted": N_("Submitted"),
    "report_request.resubmitted": N_("Resubmitted"),
}
"""The events that carry a report, and what the page calls each (translated where shown)."""


@dataclass(frozen=True)
class SubmittedFile:
    """A file submitted with a report, as the page lists it."""

    name: str
    size: str
    href: str


@dataclass(frozen=True)
class Submission:
    """One report submitted to the request."""

    heading: str
    by: str
    when: str
    late: bool
    text: str
    files: tuple[SubmittedFile, ...]


KINDS = {
    "formal": N_("Formal requirement (Crime and Disorder Act 1998, section 7)"),
    "informal": N_("Informal request"),
}


@dataclass
class AuthorityStatus:
    """Where one addressed authority stands, as the status table shows it."""

    organisation_id: str
    name: str
    acknowledged: str = ""
    more_time: str = ""
    submitted: str = ""
    late: bool = False


def authority_statuses(
    events: list[RecordedEvent], names: Any
) -> list[AuthorityStatus]:
    """Each addressed authority, in the order addressed, with what it did and when."""
    rows: dict[str, AuthorityStatus] = {}
    for event in events:
        data = event.data
        if event.type == "report_request.required":
            rows = {o: AuthorityStatus(o, names(o)) for o in data["addressed"]}
            continue
        row = rows.get(str(data.get("by_organisation", "")))
        if row is None:
            continue
        when = london_time(event.recorded_at)
        if event.type == "report_request.acknowledged":
            row.acknowledged = when
        elif event.type == "report_request.extension_requested":
            row.more_time = _("Asked on %(when)s for %(date)s") % {
                "when": when, "date": long_date(data["requested_due_on"])}
        elif event.type in SUBMISSIONS:
            row.submitted = when
            row.late = row.late or bool(data.get("late"))
    return list(rows.values())


def report_context(
    request: Request, caller: Caller, record: dict[str, Any], events: list[RecordedEvent]
) -> dict[str, Any]:
    """What the report request page shows beyond the generic record page's context."""
    names = request.app.state.organisation_names
    request_id = record["request_id"]
    status_text, status_class = status_tag(REPORT_STATUSES, record["status"])
    statuses = authority_statuses(events, names)
    mine = next((s for s in statuses if s.organisation_id == caller.actor.organisation_id), None)
    summary = [
        (_("Status"), status_text),
        (_("Kind of request"), gettext(KINDS.get(record["kind"], record["kind"]))),
        (_("Asked by"), names(record["requested_by"])),
        (_("Partnership"), csp_name(request, record["csp_id"])),
        (_("Asked on"), long_date(record["requested_on"])),
        (_("Due by"), _("%(date)s (overdue)") % {"date": long_date(record["due_on"])}
         if record["overdue"] else long_date(record["due_on"])),
    ]
    if record.get("extension_asked_to") and record["status"] == "extension_requested":
        summary.append((_("More time asked until"), long_date(record["extension_asked_to"])))
    summary.append((_("Addressed to"), listing([s.name for s in statuses])))
    if record.get("devolved_functions_excluded"):
        summary.append((_("Devolved functions"), _("Excluded: the request does not reach "
                        "functions devolved to the Welsh Government")))
    if record.get("published_on"):
        summary.append((_("Published"), f"{long_date(record['published_on'])}, "
                        f"{record.get('publication_location') or ''}".rstrip(", ")))
    submissions = [
        Submission(
            heading=gettext(SUBMISSIONS[event.type]),
            by=names(event.data["by_organisation"]),
            when=london_time(event.recorded_at),
            late=bool(event.data.get("late")),
            text=event.data["text"],
            files=tuple(
                SubmittedFile(
                    a["name"], file_size(a["size"]),
                    f"/records/report-requests/{request_id}/attachments/{a['attachment_id']}",
                )
                for a in event.data.get("attachments") or []
            ),
        )
        for event in events
        if event.type in SUBMISSIONS
    ]
    return {
        "submissions": submissions, "summary": summary, "status_class": status_class,
        "asked": {k: record.get(k) for k in ASKED}, "statuses": statuses, "mine": mine,
    }


def csp_name(request: Request, csp_id: str) -> str:
    """A CSP's name (its id only if the directory has lost it)."""
    return csp_names(hub_of(request).engine, [csp_id]).get(csp_id, csp_id)


def file_size(size: int) -> str:
    """A file's size in words a reader takes in at a glance (bytes, KB or MB)."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def attachment_routes(pages: RecordPages) -> list[Route]:
    """Downloading a file submitted with a report, from the request's page."""

    async def download(request: Request) -> Response:
        """A submitted file, to those who may see this request (404 otherwise)."""
        caller = page_caller(request)
        record_id = request.path_params["record_id"]
        pages.visible_record(request, caller, record_id)
        attachment_id = request.path_params["attachment_id"]
        hub = hub_of(request)
        if not any(o["request_id"] == record_id for o in attachment_requests(hub, attachment_id)):
            raise AttachmentNotFound(N_("no such attachment"))
        return attachment_download(hub.attachments, attachment_id)

    return [
        Route(f"{pages.base}/{{record_id}}/attachments/{{attachment_id}}", download,
              methods=["GET"]),
    ]


def report_defaults(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """After a return, the submission form starts as the resubmission it then is."""
    if record.get("status") == "returned":
        return {"submit": {"resubmission": True}}
    return {}
