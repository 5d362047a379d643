"""A report request as a reader needs it: where it stands, and what it asks.

The read model (``report_requests``) holds what lists and filters need; what the policing
body asked (the matters, the specified form and the two formal reasons) is only in the event
that required the report, and nothing changes it afterwards, so it is read from there.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from hub.bootstrap import Hub
from hub.handlers import reports as handlers

ASKED = ("matters", "specified_form", "not_satisfied_reasons", "proportionate_reasons")
"""What a request asks, as its ``report_request.required`` event says it."""


def report_request(
    hub: Hub, request_id: str, *, workspace_ids: Collection[str] | None
) -> dict[str, Any]:
    """One visible request with its authorities, attachments and what it asks (404 when the
    caller may not see it, exactly as for a request that does not exist)."""
    found = handlers.get_report_request(hub, request_id, workspace_ids=workspace_ids)
    required = next(
        (e.data for e in handlers.report_history(hub, request_id)
         if e.type == "report_request.required"), {},
    )
    return {**found, **{key: required.get(key) for key in ASKED}}
