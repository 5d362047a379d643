"""Calendar feed tokens over the API: create, list, rotate and revoke.

A feed's URL holds its secret token, so it is in the answer only when the feed is created or
rotated, never in a list. Feeds belong to people: these endpoints take a browser session, not
an API token (``calendar_feed.person_required``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hub.access.policy import Actor
from hub.db import aware
from hub.domain.errors import NotFound
from hub.feeds.tokens import (
    AdminOnly,
    CalendarFeeds,
    FeedKind,
    FeedNotFound,
    Issued,
    PersonRequired,
)
from hub.web.api.common import parse_body
from hub.web.api.openapi import NoBody, api
from hub.web.auth import hub_of, require_caller
from hub.web.feeds import feed_urls
from schemas import answers

FeedName = Field(default=None, min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")


class FeedBody(BaseModel):
    """A new calendar feed: what it shows (a workspace feed names its workspace), and
    optionally the name calendars show for it."""

    model_config = ConfigDict(extra="forbid")

    kind: FeedKind
    workspace_id: str | None = Field(default=None, min_length=1, max_length=120)
    name: str | None = FeedName

    @model_validator(mode="after")
    def _workspace_for_workspace_feeds(self) -> FeedBody:
        if (self.kind == FeedKind.WORKSPACE) != (self.workspace_id is not None):
            raise ValueError("give workspace_id for a workspace feed, and only for one")
        return self


def feeds_of(request: Request) -> tuple[CalendarFeeds, Actor]:
    """The feeds service and the signed-in person managing feeds."""
    caller = require_caller(request)
    if caller.via_token:
        raise PersonRequired("calendar feeds are managed by signed-in people, not API tokens")
    hub = hub_of(request)
    return CalendarFeeds(hub.engine, hub.clock), caller.actor


def describe(feed: Any) -> dict[str, Any]:
    """A feed as the API shows it (never its token)."""
    return {
        "feed_id": feed.feed_id, "kind": feed.kind, "name": feed.name,
        "organisation_id": feed.organisation_id, "workspace_id": feed.workspace_id,
        "created_at": _iso(feed.created_at), "rotated_at": _iso(feed.rotated_at),
        "last_used_at": _iso(feed.last_used_at), "revoked": feed.revoked_at is not None,
        "revoked_at": _iso(feed.revoked_at),
    }


def _issued(request: Request, issued: Issued, status: int) -> JSONResponse:
    url, webcal = feed_urls(issued.token)
    return JSONResponse({**describe(issued.feed), "url": url, "webcal_url": webcal},
                        status_code=status)


@api(tag="calendar feeds", errors=(PersonRequired,), response=answers.Feeds)
async def list_feeds(request: Request) -> JSONResponse:
    """The caller's calendar feeds, and (for an admin) the organisation's; never their URLs."""
    feeds, actor = feeds_of(request)
    return JSONResponse({"items": [describe(f) for f in feeds.feeds_of(actor)]})


@api(body=FeedBody, success=201, tag="calendar feeds", response=answers.Feed,
     errors=(PersonRequired, AdminOnly, NotFound))
async def create_feed(request: Request) -> JSONResponse:
    """Create a feed; its ``url`` and ``webcal_url`` are in this answer and never shown again."""
    feeds, actor = feeds_of(request)
    body = await parse_body(request, FeedBody)
    issued = feeds.create(actor, body.kind, workspace_id=body.workspace_id, name=body.name)
    return _issued(request, issued, 201)


@api(body=NoBody, tag="calendar feeds", errors=(PersonRequired, FeedNotFound),
     response=answers.Feed)
async def rotate_feed(request: Request) -> JSONResponse:
    """Give a feed a new secret URL; the old one answers 404 at once."""
    feeds, actor = feeds_of(request)
    return _issued(request, feeds.rotate(actor, request.path_params["feed_id"]), 200)


@api(body=NoBody, success=204, tag="calendar feeds", errors=(PersonRequired, FeedNotFound))
async def revoke_feed(request: Request) -> Response:
    """Revoke a feed: its URL answers 404 from now on."""
    feeds, actor = feeds_of(request)
    feeds.revoke(actor, request.path_params["feed_id"])
    return Response(status_code=204)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else aware(value).isoformat()


ROUTES = [
    Route("/api/calendar-feeds", list_feeds),
    Route("/api/calendar-feeds", create_feed, methods=["POST"]),
    Route("/api/calendar-feeds/{feed_id}/rotate", rotate_feed, methods=["POST"]),
    Route("/api/calendar-feeds/{feed_id}", revoke_feed, methods=["DELETE"]),
]
