"""What every page shares: the signed-in caller, rendering with the layout's context."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from hub.domain.errors import DomainError
from hub.i18n import N_, gettext
from hub.web.auth import Caller, NotSignedIn, caller
from hub.web.pages.present import refusal_value


def page_caller(request: Request) -> Caller:
    """The signed-in browser user; pages send everyone else to the sign-in page."""
    found = caller(request)
    if found is None or found.via_token:
        raise NotSignedIn(N_("sign in to see this page"))
    return found


def render(
    request: Request, template: str, *, title: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """Render a page with the layout's shared context (caller, title, errors)."""
    templates = request.app.state.templates
    errors = context.get("errors") or {}
    return templates.TemplateResponse(
        request,
        template,
        {
            "caller": caller(request),
            "title": title,
            "errors": errors,
            "error_list": [
                {"text": t, "href": f"#{context.get('error_prefix', '')}{n}"}
                for n, t in errors.items()
            ],
            **context,
        },
        status_code=status_code,
    )


CONFIRMED = "confirmed"
"""The field a confirmation page posts ("yes") to say the person confirmed the action."""


def confirmed(form: Any) -> bool:
    """Whether a posted form comes from the confirmation page (see :func:`confirm`)."""
    return form.get(CONFIRMED) == "yes"


def confirm(
    request: Request, *, question: str, subject: str, action: str, label: str, back: str,
    carried: list[tuple[str, str]] | None = None, kind: str = "",
) -> HTMLResponse:
    """Ask before an action that cannot be undone: a page with the question, "Yes, <label>"
    (posting ``carried`` to ``action`` again, confirmed) and "No, go back" to ``back``. Nothing
    has changed when this page is shown."""
    return render(
        request, "records/confirm.html", title=question, kind=kind, record_title=subject,
        action=action, label=label, carried=carried or [], back=back,
    )


def to_confirm(request: Request) -> RedirectResponse:
    """Answer an unconfirmed post of a destructive action by sending the browser to its
    confirmation page, the GET of the same address (post/redirect/get: a reload of that page
    asks again, and posts nothing)."""
    return RedirectResponse(request.url.path, status_code=303)


def error_text(error: DomainError, names: Mapping[str, str] | None = None) -> str:
    """A refused command's message as a page shows it: in the reader's language, with its
    values in words (dates, statuses, and the names of the directory entries in ``names``, the
    reader's :func:`~hub.web.pages.directory_choices.visible_names`), starting with a capital
    (the domain writes it in English, marked for the catalogue)."""
    words = gettext(error.template)
    if error.values:
        words = words % {
            key: refusal_value(key, value, names or {}) for key, value in error.values.items()
        }
    return words[:1].upper() + words[1:]
