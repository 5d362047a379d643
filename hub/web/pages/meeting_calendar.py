"""The meetings calendar: a month at a time, as a month grid or as an agenda.

It shows the meetings the caller's organisation may see (the same rule as the meetings list),
each on its London day at its London time, with today marked and links to the month before
and after. The grid is worked out by a pure function (:func:`month_grid`); the page only reads
the month's meetings.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.access.actors import visible_workspaces
from hub.db import aware
from hub.domain.meetings import LONDON
from hub.i18n import _
from hub.queries import lists
from hub.web.auth import hub_of
from hub.web.pages.common import page_caller, render
from hub.web.pages.present import MEETING_STATUSES, status_tag

PATH = "/records/meetings/calendar"
VIEWS = ("month", "agenda")


@dataclass(frozen=True)
class Entry:
    """One meeting on a day."""

    href: str
    title: str
    time: str
    """London start time, "14:00"."""
    status: tuple[str, str]
    """The status in words, and its tag's class."""
    cancelled: bool


@dataclass(frozen=True)
class Day:
    """One day of the grid."""

    day: date
    in_month: bool
    today: bool
    entries: tuple[Entry, ...] = field(default=())


def month_of(raw: str | None, today: date) -> date:
    """The first day of the month ``raw`` names (``2026-12``), else of today's month."""
    try:
        year, month = (int(p) for p in (raw or "").split("-"))
        return date(year, month, 1) if 1900 < year < 3000 else today.replace(day=1)
    except ValueError:
        return today.replace(day=1)


def shifted(first: date, months: int) -> date:
    """The first day of the month ``months`` after (or before) ``first``'s."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_grid(first: date, entries: dict[date, list[Entry]], today: date) -> list[list[Day]]:
    """The weeks (Monday first) covering ``first``'s month, each day with its meetings."""
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(
        first.year, first.month)
    return [
        [Day(d, d.month == first.month, d == today, tuple(entries.get(d, ()))) for d in week]
        for week in weeks
    ]


def london_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The instants (UTC) at which London's day ``first`` starts and the day after ``last``
    starts."""
    return (datetime.combine(first, time(), LONDON).astimezone(UTC),
            datetime.combine(last + timedelta(days=1), time(), LONDON).astimezone(UTC))


def _entry(row: dict[str, Any]) -> tuple[date, Entry]:
    starts = aware(row["starts_at"]).astimezone(LONDON)
    return starts.date(), Entry(
        f"/records/meetings/{row['meeting_id']}", row["title"], f"{starts:%H:%M}",
        status_tag(MEETING_STATUSES, row["status"]), row["status"] == "cancelled",
    )


async def calendar_page(request: Request) -> Response:
    """The month's meetings, as a grid (``view=month``) or an agenda (``view=agenda``)."""
    caller = page_caller(request)
    hub = hub_of(request)
    today = hub.clock().astimezone(LONDON).date()
    first = month_of(request.query_params.get("month"), today)
    view = request.query_params.get("view")
    view = view if view in VIEWS else "month"
    # The grid's first and last weeks show days of the months either side: read those too.
    shown = month_grid(first, {}, today)
    starts_from, starts_before = london_bounds(shown[0][0].day, shown[-1][-1].day)
    rows = lists.meetings_between(hub, visible_workspaces(hub.engine, caller.actor),
                                  starts_from, starts_before)
    by_day: dict[date, list[Entry]] = {}
    for row in rows:
        day, entry = _entry(row)
        by_day.setdefault(day, []).append(entry)
    in_month = sorted((d, e) for d, e in by_day.items() if (d.year, d.month) == (
        first.year, first.month))

    def link(month: date, shown: str = view) -> str:
        return f"{PATH}?month={month:%Y-%m}&view={shown}"

    return render(
        request, "records/calendar.html", title=_("Meetings in %(month)s") % {
            "month": f"{first:%B %Y}"},
        section="calendar", view=view, month=first, weeks=month_grid(first, by_day, today),
        agenda=in_month, today=today, count=sum(len(e) for _, e in in_month),
        previous=shifted(first, -1), next=shifted(first, 1), link=link,
        this_month=today.replace(day=1), weekdays=list(calendar.day_name),
    )


ROUTES = [Route(PATH, calendar_page, methods=["GET"])]
