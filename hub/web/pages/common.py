"""What every page shares: the signed-in caller, rendering with the layout's context."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from hub.web.auth import Caller, NotSignedIn, caller


def page_caller(request: Request) -> Caller:
    """The signed-in browser user; pages send everyone else to the sign-in page."""
    found = caller(request)
    if found is None or found.via_token:
        raise NotSignedIn("sign in to see this page")
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
