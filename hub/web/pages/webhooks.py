"""Webhook endpoint pages for an organisation's admins: add, test, rotate, disable, the log."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from hub.access.accounts import Role
from hub.access.policy import NotPermitted
from hub.domain.errors import DomainError
from hub.i18n import N_, _
from hub.queries.directory import workspaces_of
from hub.web.auth import Caller, hub_of
from hub.web.pages.common import confirm, confirmed, error_text, page_caller, render
from hub.web.pages.forms import check_csrf, read_form
from hub.web.pages.present import LONDON
from hub.webhooks import delivery, log
from hub.webhooks.config import WebhookConfig
from hub.webhooks.endpoints import Endpoints, EndpointSpec
from hub.webhooks.errors import UnknownEventType, WorkspaceNotVisible
from hub.webhooks.metrics import COLLECTOR

LOG_SIZE = 50


class EndpointForm(BaseModel):
    """Add a webhook endpoint."""

    model_config = ConfigDict(extra="ignore")

    url: str = Field(min_length=1, max_length=2000)
    description: str = Field(default="", max_length=500)
    event_types: list[str] = Field(min_length=1, max_length=100)
    workspace_ids: list[str] = Field(default_factory=list, max_length=200)
    handshake: Literal["yes", "no"]


class ReplayForm(BaseModel):
    """Send again everything since a time."""

    model_config = ConfigDict(extra="ignore")

    since: datetime


def _messages() -> dict[str, str]:
    """What each field's error says when it is left empty, in the reader's language."""
    return {
        "url": _("Enter the URL of the receiver, like https://partner.example.org/hooks"),
        "event_types": _("Enter at least one event type, or * for every event"),
        "handshake": _("Select whether to check the receiver agrees to receive events"),
        "since": _("Enter a date and time, like 2026-11-24 09:00"),
    }


def _admin(request: Request) -> Caller:
    caller = page_caller(request)
    if caller.actor.role != Role.ADMIN:
        raise NotPermitted(N_("only an admin of your organisation can manage its webhooks"))
    COLLECTOR.bind(hub_of(request).redis)
    return caller


def _endpoints(request: Request) -> Endpoints:
    return Endpoints(hub_of(request), WebhookConfig.from_env())


def _organisation(caller: Caller) -> str:
    return caller.actor.organisation_id or ""


def _index_page(request: Request, caller: Caller, **context: Any) -> Response:
    return render(
        request, "webhooks/index.html", title=_("Webhooks"), section="webhooks",
        endpoints=_endpoints(request).of(_organisation(caller)),
        workspaces=workspaces_of(hub_of(request).engine, caller.actor), **context,
    )


async def index(request: Request) -> Response:
    """The organisation's endpoints, and the form to add one."""
    return _index_page(request, _admin(request), values={"handshake": "yes"})


async def create(request: Request) -> Response:
    """Add an endpoint, then show its page with the secret, once."""
    caller = _admin(request)
    raw = await request.form()
    lines = [line.strip() for line in str(raw.get("event_types", "")).splitlines()]
    form = await read_form(
        request, EndpointForm, caller.csrf_token, messages=_messages(),
        event_types=[line for line in lines if line],
        workspace_ids=raw.getlist("workspace_ids"),
    )
    values = {**form.values, "event_types": str(raw.get("event_types", "")),
              "workspace_ids": raw.getlist("workspace_ids")}
    if form.model is None:
        return _index_page(request, caller, errors=form.errors, values=values, status_code=400)
    model: EndpointForm = form.model
    spec = EndpointSpec(model.url, model.description, model.event_types,
                        model.workspace_ids or None, model.handshake == "yes")
    try:
        row, secret = await run_in_threadpool(
            _endpoints(request).add, _organisation(caller), caller.actor.user_id or "", spec
        )
    except DomainError as error:
        return _index_page(request, caller, errors={_field_of(error): error_text(error)},
                           values=values, status_code=400)
    return _endpoint_page(request, caller, row.endpoint_id, new_secret=secret, created=True)


def _field_of(error: DomainError) -> str:
    if isinstance(error, UnknownEventType):
        return "event_types"
    if isinstance(error, WorkspaceNotVisible):
        return "workspace_ids"
    return "url"


def _endpoint_page(
    request: Request, caller: Caller, endpoint_id: str, *, status_code: int = 200,
    **context: Any,
) -> Response:
    hub = hub_of(request)
    endpoint = _endpoints(request).get(_organisation(caller), endpoint_id)
    messages = log.messages(hub, endpoint.endpoint_id, limit=LOG_SIZE)
    names = {w["workspace_id"]: w["name"] for w in workspaces_of(hub.engine, caller.actor)}
    return render(
        request, "webhooks/endpoint.html",
        title=_("Webhook endpoint %(url)s") % {"url": endpoint.url},
        section="webhooks", endpoint=endpoint, messages=messages, workspace_names=names,
        attempts=log.attempts_of(hub, [m.message_id for m in messages]),
        values=context.pop("values", {}), status_code=status_code, **context,
    )


async def show(request: Request) -> Response:
    """One endpoint: its settings, state, actions and message log."""
    return _endpoint_page(request, _admin(request), request.path_params["endpoint_id"])


async def _acting(request: Request) -> tuple[Caller, str]:
    caller = _admin(request)
    check_csrf(await request.form(), caller.csrf_token)
    endpoint_id = str(request.path_params["endpoint_id"])
    _endpoints(request).get(_organisation(caller), endpoint_id)
    return caller, endpoint_id


