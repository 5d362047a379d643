"""Which meetings and deadlines a feed holds, read from the records' read models.

A feed's entries are read in two steps. :func:`entries_of` lists what the feed holds, each
entry with the stream version its content is at (cheap: a few columns per row), so a feed whose
entries are all rendered already is assembled without reading a record in full.
:func:`details` then reads in full only the entries whose ``VEVENT`` must be rendered.

What a feed holds:

- meetings: of the feed's workspaces (a meeting is visible in its area's workspace and its own);
  a person's feed only those its organisation is invited to or convenes. A cancelled meeting
  stays for :data:`CANCELLED_KEPT` after its cancellation, so subscribed calendars remove it.
- deadlines, as all-day entries: report due dates (of requests visible in the area's or the
  CSP's workspace), merger effective dates, criminal justice arrangement review dates and
  meeting action due dates; a person's feed only those its organisation owns (addressed or
  requesting; a party or proposing; a party or the policing body; the action's owner).
  Withdrawn requests, withdrawn mergers and ended arrangements stay, cancelled, for
  :data:`CANCELLED_KEPT`.
- nothing dated more than :data:`HISTORY` ago.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Connection, String, Table, literal, or_, select, type_coerce

from hub.db import aware
from hub.domain.directory import area_workspace, csp_workspace
from hub.domain.duties import CJ_ARRANGEMENT
from hub.domain.meetings import LONDON, MEETING
from hub.domain.mergers import MERGER
from hub.domain.reports import REPORT_REQUEST
from hub.events.tables import events_table
from hub.feeds.scope import Scope
from hub.projections.directory import workspaces
from hub.projections.duties import arrangement_parties, arrangements
from hub.projections.meetings import actions, invitations, meetings
from hub.projections.mergers import merger_parties, mergers
from hub.projections.reports import report_authorities, report_requests

HISTORY = timedelta(days=366)
"""Entries dated further back than this leave the feed (calendars keep what they showed)."""

CANCELLED_KEPT = timedelta(days=30)
"""How long a cancelled entry stays in the feed, marked cancelled, after it was cancelled."""

MEETING_KIND, ACTION_KIND, REPORT_KIND = "meeting", "action", "report"
MERGER_KIND, ARRANGEMENT_KIND = "merger", "arrangement"

_CHUNK = 500


class Entry(NamedTuple):
    """One ``VEVENT`` of a feed: which record it shows and the version its content is at.

    A tuple, not a dataclass: a feed lists thousands and sorts them on every change.
    """

    on: str
    """Sort key: a deadline's date in ISO form, or a meeting's start as the database gives it
    (parsing thousands of them would cost more than the rest of the listing); either way the
    first four characters are the year."""
    uid: str
    kind: str
    key: str
    """The record's id; ``<meeting_id>/<action_id>`` for an action."""
    version: int
    """The record's stream version (a meeting's, for an action): any change raises it."""
    context: str = ""
    """Facts the ``VEVENT`` shows that can change without the record's stream (the
    convenor after a governance transfer), so that they are part of the content's identity."""


@dataclass(frozen=True)
class Window:
    """The time limits of a feed on a given day."""

    since: date
    cancelled_since: datetime

    @classmethod
    def on(cls, today: date) -> Window:
        """The window of ``today`` (a London date): whole days, so a day's content is fixed."""
        return cls(today - HISTORY, _london_midnight(today - CANCELLED_KEPT))

    @property
    def since_instant(self) -> datetime:
        """The start of :attr:`since` as a UTC instant."""
        return _london_midnight(self.since)


_UIDS = {
    MEETING_KIND: "meeting-{}@partnership-hub",
    ACTION_KIND: "action-{}@partnership-hub",
    REPORT_KIND: "report-{}-due@partnership-hub",
    MERGER_KIND: "merger-{}-effective@partnership-hub",
    ARRANGEMENT_KIND: "arrangement-{}-review@partnership-hub",
}


def uid(kind: str, key: str) -> str:
    """The entry's UID, stable for the record's whole life."""
    return _UIDS[kind].format(key.replace("/", "-"))


def entries_of(conn: Connection, scope: Scope, today: date) -> list[Entry]:
    """Every entry of the feed today, in calendar order."""
    window = Window.on(today)
    reach = _Reach.of(conn, scope)
    found = [
        *_meetings(conn, reach, window),
        *_actions(conn, reach, window),
        *_reports(conn, reach, window),
        *_mergers(conn, reach, window),
        *_arrangements(conn, reach, window),
    ]
    return sorted(found)


def meeting_entry(meeting_id: str, version: int, convenor_id: str, starts_at: Any) -> Entry:
    """The entry of one meeting (``starts_at`` as the database gives it, for sorting only)."""
    return Entry(
        str(starts_at), _UIDS[MEETING_KIND].format(meeting_id), MEETING_KIND, meeting_id,
        version, convenor_id,
    )


