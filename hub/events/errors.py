"""The store's errors. Each carries a stable ``code`` that the web layer maps to HTTP once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class StoreError(Exception):
    """Base of the event store's errors."""

    code = "store.error"
    status = 500


class ConcurrencyConflict(StoreError):
    """The stream moved on since the caller read it: a stale write, never a silent overwrite."""

    code = "store.stale_version"
    status = 409

    def __init__(self, stream_id: str, expected: int, current: int) -> None:
        super().__init__(
            f"stream {stream_id} is at version {current}, not the expected {expected}"
        )
        self.stream_id, self.expected, self.current = stream_id, expected, current


class IdempotencyKeyReused(StoreError):
    """The idempotency key was first used for another request of the same sender.

    The message names neither the stream nor the record the key was used for: a key is the
    sender's own, and what it reached is for the sender to remember.
    """

    code = "store.idempotency_key_reused"
    status = 422

    def __init__(self, key: str) -> None:
        super().__init__("this idempotency key was already used for a different request")
        self.key = key


class InvalidEvent(StoreError):
    """An event payload does not match its schema; nothing was written."""

    code = "store.invalid_event"
    status = 422

    def __init__(self, event_type: str, errors: Sequence[Mapping[str, Any]]) -> None:
        fields = ", ".join(".".join(str(p) for p in e.get("loc", ())) or "?" for e in errors)
        super().__init__(f"invalid {event_type} payload ({fields})")
        self.event_type, self.errors = event_type, errors
