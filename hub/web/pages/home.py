"""The signed-in home page and workspace pages."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.queries import directory as queries
from hub.web.auth import hub_of
from hub.web.pages.common import page_caller, render


async def dashboard(request: Request) -> Response:
    """The caller's workspaces."""
    caller = page_caller(request)
    workspaces = queries.workspaces_of(hub_of(request).engine, caller.actor)
    return render(request, "index.html", title="Dashboard", section="dashboard",
                  workspaces=workspaces)


async def workspace(request: Request) -> Response:
    """One workspace: its member organisations (404 unless the caller's is one)."""
    caller = page_caller(request)
    found = queries.workspace(
        hub_of(request).engine, caller.actor, request.path_params["workspace_id"]
    )
    return render(request, "workspace.html", title=found["name"], workspace=found)


ROUTES = [
    Route("/", dashboard),
    Route("/workspaces/{workspace_id}", workspace),
]
