"""Mail pages: a user's email choices, the one-click unsubscribe, the outbox, and an
organisation's shared contact address.

The unsubscribe link needs no sign-in: its token is signed (:mod:`hub.mail.preferences`), and
RFC 8058's one-click ``POST`` comes from a mail client with neither session nor CSRF token.
A token the hub did not sign gets the same 404 as a page that does not exist.

The outbox (``/admin/outbox``) shows the mail kept when no provider is configured (embedded
mode, the demo). An organisation's admin sees the messages to their own organisation's
people and address, never another organisation's.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hub.access.accounts import Role
from hub.access.policy import NotPermitted
from hub.db import aware
from hub.domain.errors import NotFound
from hub.domain.meetings import LONDON
from hub.i18n import N_, _, gettext
from hub.mail.notices import KINDS, Kind
from hub.mail.preferences import (
    CHOICES,
    DAILY,
    NOW,
    OFF,
    choices_of,
    choose,
    digest_hour,
    read_unsubscribe_token,
    set_digest_hour,
)
from hub.mail.recipients import contact_of, set_contact
from hub.mail.tables import messages_table
from hub.web.auth import hub_of
from hub.web.pages.common import page_caller, render
from hub.web.pages.forms import check_csrf, read_form
from hub.web.pages.kept import kept, see
from workers.mail import arm_digests

STATUTORY_NOTE = {
    Kind.REPORT_REQUIRED: N_("Formal requirements under section 7 are always sent."),
    Kind.MEETING_INVITATION: N_("Regulation 14A joint meetings are always sent."),
}
"""Why some messages cannot be turned off, translated where shown."""
OUTBOX_LIMIT = 200


def _preferences_page(request: Request, **context: Any) -> Response:
    caller = page_caller(request)
    hub = hub_of(request)
    user_id = caller.actor.user_id or ""
    return render(
        request, "mail/preferences.html", title=_("Email choices"), section="mail",
        kinds=KINDS, choices=CHOICES, chosen=choices_of(hub.engine, user_id), default=NOW,
        notes={kind: gettext(note) for kind, note in STATUTORY_NOTE.items()},
        hour=digest_hour(hub.engine, user_id), **context,
    )


async def preferences(request: Request) -> Response:
    """What email the user gets, per kind, and the hour of their daily summary (and what the
    last post left: its errors and choices)."""
    state = await kept(request, page_caller(request)) or {}
    return _preferences_page(request, values=state.get("values") or {},
                             errors=state.get("errors") or {},
                             status_code=400 if state.get("errors") else 200)


async def save_preferences(request: Request) -> Response:
    """Record the user's choices; the form again with an error beside a bad field."""
    caller = page_caller(request)
    form = await request.form()
    check_csrf(form, caller.csrf_token)
    errors: dict[str, str] = {}
    picked = {kind: str(form.get(kind, "")) for kind in KINDS}
    for kind, choice in picked.items():
        if choice not in CHOICES:
            errors[kind] = _("Select how you want these emails")
    raw_hour = str(form.get("hour", ""))
    if not raw_hour.isdigit() or not 0 <= int(raw_hour) <= 23:
        errors["hour"] = _("Select the hour for your daily summary")
    if errors:
        return await see(request, caller, "/mail/preferences",
                         {"errors": errors, "values": {**picked, "hour": raw_hour}})
    hub = hub_of(request)
    user_id = caller.actor.user_id or ""
    for kind, choice in picked.items():
        choose(hub.engine, user_id, kind, choice)
    set_digest_hour(hub.engine, user_id, int(raw_hour))
    if DAILY in picked.values():
        arm_digests(hub, hub.clock() + timedelta(hours=1))
    return RedirectResponse("/mail/preferences?saved=1", status_code=303)


def _unsubscribing(request: Request) -> tuple[str, str]:
    found = read_unsubscribe_token(
        hub_of(request).settings.secret_key, request.path_params["token"]
    )
    if found is None or found[1] not in KINDS:
        raise NotFound(N_("no such page"))
    return found


