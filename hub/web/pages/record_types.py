"""Which records have pages, under which names: one line per record type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hub.domain.duties import (
    CJ_ARRANGEMENT,
    POLICE_CRIME_PLAN,
    PRIORITY,
    RECIPROCAL_REGARD,
    REGARD_DECISION,
)
from hub.domain.meetings import MEETING
from hub.domain.mergers import MERGER
from hub.domain.record import RecordType
from hub.domain.reports import REPORT_REQUEST
from hub.i18n import N_
from hub.web.api import duties, meetings, reports
from hub.web.pages import duties as duty_pages
from hub.web.pages import invite_groups, lists, meeting_calendar, revisions
from hub.web.pages import meetings as meeting_page
from hub.web.pages import mergers as merger_page
from hub.web.pages import reports as report_page
from hub.web.pages.page_actions import (
    DUTY_ACTIONS,
    DUTY_NAMES,
    MEETING_ACTIONS,
    MERGER_ACTIONS,
    REPORT_ACTIONS,
)
from hub.web.pages.records import ActionForm, PageContext, RecordPages

MEETING_PAGES = RecordPages(
    meetings.MEETINGS, N_("meeting"), "title", MEETING, template="records/meeting.html",
    context=meeting_page.meeting_context, actions=MEETING_ACTIONS,
    choices=meeting_page.meeting_choices, defaults=meeting_page.meeting_defaults,
    new_title=N_("Convene a meeting"), check_new=True,
    expand=invite_groups.expand, extras=invite_groups.extras,
    checked=frozenset({"invitations"}),
    action_forms={"invitations": ActionForm(
        invite_groups.expand_more, invite_groups.extras_more, invite_groups.notes_more,
        invite_groups.errors_more)},
)
DUTY_RECORDS: dict[str, RecordType[Any]] = {
    "priorities": PRIORITY, "regard-decisions": REGARD_DECISION,
    "police-crime-plans": POLICE_CRIME_PLAN, "reciprocal-regards": RECIPROCAL_REGARD,
    "cj-arrangements": CJ_ARRANGEMENT,
}
"""Each duty register collection's domain rules (for the actions its pages offer)."""
DUTY_REVISIONS = {
    "priorities": revisions.priority_defaults, "police-crime-plans": revisions.plan_defaults,
    "cj-arrangements": revisions.arrangement_defaults,
}
"""The duty records whose revisions start as the record stands."""
DUTY_DESIGNS: dict[str, tuple[str, PageContext]] = {
    "priorities": ("records/priority.html", duty_pages.priority_context),
    "regard-decisions": ("records/regard_decision.html", duty_pages.decision_context),
    "police-crime-plans": ("records/police_crime_plan.html", duty_pages.plan_context),
    "reciprocal-regards": ("records/reciprocal_regard.html", duty_pages.reciprocal_context),
    "cj-arrangements": ("records/cj_arrangement.html", duty_pages.arrangement_context),
}
"""Each duty record's designed page: its template, and what it shows beyond the generic page."""
DUTY_TITLES = {"reciprocal-regards": "strategy_title"}
"""The field that titles a duty record's page, where it is not ``title``."""
REPORT_PAGES = RecordPages(
    reports.REPORT_REQUESTS, N_("report request"), "title", REPORT_REQUEST,
    template="records/report.html", context=report_page.report_context,
    uploads=frozenset({"attachment_ids"}), actions=REPORT_ACTIONS,
    defaults=report_page.report_defaults,
    new_title=N_("Ask for a report"), check_new=True,
)
MERGER_PAGES = RecordPages(
    meetings.MERGERS, N_("merger"), "proposed_name", MERGER, template="records/merger.html",
    context=merger_page.merger_context, defaults=revisions.merger_defaults,
    actions=MERGER_ACTIONS, new_title=N_("Propose a merger of partnerships"),
    check_new=True, checked=frozenset({"consent"}),
)
PAGES = [
    REPORT_PAGES,
    MEETING_PAGES,
    MERGER_PAGES,
    *(
        RecordPages(api, DUTY_NAMES[api.collection][0],
                    DUTY_TITLES.get(api.collection, "title"), DUTY_RECORDS[api.collection],
                    defaults=DUTY_REVISIONS.get(api.collection),
                    actions=DUTY_ACTIONS[api.collection],
                    new_title=DUTY_NAMES[api.collection][1],
                    template=DUTY_DESIGNS[api.collection][0],
                    context=DUTY_DESIGNS[api.collection][1])
        for api in duties.APIS
    ),
]

# Short links (used in calendar feeds) to the record pages.
SHORT_LINKS = {
    "reports": "report-requests", "mergers": "mergers", "arrangements": "cj-arrangements",
    "meetings": "meetings",
}


def _redirect_to(collection: str) -> Callable[[Request], Awaitable[Response]]:
    async def redirect(request: Request) -> Response:
        return RedirectResponse(
            f"/records/{collection}/{request.path_params['record_id']}", status_code=301
        )

    return redirect


ROUTES = [
    *lists.ROUTES,
    # Before the meeting page's route, whose "{record_id}" would take "calendar".
    *meeting_calendar.ROUTES,
    # Before the generic routes, whose "/{action}" would take the upload's post.
    *meeting_page.paper_routes(MEETING_PAGES),
    *report_page.attachment_routes(REPORT_PAGES),
    *(route for pages in PAGES for route in pages.routes()),
    *(
        Route(f"/{short}/{{record_id}}", _redirect_to(collection), methods=["GET"])
        for short, collection in SHORT_LINKS.items()
    ),
]

