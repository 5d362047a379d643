"""Signing in and out, and accepting an invitation."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hub.access.accounts import InvalidCredentials
from hub.access.secrets import new_token
from hub.access.throttle import SignInThrottled
from hub.domain.errors import DomainError
from hub.web.auth import SESSION_COOKIE, hub_of
from hub.web.pages.common import page_caller, render
from hub.web.pages.forms import check_csrf, read_form

# Before there is a session, the sign-in form's CSRF token is a cookie the form must echo.
SIGN_IN_CSRF_COOKIE = "hub_sign_in_csrf"


class SignInForm(BaseModel):
    """The sign-in form."""

    model_config = ConfigDict(extra="ignore")

    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=1000)


class AcceptForm(BaseModel):
    """Accepting an invitation: a name and a new password, typed twice."""

    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=12, max_length=1000)
    confirm_password: str = Field(min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _passwords_match(self) -> AcceptForm:
        if self.password != self.confirm_password:
            raise ValueError("passwords differ")
        return self


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect would let a phishing link borrow our name.
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    return "/" if urlparse(target).netloc else target


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


async def sign_in_page(request: Request) -> Response:
    """The sign-in form."""
    token = request.cookies.get(SIGN_IN_CSRF_COOKIE) or new_token()
    response = render(
        request, "sign_in.html", title="Sign in", csrf=token,
        next=_safe_next(request.query_params.get("next")), values={},
    )
    response.set_cookie(
        SIGN_IN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request)
    )
    return response


async def sign_in(request: Request) -> Response:
    """Check the credentials; on success start a session and go where the user was going."""
    csrf = request.cookies.get(SIGN_IN_CSRF_COOKIE)
    form = await read_form(
        request, SignInForm, csrf,
        messages={"email": "Enter your email address", "password": "Enter your password"},
    )
    target = _safe_next((await request.form()).get("next"))  # type: ignore[arg-type]
    errors = dict(form.errors)
    status, headers = (400 if form.errors else 401), {}
    if form.model is not None:
        hub = hub_of(request)
        address = request.client.host if request.client else "unknown"
        email, throttle = form.model.email, hub.sign_in_throttle
        try:
            throttle.check(address, email)
            user = hub.accounts.sign_in(email, form.model.password)
        except SignInThrottled as error:
            errors["email"] = error.message[0].upper() + error.message[1:]
            status, headers = 429, {"Retry-After": str(error.retry_after)}
        except InvalidCredentials as error:
            throttle.failed(address, email)
            errors["email"] = error.message[0].upper() + error.message[1:]
        else:
            throttle.succeeded(address, email)
            response = RedirectResponse(target, status_code=303)
            response.set_cookie(
                SESSION_COOKIE, hub.accounts.start_session(user.user_id), httponly=True,
                samesite="lax", secure=_secure(request),
                max_age=int(hub.accounts.policy.session_for.total_seconds()),
            )
            response.delete_cookie(SIGN_IN_CSRF_COOKIE)
            return response
    values = {k: v for k, v in form.values.items() if k != "password"}
    page = render(
        request, "sign_in.html", title="Sign in", csrf=csrf, next=target, values=values,
        errors=errors, status_code=status,
    )
    page.headers.update(headers)
    return page


async def sign_out(request: Request) -> Response:
    """End the session (a POST with the CSRF token, so no link can sign anyone out)."""
    caller = page_caller(request)
    check_csrf(await request.form(), caller.csrf_token)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        hub_of(request).accounts.end_session(cookie)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


async def accept_invitation(request: Request) -> Response:
    """Show, or act on, an invitation link: choose a name and password to create the account."""
    hub = hub_of(request)
    token = request.path_params["token"]
    invitation = hub.accounts.invitation(token)
    csrf = request.cookies.get(SIGN_IN_CSRF_COOKIE) or new_token()
    context: dict[str, Any] = {"invitation": invitation, "csrf": csrf, "values": {}}
    if request.method == "POST":
        form = await read_form(
            request, AcceptForm, request.cookies.get(SIGN_IN_CSRF_COOKIE),
            messages={
                "name": "Enter your full name",
                "password": "Enter a password of at least 12 characters",
            },
        )
        errors = dict(form.errors)
        if "form" in errors:
            errors = {"confirm_password": "The passwords do not match"}
        if form.model is not None:
            try:
                hub.accounts.accept_invitation(
                    token, name=form.model.name, password=form.model.password
                )
            except DomainError as error:
                errors["name"] = error.message
            else:
                return RedirectResponse("/sign-in", status_code=303)
        context.update(errors=errors, values={"name": form.values.get("name", "")})
        return render(request, "accept_invitation.html", title="Create your account",
                      status_code=400, **context)
    response = render(request, "accept_invitation.html", title="Create your account", **context)
    response.set_cookie(
        SIGN_IN_CSRF_COOKIE, csrf, httponly=True, samesite="strict", secure=_secure(request)
    )
    return response


ROUTES = [
    Route("/sign-in", sign_in_page, methods=["GET"]),
    Route("/sign-in", sign_in, methods=["POST"]),
    Route("/sign-out", sign_out, methods=["POST"]),
    Route("/invitations/{token}", accept_invitation, methods=["GET", "POST"],
          name="accept_invitation"),
]
