"""The calendar feeds page: add, rotate and revoke the feeds a person subscribes to.

A new or rotated feed's links (``https`` and ``webcal``) are shown once, on the page the form
leads to (kept for the session, never in the address: :mod:`hub.web.pages.kept`), with copy
buttons (``static/copy.js``; without script the links can be selected by hand).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hub.access.accounts import Role
from hub.domain.errors import DomainError, NotFound
from hub.feeds.tokens import CalendarFeeds, FeedKind, FeedNotFound, Issued
from hub.i18n import N_, _
from hub.queries.directory import workspaces_of
from hub.web.auth import Caller, hub_of
from hub.web.feeds import feed_urls
from hub.web.pages.common import confirm, confirmed, error_text, page_caller, render, to_confirm
from hub.web.pages.forms import check_csrf, read_form
from hub.web.pages.kept import ONCE, kept, see
from hub.web.pages.present import london_time

PATH = "/calendar-feeds"


class FeedForm(BaseModel):
    """The form adding a feed (the workspace counts only for a workspace feed)."""

    model_config = ConfigDict(extra="ignore")

    kind: FeedKind
    workspace_id: str | None = Field(default=None, max_length=120)
    name: str | None = Field(default=None, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")

    @field_validator("workspace_id", "name", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return value.strip() or None if isinstance(value, str) else value


def _service(request: Request) -> CalendarFeeds:
    hub = hub_of(request)
    return CalendarFeeds(hub.engine, hub.clock)


def _page(request: Request, caller: Caller, state: dict[str, Any]) -> Response:
    hub = hub_of(request)
    spaces = workspaces_of(hub.engine, caller.actor)
    names = {w["workspace_id"]: w["name"] for w in spaces}
    feeds = [
        {
            "feed_id": f.feed_id, "name": f.name, "shows": _shows(f.kind, names.get(
                f.workspace_id or "", f.workspace_id)), "last_used": _when(f.last_used_at),
        }
        for f in _service(request).feeds_of(caller.actor) if f.revoked_at is None
    ]
    return render(
        request, "feeds/index.html", title=_("Calendar feeds"), section="feeds", feeds=feeds,
        workspaces=spaces, is_admin=caller.actor.role == Role.ADMIN,
        done_text=_("You revoked the feed: its link has stopped working")
        if request.query_params.get("done") == "revoked" else "",
        values=state.get("values") or {}, errors=state.get("errors") or {},
        issued=state.get(ONCE), status_code=state.get("status", 200),
    )


async def feeds_page(request: Request) -> Response:
    """The person's feeds and the form to add one (and what the last post to it left: errors
    and input, or a new feed's links, shown once)."""
    caller = page_caller(request)
    return _page(request, caller, await kept(request, caller) or {})


async def create_feed(request: Request) -> Response:
    """Add a feed; its links are shown once on the page it leads to."""
    caller = page_caller(request)
    form = await read_form(request, FeedForm, caller.csrf_token, messages={
        "kind": _("Select what the feed shows"),
    })
    errors = dict(form.errors)
    model: FeedForm | None = form.model
    if model is not None and model.kind == FeedKind.WORKSPACE and model.workspace_id is None:
        errors["workspace_id"] = _("Select the workspace")
    if model is None or errors:
        return await _refused(request, caller, errors, form.values)
    workspace_id = model.workspace_id if model.kind == FeedKind.WORKSPACE else None
    try:
        issued = _service(request).create(
            caller.actor, model.kind, workspace_id=workspace_id, name=model.name
        )
    except NotFound:
        return await _refused(request, caller,
                              {"workspace_id": _("Select one of your workspaces")}, form.values)
    except DomainError as error:
        return await _refused(request, caller, {"kind": error_text(error)}, form.values,
                              403 if error.status == 403 else 400)
    return await see(request, caller, PATH, once=_links(request, issued, rotated=False))


async def _refused(
    request: Request, caller: Caller, errors: dict[str, str], values: dict[str, Any],
    status: int = 400,
) -> Response:
    """Back to the form with the input and every error kept."""
    return await see(request, caller, PATH, {"errors": errors, "values": values,
                                             "status": status})


def _asked(request: Request, label: str) -> Response:
    """The confirmation page for the action on the path's feed (not found unless it is one
    of the caller's own)."""
    caller = page_caller(request)
    feed_id = request.path_params["feed_id"]
    feed = next((f for f in _service(request).feeds_of(caller.actor)
                 if f.feed_id == feed_id and f.revoked_at is None), None)
    if feed is None:
        raise FeedNotFound(N_("no such calendar feed of yours"))
    return confirm(
        request, question=_("Are you sure you want to %(action)s?") % {
            "action": label[:1].lower() + label[1:]},
        subject=_("Calendar feed: %(name)s") % {"name": feed.name}, label=label, back=PATH,
        action=request.url.path,
    )


async def ask_rotate(request: Request) -> Response:
    """Are you sure you want a new link for this feed?"""
    return _asked(request, _("Get a new link for this feed"))


async def ask_revoke(request: Request) -> Response:
    """Are you sure you want to revoke this feed?"""
    return _asked(request, _("Revoke this feed"))


async def rotate_feed(request: Request) -> Response:
    """Give a feed a new secret link, shown once, once the person has confirmed it (the old
    link stops working)."""
    caller = page_caller(request)
    form = await request.form()
    check_csrf(form, caller.csrf_token)
    if not confirmed(form):
        return to_confirm(request)
    issued = _service(request).rotate(caller.actor, request.path_params["feed_id"])
    return await see(request, caller, PATH, once=_links(request, issued, rotated=True))


async def revoke_feed(request: Request) -> Response:
    """Stop a feed for good, once the person has confirmed it."""
    caller = page_caller(request)
    form = await request.form()
    check_csrf(form, caller.csrf_token)
    if not confirmed(form):
        return to_confirm(request)
    _service(request).revoke(caller.actor, request.path_params["feed_id"])
    return RedirectResponse(PATH + "?done=revoked", status_code=303)


def _links(request: Request, issued: Issued, *, rotated: bool) -> dict[str, Any]:
    url, webcal = feed_urls(issued.token)
    return {"name": issued.feed.name, "url": url, "webcal": webcal, "rotated": rotated}


def _shows(kind: str, workspace_name: str | None) -> str:
    if kind == FeedKind.WORKSPACE:
        return _("Everything in %(workspace)s") % {"workspace": workspace_name}
    if kind == FeedKind.ORGANISATION:
        return _("Everything in your organisation's workspaces")
    return _("Your organisation's meetings and deadlines")


def _when(value: datetime | None) -> str:
    if value is None:
        return _("Not yet")
    return london_time(value)


ROUTES = [
    Route(PATH, feeds_page, methods=["GET"]),
    Route(PATH, create_feed, methods=["POST"]),
    Route(PATH + "/{feed_id}/rotate", ask_rotate, methods=["GET"]),
    Route(PATH + "/{feed_id}/rotate", rotate_feed, methods=["POST"]),
    Route(PATH + "/{feed_id}/revoke", ask_revoke, methods=["GET"]),
    Route(PATH + "/{feed_id}/revoke", revoke_feed, methods=["POST"]),
]
