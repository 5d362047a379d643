"""Opaque positions: what callers see of the log's global order, and hand back to resume.

The log's positions are global: one area's events and another's share one sequence. A caller
shown the raw numbers of the events it may see could subtract them and count what other areas
recorded in between (issue 18). So every position a caller sees (``position`` in the event
feed, webhooks and live frames, ``next_after``, a socket's ``head``, a page's
``data-live-after``) is a *cursor*: the position encrypted with AES-SIV under a key of the
deployment's own. AES-SIV is deterministic, so one event has one cursor wherever it is seen
(feed, webhook, socket) and a caller can de-duplicate on it; and it is authenticated, so a
cursor the hub did not make is refused rather than read as some other position. Nothing about
the number inside can be learnt, and no arithmetic on two cursors means anything: a caller
resumes by handing back the last cursor it saw, and the hub decrypts it.
"""

from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from hub.keys import derived_key

START = "0"
"""What a caller sends for "from the beginning" (and what it may leave out): the one cursor
that is not encrypted, since the start of the log reveals nothing."""

# Binds a cursor to its use: a ciphertext made under the same key for another purpose is no
# cursor.
_ASSOCIATED = [b"partnership-hub event position"]


class BadCursor(ValueError):
    """The text is not a cursor this deployment made."""


class Cursors:
    """Positions to cursors and back, under one deployment's key (``HUB_CURSOR_KEY``)."""

    def __init__(self, material: str) -> None:
        # 64 bytes: AES-256-SIV (one half authenticates, the other encrypts).
        self._siv = AESSIV(derived_key(material, "event cursors", 64))

    def of(self, position: int) -> str:
        """The cursor a caller sees for ``position`` (``START`` for 0, the beginning)."""
        if position == 0:
            return START
        sealed = self._siv.encrypt(position.to_bytes(8, "big"), _ASSOCIATED)
        return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode()

    def position(self, cursor: str) -> int:
        """The position inside ``cursor``; :class:`BadCursor` for anything the hub did not
        make (a raw number included: accepting those would let a caller probe positions)."""
        if cursor == START:
            return 0
        try:
            sealed = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            return int.from_bytes(self._siv.decrypt(sealed, _ASSOCIATED), "big")
        except (InvalidTag, ValueError, binascii.Error):
            raise BadCursor(
                "not a position from this hub: send back one it gave you, or 0 to start"
            ) from None