@dataclass(frozen=True)
class _Reach:
    """Where a feed may look: its workspaces, and the areas and CSPs whose own workspaces
    are among them; for a person's feed, the organisation whose involvement it shows."""

    workspace_ids: frozenset[str]
    area_ids: frozenset[str]
    csp_ids: frozenset[str]
    organisation_id: str | None

    @classmethod
    def of(cls, conn: Connection, scope: Scope) -> _Reach:
        rows = conn.execute(
            select(workspaces.c.workspace_id, workspaces.c.area_id, workspaces.c.csp_id).where(
                workspaces.c.workspace_id.in_(sorted(scope.workspace_ids))
            )
        ).all()
        return cls(
            scope.workspace_ids,
            frozenset(r.area_id for r in rows if r.workspace_id == area_workspace(r.area_id)),
            frozenset(
                r.csp_id for r in rows if r.csp_id and r.workspace_id == csp_workspace(r.csp_id)
            ),
            scope.organisation_id if scope.own_only else None,
        )

    def sees(self, spaces: Iterable[str]) -> bool:
        """True when any of ``spaces`` is one of the feed's workspaces."""
        return not self.workspace_ids.isdisjoint(spaces)


# -- what a feed holds -------------------------------------------------------------------------


def _changed_at(table: Table, id_column: Any, stream_type: str) -> Any:
    """When the record last changed: its newest event, found by (stream, version)."""
    return (
        select(events_table.c.recorded_at)
        .where(
            events_table.c.stream_id == literal(f"{stream_type}-") + id_column,
            events_table.c.version == table.c.version,
        )
        .scalar_subquery()
    )


def _kept(table: Table, id_column: Any, stream_type: str, cancelled: str, window: Window) -> Any:
    return or_(
        table.c.status != cancelled,
        _changed_at(table, id_column, stream_type) >= window.cancelled_since,
    )


def _meetings_seen(reach: _Reach) -> Any:
    return or_(
        meetings.c.area_id.in_(sorted(reach.area_ids)),
        meetings.c.workspace_id.in_(sorted(reach.workspace_ids)),
    )


def _meetings(conn: Connection, reach: _Reach, window: Window) -> list[Entry]:
    # The start is only a sort key: taken as the database stores it, it needs no parsing.
    starts = type_coerce(meetings.c.starts_at, String)
    query = select(
        meetings.c.meeting_id, meetings.c.version, meetings.c.convenor_id, starts
    ).where(
        _meetings_seen(reach),
        meetings.c.ends_at >= window.since_instant,
        _kept(meetings, meetings.c.meeting_id, MEETING.stream_type, "cancelled", window),
    )
    if reach.organisation_id is not None:
        invited = select(invitations.c.meeting_id).where(
            invitations.c.organisation_id == reach.organisation_id
        )
        query = query.where(or_(
            meetings.c.convenor_id == reach.organisation_id, meetings.c.meeting_id.in_(invited)
        ))
    return [meeting_entry(*row) for row in conn.execute(query)]


def _actions(conn: Connection, reach: _Reach, window: Window) -> Iterator[Entry]:
    query = (
        select(actions.c.meeting_id, actions.c.action_id, actions.c.due_on, meetings.c.version)
        .join(meetings, meetings.c.meeting_id == actions.c.meeting_id)
        .where(_meetings_seen(reach), actions.c.due_on >= window.since)
    )
    if reach.organisation_id is not None:
        query = query.where(actions.c.owner_organisation_id == reach.organisation_id)
    for row in conn.execute(query):
        key = f"{row.meeting_id}/{row.action_id}"
        yield Entry(_day(row.due_on), uid(ACTION_KIND, key), ACTION_KIND, key, row.version)


def _reports(conn: Connection, reach: _Reach, window: Window) -> Iterator[Entry]:
    r = report_requests
    query = select(r.c.request_id, r.c.version, r.c.due_on).where(
        or_(r.c.area_id.in_(sorted(reach.area_ids)), r.c.csp_id.in_(sorted(reach.csp_ids))),
        r.c.due_on >= window.since,
        _kept(r, r.c.request_id, REPORT_REQUEST.stream_type, "withdrawn", window),
    )
    if reach.organisation_id is not None:
        addressed = select(report_authorities.c.request_id).where(
            report_authorities.c.organisation_id == reach.organisation_id
        )
        query = query.where(or_(
            r.c.requester_id == reach.organisation_id, r.c.request_id.in_(addressed)
        ))
    for row in conn.execute(query):
        yield Entry(
            _day(row.due_on), uid(REPORT_KIND, row.request_id), REPORT_KIND, row.request_id,
            row.version,
        )


