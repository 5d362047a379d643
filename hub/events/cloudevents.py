"""The published envelope of an event: CloudEvents 1.0, structured JSON mode.

The same envelope goes out on webhooks and in the event feed, so a partner system parses both
with the CNCF CloudEvents SDK. ``position`` (the event's place in the hub's log, as an opaque
cursor: see :mod:`hub.events.cursors`) and ``recordversion`` are extension attributes.
"""

from __future__ import annotations

from typing import Any

from hub.events.cursors import Cursors
from hub.events.envelope import RecordedEvent
from schemas.generate import SCHEMA_BASE_URL

SPEC_VERSION = "1.0"
SOURCE_PREFIX = "urn:partnership-hub:"


def to_cloudevent(event: RecordedEvent, cursors: Cursors, base_url: str = "") -> dict[str, Any]:
    """``event`` as a CloudEvents 1.0 structured-mode JSON object.

    ``base_url`` makes ``dataschema`` absolute (e.g. ``https://hub.example``), as partners
    resolve it from outside.
    """
    return {
        "specversion": SPEC_VERSION,
        "id": event.event_id,
        "source": SOURCE_PREFIX + event.stream_type,
        "type": event.type,
        "subject": event.stream_id,
        "time": event.recorded_at.isoformat().replace("+00:00", "Z"),
        "datacontenttype": "application/json",
        "dataschema": (
            f"{base_url.rstrip('/')}{SCHEMA_BASE_URL}{event.type}.v{event.schema_version}.json"
        ),
        "position": cursors.of(event.position),
        "recordversion": event.version,
        "data": event.data,
    }
