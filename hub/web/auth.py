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

SESSION_COOKIE = "hub_session"


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


def hub_of(conn: HTTPConnection) -> Hub:
    """The wired hub behind the app."""
    hub: Hub = conn.app.state.hub
    return hub


def caller(conn: HTTPConnection) -> Caller | None:
    """The caller of this request or websocket, or None when anonymous (cached per request)."""
    if "caller" in conn.scope:
        cached: Caller | None = conn.scope["caller"]
        return cached
    hub = hub_of(conn)
    found: Caller | None = None
    authorization = conn.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        client = hub.accounts.client_for_token(authorization[7:].strip())
        if client is not None:
            found = Caller(actor_for_client(hub.engine, client), via_token=True)
    elif cookie := conn.cookies.get(SESSION_COOKIE):
        session = hub.accounts.session(cookie)
        if session is not None:
            found = Caller(
                actor_for_user(hub.engine, session.user), session.csrf_token, session.user.name
            )
    conn.scope["caller"] = found
    return found


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
