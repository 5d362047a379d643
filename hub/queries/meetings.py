"""Queries of joint meetings: one visible meeting with its invitations and actions, its
history, and the meetings a caller may see, soonest first."""

from __future__ import annotations

from hub.projections import meetings as tables
from hub.queries.records import Child, RecordQueries

MEETING_QUERIES = RecordQueries(
    tables.meetings, "meeting_id", "meeting", "meeting",
    children=[Child("invitations", tables.invitations, "meeting_id"),
              Child("actions", tables.actions, "meeting_id")],
    order_by="starts_at",
)
