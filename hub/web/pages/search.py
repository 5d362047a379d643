"""The search page: find a meeting, report request or merger by words of its title or text."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.access.actors import visible_workspaces
from hub.i18n import _
from hub.queries.search import MAX_QUERY_LENGTH, search, words_of
from hub.web.api.search import record_path
from hub.web.auth import hub_of
from hub.web.pages.common import page_caller, render

RECORD_TYPES = {"meeting": "Meeting", "report_request": "Report request", "merger": "Merger"}
DATE_LABELS = {"meeting": "Starts", "report_request": "Due", "merger": "Takes effect"}


def query_error(query: str) -> str | None:
    """What is wrong with a searched-for query, in plain English (None: nothing)."""
    if len(query) > MAX_QUERY_LENGTH:
        return f"Search for {MAX_QUERY_LENGTH} characters or fewer"
    if not words_of(query):
        return "Enter words to search for"
    return None


async def search_page(request: Request) -> Response:
    """``/search?q=``: the caller's visible records matching every word, best first."""
    caller = page_caller(request)
    hub = hub_of(request)
    query = request.query_params.get("q")
    errors: dict[str, str] = {}
    results = None
    if query is not None:
        error = query_error(query)
        if error:
            errors["q"] = error
        else:
            found = search(hub.engine, query,
                           workspace_ids=visible_workspaces(hub.engine, caller.actor))
            results = [
                {
                    "href": record_path(f), "title": f.title,
                    "type": RECORD_TYPES[f.record_type],
                    "date": f"{DATE_LABELS[f.record_type]} {f.dated.day} {f.dated:%B %Y}",
                }
                for f in found
            ]
    return render(
        request, "search.html", title=_("Search") if not query else f"Search: {query[:60]}",
        section="search", query=query or "", results=results, errors=errors,
        status_code=400 if errors else 200,
    )


ROUTES = [Route("/search", search_page)]
