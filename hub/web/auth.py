"""Who is calling: a browser session (cookie) or a partner system (bearer token).

Pages and the API share one resolution, cached on the request. A missing or bad credential
is a 401 problem for the API; pages redirect to the sign-in page instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import HTTPConnection

from hub.access.accounts import Permission
from hub.access.actors import actor_for_client, actor_for_user
from hub.access.policy import Actor
from hub.bootstrap import Hub
from hub.domain.errors import DomainError
from hub.outages import dependency_down

SESSION_COOKIE = "hub_session"
UNWORDED = ("/static/", "/govuk/")
"""Paths of files no one reads as words (styles, scripts, images): no language to choose."""


class NotSignedIn(DomainError):
    """The request carries no valid session or API token."""

    code = "auth.required"
    status = 401


class MissingPermission(DomainError):
    """The API token lacks the permission this needs."""

    code = "auth.missing_permission"
    status = 403


@dataclass(frozen=True)
class Caller:
    """The resolved caller: the actor, and the session's CSRF token for browser callers."""

    actor: Actor
    csrf_token: str | None = None
    user_name: str | None = None
    via_token: bool = False
    locale: str | None = None
    """The language the user chose (None: their browser's); tokens choose none."""


def hub_of(conn: HTTPConnection) -> Hub:
    """The wired hub behind the app."""
    hub: Hub = conn.app.state.hub
    return hub


def caller(conn: HTTPConnection) -> Caller | None:
    """The caller of this request or websocket, or None when anonymous (cached per request)."""
    if "caller" in conn.scope:
        cached: Caller | None = conn.scope["caller"]
        return cached
    found = resolve(hub_of(conn), credentials(conn))
    conn.scope["caller"] = found
    return found


@dataclass(frozen=True)
class Credentials:
    """What a request presented: an ``Authorization`` header, or a session cookie."""

    authorization: str
    session: str | None


def credentials(conn: HTTPConnection) -> Credentials:
    """The credentials a request or websocket presents (kept by a live socket, which checks
    them again whenever some credentials are revoked)."""
    return Credentials(conn.headers.get("authorization", ""), conn.cookies.get(SESSION_COOKIE))


def resolve(hub: Hub, presented: Credentials) -> Caller | None:
    """The caller these credentials name now, or None (none, unknown, revoked, expired)."""
    authorization = presented.authorization
    if authorization.lower().startswith("bearer "):
        client = hub.accounts.client_for_token(authorization[7:].strip())
        if client is not None:
            return Caller(actor_for_client(hub.engine, client), via_token=True)
    elif presented.session:
        session = hub.accounts.session(presented.session)
        if session is not None:
            return Caller(
                actor_for_user(hub.engine, session.user), session.csrf_token, session.user.name,
                locale=session.user.locale,
            )
    return None


def preferred_locale(conn: HTTPConnection) -> str | None:
    """The language the signed-in user chose for themselves, if any (for
    :class:`hub.i18n.LocaleMiddleware`; reads the database once, then the request's cache)."""
    if SESSION_COOKIE not in conn.cookies or conn.url.path.startswith(UNWORDED):
        return None
    try:
        found = caller(conn)
    except Exception as error:
        if dependency_down(error) is None:
            raise
        # The database is down: the page says so itself, in the browser's language.
        return None
    return found.locale if found is not None else None


def require_caller(conn: HTTPConnection, permission: Permission | None = None) -> Caller:
    """The caller, or :class:`NotSignedIn`; tokens must also hold ``permission`` if given."""
    found = caller(conn)
    if found is None:
        raise NotSignedIn("sign in, or send an API token as 'Authorization: Bearer …'")
    lacking = permission is not None and permission.value not in found.actor.permissions
    if found.via_token and lacking:
        assert permission is not None
        raise MissingPermission(f"this API token lacks the {permission.value} permission")
    return found