async def unsubscribe_page(request: Request) -> Response:
    """Confirm before stopping (a link scanner following the URL must not unsubscribe)."""
    _user_id, kind = _unsubscribing(request)
    return render(request, "mail/unsubscribe.html", title=_("Stop these emails"),
                  kind=gettext(KINDS[kind]), done=False, token=request.path_params["token"])


async def unsubscribe(request: Request) -> Response:
    """Stop one kind of email for the user the token names (RFC 8058 one-click, or the
    confirmation page's button)."""
    user_id, kind = _unsubscribing(request)
    choose(hub_of(request).engine, user_id, kind, OFF)
    return render(request, "mail/unsubscribe.html", title=_("Emails stopped"),
                  kind=gettext(KINDS[kind]), done=True, token="")


async def outbox(request: Request) -> Response:
    """The mail kept for the admin's organisation while no provider is configured."""
    caller = _admin(request)
    hub = hub_of(request)
    with hub.engine.connect() as conn:
        rows = list(conn.execute(
            select(messages_table).where(
                messages_table.c.status == "kept",
                messages_table.c.organisation_id == caller.actor.organisation_id,
            ).order_by(messages_table.c.created_at.desc()).limit(OUTBOX_LIMIT)
        ))
    kept = [
        {"when": f"{aware(r.created_at).astimezone(LONDON):%-d %B %Y, %H:%M}",
         "to": r.recipient, "subject": r.subject, "text": r.text_body,
         "invitation": bool(r.calendar)}
        for r in rows
    ]
    return render(request, "mail/outbox.html", title=_("Outbox"), section="outbox",
                  messages=kept, limit=OUTBOX_LIMIT)


class ContactForm(BaseModel):
    """An organisation's shared contact address; empty to have none."""

    model_config = ConfigDict(extra="ignore")

    email: EmailStr | Literal[""] = ""


def _admin(request: Request) -> Any:
    caller = page_caller(request)
    if caller.actor.role != Role.ADMIN:
        raise NotPermitted(N_("only an admin of your organisation can see this page"))
    return caller


def _contact_page(request: Request, **context: Any) -> Response:
    caller = _admin(request)
    current = contact_of(hub_of(request).engine, caller.actor.organisation_id or "")
    return render(request, "mail/contact.html", title=_("Shared contact address"),
                  section="contact", current=current, **context)


async def contact(request: Request) -> Response:
    """The organisation's shared contact address, and the form to change it (and what the
    last post left: its error and input)."""
    state = await kept(request, _admin(request)) or {}
    return _contact_page(request, values=state.get("values") or {},
                         errors=state.get("errors") or {},
                         status_code=400 if state.get("errors") else 200)


async def save_contact(request: Request) -> Response:
    """Set or remove the organisation's shared contact address."""
    caller = _admin(request)
    form = await read_form(request, ContactForm, caller.csrf_token)
    if form.model is None:
        return await see(request, caller, "/admin/mail-contact", {"values": form.values,
            "errors": {"email": _("Enter an email address in the correct format, like "
                                  "team@example.org")}})
    hub = hub_of(request)
    set_contact(hub.engine, caller.actor.organisation_id or "", str(form.model.email),
                caller.actor.user_id or "", hub.clock())
    return RedirectResponse("/admin/mail-contact?saved=1", status_code=303)


ROUTES = [
    Route("/mail/preferences", preferences, methods=["GET"]),
    Route("/mail/preferences", save_preferences, methods=["POST"]),
    Route("/mail/unsubscribe/{token}", unsubscribe_page, methods=["GET"]),
    Route("/mail/unsubscribe/{token}", unsubscribe, methods=["POST"]),
    Route("/admin/outbox", outbox, methods=["GET"]),
    Route("/admin/mail-contact", contact, methods=["GET"]),
    Route("/admin/mail-contact", save_contact, methods=["POST"]),
]
