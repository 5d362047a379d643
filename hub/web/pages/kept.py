"""What a posted form leaves for the page after it (post/redirect/get).

A form post never answers with a page: a reload would post it again. Whatever the next page
must show (the input as typed, its errors, a conflict, the answers to check) is kept here and
the browser is sent to a plain GET that names it by a random token. The state is kept in Redis
for a while (so reloading that page shows the same thing), and only for the session that
posted it: another person holding the link gets nothing.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from starlette.requests import Request

from hub.access.secrets import same
from hub.web.auth import Caller, hub_of

KEPT_FOR = 1800
"""Seconds a posted form's state stays readable (a person fixing a form takes minutes)."""
PARAMETER = "kept"
"""The query parameter naming the kept state."""


def _key(token: str) -> str:
    return f"hub:kept-form:{token}"


def keep(request: Request, caller: Caller, state: dict[str, Any]) -> str:
    """Keep ``state`` (JSON-serialisable) for this session; returns the token naming it."""
    token = secrets.token_urlsafe(18)
    payload = json.dumps({"session": caller.csrf_token or "", "state": state})
    hub_of(request).redis.set(_key(token), payload, ex=KEPT_FOR)
    return token


def kept(request: Request, caller: Caller) -> dict[str, Any] | None:
    """The state the request's ``?kept=`` token names, if this session kept it and it has not
    expired; None otherwise (the page is then shown afresh)."""
    token = token_of(request)
    if not token or len(token) > 64:
        return None
    raw = hub_of(request).redis.get(_key(token))
    if raw is None:
        return None
    found = json.loads(raw)
    if not caller.csrf_token or not same(str(found.get("session", "")), caller.csrf_token):
        return None
    state: dict[str, Any] = found.get("state") or {}
    return state


def token_of(request: Request) -> str:
    """The kept state's token this request names ("" for none)."""
    return request.query_params.get(PARAMETER, "")
