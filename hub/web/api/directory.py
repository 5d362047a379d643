"""The directory API: the caller's areas, organisations, CSPs and workspaces; directory edits."""

from __future__ import annotations

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
from hub.domain.errors import NotFound
from hub.events.errors import ConcurrencyConflict, IdempotencyKeyReused
from hub.handlers import workspaces as roles
from hub.queries import directory as queries
from hub.service import handle
from hub.web.api.common import appended, parse_body
from hub.web.api.openapi import api
from hub.web.auth import hub_of, require_caller
from schemas.commands import directory as cmd
from schemas.events.directory import WorkspaceRole

DIRECTORY_ERRORS = (
    *directory.ERRORS, NotVisible, NotPermitted, NotPolicingBody, ViewerCannotAct,
    ObserverCannotAct, EnglandOnly, ConcurrencyConflict,
)


@api(tag="directory")
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


@api(tag="directory")
async def list_workspaces(request: Request) -> JSONResponse:
    """The caller's workspaces."""
    actor = require_caller(request).actor
    return JSONResponse({"items": queries.workspaces_of(hub_of(request).engine, actor)})


@api(errors=(NotFound,), tag="directory")
async def get_workspace(request: Request) -> JSONResponse:
    """One workspace, 404 unless the caller's organisation is a member."""
    actor = require_caller(request).actor
    found = queries.workspace(hub_of(request).engine, actor, request.path_params["workspace_id"])
    return JSONResponse(found)


class WorkspaceRoleBody(BaseModel):
    """A person's role within a workspace: ``lead``, ``member`` (the default) or ``observer``."""

    model_config = ConfigDict(extra="forbid")

    role: WorkspaceRole
    expected_version: int | None = Field(
        default=None, ge=0, description="the workspace's version you last read, if any",
    )


ROLE_ERRORS = (
    NotFound, roles.NoSuchPerson, NotVisible, NotWorkspaceLead, ViewerCannotAct,
    ObserverCannotAct, directory.NotAWorkspaceMember, directory.RecordClosed,
    ConcurrencyConflict, IdempotencyKeyReused,
)


@api(errors=(NotFound,), tag="directory")
async def list_workspace_roles(request: Request) -> JSONResponse:
    """Everyone of the workspace's member organisations, with their role within it.

    ``may_set`` lists the roles the caller may give each person (empty when none).
    """
    actor = require_caller(request).actor
    people = roles.people_in(hub_of(request), actor, request.path_params["workspace_id"])
    return JSONResponse({"items": [p.as_json() for p in people]})


@api(body=WorkspaceRoleBody, errors=ROLE_ERRORS, tag="directory")
async def set_workspace_role(request: Request) -> JSONResponse:
    """Set a person's role within a workspace.

    A lead of the workspace may set anyone's role; so may an admin of the area's policing
    body office; an admin of the person's own organisation may make them a member or an
    observer. An observer may change nothing in the workspace. A workspace or person of
    another area is a 404.
    """
    actor = require_caller(request, Permission.ACT).actor
    body = await parse_body(request, WorkspaceRoleBody)
    result = roles.assign_role(
        hub_of(request), actor, request.path_params["workspace_id"],
        request.path_params["user_id"], body.role, expected_version=body.expected_version,
        idempotency_key=request.headers.get("idempotency-key"),
    )
    return appended(result, status=200, role=body.role.value)


@api(tag="directory")
async def list_organisations(request: Request) -> JSONResponse:
    """Organisations of the caller's areas."""
    actor = require_caller(request).actor
    return JSONResponse({"items": queries.organisations_of(hub_of(request).engine, actor)})


@api(tag="directory")
async def list_csps(request: Request) -> JSONResponse:
    """CSPs of the caller's areas."""
    actor = require_caller(request).actor
    return JSONResponse({"items": queries.csps_of(hub_of(request).engine, actor)})


@api(tag="directory")
async def list_areas(request: Request) -> JSONResponse:
    """The caller's police areas and who holds their PCC functions."""
    actor = require_caller(request).actor
    return JSONResponse({"items": queries.areas_of(hub_of(request).engine, actor)})


@api(
    body=cmd.RegisterOrganisation, success=201, errors=DIRECTORY_ERRORS, tag="directory"
)
async def register_organisation(request: Request) -> JSONResponse:
    """Register an organisation in the caller's area (the area's policing body office)."""
    actor = require_caller(request).actor
    command = await parse_body(request, cmd.RegisterOrganisation)
    result = handle(
        hub_of(request), directory.ORGANISATION, command.organisation_id, command, actor,
        idempotency_key=request.headers.get("idempotency-key"),
    )
    return appended(result)


@api(body=cmd.RegisterCsp, success=201, errors=DIRECTORY_ERRORS, tag="directory")
async def register_csp(request: Request) -> JSONResponse:
    """Register a CSP in the caller's area (the area's policing body office)."""
    actor = require_caller(request).actor
    command = await parse_body(request, cmd.RegisterCsp)
    result = handle(
        hub_of(request), directory.CSP, command.csp_id, command, actor,
        idempotency_key=request.headers.get("idempotency-key"),
    )
    return appended(result)


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
]
