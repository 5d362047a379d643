"""The search page: find a meeting, report request or merger by words of its title or text."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.access.actors import visible_workspaces
from hub.i18n import N_, _, gettext, ngettext
from hub.queries.search import MAX_QUERY_LENGTH, search, words_of
from hub.web.api.search import record_path
from hub.web.auth import hub_of
from hub.web.pages.common import page_caller, render
from hub.web.pages.present import long_date

RECORD_TYPES = {
    "meeting": N_("Meeting"), "report_request": N_("Report request"), "merger": N_("Merger"),
}
"""Each record type in words, translated where shown."""
DATES = {
    "meeting": N_("Starts %(date)s"),
    "report_request": N_("Due %(date)s"),
    "merger": N_("Takes effect %(date)s"),
}
"""The date a result shows, as a whole phrase per record type."""


def query_error(query: str) -> str | None:
    """What is wrong with a searched-for query, in the reader's language (None: nothing)."""
    if len(query) > MAX_QUERY_LENGTH:
        return ngettext(
            "Search for %(n)d character or fewer", "Search for %(n)d characters or fewer",
            MAX_QUERY_LENGTH,
        ) % {"n": MAX_QUERY_LENGTH}
    if not words_of(query):
        return _("Enter words to search for")
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
                    "type": gettext(RECORD_TYPES[f.record_type]),
                    "date": gettext(DATES[f.record_type]) % {"date": long_date(f.dated)},
                }
                for f in found
            ]
    return render(
        request, "search.html",
        title=_("Search: %(query)s") % {"query": query[:60]} if query else _("Search"),
        section="search", query=query or "", results=results, errors=errors,
        status_code=400 if errors else 200,
    )


ROUTES = [Route("/search", search_page)]
