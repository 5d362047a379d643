"""Which records have pages, under which names: one line per record type."""

from __future__ import annotations

from hub.web.api import duties, meetings, reports
from hub.web.pages.records import RecordPages

PAGES = [
    RecordPages(reports.REPORT_REQUESTS, "report request", "title"),
    RecordPages(meetings.MEETINGS, "meeting", "title"),
    RecordPages(meetings.MERGERS, "merger", "proposed_name"),
    *(
        RecordPages(api, api.collection.replace("-", " ").rstrip("s"), "title")
        for api in duties.APIS
    ),
]

ROUTES = [route for pages in PAGES for route in pages.routes()]
