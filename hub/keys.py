"""Keys derived from the operator's secrets: one secret, a separate key for each use."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def derived_key(material: str, purpose: str, length: int = 32) -> bytes:
    """A key of ``length`` bytes for ``purpose`` from the operator's secret ``material``
    (HKDF-SHA256), so that no two uses of one secret share a key."""
    return HKDF(
        algorithm=hashes.SHA256(), length=length, salt=None, info=purpose.encode(),
    ).derive(material.encode())
