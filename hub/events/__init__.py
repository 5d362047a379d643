"""The event store: append, read, positions, upcasting. No domain knowledge lives here."""

from hub.events.envelope import AppendResult, EventMeta, NewEvent, RecordedEvent, StreamRef
from hub.events.errors import ConcurrencyConflict, IdempotencyKeyReused, InvalidEvent, StoreError
from hub.events.store import EventStore

__all__ = [
    "AppendResult",
    "ConcurrencyConflict",
    "EventMeta",
    "EventStore",
    "IdempotencyKeyReused",
    "InvalidEvent",
    "NewEvent",
    "RecordedEvent",
    "StoreError",
    "StreamRef",
]
