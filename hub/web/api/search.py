"""``GET /api/search?q=``: the caller's visible meetings, report requests and mergers that
match the words of a query, best first."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hub.access.accounts import Permission
from hub.access.actors import visible_workspaces
from hub.queries.search import LIMIT, MAX_QUERY_LENGTH, WORD_PATTERN, Found, search, words_of
from hub.web.api.common import BadQuery
from hub.web.api.openapi import Query, api
from hub.web.auth import hub_of, require_caller
from schemas import answers

COLLECTIONS = {"meeting": "meetings", "report_request": "report-requests", "merger": "mergers"}
"""Each searchable record type's collection, as in its page's and API's paths."""


def record_path(found: Found) -> str:
    """The path of a found record's page."""
    return f"/records/{COLLECTIONS[found.record_type]}/{found.record_id}"


def query_of(request: Request) -> str:
    """The ``q`` parameter; :class:`BadQuery` when it is missing, has no words or is too long."""
    query = request.query_params.get("q", "")
    if len(query) > MAX_QUERY_LENGTH:
        raise BadQuery(f"q must be {MAX_QUERY_LENGTH} characters or fewer")
    if not words_of(query):
        raise BadQuery("q must have at least one word to search for")
    return query


@api(
    query=(Query("q", f"the words to find (all of them), at most {MAX_QUERY_LENGTH} "
                      "characters", required=True,
                 schema={"minLength": 1, "maxLength": MAX_QUERY_LENGTH,
                         "pattern": WORD_PATTERN}),),
    errors=(BadQuery,), tag="search", response=answers.SearchAnswer,
)
async def search_records(request: Request) -> JSONResponse:
    """``GET /api/search?q=``: visible meetings, report requests and mergers matching q.

    Every word of ``q`` must appear in the record's title or text (a word may be the start of
    one); at most 50 results, best first. Only records the caller's organisation may see are
    searched.
    """
    actor = require_caller(request, Permission.READ_EVENTS).actor
    hub = hub_of(request)
    query = query_of(request)
    found = search(hub.engine, query, workspace_ids=visible_workspaces(hub.engine, actor),
                   limit=LIMIT)
    return JSONResponse({
        "query": query,
        "results": [
            {
                "record_type": f.record_type, "record_id": f.record_id, "title": f.title,
                "date": f.dated.isoformat(), "path": record_path(f),
            }
            for f in found
        ],
    })


ROUTES = [Route("/api/search", search_records)]
