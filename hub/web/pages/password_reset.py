"""Password reset pages: ask for a link by email address, then choose a new password.

The first form answers the same for every address (no enumeration: the lookup happens in a
job, :func:`workers.mail.send_password_reset`). A link that is unknown, used or expired gets
the same 404 as any page that does not exist. Before there is a session, the forms' CSRF
token is the sign-in pages' cookie, echoed by the form.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hub.access import password_reset
from hub.access.secrets import new_token
from hub.domain.errors import NotFound
from hub.i18n import N_, _
from hub.web.auth import hub_of
from hub.web.pages.auth import SIGN_IN_CSRF_COOKIE
from hub.web.pages.common import render
from hub.web.pages.forms import read_form
from hub.web.pages.kept import kept, see
from workers.mail import send_password_reset

PATH = "/password-reset"


class AskForm(BaseModel):
    """The address to send a reset link to."""

    model_config = ConfigDict(extra="ignore")

    email: EmailStr


class NewPasswordForm(BaseModel):
    """A new password, typed twice."""

    model_config = ConfigDict(extra="ignore")

    password: str = Field(min_length=12, max_length=1000)
    confirm_password: str = Field(min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _passwords_match(self) -> NewPasswordForm:
        if self.password != self.confirm_password:
            raise ValueError("passwords differ")
        return self


def _with_csrf(request: Request, template: str, title: str, status_code: int = 200,
               **context: Any) -> Response:
    csrf = request.cookies.get(SIGN_IN_CSRF_COOKIE) or new_token()
    response = render(request, template, title=title, csrf=csrf, status_code=status_code,
                      **context)
    response.set_cookie(SIGN_IN_CSRF_COOKIE, csrf, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
    return response


async def ask_page(request: Request) -> Response:
    """The form asking for the account's email address (or, after it was posted, its errors
    or what happens next)."""
    state = await kept(request, request.cookies.get(SIGN_IN_CSRF_COOKIE)) or {}
    if state.get("sent"):
        return _with_csrf(request, "password_reset/ask.html", _("Check your email"),
                          values={}, sent=True, email=state.get("email", ""))
    return _with_csrf(request, "password_reset/ask.html", _("Reset your password"),
                      status_code=400 if state.get("errors") else 200,
                      errors=state.get("errors") or {}, values=state.get("values") or {},
                      sent=False)


async def ask(request: Request) -> Response:
    """Queue the reset mail and say what happens next, whatever the address (post/redirect/
    get: a reload does not send the mail again)."""
    browser = request.cookies.get(SIGN_IN_CSRF_COOKIE)
    form = await read_form(request, AskForm, browser,
                           messages={"email": _("Enter your email address")})
    if form.model is None:
        errors = {"email": _("Enter an email address in the correct format, like "
                             "name@example.org")} if form.values.get("email") else form.errors
        return await see(request, browser, PATH, {"errors": errors, "values": form.values})
    # Queuing is a Redis call: in a worker thread, never on the event loop.
    await run_in_threadpool(hub_of(request).queue.enqueue, send_password_reset,
                            kwargs={"email": str(form.model.email)})
    return await see(request, browser, PATH, {"sent": True, "email": str(form.model.email)})


async def choose(request: Request) -> Response:
    """Show, or act on, a reset link: choose a new password (a refused one comes back to the
    form, its errors kept and the passwords not)."""
    hub = hub_of(request)
    token = request.path_params["token"]
    if password_reset.open_reset(hub.engine, token, hub.clock()) is None:
        raise NotFound(N_("this link has expired or has already been used"))
    browser = request.cookies.get(SIGN_IN_CSRF_COOKIE)
    if request.method == "GET":
        errors = (await kept(request, browser) or {}).get("errors") or {}
        return _with_csrf(request, "password_reset/choose.html", _("Choose a new password"),
                          status_code=400 if errors else 200, errors=errors)
    form = await read_form(request, NewPasswordForm, browser,
                           messages={"password": _("Enter a password of at least 12 characters"),
                                     "confirm_password": _("Enter the password again")})
    errors = dict(form.errors)
    if "form" in errors:
        errors = {"confirm_password": _("The passwords do not match")}
    if form.model is not None and password_reset.reset(
        hub.engine, token, form.model.password, hub.clock()
    ):
        return RedirectResponse("/sign-in?reset=1", status_code=303)
    if form.model is not None:
        raise NotFound(N_("this link has expired or has already been used"))
    return await see(request, browser, request.url.path, {"errors": errors})


ROUTES = [
    Route(PATH, ask_page, methods=["GET"]),
    Route(PATH, ask, methods=["POST"]),
    Route("/password-reset/{token}", choose, methods=["GET", "POST"]),
]
