"""The signed-in home page and workspace pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.db import aware
from hub.i18n import _
from hub.queries import directory as queries
from hub.queries.needs import needs_of, upcoming_meetings
from hub.web.auth import hub_of
from hub.web.describe import describe
from hub.web.pages.common import page_caller, render
from hub.web.pages.present import LONDON, london_time, long_date
from hub.web.pages.starts import starts_for

RECORD_PAGES = {
    "report_request": "report-requests", "merger": "mergers", "meeting": "meetings",
    "priority": "priorities", "regard_decision": "regard-decisions",
    "police_crime_plan": "police-crime-plans", "reciprocal_regard": "reciprocal-regards",
    "cj_arrangement": "cj-arrangements",
}
"""The page collection of each record type whose events a workspace shows, by stream type."""


@dataclass(frozen=True)
class Dated:
    """Something waiting on the organisation, with the date it is due."""

    title: str
    href: str
    what: str
    due: date

    @property
    def when(self) -> str:
        """The date in words."""
        return long_date(self.due)


def _dated(needs: dict[str, list[dict[str, Any]]]) -> list[Dated]:
    """Every dated item waiting on the organisation, soonest first."""
    items = [
        *(Dated(r["title"], f"/records/report-requests/{r['request_id']}",
                _("Report due"), r["due_on"]) for r in needs["requests_to_answer"]),
        *(Dated(r["title"], f"/records/report-requests/{r['request_id']}",
                _("Report to review, due"), r["due_on"])
          for r in needs["requests_to_review"]),
        *(Dated(a["description"], f"/records/meetings/{a['meeting_id']}", _("Action due"),
                a["due_on"]) for a in needs["actions_due"] if a.get("due_on")),
        *(Dated(m["title"], f"/records/meetings/{m['meeting_id']}",
                _("Invitation to answer, meeting on"),
                aware(m["starts_at"]).astimezone(LONDON).date())
          for m in needs["invitations"]),
    ]
    return sorted(items, key=lambda i: i.due)


async def dashboard(request: Request) -> Response:
    """What needs me: overdue, due this week, upcoming meetings, then everything by kind."""
    caller = page_caller(request)
    hub = hub_of(request)
    workspaces = queries.workspaces_of(hub.engine, caller.actor)
    visible = [w["workspace_id"] for w in workspaces]
    now = hub.clock()
    today = now.astimezone(LONDON).date()
    organisation = caller.actor.organisation_id or ""
    needs = needs_of(hub.engine, organisation, today)
    dated = _dated(needs)
    meetings = [
        {**m, "when": london_time(m["starts_at"])}
        for m in upcoming_meetings(hub.engine, organisation, now)
    ]
    return render(
        request, "index.html", title=_("Dashboard"), section="dashboard", workspaces=workspaces,
        needs=needs, waiting=sum(len(rows) for rows in needs.values()),
        overdue=[i for i in dated if i.due < today],
        this_week=[i for i in dated if today <= i.due < today + timedelta(days=7)],
        upcoming=meetings, starts=starts_for(hub.engine, caller.actor),
        long_date=long_date, london_time=london_time,
        live_workspaces=" ".join(visible),
        live_after=hub.cursors.of(hub.store.head_position(visible)),
    )


def record_link(event: Any) -> str | None:
    """The page of the record an event belongs to, if it has one."""
    collection = RECORD_PAGES.get(event.stream_type)
    record_id = event.stream_id.removeprefix(f"{event.stream_type}-")
    return f"/records/{collection}/{record_id}" if collection and record_id else None


async def workspace(request: Request) -> Response:
    """One workspace: its live activity, member organisations and the caller's role there
    (404 unless a member)."""
    caller = page_caller(request)
    hub = hub_of(request)
    found = queries.workspace(hub.engine, caller.actor, request.path_params["workspace_id"])
    names = request.app.state.organisation_names
    latest = hub.store.read_latest([found["workspace_id"]], 20)
    activity = [
        {"position": hub.cursors.of(e.position), "summary": describe(e.envelope(), names),
         "time": london_time(e.recorded_at), "href": record_link(e)}
        for e in reversed(latest)
    ]
    return render(
        request, "workspace.html", title=found["name"], workspace=found, activity=activity,
        live_after=hub.cursors.of(latest[-1].position if latest else 0),
        my_role=caller.actor.role_in(found["workspace_id"]).value, record_pages=RECORD_PAGES,
    )


ROUTES = [
    Route("/", dashboard),
    Route("/workspaces/{workspace_id}", workspace),
]
