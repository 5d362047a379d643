"""What goes into the store and what comes out: new events, recorded events, metadata."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict

from schemas.registry import EventData, event_type_of


class EventMeta(BaseModel):
    """Who caused an event and in answer to what; stored beside every event."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    actor_user: str | None = None
    organisation: str | None = None
    correlation_id: str | None = None
    causation_id: str | None = None


@dataclass(frozen=True)
class StreamRef:
    """A stream: its id (``<type>-<key>``) and its record type."""

    id: str
    type: str

    @classmethod
    def of(cls, stream_type: str, key: str) -> StreamRef:
        """The stream of record ``key`` of ``stream_type``."""
        return cls(f"{stream_type}-{key}", stream_type)


@dataclass(frozen=True)
class NewEvent:
    """An event to append: its payload and the workspaces that may see it."""

    data: EventData | dict[str, Any]
    workspaces: tuple[str, ...] = ()
    type: str | None = None

    @property
    def event_type(self) -> str:
        """The event type, from the payload model's registration or given explicitly."""
        if self.type:
            return self.type
        if isinstance(self.data, dict):
            raise TypeError("an event given as a dict needs its type")
        return event_type_of(self.data)


class RecordedEvent(NamedTuple):
    """An event as stored, its data upcast to the current schema version.

    A named tuple rather than a frozen dataclass: replay builds one per event, and a frozen
    dataclass's ``__init__`` (a guarded ``setattr`` per field) cost five times as much.
    """

    position: int
    event_id: str
    stream_id: str
    stream_type: str
    version: int
    type: str
    schema_version: int
    data: dict[str, Any]
    meta: dict[str, Any]
    workspaces: tuple[str, ...]
    recorded_at: datetime

    def envelope(self) -> dict[str, Any]:
        """The JSON-ready form used on sockets and in job payloads."""
        return {
            "position": self.position,
            "id": self.event_id,
            "stream_id": self.stream_id,
            "stream_type": self.stream_type,
            "version": self.version,
            "type": self.type,
            "schema_version": self.schema_version,
            "data": self.data,
            "meta": self.meta,
            "workspaces": list(self.workspaces),
            "recorded_at": self.recorded_at.isoformat(),
        }


@dataclass(frozen=True)
class AppendResult:
    """What an append recorded; a retried idempotent append returns the first one's result."""

    events: list[RecordedEvent] = field(default_factory=list)
    version: int = 0
    replayed: bool = False

    @property
    def last_position(self) -> int | None:
        """The position of the last event appended, if any."""
        return self.events[-1].position if self.events else None
