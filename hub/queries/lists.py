"""The lists people browse to find a record again: report requests, meetings and mergers,
each filtered by status and partnership, a page at a time, limited to what the caller sees."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import select

from hub.bootstrap import Hub
from hub.handlers import reports as report_handlers
from hub.projections import meetings as meeting_tables
from hub.queries.meetings import MEETING_QUERIES
from hub.queries.mergers import MERGER_QUERIES
from hub.queries.records import Page, visible_in

PAGE_SIZE = 20
"""Records a list page shows at once."""
ALL = 10_000
"""More mergers than any set of police areas has: they are listed whole, then filtered."""


def report_requests(
    hub: Hub, workspace_ids: Collection[str], *, status: str | None, csp_id: str | None,
    offset: int,
) -> Page:
    """Report requests, soonest due first."""
    found = report_handlers.list_report_requests(
        hub, workspace_ids=workspace_ids, status=[status] if status else None,
        csp_id=csp_id or None, limit=PAGE_SIZE, offset=offset,
    )
    return Page(found.rows, found.total, found.limit, found.offset)


def meetings(
    hub: Hub, workspace_ids: Collection[str], *, status: str | None, csp_id: str | None,
    offset: int,
) -> Page:
    """Meetings, soonest first; a partnership's are those held in its workspace."""
    filters: dict[str, object] = {}
    if status:
        filters["status"] = status
    if csp_id:
        filters["workspace_id"] = f"csp-{csp_id}"
    return MEETING_QUERIES.list(
        hub, workspace_ids=workspace_ids, limit=PAGE_SIZE, offset=offset, **filters
    )


def mergers(
    hub: Hub, workspace_ids: Collection[str], *, status: str | None, csp_id: str | None,
    offset: int,
) -> Page:
    """Mergers, soonest to take effect first; a partnership's are those combining it.

    A merger names its partnerships in a JSON list, which SQLite and PostgreSQL search
    differently; an area has a handful of mergers in a decade, so they are read whole and
    filtered here instead.
    """
    found = MERGER_QUERIES.list(
        hub, workspace_ids=workspace_ids, limit=ALL, offset=0,
        **({"status": status} if status else {}),
    ).rows
    if csp_id:
        found = [m for m in found if csp_id in (m.get("constituents") or [])]
    return Page(found[offset:offset + PAGE_SIZE], len(found), PAGE_SIZE, offset)


def meetings_between(
    hub: Hub, workspace_ids: Collection[str], starts_from: datetime, starts_before: datetime
) -> list[dict[str, Any]]:
    """Every meeting visible in ``workspace_ids`` starting in [``starts_from``,
    ``starts_before``), soonest first (the calendar: a month holds a few dozen at most)."""
    table = meeting_tables.meetings
    query = select(table).where(
        table.c.starts_at >= starts_from, table.c.starts_at < starts_before,
        *[c for c in (visible_in(table, workspace_ids),) if c is not None],
    ).order_by(table.c.starts_at, table.c.meeting_id)
    with hub.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]
