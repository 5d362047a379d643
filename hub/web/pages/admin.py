"""Organisation admin pages: users and invitations, API clients; the office's directory forms."""

from __future__ import annotations

from functools import partial
from typing import Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hub.access.accounts import (
    ClientNotFound,
    InvitationInvalid,
    OwnAccount,
    Permission,
    Role,
    UnknownUser,
)
from hub.access.policy import NotPermitted
from hub.domain.errors import DomainError, NotFound
from hub.handlers import directory as directory_handlers
from hub.i18n import N_, _, gettext
from hub.queries.directory import current_organisations_of
from hub.web.auth import Caller, hub_of
from hub.web.pages.common import confirm, confirmed, error_text, page_caller, render, to_confirm
from hub.web.pages.forms import check_csrf, read_form
from hub.web.pages.kept import ONCE, kept, see
from hub.web.pages.present import long_date
from schemas.commands import directory as cmd
from schemas.events.directory import OrganisationKind
from workers.mail import queue_invitation


class InviteForm(BaseModel):
    """Invite a person to the admin's organisation."""

    model_config = ConfigDict(extra="ignore")

    email: EmailStr
    role: Role


class ClientForm(BaseModel):
    """Register a partner system."""

    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=200)
    permissions: list[Permission] = Field(min_length=1)


USERS = "/admin/users"
CLIENTS = "/admin/clients"
ORGANISATIONS = "/admin/organisations/new"
CSPS = "/admin/csps/new"

DONE = {
    "role": N_("You changed the user's role"),
    "disabled": N_("You disabled the user: they are signed out, and the API clients they "
                   "created are revoked"),
    "enabled": N_("You re-enabled the user: they can sign in again"),
    "invitation-revoked": N_("You revoked the invitation: its link no longer works"),
    "client-revoked": N_("You revoked the API client's token"),
}
"""What the admin pages say after each action."""


def _done(request: Request) -> str:
    done = DONE.get(request.query_params.get("done", ""))
    return gettext(done) if done else ""


def _admin(request: Request) -> Caller:
    caller = page_caller(request)
    if caller.actor.role != Role.ADMIN:
        raise NotPermitted(N_("only an admin of your organisation can see this page"))
    return caller


async def _admin_post(request: Request) -> tuple[Caller, FormData]:
    """An admin's post to one of these pages, and its form, whose CSRF token is checked."""
    caller = _admin(request)
    form = await request.form()
    check_csrf(form, caller.csrf_token)
    return caller, form


def _users_page(request: Request, caller: Caller, state: dict[str, Any]) -> Response:
    hub = hub_of(request)
    organisation_id = caller.actor.organisation_id or ""
    errors = state.get("errors") or {}
    return render(
        request, "admin/users.html", title=_("Users and invitations"), section="users",
        users=hub.accounts.users_of(organisation_id), done_text=_done(request),
        invitations=hub.accounts.pending_invitations(organisation_id),
        roles=[r.value for r in Role], long_date=long_date, values=state.get("values") or {},
        errors=errors, invited=state.get(ONCE), status_code=state.get("status", 200),
    )


async def users(request: Request) -> Response:
    """The organisation's users and open invitations, with the invite form (and what the
    last post to it left: errors and input, or a new invitation's link, shown once)."""
    caller = _admin(request)
    return _users_page(request, caller, await kept(request, caller) or {})


async def invite(request: Request) -> Response:
    """Invite someone; the users page then shows the single-use link to send them, once."""
    caller = _admin(request)
    form = await read_form(request, InviteForm, caller.csrf_token, messages={
        "role": _("Select a role"),
    })
    if form.model is None:
        return await see(request, caller, USERS, _refused(form.errors, form.values))
    try:
        # The API's rule: an email with an account in another area is invited as an unknown
        # one is, so the answer says nothing of who has an account elsewhere.
        token = hub_of(request).accounts.invite(
            email=form.model.email, organisation_id=caller.actor.organisation_id or "",
            role=form.model.role, invited_by=caller.actor.user_id or "",
            within_areas=caller.actor.area_ids,
        )
    except DomainError as error:
        return await see(request, caller, USERS,
                         _refused({"email": error_text(error)}, form.values))
    # Queuing the mail is a Redis call: in a worker thread, never on the event loop.
    await run_in_threadpool(partial(
        queue_invitation, hub_of(request), email=form.model.email, token=token,
        organisation_id=caller.actor.organisation_id or "", invited_by=caller.actor.user_id or "",
    ))
    link = str(request.url_for("accept_invitation", token=token))
    return await see(request, caller, USERS, once=[form.model.email, link])


