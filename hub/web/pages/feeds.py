"""The calendar feeds page: add, rotate and revoke the feeds a person subscribes to.

A new or rotated feed's links (``https`` and ``webcal``) are shown once, on the page that
answers the form, with copy buttons (``static/copy.js``; without script the links can be
selected by hand).
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
from hub.feeds.tokens import CalendarFeeds, FeedKind, Issued
from hub.i18n import _
from hub.queries.directory import workspaces_of
from hub.web.auth import Caller, hub_of
from hub.web.feeds import feed_urls
from hub.web.pages.common import confirm, confirmed, error_text, page_caller, render
from hub.web.pages.forms import check_csrf, read_form
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


def _page(request: Request, caller: Caller, **context: Any) -> Response:
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
        if request.query_params.get("done") == "revoked" else "", **context,
    )


async def feeds_page(request: Request) -> Response:
    """The person's feeds and the form to add one."""
    return _page(request, page_caller(request), values={})


async def create_feed(request: Request) -> Response:
    """Add a feed and show its links once."""
    caller = page_caller(request)
    form = await read_form(request, FeedForm, caller.csrf_token, messages={
        "kind": _("Select what the feed shows"),
    })
    errors = dict(form.errors)
    model: FeedForm | None = form.model
    if model is not None and model.kind == FeedKind.WORKSPACE and model.workspace_id is None:
        errors["workspace_id"] = _("Select the workspace")
    if model is None or errors:
        return _page(request, caller, errors=errors, values=form.values, status_code=400)
    workspace_id = model.workspace_id if model.kind == FeedKind.WORKSPACE else None
    try:
        issued = _service(request).create(
            caller.actor, model.kind, workspace_id=workspace_id, name=model.name
        )
    except NotFound:
        return _page(request, caller, errors={"workspace_id": _("Select one of your workspaces")},
                     values=form.values, status_code=400)
    except DomainError as error:
        return _page(request, caller, errors={"kind": error_text(error)}, values=form.values,
                     status_code=403 if error.status == 403 else 400)
    return _page(request, caller, values={}, issued=_links(request, issued, rotated=False))


def _ask(
    request: Request, caller: Caller, verb: str, label: str, question: str
) -> Response | None:
    """The confirmation page for ``verb`` on the path's feed, unless the post confirms it (or
    the feed is not the caller's, which the service then answers as not found)."""
    feed_id = request.path_params["feed_id"]
    feed = next((f for f in _service(request).feeds_of(caller.actor)
                 if f.feed_id == feed_id and f.revoked_at is None), None)
    if feed is None:
        return None
    return confirm(
        request, question=question,
        subject=_("Calendar feed: %(name)s") % {"name": feed.name}, label=label, back=PATH,
        action=f"{PATH}/{feed_id}/{verb}",
    )


async def rotate_feed(request: Request) -> Response:
    """Give a feed a new secret link and show it once, once the person has confirmed it (the
    old link stops working)."""
    caller = page_caller(request)
    form = await request.form()
    check_csrf(form, caller.csrf_token)
    if not confirmed(form) and (asked := _ask(
        request, caller, "rotate", _("Get a new link for this feed"),
        _("Are you sure you want to get a new link for this feed?"),
    )):
        return asked
    issued = _service(request).rotate(caller.actor, request.path_params["feed_id"])
    return _page(request, caller, values={}, issued=_links(request, issued, rotated=True))


async def revoke_feed(request: Request) -> Response:
    """Stop a feed for good, once the person has confirmed it."""
    caller = page_caller(request)
    form = await request.form()
    check_csrf(form, caller.csrf_token)
    if not confirmed(form) and (asked := _ask(
        request, caller, "revoke", _("Revoke this feed"),
        _("Are you sure you want to revoke this feed?"),
    )):
        return asked
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
    Route(PATH + "/{feed_id}/rotate", rotate_feed, methods=["POST"]),
    Route(PATH + "/{feed_id}/revoke", revoke_feed, methods=["POST"]),
]
