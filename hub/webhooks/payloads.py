"""What a message looks like on the wire: a CloudEvents body and the Standard Webhooks headers.

The body of an event's message is the same CloudEvents 1.0 structured JSON the event feed
serves (:func:`hub.events.cloudevents.to_cloudevent`). ``webhook-id`` is the event id, the same
on every attempt, so a receiver can de-duplicate; ``webhook-timestamp`` and the signatures are
made afresh for each attempt, as receivers refuse stale timestamps.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from hub.events.cloudevents import SOURCE_PREFIX, SPEC_VERSION, to_cloudevent
from hub.events.cursors import Cursors
from hub.events.envelope import RecordedEvent
from hub.webhooks.signing import signature_header

CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
TEST_TYPE = "webhook.test"
"""The type of the message the "send test event" action sends; it is never in the event log."""


def event_body(event: RecordedEvent, cursors: Cursors, public_url: str) -> bytes:
    """The body of an event's message."""
    return _dump(to_cloudevent(event, cursors, public_url))


def test_body(message_id: str, endpoint_id: str, created_at: datetime) -> bytes:
    """The body of a test message (rebuilt identically when it is redelivered)."""
    return _dump(
        {
            "specversion": SPEC_VERSION,
            "id": message_id,
            "source": SOURCE_PREFIX + "webhooks",
            "type": TEST_TYPE,
            "subject": endpoint_id,
            "time": created_at.isoformat().replace("+00:00", "Z"),
            "datacontenttype": "application/json",
            "data": {
                "endpoint_id": endpoint_id,
                "message": "A test event from the Partnership Hub: your endpoint is reachable.",
            },
        }
    )


def headers(
    message_id: str, timestamp: int, body: bytes, signing_secrets: Sequence[str], origin: str
) -> dict[str, str]:
    """The request headers of one attempt."""
    return {
        "content-type": CONTENT_TYPE,
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(signing_secrets, message_id, timestamp, body),
        # The CloudEvents webhook spec (4.1.2) asks for the origin on every delivery too.
        "webhook-request-origin": origin,
    }


def _dump(document: dict[str, Any]) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
