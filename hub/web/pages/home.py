"""The signed-in home page and workspace pages."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.queries import directory as queries
from hub.queries.needs import needs_of
from hub.web.auth import hub_of
from hub.web.describe import describe
from hub.web.pages.common import page_caller, render


async def dashboard(request: Request) -> Response:
    """What needs me: requests to answer, consents, invitations, actions, decision gaps."""
    caller = page_caller(request)
    hub = hub_of(request)
    workspaces = queries.workspaces_of(hub.engine, caller.actor)
    needs = needs_of(hub.engine, caller.actor.organisation_id or "", hub.clock().date())
    visible = [w["workspace_id"] for w in workspaces]
    return render(
        request, "index.html", title="Dashboard", section="dashboard", workspaces=workspaces,
        needs=needs, waiting=sum(len(rows) for rows in needs.values()),
        live_workspaces=" ".join(visible), live_after=hub.store.head_position(visible),
    )


async def workspace(request: Request) -> Response:
    """One workspace: its live activity, member organisations and the caller's role there
    (404 unless a member)."""
    caller = page_caller(request)
    hub = hub_of(request)
    found = queries.workspace(hub.engine, caller.actor, request.path_params["workspace_id"])
    names = request.app.state.organisation_names
    latest = hub.store.read_latest([found["workspace_id"]], 20)
    activity = [
        {"position": e.position, "summary": describe(e.envelope(), names)}
        for e in reversed(latest)
    ]
    return render(
        request, "workspace.html", title=found["name"], workspace=found, activity=activity,
        live_after=latest[-1].position if latest else 0,
        my_role=caller.actor.role_in(found["workspace_id"]).value,
    )


ROUTES = [
    Route("/", dashboard),
    Route("/workspaces/{workspace_id}", workspace),
]
