"""The search read model: one row per meeting, report request and merger, by title and text.

``search_entries`` is an ordinary table the handlers here keep current, so a rebuild empties
and refills it like any other read model. The full-text index over it is the database's own
and is created by migration 0015, not declared here:

- on SQLite, an FTS5 table (``search_text``) with the entries as its external content, kept in
  step by triggers on ``search_entries`` (so these handlers need not know of it);
- on PostgreSQL, a GIN index on ``to_tsvector('english', title || ' ' || body)``, the very
  expression :mod:`hub.queries.search` matches against, so the planner uses it.

Meeting and merger entries are made from their own read rows, which the meetings and mergers
projections have already brought up to date in the same transaction (this module is
registered after them in :data:`hub.projections.MODULES`). A report request's matters and
reasons are kept only in its ``report_request.required`` event, so its entry comes from that.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Text,
    UniqueConstraint,
    insert,
    select,
    update,
)
from sqlmodel import Field, SQLModel

from hub.events.envelope import RecordedEvent
from hub.projections.meetings import meetings
from hub.projections.mergers import mergers
from hub.projections.registry import Projections

projections = Projections()

LONDON = ZoneInfo("Europe/London")

MEETING = "meeting"
REPORT_REQUEST = "report_request"
MERGER = "merger"


class SearchEntryRow(SQLModel, table=True):
    """A record as search finds it: its title, its words, and where it is visible."""

    __tablename__ = "search_entries"
    __table_args__ = (UniqueConstraint("record_type", "record_id"),)

    # An integer key of its own: FTS5's external content is addressed by an integer that
    # VACUUM must not renumber, which an implicit rowid does not promise. It is the position
    # of the event that first indexed the record, so a rebuild gives every entry the same key.
    entry_id: int = Field(
        sa_column=Column(BigInteger, primary_key=True, autoincrement=False)
    )
    record_type: str = Field(max_length=20)
    record_id: str = Field(max_length=120)
    area_id: str = Field(max_length=120, index=True)
    csp_id: str | None = Field(default=None, max_length=120, index=True)
    title: str = Field(max_length=200)
    body: str = Field(sa_column=Column(Text, nullable=False))
    dated: date
    """The London date a reader knows the record by: a meeting's start, a report's due date,
    a merger's effective date."""


FULL_TEXT_OBJECTS = ("search_text", "ix_search_entries_document")
"""Name prefixes of what migration 0015 makes outside the models: the FTS5 table (and the
shadow tables SQLite keeps for it) and the PostgreSQL GIN index."""

search_entries = SearchEntryRow.__table__  # type: ignore[attr-defined]
projections.owns(search_entries)


def _words(*parts: str | None) -> str:
    return "\n".join(p for p in parts if p)


def _put(
    conn: Connection, event: RecordedEvent, record_type: str, record_id: str, **values: Any
) -> None:
    """Insert the record's entry (keyed by ``event``'s position), or replace what it says."""
    key = (search_entries.c.record_type == record_type) & (
        search_entries.c.record_id == record_id
    )
    if conn.execute(select(search_entries.c.entry_id).where(key)).first() is None:
        conn.execute(insert(search_entries).values(
            entry_id=event.position, record_type=record_type, record_id=record_id, **values
        ))
    else:
        conn.execute(update(search_entries).where(key).values(**values))


@projections.on(
    "meeting.convened", "meeting.amended", "meeting.rescheduled", "meeting.minutes_drafted"
)
def _meeting(conn: Connection, event: RecordedEvent) -> None:
    meeting_id = event.data["meeting_id"]
    row = conn.execute(select(meetings).where(meetings.c.meeting_id == meeting_id)).one()
    agenda = [_words(item.get("title"), item.get("description")) for item in row.agenda]
    _put(
        conn, event, MEETING, meeting_id, area_id=row.area_id, csp_id=None, title=row.title,
        body=_words(row.purpose, row.place, *agenda, row.minutes_text),
        dated=row.starts_at.astimezone(LONDON).date(),
    )


@projections.on("report_request.required")
def _report_request(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    _put(
        conn, event, REPORT_REQUEST, d["request_id"], area_id=d["area_id"], csp_id=d["csp_id"],
        title=d["title"],
        body=_words(d["matters"], d.get("specified_form"), d.get("not_satisfied_reasons"),
                    d.get("proportionate_reasons")),
        dated=date.fromisoformat(d["due_on"]),
    )


@projections.on("merger.proposed", "merger.revised", "merger.amended")
def _merger(conn: Connection, event: RecordedEvent) -> None:
    merger_id = event.data["merger_id"]
    row = conn.execute(select(mergers).where(mergers.c.merger_id == merger_id)).one()
    _put(
        conn, event, MERGER, merger_id, area_id=row.area_id, csp_id=None, title=row.proposed_name,
        body=_words(*row.purposes, row.cooperation_arrangements),
        dated=row.effective_date,
    )