def _back(endpoint_id: str) -> Response:
    return RedirectResponse(f"/admin/webhooks/{endpoint_id}", status_code=303)


async def disable(request: Request) -> Response:
    """Stop deliveries to the endpoint."""
    caller, endpoint_id = await _acting(request)
    # The reason is stored with the endpoint and the API returns it, like the reasons the
    # delivery job writes when it disables one itself: data in English, not page words.
    reason = (f"Disabled by {caller.user_name}." if caller.user_name
              else "Disabled by an admin.")
    _endpoints(request).disable(_organisation(caller), endpoint_id, reason)
    return _back(endpoint_id)


async def enable(request: Request) -> Response:
    """Resume deliveries (the page explains if the handshake has not passed)."""
    caller, endpoint_id = await _acting(request)
    try:
        _endpoints(request).enable(_organisation(caller), endpoint_id)
    except DomainError as error:
        return _endpoint_page(request, caller, endpoint_id, problem=error_text(error),
                              status_code=error.status)
    return _back(endpoint_id)


async def _ask(
    request: Request, caller: Caller, endpoint_id: str, verb: str, label: str, question: str
) -> Response | None:
    """The confirmation page for ``verb`` on the endpoint, unless the post confirms it."""
    if confirmed(await request.form()):
        return None
    endpoint = _endpoints(request).get(_organisation(caller), endpoint_id)
    return confirm(
        request, question=question,
        subject=_("Webhook endpoint: %(url)s") % {"url": endpoint.url}, label=label,
        action=f"/admin/webhooks/{endpoint_id}/{verb}",
        back=f"/admin/webhooks/{endpoint_id}",
    )


async def rotate(request: Request) -> Response:
    """A new secret, shown once on the page that answers, once the admin has confirmed it."""
    caller, endpoint_id = await _acting(request)
    if asked := await _ask(request, caller, endpoint_id, "rotate",
                           _("Rotate the signing secret"),
                           _("Are you sure you want to rotate the signing secret?")):
        return asked
    secret, until = _endpoints(request).rotate_secret(_organisation(caller), endpoint_id)
    return _endpoint_page(request, caller, endpoint_id, new_secret=secret, overlap_until=until)


async def handshake(request: Request) -> Response:
    """Run the validation handshake again."""
    caller, endpoint_id = await _acting(request)
    await run_in_threadpool(_endpoints(request).retry_handshake, _organisation(caller),
                            endpoint_id)
    return _back(endpoint_id)


async def send_test(request: Request) -> Response:
    """Send a test event now and show what the receiver answered."""
    caller, endpoint_id = await _acting(request)
    endpoint = _endpoints(request).get(_organisation(caller), endpoint_id)
    try:
        _message_id, made = await run_in_threadpool(
            delivery.send_test, hub_of(request), WebhookConfig.from_env(), endpoint
        )
    except DomainError as error:
        return _endpoint_page(request, caller, endpoint_id, problem=error_text(error),
                              status_code=error.status)
    return _endpoint_page(request, caller, endpoint_id, test_attempt=made)


async def remove(request: Request) -> Response:
    """Delete the endpoint and its log, once the admin has confirmed it."""
    caller, endpoint_id = await _acting(request)
    if asked := await _ask(request, caller, endpoint_id, "remove",
                           _("Remove the endpoint and its delivery log"),
                           _("Are you sure you want to remove the endpoint and its delivery log?")):
        return asked
    _endpoints(request).remove(_organisation(caller), endpoint_id)
    return RedirectResponse("/admin/webhooks", status_code=303)


async def redeliver(request: Request) -> Response:
    """Send one message again."""
    _caller, endpoint_id = await _acting(request)
    log.redeliver(hub_of(request), WebhookConfig.from_env(), endpoint_id,
                  str(request.path_params["message_id"]))
    return _back(endpoint_id)


async def replay(request: Request) -> Response:
    """Send again everything since a time (London time, as a person reads the page)."""
    caller, endpoint_id = await _acting(request)
    form = await read_form(request, ReplayForm, caller.csrf_token, messages=_messages())
    if form.model is None:
        errors = {"since": _messages()["since"]}
        return _endpoint_page(request, caller, endpoint_id, errors=errors, values=form.values,
                              status_code=400)
    since = form.model.since
    since = since.replace(tzinfo=LONDON) if since.tzinfo is None else since
    log.queue_replay(hub_of(request), _organisation(caller), endpoint_id, since)
    return _endpoint_page(request, caller, endpoint_id, replay_since=since)


ROUTES: list[BaseRoute] = [
    Route("/admin/webhooks", index, methods=["GET"]),
    Route("/admin/webhooks", create, methods=["POST"]),
    Route("/admin/webhooks/{endpoint_id}", show, methods=["GET"]),
    Route("/admin/webhooks/{endpoint_id}/disable", disable, methods=["POST"]),
    Route("/admin/webhooks/{endpoint_id}/enable", enable, methods=["POST"]),
    Route("/admin/webhooks/{endpoint_id}/rotate", rotate, methods=["POST"]),
    Route("/admin/webhooks/{endpoint_id}/handshake", handshake, methods=["POST"]),
    Route("/admin/webhooks/{endpoint_id}/test", send_test, methods=["POST"]),
    Route("/admin/webhooks/{endpoint_id}/remove", remove, methods=["POST"]),
    Route("/admin/webhooks/{endpoint_id}/replay", replay, methods=["POST"]),
    Route("/admin/webhooks/{endpoint_id}/messages/{message_id}/redeliver", redeliver,
          methods=["POST"]),
]
