"""Queries of CSP mergers: one visible merger with its parties, its history, and the mergers a
caller may see, soonest to take effect first."""

from __future__ import annotations

from hub.projections import mergers as tables
from hub.queries.records import Child, RecordQueries

MERGER_QUERIES = RecordQueries(
    tables.mergers, "merger_id", "merger", "merger",
    children=[Child("parties", tables.merger_parties, "merger_id")],
    order_by="effective_date",
)