def _refused(
    errors: dict[str, str], values: dict[str, Any] | None = None, status: int = 400
) -> dict[str, Any]:
    """What a refused post keeps for the form it goes back to."""
    return {"errors": errors, "values": values or {}, "status": status}


def _clients_page(request: Request, caller: Caller, state: dict[str, Any]) -> Response:
    return render(
        request, "admin/clients.html", title=_("API clients"), section="clients",
        clients=hub_of(request).accounts.clients_of(caller.actor.organisation_id or ""),
        done_text=_done(request), permissions=[p.value for p in Permission],
        values=state.get("values") or {}, errors=state.get("errors") or {},
        new_token=state.get(ONCE), status_code=state.get("status", 200),
    )


async def clients(request: Request) -> Response:
    """The organisation's partner systems and their tokens' state (and a new token, once)."""
    caller = _admin(request)
    return _clients_page(request, caller, await kept(request, caller) or {})


async def create_client(request: Request) -> Response:
    """Register a partner system; its token is shown once on the page it leads to."""
    caller = _admin(request)
    form = await read_form(request, ClientForm, caller.csrf_token, messages={
        "permissions": _("Select at least one permission"),
    })
    if form.model is None:
        return await see(request, caller, CLIENTS, _refused(form.errors, form.values))
    _client_id, token = hub_of(request).accounts.create_client(
        name=form.model.name, organisation_id=caller.actor.organisation_id or "",
        permissions=form.model.permissions, created_by=caller.actor.user_id or "",
    )
    return await see(request, caller, CLIENTS, once=[form.model.name, token])


def _client_named(request: Request, caller: Caller, client_id: str) -> Any:
    found = next((c for c in hub_of(request).accounts.clients_of(
        caller.actor.organisation_id or "") if c.client_id == client_id), None)
    if found is None:
        raise ClientNotFound(N_("no such API client in your organisation"))
    return found


async def ask_revoke_client(request: Request) -> Response:
    """Are you sure you want to revoke this token?"""
    caller = _admin(request)
    client = _client_named(request, caller, request.path_params["client_id"])
    return confirm(request, question=_("Are you sure you want to revoke this token?"),
                   subject=_("API client: %(name)s") % {"name": client.name},
                   label=_("Revoke the token"), action=request.url.path, back=CLIENTS)


async def revoke_client(request: Request) -> Response:
    """Revoke a partner system's token, once the admin has confirmed it."""
    caller, form = await _admin_post(request)
    if not confirmed(form):
        return to_confirm(request)
    # A revocation is announced to every web process over Redis: not on the event loop.
    await run_in_threadpool(hub_of(request).accounts.revoke_client,
                            request.path_params["client_id"], caller.actor.organisation_id or "")
    return RedirectResponse(CLIENTS + "?done=client-revoked", status_code=303)


def _user_named(request: Request, caller: Caller, user_id: str) -> Any:
    found = next((u for u in hub_of(request).accounts.users_of(
        caller.actor.organisation_id or "") if u.user_id == user_id), None)
    if found is None:
        raise UnknownUser(N_("no such user in your organisation"))
    return found


async def change_role(request: Request) -> Response:
    """Change a user's role in the organisation (never the admin's own away from admin)."""
    caller, form = await _admin_post(request)
    user_id = request.path_params["user_id"]
    try:
        role = Role(str(form.get("role", "")))
    except ValueError:
        return await see(request, caller, USERS,
                         _refused({f"role-{user_id}": _("Select a role")}))
    try:
        hub_of(request).accounts.set_role(user_id, caller.actor.organisation_id or "", role,
                                          by_user=caller.actor.user_id or "")
    except OwnAccount as refused:
        return await see(request, caller, USERS,
                         _refused({f"role-{user_id}": error_text(refused)}, status=409))
    return RedirectResponse(USERS + "?done=role", status_code=303)


