"""The event catalogue page: every event type with its schema and an example, for partners."""

from __future__ import annotations

import json
from itertools import groupby

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from hub.i18n import _
from hub.settings import public_url
from hub.web.pages.common import render
from hub.webhooks import catalogue
from hub.webhooks.payloads import CONTENT_TYPE, TEST_TYPE


async def event_catalogue(request: Request) -> Response:
    """Event types grouped by record; public, like the schema files it links to."""
    entries = catalogue.entries()
    records = [(record, list(group)) for record, group in groupby(entries, lambda e: e.record)]
    examples = {e.name: json.dumps(e.example, indent=2, ensure_ascii=False) for e in entries}
    return render(
        request, "webhooks/catalogue.html", title=_("Event catalogue"), section="catalogue",
        records=records, examples=examples, content_type=CONTENT_TYPE, test_type=TEST_TYPE,
        public_url=public_url(), count=len(entries),
    )


ROUTES: list[BaseRoute] = [Route("/event-catalogue", event_catalogue, methods=["GET"])]
