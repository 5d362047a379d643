"""Secrets: random tokens shown once, stored only as digests; passwords hashed with argon2;
and the few secrets the hub must read back (two-step sign-in's), sealed at rest."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hub.keys import derived_key

_hasher = PasswordHasher()


def new_token(prefix: str = "") -> str:
    """A new unguessable token (256 bits), optionally prefixed to say what it is for."""
    return prefix + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored (tokens are random, so no salt)."""
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two secrets."""
    return hmac.compare_digest(a.encode(), b.encode())


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    """True when ``password`` matches the stored argon2 hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


class Sealer:
    """Seals a secret the hub must read back (so cannot hash) with AES-256-GCM, under a key
    derived from the operator's ``HUB_TWO_STEP_KEY``: a copy of the database alone does not
    give the secrets away. Each sealed value is bound to its owner (the row's key), so a value
    moved to another row does not open."""

    def __init__(self, material: str) -> None:
        self._aead = AESGCM(derived_key(material, "two-step secrets"))

    def seal(self, secret: str, owner: str) -> str:
        """``secret`` sealed for ``owner``: a fresh nonce and the ciphertext, in base64."""
        nonce = secrets.token_bytes(12)
        sealed = nonce + self._aead.encrypt(nonce, secret.encode(), owner.encode())
        return base64.urlsafe_b64encode(sealed).decode()

    def open(self, sealed: str, owner: str) -> str:
        """The secret ``sealed`` holds for ``owner`` (``InvalidTag`` under another key or
        owner: the operator changed the key, or the value was moved)."""
        raw = base64.urlsafe_b64decode(sealed)
        return self._aead.decrypt(raw[:12], raw[12:], owner.encode()).decode()
