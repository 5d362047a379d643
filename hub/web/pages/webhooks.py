"""Webhook endpoint pages for an organisation's admins: add, test, rotate, disable, the log."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from hub.access.accounts import Role
from hub.access.policy import NotPermitted
from hub.domain.errors import DomainError
from hub.i18n import N_, _, gettext
from hub.queries.directory import workspaces_of
from hub.web.auth import Caller, hub_of
from hub.web.pages.common import confirm, confirmed, error_text, page_caller, render, to_confirm
from hub.web.pages.forms import check_csrf, read_form
from hub.web.pages.kept import ONCE, kept, see
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


INDEX = "/admin/webhooks"

DONE = {
    "created": N_("You added the endpoint"),
    "disabled": N_("You disabled the endpoint: nothing is delivered to it until you enable "
                   "it again"),
    "enabled": N_("You enabled the endpoint: deliveries resume"),
    "rotated": N_("You rotated the signing secret"),
    "handshake": N_("The handshake was run again: the endpoint's state shows how it went"),
    "removed": N_("You removed the endpoint and its delivery log"),
    "redelivered": N_("The message is queued to be sent again"),
}
"""What the webhook pages say after each action."""

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


def _index_page(request: Request, caller: Caller, state: dict[str, Any]) -> Response:
    return render(
        request, "webhooks/index.html", title=_("Webhooks"), section="webhooks",
        endpoints=_endpoints(request).of(_organisation(caller)),
        workspaces=workspaces_of(hub_of(request).engine, caller.actor),
        values=state.get("values") or {"handshake": "yes"}, errors=state.get("errors") or {},
        done_text=gettext(DONE[state["done"]]) if state.get("done") in DONE else "",
        status_code=state.get("status", 200),
    )


async def index(request: Request) -> Response:
    """The organisation's endpoints, and the form to add one (and what the last post to it
    left: errors and input)."""
    caller = _admin(request)
    return _index_page(request, caller, await kept(request, caller) or {})


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
        return await see(request, caller, INDEX, _refused(form.errors, values))
    model: EndpointForm = form.model
    spec = EndpointSpec(model.url, model.description, model.event_types,
                        model.workspace_ids or None, model.handshake == "yes")
    try:
        row, secret = await run_in_threadpool(
            _endpoints(request).add, _organisation(caller), caller.actor.user_id or "", spec
        )
    except DomainError as error:
        return await see(request, caller, INDEX,
                         _refused({_field_of(error): error_text(error)}, values))
    return await see(request, caller, _path(row.endpoint_id), {"done": "created"},
                     once={"secret": secret})


def _refused(
    errors: dict[str, str], values: dict[str, Any], status: int = 400
) -> dict[str, Any]:
    """What a refused post keeps for the form it goes back to."""
    return {"errors": errors, "values": values, "status": status}


def _path(endpoint_id: str) -> str:
    return f"{INDEX}/{endpoint_id}"


def _field_of(error: DomainError) -> str:
    if isinstance(error, UnknownEventType):
        return "event_types"
    if isinstance(error, WorkspaceNotVisible):
        return "workspace_ids"
    return "url"


def _endpoint_page(
    request: Request, caller: Caller, endpoint_id: str, state: dict[str, Any]
) -> Response:
    hub = hub_of(request)
    endpoint = _endpoints(request).get(_organisation(caller), endpoint_id)
    messages = log.messages(hub, endpoint.endpoint_id, limit=LOG_SIZE)
    names = {w["workspace_id"]: w["name"] for w in workspaces_of(hub.engine, caller.actor)}
    once = state.get(ONCE) or {}
    return render(
        request, "webhooks/endpoint.html",
        title=_("Webhook endpoint %(url)s") % {"url": endpoint.url}, section="webhooks",
        endpoint=endpoint, messages=messages, workspace_names=names,
        attempts=log.attempts_of(hub, [m.message_id for m in messages]),
        values=state.get("values") or {}, errors=state.get("errors") or {},
        status_code=state.get("status", 200), new_secret=once.get("secret"),
        created=state.get("done") == "created", overlap_until=_moment(state, "overlap_until"),
        replay_since=_moment(state, "replay_since"), test_attempt=state.get("test_attempt"),
        problem=state.get("problem"),
        done_text=gettext(DONE[state["done"]]) if state.get("done") in DONE else "",
    )


def _moment(state: dict[str, Any], name: str) -> datetime | None:
    """A time kept (as ISO 8601 text) for the page."""
    value = state.get(name)
    return datetime.fromisoformat(value) if value else None


async def show(request: Request) -> Response:
    """One endpoint: its settings, state, actions and message log (and what the last post
    to it left: a new secret, shown once; a test's answer; errors)."""
    caller = _admin(request)
    return _endpoint_page(request, caller, request.path_params["endpoint_id"],
                          await kept(request, caller) or {})


async def _acting(request: Request) -> tuple[Caller, str]:
    caller = _admin(request)
    check_csrf(await request.form(), caller.csrf_token)
    endpoint_id = str(request.path_params["endpoint_id"])
    _endpoints(request).get(_organisation(caller), endpoint_id)
    return caller, endpoint_id


async def _back(
    request: Request, caller: Caller, endpoint_id: str, state: dict[str, Any], **once: Any
) -> Response:
    """Back to the endpoint's page (post/redirect/get), with what it should show kept."""
    return await see(request, caller, _path(endpoint_id), state, once=once or None)


async def disable(request: Request) -> Response:
    """Stop deliveries to the endpoint, once the admin has confirmed it."""
    caller, endpoint_id = await _acting(request)
    if not confirmed(await request.form()):
        return to_confirm(request)
    # The reason is stored with the endpoint and the API returns it, like the reasons the
    # delivery job writes when it disables one itself: data in English, not page words.
    reason = (f"Disabled by {caller.user_name}." if caller.user_name
              else "Disabled by an admin.")
    _endpoints(request).disable(_organisation(caller), endpoint_id, reason)
    return await _back(request, caller, endpoint_id, {"done": "disabled"})


async def enable(request: Request) -> Response:
    """Resume deliveries (the page explains if the handshake has not passed)."""
    caller, endpoint_id = await _acting(request)
    try:
        _endpoints(request).enable(_organisation(caller), endpoint_id)
    except DomainError as error:
        return await _back(request, caller, endpoint_id,
                           {"problem": error_text(error), "status": error.status})
    return await _back(request, caller, endpoint_id, {"done": "enabled"})


ASKED = {
    "disable": N_("Disable the endpoint"),
    "rotate": N_("Rotate the signing secret"),
    "remove": N_("Remove the endpoint and its delivery log"),
}
"""The actions asked about first, by their path's last segment: what "Yes" does."""


async def ask(request: Request) -> Response:
    """The confirmation page of an action that cannot be undone (see :data:`ASKED`)."""
    caller = _admin(request)
    endpoint_id = str(request.path_params["endpoint_id"])
    endpoint = _endpoints(request).get(_organisation(caller), endpoint_id)
    label = gettext(ASKED[request.url.path.rsplit("/", 1)[-1]])
    return confirm(
        request, question=_("Are you sure you want to %(action)s?") % {
            "action": label[:1].lower() + label[1:]},
        subject=_("Webhook endpoint: %(url)s") % {"url": endpoint.url}, label=label,
        action=request.url.path, back=_path(endpoint_id),
    )


async def rotate(request: Request) -> Response:
    """A new secret, shown once on the endpoint's page, once the admin has confirmed it."""
    caller, endpoint_id = await _acting(request)
    if not confirmed(await request.form()):
        return to_confirm(request)
    secret, until = _endpoints(request).rotate_secret(_organisation(caller), endpoint_id)
    return await _back(request, caller, endpoint_id,
                       {"done": "rotated", "overlap_until": until.isoformat()}, secret=secret)


async def handshake(request: Request) -> Response:
    """Run the validation handshake again."""
    caller, endpoint_id = await _acting(request)
    await run_in_threadpool(_endpoints(request).retry_handshake, _organisation(caller),
                            endpoint_id)
    return await _back(request, caller, endpoint_id, {"done": "handshake"})


async def send_test(request: Request) -> Response:
    """Send a test event now and show what the receiver answered."""
    caller, endpoint_id = await _acting(request)
    endpoint = _endpoints(request).get(_organisation(caller), endpoint_id)
    try:
        _message_id, made = await run_in_threadpool(
            delivery.send_test, hub_of(request), WebhookConfig.from_env(), endpoint
        )
    except DomainError as error:
        return await _back(request, caller, endpoint_id,
                           {"problem": error_text(error), "status": error.status})
    return await _back(request, caller, endpoint_id, {"test_attempt": {
        "outcome": made.outcome, "status_code": made.status_code,
        "latency_ms": made.latency_ms, "error": made.error,
    }})


async def remove(request: Request) -> Response:
    """Delete the endpoint and its log, once the admin has confirmed it."""
    caller, endpoint_id = await _acting(request)
    if not confirmed(await request.form()):
        return to_confirm(request)
    _endpoints(request).remove(_organisation(caller), endpoint_id)
    return await see(request, caller, INDEX, {"done": "removed"})


async def redeliver(request: Request) -> Response:
    """Send one message again."""
    caller, endpoint_id = await _acting(request)
    # Queuing a job is a Redis call: in a worker thread, never on the event loop.
    await run_in_threadpool(log.redeliver, hub_of(request), WebhookConfig.from_env(),
                            endpoint_id, str(request.path_params["message_id"]))
    return await _back(request, caller, endpoint_id, {"done": "redelivered"})


async def replay(request: Request) -> Response:
    """Send again everything since a time (London time, as a person reads the page)."""
    caller, endpoint_id = await _acting(request)
    form = await read_form(request, ReplayForm, caller.csrf_token, messages=_messages())
    if form.model is None:
        return await _back(request, caller, endpoint_id,
                           _refused({"since": _messages()["since"]}, form.values))
    since = form.model.since
    since = since.replace(tzinfo=LONDON) if since.tzinfo is None else since
    await run_in_threadpool(log.queue_replay, hub_of(request), _organisation(caller),
                            endpoint_id, since)
    return await _back(request, caller, endpoint_id, {"replay_since": since.isoformat()})


ROUTES: list[BaseRoute] = [
    Route("/admin/webhooks", index, methods=["GET"]),
    Route("/admin/webhooks", create, methods=["POST"]),
    Route("/admin/webhooks/{endpoint_id}", show, methods=["GET"]),
    *(Route(f"/admin/webhooks/{{endpoint_id}}/{segment}", ask, methods=["GET"])
      for segment in ASKED),
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
