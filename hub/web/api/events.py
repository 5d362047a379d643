"""The event feed: everything the caller may see after a position, as CloudEvents, paginated.

A partner system catches up after downtime by paging with ``after`` set to the last
``position`` it processed until ``events`` comes back empty.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hub.access.accounts import Permission
from hub.access.actors import visible_workspaces
from hub.events.cloudevents import to_cloudevent
from hub.settings import Settings, public_url
from hub.web.api.common import BadQuery, int_param
from hub.web.api.openapi import Query, api
from hub.web.auth import hub_of, require_caller
from schemas import answers

MAX_POSITION = 2**62
"""Beyond any position the log will reach."""


@api(
    query=(
        Query("after", "return events after this position (default 0)", "integer",
              schema={"minimum": 0, "maximum": MAX_POSITION}),
        Query("limit", "at most this many events (default and maximum 500)", "integer",
              schema={"minimum": 1, "maximum": Settings.event_page_limit}),
    ),
    errors=(BadQuery,), tag="events", response=answers.EventPage,
)
async def event_feed(request: Request) -> JSONResponse:
    """``GET /api/events?after=N&limit=M``: the caller's events after position N."""
    actor = require_caller(request, Permission.READ_EVENTS).actor
    hub = hub_of(request)
    after = int_param(request, "after", 0, high=MAX_POSITION)
    limit = int_param(
        request, "limit", hub.settings.event_page_limit, low=1,
        high=hub.settings.event_page_limit,
    )
    events = hub.store.read_all(after, limit, workspaces=visible_workspaces(hub.engine, actor))
    base = public_url()
    return JSONResponse(
        {
            "events": [to_cloudevent(e, base) for e in events],
            "next_after": events[-1].position if events else after,
        }
    )


ROUTES = [Route("/api/events", event_feed)]
