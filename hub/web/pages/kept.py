"""What a posted form leaves for the page after it (post/redirect/get).

A form post never answers with a page: a reload would post it again. Whatever the next page
must show (the input as typed, its errors, a conflict, the answers to check, what was done) is
kept here and the browser is sent to a plain GET that names it by a random token. The state is
kept in Redis for a while (so reloading that page shows the same thing), and only for the
session that posted it: another person holding the link gets nothing. Before signing in there
is no session yet; the pages there (resetting a password, accepting an invitation) name the
browser by their form's CSRF cookie instead.

A secret shown once (a new API token, a webhook signing secret, a calendar feed's link) is
kept beside the state, never in the URL, and dropped by the first read: a reload, or the
browser's history, does not show it again.

Redis is called from a worker thread, never on the event loop: while Redis is unreachable a
call waits up to its socket timeout, and on the loop that wait would hold every other request
of the web process.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import RedirectResponse

from hub.access.secrets import same
from hub.web.auth import Caller, hub_of

KEPT_FOR = 1800
"""Seconds a posted form's state stays readable (a person fixing a form takes minutes)."""
PARAMETER = "kept"
"""The query parameter naming the kept state."""
ONCE = "once"
"""The key under which :func:`kept` gives the secret kept to be shown once."""


def _key(token: str) -> str:
    return f"hub:kept-form:{token}"


def _once_key(token: str) -> str:
    return f"hub:kept-once:{token}"


Owner = Caller | str | None
"""Whose state it is: a signed-in caller, or before signing in the browser's sign-in CSRF
cookie (None when it has none: nothing is kept for, or given to, it)."""


def _session(owner: Owner) -> str:
    return (owner.csrf_token or "") if isinstance(owner, Caller) else owner or ""


async def keep(
    request: Request, owner: Owner, state: dict[str, Any], *,
    once: Any = None,
) -> str:
    """Keep ``state`` (JSON-serialisable) for ``owner``'s session; returns the token naming it.

    ``once`` (JSON-serialisable), a secret to show a single time, is kept beside it and
    given by the first :func:`kept` only (under :data:`ONCE`)."""
    token = secrets.token_urlsafe(18)
    payload = json.dumps({"session": _session(owner), "state": state})
    redis = hub_of(request).redis

    def write() -> None:
        with redis.pipeline() as pipe:
            pipe.set(_key(token), payload, ex=KEPT_FOR)
            if once is not None:
                pipe.set(_once_key(token), json.dumps(once), ex=KEPT_FOR)
            pipe.execute()

    await run_in_threadpool(write)
    return token


async def kept(request: Request, owner: Owner) -> dict[str, Any] | None:
    """The state the request's ``?kept=`` token names, if this session kept it and it has not
    expired; None otherwise (the page is then shown afresh). A secret kept to be shown once
    is in it under :data:`ONCE` the first time only."""
    token = token_of(request)
    if not token or len(token) > 64:
        return None
    redis = hub_of(request).redis

    def read() -> dict[str, Any] | None:
        raw = redis.get(_key(token))
        if raw is None:
            return None
        found = json.loads(raw)
        session = _session(owner)
        if not session or not same(str(found.get("session", "")), session):
            return None
        state: dict[str, Any] = found.get("state") or {}
        # Taken only once the session is known to be the one that kept it, so another
        # person's read cannot spend the secret before its owner sees it.
        secret = redis.getdel(_once_key(token))
        if secret is not None:
            state[ONCE] = json.loads(secret)
        return state

    return await run_in_threadpool(read)


def token_of(request: Request) -> str:
    """The kept state's token this request names ("" for none)."""
    return request.query_params.get(PARAMETER, "")


async def see(
    request: Request, owner: Owner, path: str, state: dict[str, Any] | None = None, *,
    once: Any = None,
) -> RedirectResponse:
    """Answer a form post by sending the browser to ``path`` (303), with ``state`` (and a
    secret to show ``once``) kept for the page there when there is any."""
    if state or once:
        token = await keep(request, owner, state or {}, once=once)
        path = str(URL(path).include_query_params(**{PARAMETER: token}))
    return RedirectResponse(path, status_code=303)
