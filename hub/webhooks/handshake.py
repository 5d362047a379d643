"""The CloudEvents webhook validation handshake (HTTP 1.1 Web Hooks, section 4).

The hub sends ``OPTIONS`` to the exact URL being registered with ``WebHook-Request-Origin`` (its
own DNS name). The receiver consents only by answering with ``WebHook-Allowed-Origin`` set to
that origin or ``*``; a status code alone is never consent (section 4.2), so a 200 without the
header fails, and so does a 405 from a receiver that does not know the handshake.
"""

from __future__ import annotations

from hub.webhooks import transport
from hub.webhooks.config import WebhookConfig

REQUEST_ORIGIN = "WebHook-Request-Origin"
ALLOWED_ORIGIN = "webhook-allowed-origin"


def validate(url: str, config: WebhookConfig) -> str | None:
    """Ask ``url`` for consent; the reason it was not given, or None when it was."""
    answer = transport.request(config, "OPTIONS", url, {REQUEST_ORIGIN: config.origin})
    if answer.error is not None:
        return f"the validation request failed: {answer.error}"
    allowed = (answer.headers or {}).get(ALLOWED_ORIGIN)
    if allowed is None:
        return (f"the receiver answered {answer.status_code} to the validation request without "
                "a WebHook-Allowed-Origin header")
    if allowed.strip() not in {config.origin, "*"}:
        return (f"the receiver allows the origin {allowed.strip()[:100]!r}, "
                f"not {config.origin!r}")
    return None
