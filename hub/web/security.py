"""Browser-facing protections, applied once around the whole app.

- :class:`SecurityHeaders` puts the same headers on every HTTP response: a Content Security
  Policy allowing only our own scripts (and the GOV.UK template's one inline line, by a nonce
  made per request), no framing, no MIME sniffing, a strict referrer policy, and HSTS when the
  request came over HTTPS (a plain-HTTP laptop must not be told to insist on HTTPS).
- :class:`CsrfGuard` refuses a cookie-authenticated write to the JSON API unless it comes from
  our own origin and carries the session's CSRF token in ``X-CSRF-Token``. A page on another
  origin cannot set that header without a CORS preflight, which the hub never grants, and a
  form or ``text/plain`` POST cannot set it at all. Bearer-token callers need neither: a
  browser never attaches a token on its own. Pages' forms carry their own token field.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlparse

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.web.auth import SESSION_COOKIE, caller
from hub.web.problems import problem

CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HSTS = "max-age=31536000; includeSubDomains"


def content_security_policy(nonce: str) -> str:
    """The page policy: our own origin only, no inline script but the nonced one, no framing.

    ``connect-src 'self'`` covers the live socket (CSP 3 matches ws/wss of our own host).
    """
    return "; ".join((
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ))


def csp_nonce(conn: HTTPConnection) -> str | None:
    """This request's CSP nonce (templates put it on the inline script they cannot avoid)."""
    nonce: str | None = conn.scope.get("csp_nonce")
    return nonce


class SecurityHeaders:
    """Adds the security headers to every HTTP response (pages, API, static files alike)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope["csp_nonce"] = nonce
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = [
                    (b"content-security-policy", content_security_policy(nonce).encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"strict-origin-when-cross-origin"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                if https:
                    extra.append((b"strict-transport-security", HSTS.encode()))
                headers.extend((k, v) for k, v in extra if k not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _same_origin(headers: Headers) -> bool:
    """What the browser says about where the request came from, when it says anything.

    ``Sec-Fetch-Site`` (every current browser sends it) is the stronger signal; ``Origin``
    is the fallback. A client that sends neither is not a browser, and the token decides.
    """
    site = headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = headers.get("origin")
    if origin is None:
        return True
    return urlparse(origin).netloc == headers.get("host")


class CsrfGuard:
    """Refuses cookie-authenticated API writes from another origin or without the token."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] in SAFE_METHODS
            or not scope["path"].startswith("/api/")
        ):
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        bearer = conn.headers.get("authorization", "").lower().startswith("bearer ")
        if bearer or SESSION_COOKIE not in conn.cookies:
            await self.app(scope, receive, send)
            return
        refusal = _refusal(conn)
        if refusal is None:
            await self.app(scope, receive, send)
            return
        response = problem(403, "request.csrf_failed", "The request could not be verified", refusal)
        await response(scope, receive, send)


def _refusal(conn: HTTPConnection) -> str | None:
    """Why a cookie-authenticated write is refused, or None when it may go on."""
    if not _same_origin(conn.headers):
        return "a signed-in browser may write to the API only from the hub's own pages"
    found = caller(conn)
    if found is None:
        return None  # no live session: the endpoint answers 401 as for anyone anonymous
    sent = conn.headers.get(CSRF_HEADER, "")
    expected = found.csrf_token or ""
    if not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        return (
            "send the session's CSRF token (csrf_token in GET /api/me) in an X-CSRF-Token "
            "header, or use an API token"
        )
    return None
