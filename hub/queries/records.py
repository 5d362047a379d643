"""Generic read-side queries of a record's read model: one, a page, its history.

A record is visible where its events are: in its area's workspace and, when it has one, its
CSP's. The same rule decides what a list shows, what a direct URL returns (404 otherwise) and
what a history endpoint may reveal.
"""

from __future__ import annotations

import builtins
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, false, func, or_, select

from hub.bootstrap import Hub
from hub.domain.errors import NotFound
from hub.events.envelope import RecordedEvent, StreamRef


def visible_in(table: Table, workspace_ids: Collection[str] | None) -> Any:
    """The condition that a row of ``table`` is visible in ``workspace_ids``: its area's
    workspace or its CSP's is among them (None: no condition, for operators)."""
    if workspace_ids is None:
        return None
    areas = [w.removeprefix("area-") for w in workspace_ids if w.startswith("area-")]
    csps = [w.removeprefix("csp-") for w in workspace_ids if w.startswith("csp-")]
    conditions = []
    if areas:
        conditions.append(table.c.area_id.in_(areas))
    if csps and "csp_id" in table.c:
        conditions.append(table.c.csp_id.in_(csps))
    return or_(*conditions) if conditions else false()


@dataclass(frozen=True)
class Page:
    """One page of a list, and how many rows match in all."""

    rows: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class Child:
    """Rows of another table that belong to the record (e.g. a decision's priorities)."""

    name: str
    table: Table
    key: str


@dataclass(frozen=True)
class RecordQueries:
    """Queries of one record type's read model."""

    table: Table
    key: str
    stream_type: str
    what: str
    children: Sequence[Child] = ()
    order_by: str | None = None

    def _visible(self, workspace_ids: Collection[str] | None) -> Any:
        return visible_in(self.table, workspace_ids)

    def get(
        self, hub: Hub, record_id: str, *, workspace_ids: Collection[str] | None
    ) -> dict[str, Any]:
        """One visible record with its children; :class:`NotFound` otherwise."""
        query = select(self.table).where(self.table.c[self.key] == record_id)
        visible = self._visible(workspace_ids)
        if visible is not None:
            query = query.where(visible)
        with hub.engine.connect() as conn:
            row = conn.execute(query).first()
            if row is None:
                raise NotFound(f"no such {self.what}")
            found = dict(row._mapping)
            for child in self.children:
                rows = conn.execute(
                    select(child.table).where(child.table.c[child.key] == record_id)
                )
                found[child.name] = [dict(r._mapping) for r in rows]
        return found

    def list(
        self,
        hub: Hub,
        *,
        workspace_ids: Collection[str] | None,
        limit: int = 50,
        offset: int = 0,
        **filters: Any,
    ) -> Page:
        """Visible records matching ``filters`` (column equals value), a page at a time."""
        conditions = [c for c in (self._visible(workspace_ids),) if c is not None]
        for name, value in filters.items():
            column = self.table.c[name]
            conditions.append(column.in_(value) if isinstance(value, list) else column == value)
        query = select(self.table).where(*conditions)
        order = self.table.c[self.order_by or self.key]
        with hub.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
            rows = conn.execute(
                query.order_by(order, self.table.c[self.key]).limit(limit).offset(offset)
            )
            return Page([dict(r._mapping) for r in rows], int(total), limit, offset)

    def history(self, hub: Hub, record_id: str) -> builtins.list[RecordedEvent]:
        """Every event of the record, oldest first (check visibility with :meth:`get`)."""
        return hub.store.read_stream(StreamRef.of(self.stream_type, record_id).id)
