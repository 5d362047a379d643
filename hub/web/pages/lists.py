"""A list page per record type (report requests, meetings, mergers): find a record again.

Each list is filtered by status and partnership (a GET form, so a filtered list can be
bookmarked and shared), shows a page of records at a time with GOV.UK pagination, and words
every row as the record pages do: names, London dates, statuses in words.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.access.actors import visible_workspaces
from hub.bootstrap import Hub
from hub.i18n import N_, _, gettext
from hub.queries import lists
from hub.queries.directory import area_names, csp_names, workspace_names
from hub.queries.records import Page
from hub.web.auth import hub_of
from hub.web.pages.common import page_caller, render
from hub.web.pages.directory_choices import directory_choices
from hub.web.pages.present import (
    MEETING_STATUSES,
    MERGER_STATUSES,
    REPORT_STATUSES,
    listing,
    london_time,
    long_date,
    status_tag,
)
from hub.web.pages.starts import STARTS as START_LINKS
from hub.web.pages.starts import starts_for

Lister = Callable[..., Page]
Row = Callable[[dict[str, Any], dict[str, str]], list[str]]
"""Given a record and names by id (CSPs by their id, police areas as ``area:<id>``, other
workspaces as ``workspace:<id>``): its cells after the first (the title, a link)."""


@dataclass(frozen=True)
class ListPage:
    """One record type's list."""

    collection: str
    heading: str
    title_field: str
    key: str
    statuses: dict[str, tuple[str, str]]
    columns: tuple[str, ...]
    """The headings of the columns after the title."""
    lister: Lister
    cells: Row
    start: tuple[str, str] | None = None
    """A link to start a new record (text, path), offered to whoever may create one."""

    async def page(self, request: Request) -> Response:
        """The list, filtered by the query's ``status`` and ``csp``, at its ``page``."""
        caller = page_caller(request)
        hub = hub_of(request)
        status = request.query_params.get("status") or None
        csp_id = request.query_params.get("csp") or None
        if status not in self.statuses:
            status = None
        number = _page_number(request.query_params.get("page"))
        visible = visible_workspaces(hub.engine, caller.actor)
        found = self.lister(hub, visible, status=status, csp_id=csp_id,
                            offset=(number - 1) * lists.PAGE_SIZE)
        if not found.rows and found.total:
            # A page past the end (an old link, fewer records now) shows the last page.
            number = -(-found.total // lists.PAGE_SIZE)
            found = self.lister(hub, visible, status=status, csp_id=csp_id,
                                offset=(number - 1) * lists.PAGE_SIZE)
        names = _names_of(hub, found.rows)
        rows = [
            {"href": f"/records/{self.collection}/{r[self.key]}", "title": r[self.title_field],
             "status": status_tag(self.statuses, r["status"]), "cells": self.cells(r, names)}
            for r in found.rows
        ]
        csps = directory_choices(hub.engine, caller.actor, ["csp_id"]).get("csp_id", [])
        last = max(1, -(-found.total // lists.PAGE_SIZE))
        query = {"status": status or "", "csp": csp_id or ""}
        return render(
            request, "records/list.html", title=gettext(self.heading), section=self.collection,
            rows=rows, total=found.total, columns=[gettext(c) for c in self.columns],
            statuses=[(k, gettext(v[0])) for k, v in self.statuses.items()], csps=csps,
            status=status or "", csp=csp_id or "", number=number, last=last,
            first_shown=found.offset + 1 if rows else 0, last_shown=found.offset + len(rows),
            link=lambda n: f"/records/{self.collection}?" + "&".join(
                f"{k}={v}" for k, v in {**query, "page": str(n)}.items() if v),
            start=self.start if self.start in starts_for(hub.engine, caller.actor) else None,
        )


def _page_number(raw: str | None) -> int:
    # A page number that is not a small whole number is the first page, never an error.
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) < 100_000 else 1


def _names_of(hub: Hub, rows: Collection[dict[str, Any]]) -> dict[str, str]:
    ids = {r["csp_id"] for r in rows if r.get("csp_id")}
    ids |= {c for r in rows for c in r.get("constituents") or []}
    spaces = {r.get("workspace_id") or "" for r in rows} - {""}
    ids |= {w.removeprefix("csp-") for w in spaces if w.startswith("csp-")}
    others = sorted(w for w in spaces if not w.startswith(("csp-", "area-")))
    areas = sorted({r["area_id"] for r in rows if r.get("area_id")})
    return {
        **csp_names(hub.engine, sorted(ids)),
        **{f"area:{k}": v for k, v in area_names(hub.engine, areas).items()},
        **{f"workspace:{k}": v for k, v in workspace_names(hub.engine, others).items()},
    }


def meeting_partnership(record: dict[str, Any], names: dict[str, str]) -> str:
    """Whom a meeting is for: its partnership, the workspace it was called in, or, when it
    was called for the whole police area, "All of <area>"."""
    space = record.get("workspace_id") or ""
    if space.startswith("csp-"):
        return names.get(space.removeprefix("csp-"), "")
    if space and not space.startswith("area-"):
        return names.get(f"workspace:{space}", "")
    area = names.get(f"area:{record.get('area_id')}")
    return _("All of %(area)s") % {"area": area} if area else ""


STARTS = {path: (text, path) for _, text, path in START_LINKS}
REPORTS = ListPage(
    "report-requests", N_("Report requests"), "title", "request_id", REPORT_STATUSES,
    (N_("Partnership"), N_("Status"), N_("Due by")), lists.report_requests,
    lambda r, names: [names.get(r["csp_id"], ""),
                      gettext("%(date)s (overdue)") % {"date": long_date(r["due_on"])}
                      if r["overdue"] else long_date(r["due_on"])],
    start=STARTS["/records/report-requests/new"],
)
MEETINGS = ListPage(
    "meetings", N_("Meetings"), "title", "meeting_id", MEETING_STATUSES,
    (N_("Partnership"), N_("Status"), N_("When")), lists.meetings,
    lambda r, names: [meeting_partnership(r, names), london_time(r["starts_at"])],
    start=STARTS["/records/meetings/new"],
)
MERGERS = ListPage(
    "mergers", N_("Mergers of partnerships"), "proposed_name", "merger_id", MERGER_STATUSES,
    (N_("Partnerships combined"), N_("Status"), N_("Takes effect")), lists.mergers,
    lambda r, names: [listing([names.get(c, c) for c in r.get("constituents") or []]),
                      gettext("%(date)s (ended %(ended)s)") % {
                          "date": long_date(r["effective_date"]),
                          "ended": long_date(r["csp_ended_on"])}
                      if r.get("csp_ended_on") else long_date(r["effective_date"])],
    start=STARTS["/records/mergers/new"],
)
LISTS = [REPORTS, MEETINGS, MERGERS]

ROUTES = [Route(f"/records/{page.collection}", page.page, methods=["GET"]) for page in LISTS]
