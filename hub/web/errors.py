"""Errors answered once for the whole app: problem JSON for the API, pages for browsers."""

from __future__ import annotations

from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Match, Route

from hub import outages
from hub.domain.errors import DomainError
from hub.i18n import N_, _, gettext
from hub.web import problems
from hub.web.auth import NotSignedIn, caller, hub_of
from hub.web.pages.common import error_text, render
from hub.web.pages.directory_choices import visible_names

TITLES = {
    403: N_("You cannot do that"),
    404: N_("Page not found"),
    409: N_("Someone else changed this"),
    422: N_("There is a problem with what you sent"),
}
"""Error pages' titles, translated when shown."""


def _title(status: int) -> str:
    return gettext(TITLES.get(status, N_("Something went wrong")))


def _wants_page(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and request.method in {"GET", "POST"}


async def domain_error(request: Request, error: Exception) -> Response:
    """A broken rule: a problem document for the API, a page (or sign-in) for browsers."""
    assert isinstance(error, DomainError)
    if not _wants_page(request):
        return await problems.domain_error(request, error)
    if isinstance(error, NotSignedIn):
        target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        return RedirectResponse(f"/sign-in?next={target}", status_code=303)
    if error.status == 404:
        message = _("No such page or record.")
    else:
        reader = caller(request)
        names = visible_names(hub_of(request).engine, reader.actor) if reader else None
        message = error_text(error, names)
    return render(
        request, "error.html", title=_title(error.status),
        message=message, status_code=error.status,
    )


async def dependency_down(request: Request, error: Exception) -> Response:
    """503 with ``Retry-After`` while the database or Redis is unreachable (never a 500): a
    problem document for the API, a page for browsers. A write that failed so did not happen."""
    dependency = outages.dependency_down(error)
    if dependency is None:
        raise error
    if not _wants_page(request):
        return problems.unavailable(dependency)
    # Not ``render``: it looks the caller up, which needs the database.
    title = _("Sorry, the service is unavailable")
    return request.app.state.templates.TemplateResponse(
        request, "error.html",
        {"caller": None, "title": title, "errors": {}, "error_list": [],
         "message": _("Nothing was changed. Try again in a few seconds.")},
        status_code=503, headers={"Retry-After": str(problems.RETRY_AFTER_SECONDS)},
    )


async def http_error(request: Request, error: Exception) -> Response:
    """Starlette's own errors (unknown route, wrong method) in the same two shapes."""
    assert isinstance(error, HTTPException)
    response: Response
    if not _wants_page(request):
        code = "request.not_found" if error.status_code == 404 else "request.refused"
        response = problems.problem(error.status_code, code, str(error.detail))
    else:
        response = render(
            request, "error.html", title=_title(error.status_code),
            message=str(error.detail), status_code=error.status_code,
        )
    response.headers.update(error.headers or {})
    if error.status_code == 405:
        response.headers["Allow"] = ", ".join(allowed_methods(request))
    return response


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (RFC 9110: a 405 must say which).

    Starlette names only the first route matching the path, and a path here is often served
    by a route per method.
    """
    methods: set[str] = set()
    for route in request.app.routes:
        if isinstance(route, Route) and route.matches(request.scope)[0] is not Match.NONE:
            methods |= route.methods or set()
    return sorted(methods)