def _mergers(conn: Connection, reach: _Reach, window: Window) -> Iterator[Entry]:
    m = mergers
    query = select(
        m.c.merger_id, m.c.version, m.c.status, m.c.area_ids, m.c.constituents,
        m.c.combined_csp_id, m.c.effective_date, m.c.proposer_id,
    ).where(
        m.c.effective_date >= window.since,
        _kept(m, m.c.merger_id, MERGER.stream_type, "withdrawn", window),
    )
    party_to: set[str] = set()
    if reach.organisation_id is not None:
        party_to = set(conn.execute(
            select(merger_parties.c.merger_id).where(
                merger_parties.c.organisation_id == reach.organisation_id
            )
        ).scalars())
    for row in conn.execute(query):
        spaces = [area_workspace(a) for a in row.area_ids]
        spaces += [csp_workspace(c) for c in row.constituents]
        if row.status == "in_effect":
            spaces.append(csp_workspace(row.combined_csp_id))
        if not reach.sees(spaces):
            continue
        owns = row.merger_id in party_to or row.proposer_id == reach.organisation_id
        if reach.organisation_id is not None and not owns:
            continue
        yield Entry(
            _day(row.effective_date), uid(MERGER_KIND, row.merger_id), MERGER_KIND,
            row.merger_id, row.version,
        )


def _arrangements(conn: Connection, reach: _Reach, window: Window) -> Iterator[Entry]:
    a = arrangements
    query = select(a.c.arrangement_id, a.c.version, a.c.review_on).where(
        a.c.area_id.in_(sorted(reach.area_ids)),
        a.c.review_on >= window.since,
        _kept(a, a.c.arrangement_id, CJ_ARRANGEMENT.stream_type, "ended", window),
    )
    if reach.organisation_id is not None:
        party_to = select(arrangement_parties.c.arrangement_id).where(
            arrangement_parties.c.organisation_id == reach.organisation_id
        )
        query = query.where(or_(
            a.c.policing_body_id == reach.organisation_id, a.c.arrangement_id.in_(party_to)
        ))
    for row in conn.execute(query):
        yield Entry(
            _day(row.review_on), uid(ARRANGEMENT_KIND, row.arrangement_id), ARRANGEMENT_KIND,
            row.arrangement_id, row.version,
        )


# -- the full records of entries to render -----------------------------------------------------


def details(conn: Connection, wanted: Sequence[Entry]) -> dict[str, dict[str, Any]]:
    """The full record of each wanted entry (by UID), with ``changed_at`` (its newest event's
    time); a meeting's with its ``invitations``, an action's with its meeting's title."""
    keys: dict[str, list[str]] = {}
    for entry in wanted:
        keys.setdefault(entry.kind, []).append(entry.key)
    found: dict[str, dict[str, Any]] = {}
    loaders = {
        MEETING_KIND: _meeting_details, ACTION_KIND: _action_details,
        REPORT_KIND: _simple(report_requests, "request_id", REPORT_REQUEST.stream_type),
        MERGER_KIND: _simple(mergers, "merger_id", MERGER.stream_type),
        ARRANGEMENT_KIND: _simple(arrangements, "arrangement_id", CJ_ARRANGEMENT.stream_type),
    }
    for kind, ids in keys.items():
        for chunk in _chunks(ids):
            for key, record in loaders[kind](conn, chunk):
                found[uid(kind, key)] = record
    return found


def _meeting_details(conn: Connection, ids: list[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    changed = _changed_at(meetings, meetings.c.meeting_id, MEETING.stream_type)
    invited: dict[str, list[dict[str, Any]]] = {}
    for row in conn.execute(
        select(invitations).where(invitations.c.meeting_id.in_(ids))
        .order_by(invitations.c.meeting_id, invitations.c.organisation_id)
    ):
        invited.setdefault(row.meeting_id, []).append(dict(row._mapping))
    for row in conn.execute(
        select(meetings, changed.label("changed_at")).where(meetings.c.meeting_id.in_(ids))
    ):
        record = _record(row)
        record["invitations"] = invited.get(row.meeting_id, [])
        yield row.meeting_id, record


def _action_details(conn: Connection, keys: list[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    wanted = {tuple(key.split("/", 1)) for key in keys}
    changed = _changed_at(meetings, meetings.c.meeting_id, MEETING.stream_type)
    rows = conn.execute(
        select(
            actions, meetings.c.title.label("meeting_title"), changed.label("changed_at"),
            meetings.c.version.label("meeting_version"),
        )
        .join(meetings, meetings.c.meeting_id == actions.c.meeting_id)
        .where(actions.c.meeting_id.in_(sorted({m for m, _ in wanted})))
    )
    for row in rows:
        if (row.meeting_id, row.action_id) in wanted:
            yield f"{row.meeting_id}/{row.action_id}", _record(row)


def _simple(table: Table, id_name: str, stream_type: str) -> Any:
    def load(conn: Connection, ids: list[str]) -> Iterator[tuple[str, dict[str, Any]]]:
        id_column = table.c[id_name]
        changed = _changed_at(table, id_column, stream_type)
        for row in conn.execute(
            select(table, changed.label("changed_at")).where(id_column.in_(ids))
        ):
            yield row._mapping[id_name], _record(row)

    return load


def _record(row: Any) -> dict[str, Any]:
    record = dict(row._mapping)
    for name, value in record.items():
        if isinstance(value, datetime):
            record[name] = aware(value)
    return record


# -- helpers -----------------------------------------------------------------------------------


def _day(value: date) -> str:
    return value.isoformat()


def _london_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]

