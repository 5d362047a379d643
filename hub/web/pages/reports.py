"""The report request page: the generic record page, plus the reports submitted to it.

The request's read model says where it stands; what an authority submitted (its text and
files) is in the request's events, and is shown from them, every submission in order. The
files are downloaded through the page, by those who may see the request, and only files
submitted to this request: an attachment id of another request's file is answered as missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.attachments import AttachmentNotFound
from hub.domain.meetings import LONDON
from hub.events.envelope import RecordedEvent
from hub.handlers.reports import attachment_requests
from hub.web.auth import Caller, hub_of
from hub.web.downloads import attachment_download
from hub.web.pages.common import page_caller
from hub.web.pages.records import RecordPages

SUBMISSIONS = {
    "report_request.submitted": "Submitted",
    "report_request.resubmitted": "Resubmitted",
}
"""The events that carry a report, and what the page calls each."""


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


def report_context(
    request: Request, _caller: Caller, record: dict[str, Any], events: list[RecordedEvent]
) -> dict[str, Any]:
    """What the report request page shows beyond the generic record page's context."""
    names = request.app.state.organisation_names
    request_id = record["request_id"]
    submissions = [
        Submission(
            heading=SUBMISSIONS[event.type],
            by=names(event.data["by_organisation"]),
            when=f"{event.recorded_at.astimezone(LONDON):%-d %B %Y, %H:%M}",
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
    return {"submissions": submissions}


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
            raise AttachmentNotFound("no such attachment")
        return attachment_download(hub.attachments, attachment_id)

    return [
        Route(f"{pages.base}/{{record_id}}/attachments/{{attachment_id}}", download,
              methods=["GET"]),
    ]
