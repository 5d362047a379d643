"""The webhook endpoints API: an organisation's endpoints, their secrets, tests and message log.

Callers: a signed-in admin of the organisation, or an API token with ``manage_webhooks``.
A secret is in the answer that creates or rotates it, and never again.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, WithJsonSchema
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from hub.access.accounts import Permission, Role
from hub.access.policy import NotPermitted
from hub.db import aware
from hub.events.cursors import Cursors
from hub.web.api.common import BadQuery, int_param, parse_body
from hub.web.api.openapi import NoBody, Query, api
from hub.web.auth import Caller, hub_of, require_caller
from hub.webhooks import delivery, log
from hub.webhooks.config import WebhookConfig
from hub.webhooks.endpoints import Endpoints, EndpointSpec
from hub.webhooks.errors import ERRORS, EndpointNotFound, EndpointNotValidated, MessageNotFound
from hub.webhooks.filters import published_filters
from hub.webhooks.metrics import COLLECTOR
from schemas import answers

TAG = "webhooks"
STATUSES = (delivery.PENDING, delivery.SENDING, delivery.DELIVERED, delivery.FAILED)


EventTypeFilter = Annotated[str, WithJsonSchema({"enum": published_filters()})]
"""An event-type filter: an exact name, ``<record>.*`` or ``*`` (checked by the endpoint)."""


class EndpointBody(BaseModel):
    """Register a webhook endpoint for the caller's organisation."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1, max_length=2000, description="https URL of the receiver")
    description: str = Field(default="", max_length=500)
    event_types: list[EventTypeFilter] = Field(
        min_length=1, max_length=100,
        description="event types to receive: exact names, `<record>.*`, or `*` for all",
    )
    workspace_ids: list[str] | None = Field(
        default=None, max_length=200,
        description="only events visible in these workspaces (default: every workspace the "
        "organisation is a member of)",
    )
    validation_handshake: bool = Field(
        default=True,
        description="perform the CloudEvents validation handshake before sending anything",
    )


class EndpointChange(BaseModel):
    """Change an endpoint's description, filters or scope (``workspace_ids: null`` clears it)."""

    model_config = ConfigDict(extra="forbid")

    description: str | None = Field(default=None, max_length=500)
    event_types: list[EventTypeFilter] | None = Field(default=None, min_length=1, max_length=100)
    workspace_ids: list[str] | None = Field(default=None, max_length=200)


class ReplayBody(BaseModel):
    """Send again everything the endpoint is entitled to since a time."""

    model_config = ConfigDict(extra="forbid")

    since: AwareDatetime


def require_webhook_admin(request: Request) -> Caller:
    """An admin of the organisation, or a token with ``manage_webhooks``."""
    caller = require_caller(request, Permission.MANAGE_WEBHOOKS)
    if caller.actor.organisation_id is None or (
        not caller.via_token and caller.actor.role != Role.ADMIN
    ):
        raise NotPermitted("only an admin of the organisation may manage its webhooks")
    COLLECTOR.bind(hub_of(request).redis)
    return caller


def endpoint_json(row: Any) -> dict[str, Any]:
    """An endpoint as the API shows it (never its secret)."""
    return {
        "endpoint_id": row.endpoint_id,
        "url": row.url,
        "description": row.description,
        "event_types": row.event_types,
        "workspace_ids": row.workspace_ids,
        "state": row.state,
        "disabled_reason": row.disabled_reason,
        "disabled_at": _iso(row.disabled_at),
        "failing_since": _iso(row.failing_since),
        "validation": {
            "handshake": row.handshake_required,
            "validated_at": _iso(row.validated_at),
            "error": row.handshake_error,
        },
        "created_at": _iso(row.created_at),
    }


def attempt_json(row: Any) -> dict[str, Any]:
    """One attempt of the message log."""
    return {
        "number": row.number, "started_at": _iso(row.started_at), "outcome": row.outcome,
        "status_code": row.status_code, "latency_ms": row.latency_ms, "error": row.error,
        "response_body": row.response_body,
    }


def message_json(row: Any, attempts: list[Any], cursors: Cursors) -> dict[str, Any]:
    """A message with its attempts (its event's position as a cursor; none for a test)."""
    return {
        "message_id": row.message_id, "event_id": row.event_id, "event_type": row.event_type,
        "position": None if row.position is None else cursors.of(row.position),
        "status": row.status, "attempts": row.attempts,
        "next_attempt_at": _iso(row.next_attempt_at), "created_at": _iso(row.created_at),
        "finished_at": _iso(row.finished_at),
        "attempt_log": [attempt_json(a) for a in attempts],
    }


@api(errors=(NotPermitted,), tag=TAG, response=answers.Items)
async def list_webhook_endpoints(request: Request) -> JSONResponse:
    """The organisation's webhook endpoints."""
    organisation_id = _organisation(require_webhook_admin(request))
    rows = _endpoints(request).of(organisation_id)
    return JSONResponse({"items": [endpoint_json(r) for r in rows]})


