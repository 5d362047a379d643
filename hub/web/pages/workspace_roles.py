"""The page of people's roles within a workspace, with the form that sets one.

Everyone who sees the workspace sees who holds which role; the form offers only the people
and roles the access policy lets the caller set, and the service checks again on the post.
The form carries the workspace's version as the page showed it, so that of two people setting
roles at once the second is told what they saw has changed, rather than silently overriding.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hub.domain import directory
from hub.domain.errors import DomainError
from hub.events import StreamRef
from hub.events.errors import ConcurrencyConflict
from hub.handlers.workspaces import Person, assign_role, people_in
from hub.i18n import N_, _, gettext
from hub.queries import directory as queries
from hub.web.auth import Caller, hub_of
from hub.web.pages.common import error_text, page_caller, render
from hub.web.pages.forms import expected_version, read_form
from hub.web.pages.kept import kept, see
from hub.web.pages.value_words import value_words
from schemas.events.directory import WorkspaceRole

ROLE_HINTS = {
    WorkspaceRole.LEAD: N_("Acts as their organisation role allows, and sets others' roles here"),
    WorkspaceRole.MEMBER: N_(
        "Acts as their organisation role allows (everyone starts as a member)"),
    WorkspaceRole.OBSERVER: N_("Sees this workspace's records but changes none of them"),
}
"""What each role lets a person do, translated where shown."""
ROLE_SET = {
    WorkspaceRole.LEAD: N_("%(name)s is now a lead in this workspace."),
    WorkspaceRole.MEMBER: N_("%(name)s is now a member in this workspace."),
    WorkspaceRole.OBSERVER: N_("%(name)s is now an observer in this workspace."),
}
"""The banner once a role is set: a whole sentence per role, for the translator."""


class RoleForm(BaseModel):
    """Set one person's role within the workspace."""

    model_config = ConfigDict(extra="ignore")

    user_id: str = Field(min_length=1, max_length=36)
    role: WorkspaceRole


def _page(
    request: Request, caller: Caller, people: list[Person] | None = None, **context: Any
) -> Response:
    hub = hub_of(request)
    workspace_id = request.path_params["workspace_id"]
    workspace = queries.workspace(hub.engine, caller.actor, workspace_id)
    people = people if people is not None else people_in(hub, caller.actor, workspace_id)
    offered = {role for person in people for role in person.settable}
    updated = next(
        (p for p in people if p.user_id == request.query_params.get("updated")), None
    )
    stream = StreamRef.of(directory.WORKSPACE.stream_type, workspace_id)
    return render(
        request, "workspace_roles.html",
        title=_("People and roles: %(workspace)s") % {"workspace": workspace["name"]},
        workspace=workspace, people=people, choosable=[p for p in people if p.settable],
        roles=[{"value": r.value, "text": value_words(r), "hint": gettext(ROLE_HINTS[r])}
               for r in WorkspaceRole if r in offered],
        updated=updated,
        updated_text=gettext(ROLE_SET[updated.role]) % {"name": updated.name} if updated else "",
        version=hub.store.stream_version(stream.id), **context,
    )


async def roles(request: Request) -> Response:
    """Who holds which role in the workspace; the form, when the caller may set any (and
    what the last post to it left: its errors and choices)."""
    caller = page_caller(request)
    state = await kept(request, caller) or {}
    return _page(request, caller, values=state.get("values") or {},
                 errors=state.get("errors") or {}, status_code=state.get("status", 200))


async def set_role(request: Request) -> Response:
    """Set a person's role; errors are shown beside the field they concern."""
    caller = page_caller(request)
    hub = hub_of(request)
    workspace_id = request.path_params["workspace_id"]
    people = people_in(hub, caller.actor, workspace_id)
    form = await read_form(request, RoleForm, caller.csrf_token, messages={
        "user_id": _("Select a person"), "role": _("Select a role"),
    })
    errors = form.errors
    status_code = 400
    person = next((p for p in people if form.model and p.user_id == form.model.user_id), None)
    if form.model is not None and (person is None or not person.settable):
        errors = {"user_id": _("Select a person from the list")}
    elif form.model is not None:
        try:
            assign_role(
                hub, caller.actor, workspace_id, form.model.user_id, form.model.role,
                expected_version=expected_version(form.values),
            )
        except ConcurrencyConflict:
            # The page is drawn again from the log as it now stands, the choices kept.
            status_code = 409
            errors = {"role": _("The people or roles here changed since you opened this page: "
                              "check the table below, then set the role again")}
        except DomainError as error:
            errors = {"role": error_text(error)}
        else:
            target = f"/workspaces/{workspace_id}/roles?updated={form.model.user_id}"
            return RedirectResponse(target, status_code=303)
    return await see(request, caller, request.url.path,
                     {"errors": errors, "values": form.values, "status": status_code})


ROUTES = [
    Route("/workspaces/{workspace_id}/roles", roles, methods=["GET"]),
    Route("/workspaces/{workspace_id}/roles", set_role, methods=["POST"]),
]
