"""Organisation admin over the API: invitations and API clients (tokens)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, EmailStr, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hub.access.accounts import ClientNotFound, EmailTaken, Permission, Role
from hub.access.policy import NotPermitted
from hub.web.api.common import parse_body
from hub.web.api.openapi import NoBody, api
from hub.web.auth import Caller, hub_of, require_caller
from schemas import answers
from workers.mail import queue_invitation


class InvitationBody(BaseModel):
    """Invite a person to the caller's organisation."""

    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    role: Role = Role.MEMBER


class ClientBody(BaseModel):
    """Register a partner system for the caller's organisation."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    permissions: list[Permission] = Field(min_length=1)


def require_admin(request: Request) -> Caller:
    """The caller, who must be a signed-in admin of their organisation."""
    caller = require_caller(request)
    if caller.via_token or caller.actor.role != Role.ADMIN:
        raise NotPermitted("only an admin of the organisation may do this")
    return caller


@api(body=InvitationBody, success=201, errors=(NotPermitted, EmailTaken), tag="accounts",
     response=answers.Invited)
async def invite(request: Request) -> JSONResponse:
    """Invite someone; the answer holds the single-use link (also printed by the CLI)."""
    actor = require_admin(request).actor
    body = await parse_body(request, InvitationBody)
    assert actor.organisation_id is not None and actor.user_id is not None
    token = hub_of(request).accounts.invite(
        email=body.email, organisation_id=actor.organisation_id, role=body.role,
        invited_by=actor.user_id, within_areas=actor.area_ids,
    )
    queue_invitation(hub_of(request), email=body.email, token=token,
                     organisation_id=actor.organisation_id, invited_by=actor.user_id)
    link = str(request.url_for("accept_invitation", token=token))
    return JSONResponse({"email": body.email, "link": link}, status_code=201)


@api(errors=(NotPermitted,), tag="accounts", response=answers.Items)
async def list_clients(request: Request) -> JSONResponse:
    """The organisation's API clients (never their tokens)."""
    actor = require_admin(request).actor
    assert actor.organisation_id is not None
    clients = hub_of(request).accounts.clients_of(actor.organisation_id)
    return JSONResponse(
        {
            "items": [
                {
                    "client_id": c.client_id, "name": c.name, "permissions": c.permissions,
                    "created_at": c.created_at.isoformat(),
                    "revoked": c.revoked_at is not None,
                }
                for c in clients
            ]
        }
    )


@api(body=ClientBody, success=201, errors=(NotPermitted,), tag="accounts",
     response=answers.ClientIssued)
async def create_client(request: Request) -> JSONResponse:
    """Register a partner system; its token is in this answer and never shown again."""
    actor = require_admin(request).actor
    body = await parse_body(request, ClientBody)
    assert actor.organisation_id is not None and actor.user_id is not None
    client_id, token = hub_of(request).accounts.create_client(
        name=body.name, organisation_id=actor.organisation_id, permissions=body.permissions,
        created_by=actor.user_id,
    )
    return JSONResponse({"client_id": client_id, "token": token}, status_code=201)


@api(body=NoBody, success=204, errors=(NotPermitted, ClientNotFound), tag="accounts")
async def revoke_client(request: Request) -> Response:
    """Revoke a client's token at once."""
    actor = require_admin(request).actor
    assert actor.organisation_id is not None
    hub_of(request).accounts.revoke_client(request.path_params["client_id"], actor.organisation_id)
    return Response(status_code=204)


ROUTES = [
    Route("/api/invitations", invite, methods=["POST"]),
    Route("/api/clients", list_clients),
    Route("/api/clients", create_client, methods=["POST"]),
    Route("/api/clients/{client_id}", revoke_client, methods=["DELETE"]),
]