async def ask_disable_user(request: Request) -> Response:
    """Are you sure you want to disable this user?"""
    caller = _admin(request)
    user = _user_named(request, caller, request.path_params["user_id"])
    return confirm(
        request, question=_("Are you sure you want to disable %(name)s?") % {"name": user.name},
        subject=_("User: %(name)s (%(email)s)") % {"name": user.name, "email": user.email},
        label=_("Disable %(name)s") % {"name": user.name}, action=request.url.path, back=USERS,
    )


async def disable_user(request: Request) -> Response:
    """Disable a user, once the admin has confirmed it: their sessions end, the API clients
    they created are revoked and their calendar feeds stop."""
    caller, form = await _admin_post(request)
    user_id = request.path_params["user_id"]
    if not confirmed(form) and user_id != caller.actor.user_id:
        return to_confirm(request)
    try:
        await run_in_threadpool(partial(
            hub_of(request).accounts.set_disabled, user_id, caller.actor.organisation_id or "",
            True, by_user=caller.actor.user_id or ""))
    except OwnAccount as refused:
        return await see(request, caller, USERS,
                         _refused({f"disable-{user_id}": error_text(refused)},
                                  status=409))
    return RedirectResponse(USERS + "?done=disabled", status_code=303)


async def enable_user(request: Request) -> Response:
    """Let a disabled user sign in again."""
    caller, _form = await _admin_post(request)
    hub_of(request).accounts.set_disabled(request.path_params["user_id"],
                                          caller.actor.organisation_id or "", False,
                                          by_user=caller.actor.user_id or "")
    return RedirectResponse(USERS + "?done=enabled", status_code=303)


async def ask_revoke_invitation(request: Request) -> Response:
    """Are you sure you want to revoke this invitation?"""
    caller = _admin(request)
    invitation_id = request.path_params["invitation_id"]
    invitation = next((i for i in hub_of(request).accounts.pending_invitations(
        caller.actor.organisation_id or "") if i.token_hash == invitation_id), None)
    if invitation is None:
        raise InvitationInvalid(N_("no such open invitation in your organisation"))
    return confirm(
        request, question=_("Are you sure you want to revoke the invitation to %(email)s?")
        % {"email": invitation.email},
        subject=_("Invitation: %(email)s") % {"email": invitation.email},
        label=_("Revoke the invitation"), back=USERS, action=request.url.path,
    )


async def revoke_invitation(request: Request) -> Response:
    """Revoke an open invitation, once the admin has confirmed it."""
    caller, form = await _admin_post(request)
    if not confirmed(form):
        return to_confirm(request)
    hub_of(request).accounts.revoke_invitation(request.path_params["invitation_id"],
                                               caller.actor.organisation_id or "")
    return RedirectResponse(USERS + "?done=invitation-revoked", status_code=303)


def _organisation_page(request: Request, state: dict[str, Any]) -> Response:
    return render(
        request, "admin/organisation_new.html", title=_("Add an organisation"),
        kinds=[k.value for k in OrganisationKind], **_form_state(state),
    )


def _form_state(state: dict[str, Any]) -> dict[str, Any]:
    """A directory form's context from what its last post kept: input and errors, or what
    was added (the form is then blank, to add another)."""
    return {"values": state.get("values") or {}, "errors": state.get("errors") or {},
            "done_text": state.get("done", ""), "status_code": state.get("status", 200)}


async def new_organisation(request: Request) -> Response:
    """The office's form to add an organisation to its area."""
    caller = page_caller(request)
    return _organisation_page(request, await kept(request, caller) or {})


# The command's own rules check what a person typed; the fields the hub sets itself (the id,
# the area, the country) are filled in by hub.handlers.directory, and stand in here only so
# that the rest validates.
HUB_SET = {
    "organisation_id": "placeholder", "csp_id": "placeholder", "area_ids": ["placeholder"],
    "area_id": "placeholder", "country": "england",
}


def _first_area(caller: Caller) -> str | None:
    # An office of several areas adds to the first (the form names none).
    return min(caller.actor.area_ids) if caller.actor.area_ids else None


