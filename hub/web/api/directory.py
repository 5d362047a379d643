"""The directory API: the caller's areas, organisations, CSPs and workspaces; directory edits."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hub.access.accounts import Permission
from hub.access.policy import (
    EnglandOnly,
    NotPermitted,
    NotPolicingBody,
    NotVisible,
    NotWorkspaceLead,
    ObserverCannotAct,
    ViewerCannotAct,
)
from hub.domain import directory
from hub.domain import reorganisation as reorganisation_rules
from hub.domain.errors import NotFound
from hub.events.errors import ConcurrencyConflict, IdempotencyKeyReused
from hub.handlers import directory as directory_handlers
from hub.handlers import reorganisation
from hub.handlers import workspaces as roles
from hub.handlers.common import ERRORS as HANDLER_ERRORS
from hub.queries import directory as queries
from hub.web.api.common import BadIdempotencyKey, appended, idempotency_key, parse_body
from hub.web.api.openapi import api
from hub.web.auth import hub_of, require_caller
from schemas import answers
from schemas.events.directory import Succession
from schemas.requests import directory as requests

DIRECTORY_ERRORS: tuple[type[Exception], ...] = (
    *directory.ERRORS, *directory_handlers.ERRORS, *HANDLER_ERRORS, NotFound, NotVisible,
    NotPermitted, NotPolicingBody, ViewerCannotAct, ObserverCannotAct, EnglandOnly,
    ConcurrencyConflict, IdempotencyKeyReused, BadIdempotencyKey,
)


@api(tag="directory", response=answers.Me)
async def me(request: Request) -> JSONResponse:
    """Who the caller is, which workspaces they see, and their roles in them where they are
    not the default ``member``.

    A browser session also gets its ``csrf_token``, which its writes to the API send in an
    ``X-CSRF-Token`` header (only a page of the hub's own origin can read this answer)."""
    caller = require_caller(request)
    actor = caller.actor
    return JSONResponse(
        {
            "user_id": actor.user_id,
            "name": caller.user_name,
            "organisation_id": actor.organisation_id,
            "role": actor.role,
            "area_ids": sorted(actor.area_ids),
            "workspace_roles": dict(sorted(actor.workspace_roles)),
            "workspaces": [w["workspace_id"] for w in queries.workspaces_of(
                hub_of(request).engine, actor
            )],
            **({"csrf_token": caller.csrf_token} if caller.csrf_token else {}),
        }
    )


@api(tag="directory", response=answers.Items)
async def list_workspaces(request: Request) -> JSONResponse:
    """The caller's workspaces."""
    actor = require_caller(request).actor
    return JSONResponse({"items": queries.workspaces_of(hub_of(request).engine, actor)})


@api(errors=(NotFound,), tag="directory", response=answers.Object)
async def get_workspace(request: Request) -> JSONResponse:
    """One workspace, 404 unless the caller's organisation is a member."""
    actor = require_caller(request).actor
    found = queries.workspace(hub_of(request).engine, actor, request.path_params["workspace_id"])
    return JSONResponse(found)


ROLE_ERRORS = (
    NotFound, roles.NoSuchPerson, NotVisible, NotWorkspaceLead, ViewerCannotAct,
    ObserverCannotAct, directory.NotAWorkspaceMember, directory.RecordClosed,
    ConcurrencyConflict, IdempotencyKeyReused,
)


@api(errors=(NotFound,), tag="directory", response=answers.Items)
async def list_workspace_roles(request: Request) -> JSONResponse:
    """Everyone of the workspace's member organisations, with their role within it.

    ``may_set`` lists the roles the caller may give each person (empty when none).
    """
    actor = require_caller(request).actor
    people = roles.people_in(hub_of(request), actor, request.path_params["workspace_id"])
    return JSONResponse({"items": [p.as_json() for p in people]})


@api(body=requests.AssignWorkspaceRoleRequest, errors=ROLE_ERRORS, tag="directory",
     response=answers.WriteAnswer)
async def set_workspace_role(request: Request) -> JSONResponse:
    """Set a person's role within a workspace.

    A lead of the workspace may set anyone's role; so may an admin of the area's policing
    body office; an admin of the person's own organisation may make them a member or an
    observer. An observer may change nothing in the workspace. A workspace or person of
    another area is a 404.
    """
    actor = require_caller(request, Permission.ACT).actor
    body = await parse_body(request, requests.AssignWorkspaceRoleRequest)
    result = roles.assign_role(
        hub_of(request), actor, request.path_params["workspace_id"],
        request.path_params["user_id"], body.role, expected_version=body.expected_version,
        idempotency_key=idempotency_key(request),
    )
    return appended(result, status=200, role=body.role.value)


@api(tag="directory", response=answers.Items)
async def list_organisations(request: Request) -> JSONResponse:
    """Organisations of the caller's areas."""
    actor = require_caller(request).actor
    return JSONResponse({"items": queries.organisations_of(hub_of(request).engine, actor)})


@api(tag="directory", response=answers.Items)
async def list_csps(request: Request) -> JSONResponse:
    """CSPs of the caller's areas."""
    actor = require_caller(request).actor
    return JSONResponse({"items": queries.csps_of(hub_of(request).engine, actor)})


@api(tag="directory", response=answers.Items)
async def list_areas(request: Request) -> JSONResponse:
    """The caller's police areas and who holds their PCC functions."""
    actor = require_caller(request).actor
    return JSONResponse({"items": queries.areas_of(hub_of(request).engine, actor)})


@api(body=requests.RegisterOrganisationRequest, success=201, errors=DIRECTORY_ERRORS,
     tag="directory", response=answers.WriteAnswer)
async def register_organisation(request: Request) -> JSONResponse:
    """Register an organisation in the caller's area (the area's policing body office)."""
    actor = require_caller(request, Permission.ACT).actor
    body = await parse_body(request, requests.RegisterOrganisationRequest)
    return appended(directory_handlers.register_organisation(
        hub_of(request), actor, name=body.name, kind=body.kind, area_ids=body.area_ids,
        idempotency_key=idempotency_key(request),
    ))


@api(body=requests.RegisterCspRequest, success=201, errors=DIRECTORY_ERRORS, tag="directory",
     response=answers.WriteAnswer)
async def register_csp(request: Request) -> JSONResponse:
    """Register a CSP in the caller's area (the area's policing body office)."""
    actor = require_caller(request, Permission.ACT).actor
    body = await parse_body(request, requests.RegisterCspRequest)
    return appended(directory_handlers.register_csp(
        hub_of(request), actor, name=body.name,
        local_government_areas=body.local_government_areas,
        responsible_authorities=body.responsible_authorities, valid_from=body.valid_from,
        area_id=body.area_id, idempotency_key=idempotency_key(request),
    ))


class DirectoryChangeBody(BaseModel):
    """Organisations of the caller's area that end on ``on_date`` (the successors' first day),
    each with the body or bodies that take over its functions."""

    model_config = ConfigDict(extra="forbid")

    on_date: date
    ends: list[Succession] = Field(min_length=1, max_length=50)
    area_id: str | None = Field(default=None, max_length=120)


CHANGE_ERRORS = (*DIRECTORY_ERRORS, *reorganisation_rules.ERRORS)


@api(body=DirectoryChangeBody, success=201, errors=CHANGE_ERRORS, tag="directory",
     response=answers.WriteAnswer)
async def record_directory_change(request: Request) -> JSONResponse:
    """Record that organisations end on a date with successors (the area's policing body
    office). On the date, the hub ends them, a CSP whose councils are replaced ends and the CSP
    for the new area arises by law, and open records, workspace memberships and calendar feeds
    pass to the successors; a date already come takes effect at once."""
    actor = require_caller(request, Permission.ACT).actor
    body = await parse_body(request, DirectoryChangeBody)
    return appended(reorganisation.record_change(
        hub_of(request), actor, on_date=body.on_date, ends=body.ends, area_id=body.area_id,
        idempotency_key=idempotency_key(request),
    ))


@api(body=DirectoryChangeBody, errors=CHANGE_ERRORS, tag="directory",
     response=answers.Object)
async def preview_directory_change(request: Request) -> JSONResponse:
    """The dry run of a directory change: what it would do on its date (CSPs ending, arising
    or changing, workspace memberships, the open records and calendar feeds passing to
    successors), with nothing recorded. The same checks and access rule as recording it."""
    actor = require_caller(request, Permission.ACT).actor
    body = await parse_body(request, DirectoryChangeBody)
    return JSONResponse(reorganisation.preview_change(
        hub_of(request), actor, on_date=body.on_date, ends=body.ends, area_id=body.area_id,
    ))


ROUTES = [
    Route("/api/me", me),
    Route("/api/areas", list_areas),
    Route("/api/workspaces", list_workspaces),
    Route("/api/workspaces/{workspace_id}", get_workspace),
    Route("/api/workspaces/{workspace_id}/roles", list_workspace_roles),
    Route("/api/workspaces/{workspace_id}/roles/{user_id}", set_workspace_role, methods=["PUT"]),
    Route("/api/organisations", list_organisations),
    Route("/api/organisations", register_organisation, methods=["POST"]),
    Route("/api/csps", list_csps),
    Route("/api/csps", register_csp, methods=["POST"]),
    Route("/api/directory/changes", record_directory_change, methods=["POST"]),
    Route("/api/directory/changes/dry-run", preview_directory_change, methods=["POST"]),
]