@api(body=EndpointBody, success=201, errors=(NotPermitted, *ERRORS), tag=TAG,
     response=answers.Object)
async def create_webhook_endpoint(request: Request) -> JSONResponse:
    """Register an endpoint; the answer holds its secret, shown only this once.

    With the validation handshake on (the default) the endpoint is `pending` until the
    receiver consents; `validation.error` says why it has not.
    """
    caller = require_webhook_admin(request)
    body = await parse_body(request, EndpointBody)
    spec = EndpointSpec(body.url, body.description, body.event_types, body.workspace_ids,
                        body.validation_handshake)
    row, secret = await run_in_threadpool(
        _endpoints(request).add, _organisation(caller), caller.actor.user_id or "", spec
    )
    return JSONResponse({**endpoint_json(row), "secret": secret}, status_code=201)


@api(errors=(NotPermitted, EndpointNotFound), tag=TAG, response=answers.Object)
async def get_webhook_endpoint(request: Request) -> JSONResponse:
    """One endpoint."""
    organisation_id = _organisation(require_webhook_admin(request))
    return JSONResponse(endpoint_json(_endpoints(request).get(organisation_id, _id(request))))


@api(body=EndpointChange, errors=(NotPermitted, *ERRORS), tag=TAG, response=answers.Object)
async def change_webhook_endpoint(request: Request) -> JSONResponse:
    """Change the description, event types or workspace scope."""
    organisation_id = _organisation(require_webhook_admin(request))
    body = await parse_body(request, EndpointChange)
    scope = body.workspace_ids if "workspace_ids" in body.model_fields_set else False
    row = _endpoints(request).change(
        organisation_id, _id(request), description=body.description,
        event_types=body.event_types, workspace_ids=scope,
    )
    return JSONResponse(endpoint_json(row))


@api(body=NoBody, success=204, errors=(NotPermitted, EndpointNotFound), tag=TAG)
async def delete_webhook_endpoint(request: Request) -> Response:
    """Remove an endpoint with its secrets and message log."""
    organisation_id = _organisation(require_webhook_admin(request))
    _endpoints(request).remove(organisation_id, _id(request))
    return Response(status_code=204)


@api(body=NoBody, errors=(NotPermitted, EndpointNotFound), tag=TAG, response=answers.Object)
async def disable_webhook_endpoint(request: Request) -> JSONResponse:
    """Stop deliveries; messages wait until the endpoint is enabled again."""
    caller = require_webhook_admin(request)
    who = "an API client" if caller.via_token else (caller.user_name or "an admin")
    row = _endpoints(request).disable(_organisation(caller), _id(request), f"Disabled by {who}.")
    return JSONResponse(endpoint_json(row))


@api(body=NoBody, errors=(NotPermitted, EndpointNotFound, EndpointNotValidated), tag=TAG,
     response=answers.Object)
async def enable_webhook_endpoint(request: Request) -> JSONResponse:
    """Resume deliveries, the waiting messages first."""
    organisation_id = _organisation(require_webhook_admin(request))
    return JSONResponse(endpoint_json(_endpoints(request).enable(organisation_id, _id(request))))


@api(body=NoBody, errors=(NotPermitted, EndpointNotFound), tag=TAG, response=answers.SecretRotated)
async def rotate_webhook_secret(request: Request) -> JSONResponse:
    """A new secret, shown only this once; the old one keeps signing for 24 hours."""
    organisation_id = _organisation(require_webhook_admin(request))
    secret, until = _endpoints(request).rotate_secret(organisation_id, _id(request))
    return JSONResponse({"secret": secret, "previous_secrets_expire_at": _iso(until)})


@api(body=NoBody, errors=(NotPermitted, EndpointNotFound), tag=TAG, response=answers.Object)
async def retry_webhook_handshake(request: Request) -> JSONResponse:
    """Run the validation handshake again (a pending endpoint that passes becomes active)."""
    organisation_id = _organisation(require_webhook_admin(request))
    row = await run_in_threadpool(
        _endpoints(request).retry_handshake, organisation_id, _id(request)
    )
    return JSONResponse(endpoint_json(row))


@api(body=NoBody, errors=(NotPermitted, EndpointNotFound, EndpointNotValidated), tag=TAG,
     response=answers.TestSent)
async def test_webhook_endpoint(request: Request) -> JSONResponse:
    """Send a `webhook.test` message now; the answer says what the receiver did."""
    organisation_id = _organisation(require_webhook_admin(request))
    hub = hub_of(request)
    endpoint = _endpoints(request).get(organisation_id, _id(request))
    message_id, made = await run_in_threadpool(
        delivery.send_test, hub, WebhookConfig.from_env(), endpoint
    )
    return JSONResponse({"message_id": message_id, "attempt": attempt_json(made)})


