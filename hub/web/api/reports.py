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
from hub.queries import reports as report_queries
from hub.web.api.common import InvalidBody
from hub.web.api.openapi import Query, api
from hub.web.api.records import Action, RecordApi
from hub.web.auth import hub_of, require_caller
from hub.web.downloads import attachment_download

REPORT_REQUESTS = RecordApi(
    collection="report-requests",
    id_parameter="request_id",
    create=handlers.require_report,
    actions=[
        Action("acknowledge", handlers.acknowledge_report),
        Action("extension-request", handlers.request_extension),
        Action("extension-grant", handlers.grant_extension),
        Action("extension-refusal", handlers.refuse_extension),
        Action("submit", handlers.submit_report),
        Action("accept", handlers.accept_report),
        Action("return", handlers.return_report),
        Action("publish", handlers.publish_report),
        Action("close", handlers.close_report),
        Action("withdraw", handlers.withdraw_report),
    ],
    get=report_queries.report_request,
    history=handlers.report_history,
    list=handlers.list_report_requests,
    filters=[
        Query("status", "any of these statuses (repeat the parameter)", "array"),
        Query("csp_id", "requests to this CSP"),
        Query("due_before", "a date like 2026-12-31: due strictly before it"),
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


@api(errors=attachments.ERRORS, success=201, tag="report requests")
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


@api(errors=attachments.ERRORS, tag="report requests")
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
