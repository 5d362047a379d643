"""Standard Webhooks secrets and signatures.

A secret is ``whsec_`` followed by the base64 of random bytes (32 here; the specification asks
for 24 to 64). The signature of a message is ``v1,`` and the base64 HMAC-SHA256 of
``<webhook-id>.<webhook-timestamp>.<body>`` under the secret's bytes; several signatures go in
one header separated by spaces, which is how a rotation overlaps old and new secrets.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable

PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    """A new signing secret, as the receiver will configure it."""
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``v1,`` signature of one message under one secret."""
    key = base64.b64decode(secret.removeprefix(PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(
    signing_secrets: Iterable[str], message_id: str, timestamp: int, body: bytes
) -> str:
    """The ``webhook-signature`` value: one signature per live secret, space-separated."""
    return " ".join(sign(s, message_id, timestamp, body) for s in signing_secrets)
