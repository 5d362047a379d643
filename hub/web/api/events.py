"""The event feed: everything the caller may see after a position, as CloudEvents, paginated.

A partner system catches up after downtime by paging with ``after`` set to the last
``position`` it processed (or ``next_after``) until ``events`` comes back empty. Positions are
opaque cursors (:mod:`hub.events.cursors`): handed back, they resume the feed, but they say
nothing of the events of other areas recorded in between.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hub.access.accounts import Permission
from hub.access.actors import visible_workspaces
from hub.events.cloudevents import to_cloudevent
from hub.events.cursors import START, BadCursor
from hub.settings import Settings, public_url
from hub.web.api.common import BadQuery, int_param
from hub.web.api.openapi import Query, api
from hub.web.auth import hub_of, require_caller
from schemas import answers

CURSOR_PATTERN = r"^(0|[A-Za-z0-9_-]{32})$"
"""A cursor's shape: 0 (the start), or the 24 sealed bytes in unpadded base64url."""


@api(
    query=(
        Query("after", "return events after this position: a `position` or `next_after` "
              "this feed, a webhook or a live socket gave you, or 0 (the default) to start",
              "string", schema={"pattern": CURSOR_PATTERN}),
        Query("limit", "at most this many events (default and maximum 500)", "integer",
              schema={"minimum": 1, "maximum": Settings.event_page_limit}),
    ),
    errors=(BadQuery,), tag="events", response=answers.EventPage,
)
async def event_feed(request: Request) -> JSONResponse:
    """``GET /api/events?after=N&limit=M``: the caller's events after position N."""
    actor = require_caller(request, Permission.READ_EVENTS).actor
    hub = hub_of(request)
    after = request.query_params.get("after", START)
    try:
        position = hub.cursors.position(after)
    except BadCursor as bad:
        raise BadQuery(f"after: {bad}") from None
    limit = int_param(
        request, "limit", hub.settings.event_page_limit, low=1,
        high=hub.settings.event_page_limit,
    )
    events = hub.store.read_all(
        position, limit, workspaces=visible_workspaces(hub.engine, actor)
    )
    base = public_url()
    return JSONResponse(
        {
            "events": [to_cloudevent(e, hub.cursors, base) for e in events],
            "next_after": hub.cursors.of(events[-1].position) if events else after,
        }
    )


ROUTES = [Route("/api/events", event_feed)]
