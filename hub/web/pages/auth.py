"""Signing in and out (with a second step where set up or required), and accepting an
invitation.

After the password, a user with two-step sign-in set up, or one who must set it up (an admin
in production), gets no session yet: a pending sign-in, held in Redis for five minutes under a
random cookie, takes them to ``/sign-in/two-step`` for a code (or to set it up first).
"""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import urlparse

from anyio import from_thread
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hub.access.accounts import InvalidCredentials
from hub.access.secrets import digest, new_token
from hub.access.throttle import SignInThrottled
from hub.access.two_step import CodeNotRight, TwoStep, required
from hub.bootstrap import Hub
from hub.domain.errors import DomainError
from hub.i18n import _, ngettext
from hub.web.auth import SESSION_COOKIE, hub_of
from hub.web.pages.common import error_text, page_caller, render
from hub.web.pages.forms import FormResult, check_csrf, read_form
from hub.web.pages.kept import ONCE, keep, kept, see

# Before there is a session, the sign-in form's CSRF token is a cookie the form must echo.
SIGN_IN_CSRF_COOKIE = "hub_sign_in_csrf"
TWO_STEP_COOKIE = "hub_two_step"
PENDING_SECONDS = 300
ACCOUNT_TWO_STEP = "/account/two-step"


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
        request, "sign_in.html", title=_("Sign in"), csrf=token,
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
        messages={"email": _("Enter your email address"), "password": _("Enter your password")},
    )
    target = _safe_next((await request.form()).get("next"))  # type: ignore[arg-type]
    # The throttle's and the pending sign-in's Redis calls, and the password's hash, block:
    # in a worker thread, so that a Redis host gone silent holds this request only, not
    # every request of the web process (see hub.web.pages.kept).
    return await run_in_threadpool(_sign_in, request, form, csrf, target)


def _sign_in(request: Request, form: FormResult, csrf: str | None, target: str) -> Response:
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
            errors["email"] = _throttled(error)
            status, headers = 429, {"Retry-After": str(error.retry_after)}
        except InvalidCredentials as error:
            throttle.failed(address, email)
            errors["email"] = error_text(error)
        else:
            throttle.succeeded(address, email)
            must = required(user.role, admins_must=hub.settings.admins_need_two_step)
            if must or hub.two_step.enabled(user.user_id):
                return _pending(request, hub, user.user_id, target)
            return _signed_in(request, hub, user.user_id, RedirectResponse(target, 303))
    values = {k: v for k, v in form.values.items() if k != "password"}
    page = render(
        request, "sign_in.html", title=_("Sign in"), csrf=csrf, next=target, values=values,
        errors=errors, status_code=status,
    )
    page.headers.update(headers)
    return page


def _signed_in(
    request: Request, hub: Hub, user_id: str, response: Response, cookie: str | None = None
) -> Response:
    """``response`` with a new session's cookie set (``cookie``, if it was started already)."""
    response.set_cookie(
        SESSION_COOKIE, cookie or hub.accounts.start_session(user_id), httponly=True,
        samesite="lax", secure=_secure(request),
        max_age=int(hub.accounts.policy.session_for.total_seconds()),
    )
    response.delete_cookie(SIGN_IN_CSRF_COOKIE)
    response.delete_cookie(TWO_STEP_COOKIE)
    return response


def _pending(request: Request, hub: Hub, user_id: str, target: str) -> Response:
    """Hold a sign-in whose password was right until its second step is done."""
    token = new_token()
    hub.redis.set(f"hub:two-step:{digest(token)}", f"{user_id} {target}", ex=PENDING_SECONDS)
    response = RedirectResponse("/sign-in/two-step", status_code=303)
    response.set_cookie(
        TWO_STEP_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request),
        max_age=PENDING_SECONDS,
    )
    return response


async def two_step(request: Request) -> Response:
    """The second step of a pending sign-in: a code, or setting two-step sign-in up first."""
    form = await request.form() if request.method == "POST" else None
    # The pending sign-in is held in Redis: read in a worker thread (see sign_in).
    return await run_in_threadpool(_two_step, request, form)


def _two_step(request: Request, form: FormData | None) -> Response:
    hub = hub_of(request)
    token = request.cookies.get(TWO_STEP_COOKIE, "")
    held = hub.redis.get(f"hub:two-step:{digest(token)}") if token else None
    if held is None:
        return RedirectResponse("/sign-in", status_code=303)
    user_id, target = (held.decode() if isinstance(held, bytes) else held).split(" ", 1)
    csrf = request.cookies.get(SIGN_IN_CSRF_COOKIE) or new_token()
    user = hub.accounts.user(user_id)
    enrolling = not hub.two_step.enabled(user_id)
    secret = hub.two_step.secret_to_enrol(user_id) if enrolling else ""
    errors: dict[str, str] = {}
    if form is not None:
        check_csrf(form, csrf)
        address = request.client.host if request.client else "unknown"
        throttle, key = hub.sign_in_throttle, f"two-step:{user_id}"
        try:
            throttle.check(address, key)
            codes = _complete(hub.two_step, user_id, str(form.get("code") or ""), enrolling)
        except SignInThrottled as error:
            errors["code"] = _throttled(error)
        except CodeNotRight:
            throttle.failed(address, key)
            errors["code"] = _("The code is not right, or has been used already")
        else:
            throttle.succeeded(address, key)
            hub.redis.delete(f"hub:two-step:{digest(token)}")
            if codes:
                # The codes are shown once, after a redirect, to the session this starts.
                cookie = hub.accounts.start_session(user_id)
                session = hub.accounts.session(cookie)
                assert session is not None, "a session just started is live"
                kept_for = from_thread.run(partial(
                    keep, request, session.csrf_token, {"next": target}, once=codes))
                shown = RedirectResponse(f"{ACCOUNT_TWO_STEP}?kept={kept_for}", 303)
                return _signed_in(request, hub, user_id, shown, cookie)
            return _signed_in(request, hub, user_id, RedirectResponse(target, 303))
    response = render(
        request, "two_step.html", title=_("Set up two-step sign-in") if enrolling else
        _("Enter your code"), csrf=csrf, enrolling=enrolling, secret=secret,
        app_link=TwoStep.app_link(secret, user.email) if enrolling else "",
        errors=errors, status_code=401 if errors else 200,
    )
    response.set_cookie(
        SIGN_IN_CSRF_COOKIE, csrf, httponly=True, samesite="strict", secure=_secure(request)
    )
    return response