async def create_organisation(request: Request) -> Response:
    """Add an organisation to the office's area through the directory handlers, which make
    its id (the access policy decides who may)."""
    caller = page_caller(request)
    server_fields = {k: HUB_SET[k] for k in ("organisation_id", "area_ids", "country")}
    form = await read_form(
        request, cmd.RegisterOrganisation, caller.csrf_token,
        messages={"kind": _("Select the kind of organisation"), "name": _("Enter the name")},
        **server_fields,
    )
    if form.model is None:
        return await see(request, caller, ORGANISATIONS, _refused(form.errors, form.values))
    area = _first_area(caller)
    directory_handlers.register_organisation(
        hub_of(request), caller.actor, name=form.model.name, kind=form.model.kind,
        area_ids=[area] if area else None,
    )
    return await see(request, caller, ORGANISATIONS, {
        "done": _("You added %(name)s to your area's directory") % {"name": form.model.name}})


def _csp_page(request: Request, caller: Caller, state: dict[str, Any]) -> Response:
    return render(
        request, "admin/csp_new.html", title=_("Add a community safety partnership"),
        organisations=current_organisations_of(hub_of(request).engine, caller.actor),
        **_form_state(state),
    )


async def new_csp(request: Request) -> Response:
    """The office's form to add a CSP to its area."""
    caller = page_caller(request)
    return _csp_page(request, caller, await kept(request, caller) or {})


async def create_csp(request: Request) -> Response:
    """Add a CSP: its local government areas one per line, and its responsible authorities."""
    caller = page_caller(request)
    raw = await request.form()
    areas_text = str(raw.get("local_government_areas", ""))
    form = await read_form(
        request, cmd.RegisterCsp, caller.csrf_token, csp_id=HUB_SET["csp_id"],
        area_id=HUB_SET["area_id"],
        messages={"name": _("Enter the name"),
            "local_government_areas": _("Enter at least one local government area"),
            "responsible_authorities": _("Select at least one responsible authority"),
            "valid_from": _("Enter the date the partnership started, like 2026-04-01"),
        },
        local_government_areas=[line.strip() for line in areas_text.splitlines() if line.strip()],
        responsible_authorities=raw.getlist("responsible_authorities"),
    )
    values = {**form.values, "local_government_areas": areas_text,
              "responsible_authorities": raw.getlist("responsible_authorities")}
    if form.model is None:
        return await see(request, caller, CSPS, _refused(form.errors, values))
    try:
        directory_handlers.register_csp(
            hub_of(request), caller.actor, name=form.model.name,
            local_government_areas=form.model.local_government_areas,
            responsible_authorities=form.model.responsible_authorities,
            valid_from=form.model.valid_from, area_id=_first_area(caller),
        )
    except NotFound:
        # An authority not of the office's area: the answer one that does not exist gets.
        return await see(request, caller, CSPS, _refused({
            "responsible_authorities": _("Select responsible authorities from the list"),
        }, values))
    return await see(request, caller, CSPS, {
        "done": _("You added %(name)s to your area's directory") % {"name": form.model.name}})


ROUTES = [
    Route("/admin/csps/new", new_csp, methods=["GET"]),
    Route("/admin/csps/new", create_csp, methods=["POST"]),
    Route("/admin/users", users, methods=["GET"]),
    Route("/admin/users", invite, methods=["POST"]),
    Route("/admin/clients", clients, methods=["GET"]),
    Route("/admin/clients", create_client, methods=["POST"]),
    Route("/admin/clients/{client_id}/revoke", ask_revoke_client, methods=["GET"]),
    Route("/admin/clients/{client_id}/revoke", revoke_client, methods=["POST"]),
    Route("/admin/users/{user_id}/role", change_role, methods=["POST"]),
    Route("/admin/users/{user_id}/disable", ask_disable_user, methods=["GET"]),
    Route("/admin/users/{user_id}/disable", disable_user, methods=["POST"]),
    Route("/admin/users/{user_id}/enable", enable_user, methods=["POST"]),
    Route("/admin/invitations/{invitation_id}/revoke", ask_revoke_invitation,
          methods=["GET"]),
    Route("/admin/invitations/{invitation_id}/revoke", revoke_invitation, methods=["POST"]),
    Route("/admin/organisations/new", new_organisation, methods=["GET"]),
    Route("/admin/organisations/new", create_organisation, methods=["POST"]),
]