@api(
    query=(
        Query("status", "only messages in this state: pending, sending, delivered or failed",
              schema={"enum": list(STATUSES)}),
        Query("limit", "at most this many, newest first (default 50, at most 500)", "integer",
              schema={"minimum": 1, "maximum": 500}),
    ),
    errors=(NotPermitted, EndpointNotFound, BadQuery), tag=TAG, response=answers.Items,
)
async def list_webhook_messages(request: Request) -> JSONResponse:
    """The endpoint's message log: messages, newest first, each with every attempt."""
    organisation_id = _organisation(require_webhook_admin(request))
    hub = hub_of(request)
    endpoint = _endpoints(request).get(organisation_id, _id(request))
    status = request.query_params.get("status")
    if status not in (None, *STATUSES):
        raise BadQuery(f"status must be one of {', '.join(STATUSES)}")
    rows = log.messages(hub, endpoint.endpoint_id, status=status,
                        limit=int_param(request, "limit", 50, low=1, high=500))
    attempts = log.attempts_of(hub, [r.message_id for r in rows])
    return JSONResponse(
        {"items": [message_json(r, attempts[r.message_id], hub.cursors) for r in rows]}
    )


@api(errors=(NotPermitted, EndpointNotFound, MessageNotFound), tag=TAG, response=answers.Object)
async def get_webhook_message(request: Request) -> JSONResponse:
    """One message with every attempt."""
    organisation_id = _organisation(require_webhook_admin(request))
    hub = hub_of(request)
    endpoint = _endpoints(request).get(organisation_id, _id(request))
    row = log.message(hub, endpoint.endpoint_id, request.path_params["message_id"])
    return JSONResponse(message_json(
        row, log.attempts_of(hub, [row.message_id])[row.message_id], hub.cursors,
    ))


@api(body=NoBody, success=202, errors=(NotPermitted, EndpointNotFound, MessageNotFound), tag=TAG,
     response=answers.Object)
async def redeliver_webhook_message(request: Request) -> JSONResponse:
    """Send one message again now, with a fresh round of retries."""
    organisation_id = _organisation(require_webhook_admin(request))
    hub = hub_of(request)
    endpoint = _endpoints(request).get(organisation_id, _id(request))
    row = log.redeliver(hub, WebhookConfig.from_env(), endpoint.endpoint_id,
                        request.path_params["message_id"])
    return JSONResponse(message_json(row, [], hub.cursors), status_code=202)


@api(body=ReplayBody, success=202, errors=(NotPermitted, EndpointNotFound), tag=TAG,
     response=answers.Object)
async def replay_webhook_endpoint(request: Request) -> JSONResponse:
    """Send again everything the endpoint is entitled to since a time (after an outage)."""
    organisation_id = _organisation(require_webhook_admin(request))
    body = await parse_body(request, ReplayBody)
    endpoint = _endpoints(request).get(organisation_id, _id(request))
    job = log.queue_replay(hub_of(request), organisation_id, endpoint.endpoint_id, body.since)
    return JSONResponse({"job_id": job, "since": _iso(body.since)}, status_code=202)




def _endpoints(request: Request) -> Endpoints:
    return Endpoints(hub_of(request), WebhookConfig.from_env())


def _organisation(caller: Caller) -> str:
    assert caller.actor.organisation_id is not None
    return caller.actor.organisation_id


def _id(request: Request) -> str:
    return str(request.path_params["endpoint_id"])


def _iso(value: Any) -> str | None:
    found = aware(value)
    return found.isoformat() if found is not None else None


_ONE = "/api/webhooks/{endpoint_id}"
ROUTES: list[BaseRoute] = [
    Route("/api/webhooks", list_webhook_endpoints, methods=["GET"]),
    Route("/api/webhooks", create_webhook_endpoint, methods=["POST"]),
    Route(_ONE, get_webhook_endpoint, methods=["GET"]),
    Route(_ONE, change_webhook_endpoint, methods=["PATCH"]),
    Route(_ONE, delete_webhook_endpoint, methods=["DELETE"]),
    Route(_ONE + "/disable", disable_webhook_endpoint, methods=["POST"]),
    Route(_ONE + "/enable", enable_webhook_endpoint, methods=["POST"]),
    Route(_ONE + "/rotate-secret", rotate_webhook_secret, methods=["POST"]),
    Route(_ONE + "/handshake", retry_webhook_handshake, methods=["POST"]),
    Route(_ONE + "/test", test_webhook_endpoint, methods=["POST"]),
    Route(_ONE + "/replay", replay_webhook_endpoint, methods=["POST"]),
    Route(_ONE + "/messages", list_webhook_messages, methods=["GET"]),
    Route(_ONE + "/messages/{message_id}", get_webhook_message, methods=["GET"]),
    Route(_ONE + "/messages/{message_id}/redeliver", redeliver_webhook_message,
          methods=["POST"]),
]
