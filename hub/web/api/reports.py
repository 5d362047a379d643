"""The report requests API (CDA s.7), and attachments: upload, then name them in a submission."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hub import attachments
from hub.access.accounts import Permission
from hub.access.actors import visible_workspaces
from hub.domain import reports as domain
from hub.handlers import reports as handlers
from hub.projections.reports import report_requests
from hub.queries import reports as report_queries
from hub.web.api.common import InvalidBody
from hub.web.api.openapi import Query, api
from hub.web.api.records import Action, Create, RecordApi, row_model
from hub.web.auth import hub_of, require_caller
from hub.web.downloads import attachment_download
from schemas.events.reports import AttachmentRef
from schemas.requests import reports as requests

REPORT_REQUESTS = RecordApi(
    collection="report-requests",
    id_parameter="request_id",
    create=Create(handlers.require_report, requests.RequireReportRequest),
    actions=[
        Action("acknowledge", handlers.acknowledge_report, requests.AcknowledgeReportRequest),
        Action("extension-request", handlers.request_extension, requests.RequestExtensionRequest),
        Action("extension-grant", handlers.grant_extension, requests.GrantExtensionRequest),
        Action("extension-refusal", handlers.refuse_extension, requests.RefuseExtensionRequest),
        Action("submit", handlers.submit_report, requests.SubmitReportRequest),
        Action("accept", handlers.accept_report, requests.AcceptReportRequest),
        Action("return", handlers.return_report, requests.ReturnReportRequest),
        Action("publish", handlers.publish_report, requests.PublishReportRequest),
        Action("close", handlers.close_report, requests.CloseReportRequest),
        Action("withdraw", handlers.withdraw_report, requests.WithdrawReportRequest),
    ],
    get=report_queries.report_request,
    record=row_model("ReportRequest", report_requests, ["authorities", "attachments"]),
    history=handlers.report_history,
    list=handlers.list_report_requests,
    filters=[
        Query("status", "any of these statuses (repeat the parameter)", "array"),
        Query("csp_id", "requests to this CSP"),
        Query("due_before", "a date like 2026-12-31: due strictly before it",
              schema={"format": "date"}),
        Query("addressed_to", "requests addressed to this organisation"),
        Query("overdue", "true or false", "boolean"),
    ],
    errors=(*domain.ERRORS, *attachments.ERRORS),
    tag="report requests",
    server={
        "attachments": lambda hub: hub.attachments,
        "default_due_weeks": lambda hub: hub.settings.report_due_weeks,
    },
)


@api(errors=(*attachments.ERRORS, InvalidBody), success=201, tag="report requests",
     query=(Query("X-Filename", "the file's name (the hub keeps at most 255 characters)",
                  required=True, location="header", schema={"minLength": 1}),),
     upload=sorted(attachments.DEFAULT_MEDIA_TYPES), response=AttachmentRef)
async def upload_attachment(request: Request) -> JSONResponse:
    """Store a file for a coming submission (the body is the file; name it in X-Filename).

    The answer's ``attachment_id`` goes in ``attachment_ids`` when submitting. Size, type
    and checksum are measured by the hub, never taken from the caller.
    """
    actor = require_caller(request, Permission.ACT).actor
    name = request.headers.get("x-filename", "")
    if not name:
        raise InvalidBody("name the file in the X-Filename header",
                          [{"field": "X-Filename", "message": "required"}])
    stored = hub_of(request).attachments.save(
        await request.body(), name=name,
        media_type=request.headers.get("content-type", ""),
        organisation_id=actor.organisation_id or "",
    )
    return JSONResponse(stored.ref.model_dump(mode="json"), status_code=201)


@api(errors=attachments.ERRORS, tag="report requests",
     download=sorted(attachments.DEFAULT_MEDIA_TYPES))
async def download_attachment(request: Request) -> Response:
    """A submitted file, to those who may see a request it was submitted with (404 otherwise)."""
    actor = require_caller(request, Permission.READ_EVENTS).actor
    hub = hub_of(request)
    attachment_id = request.path_params["attachment_id"]
    visible = visible_workspaces(hub.engine, actor)
    owners = handlers.attachment_requests(hub, attachment_id)
    if not any(
        f"area-{o['area_id']}" in visible or f"csp-{o['csp_id']}" in visible for o in owners
    ):
        raise attachments.AttachmentNotFound("no such attachment")
    return attachment_download(hub.attachments, attachment_id)


ROUTES = [
    Route("/api/attachments", upload_attachment, methods=["POST"]),
    Route("/api/attachments/{attachment_id}", download_attachment, methods=["GET"]),
    *REPORT_REQUESTS.routes(),
]