def _complete(two_step: TwoStep, user_id: str, code: str, enrolling: bool) -> list[str]:
    """Check the code; the new recovery codes when it confirmed an enrolment."""
    if enrolling:
        return two_step.confirm(user_id, code)
    two_step.verify(user_id, code)
    return []


async def account_two_step(request: Request) -> Response:
    """A signed-in user choosing to set up two-step sign-in; once it is set up, the recovery
    codes are shown on the page the post leads to, once (never in its address)."""
    caller = page_caller(request)
    hub = hub_of(request)
    user_id = caller.actor.user_id or ""
    if request.method == "POST":
        form = await request.form()
        check_csrf(form, caller.csrf_token)
        if hub.two_step.enabled(user_id):
            return RedirectResponse(ACCOUNT_TWO_STEP, status_code=303)
        try:
            codes = hub.two_step.confirm(user_id, str(form.get("code") or ""))
        except CodeNotRight:
            return await see(request, caller, ACCOUNT_TWO_STEP, {"errors": {
                "code": _("The code is not right, or has been used already")}})
        return await see(request, caller, ACCOUNT_TWO_STEP, once=codes)
    state = await kept(request, caller) or {}
    if state.get(ONCE):
        return render(request, "recovery_codes.html", title=_("Your recovery codes"),
                      codes=state[ONCE], next=_safe_next(state.get("next")))
    if hub.two_step.enabled(user_id):
        return render(request, "two_step.html", title=_("Two-step sign-in"), enabled=True)
    secret = hub.two_step.secret_to_enrol(user_id)
    errors = state.get("errors") or {}
    return render(
        request, "two_step.html", title=_("Set up two-step sign-in"), csrf=caller.csrf_token,
        enrolling=True, secret=secret, action=ACCOUNT_TWO_STEP,
        app_link=TwoStep.app_link(secret, hub.accounts.user(user_id).email),
        errors=errors, status_code=400 if errors else 200,
    )


async def sign_out(request: Request) -> Response:
    """End the session (a POST with the CSRF token, so no link can sign anyone out)."""
    caller = page_caller(request)
    check_csrf(await request.form(), caller.csrf_token)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        # Ending a session tells every web process over Redis: not on the event loop.
        await run_in_threadpool(hub_of(request).accounts.end_session, cookie)
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
        browser = request.cookies.get(SIGN_IN_CSRF_COOKIE)
        form = await read_form(
            request, AcceptForm, browser,
            messages={
                "name": _("Enter your full name"),
                "password": _("Enter a password of at least 12 characters"),
            },
        )
        errors = dict(form.errors)
        if "form" in errors:
            errors = {"confirm_password": _("The passwords do not match")}
        if form.model is not None:
            try:
                hub.accounts.accept_invitation(
                    token, name=form.model.name, password=form.model.password
                )
            except DomainError as error:
                errors["name"] = error_text(error)
            else:
                return RedirectResponse("/sign-in", status_code=303)
        # Back to the form (post/redirect/get) with its errors and the name, never a password.
        return await see(request, browser, request.url.path, {
            "errors": errors, "values": {"name": form.values.get("name", "")}})
    state = await kept(request, csrf) or {}
    context.update(errors=state.get("errors") or {}, values=state.get("values") or {})
    response = render(request, "accept_invitation.html", title=_("Create your account"),
                      status_code=400 if context["errors"] else 200, **context)
    response.set_cookie(
        SIGN_IN_CSRF_COOKIE, csrf, httponly=True, samesite="strict", secure=_secure(request)
    )
    return response


def _throttled(error: SignInThrottled) -> str:
    """How long to wait, in the reader's language and its plural for the minutes."""
    return ngettext(
        "Too many failed attempts: wait %(minutes)d minute and try again",
        "Too many failed attempts: wait %(minutes)d minutes and try again", error.minutes,
    ) % {"minutes": error.minutes}


ROUTES = [
    Route("/sign-in", sign_in_page, methods=["GET"]),
    Route("/sign-in", sign_in, methods=["POST"]),
    Route("/sign-in/two-step", two_step, methods=["GET", "POST"]),
    Route(ACCOUNT_TWO_STEP, account_two_step, methods=["GET", "POST"]),
    Route("/sign-out", sign_out, methods=["POST"]),
    Route("/invitations/{token}", accept_invitation, methods=["GET", "POST"],
          name="accept_invitation"),
]

