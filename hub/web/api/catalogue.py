"""The event catalogue API and the published schema files, for partners to build against.

Both are public: the schemas are the contract, and ``dataschema`` in every event points at
``/schemas/events/<type>.v<N>.json``, which a partner resolves from outside.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from hub.domain.errors import DomainError
from hub.settings import public_url
from hub.web.api.openapi import api
from hub.webhooks import catalogue
from hub.webhooks.catalogue import EventTypeEntry
from schemas import answers

SCHEMA_MEDIA_TYPE = "application/schema+json"


class EventTypeNotFound(DomainError):
    """No event type of that name."""

    code = "event_type.not_found"
    status = 404


def entry_json(entry: EventTypeEntry, base_url: str) -> dict[str, Any]:
    """One event type: name, version, schema (inline and by URL) and an example payload."""
    return {
        "type": entry.name,
        "record": entry.record,
        "version": entry.version,
        "description": entry.description,
        "schema_url": base_url.rstrip("/") + entry.schema_path,
        "schema": entry.schema,
        "example": entry.example,
    }


@api(public=True, tag="catalogue", response=answers.Items)
async def list_event_types(request: Request) -> JSONResponse:
    """Every event type the hub publishes, with its JSON Schema and an example payload."""
    base = public_url()
    return JSONResponse({"items": [entry_json(e, base) for e in catalogue.entries()]})


@api(public=True, errors=(EventTypeNotFound,), tag="catalogue", response=answers.Object)
async def get_event_type(request: Request) -> JSONResponse:
    """One event type."""
    found = catalogue.entry(request.path_params["event_type"])
    if found is None:
        raise EventTypeNotFound("no event type of that name: see /api/event-types")
    return JSONResponse(entry_json(found, public_url()))


async def schema_file(request: Request) -> Response:
    """``GET /schemas/events/<type>.v<N>.json``: a published JSON Schema, as committed."""
    content = catalogue.schema_file(request.path_params["file"])
    if content is None:
        raise EventTypeNotFound("no published schema of that name")
    return Response(content, media_type=SCHEMA_MEDIA_TYPE,
                    headers={"Cache-Control": "public, max-age=300"})


ROUTES: list[BaseRoute] = [
    Route("/api/event-types", list_event_types, methods=["GET"]),
    Route("/api/event-types/{event_type}", get_event_type, methods=["GET"]),
    Route("/schemas/events/{file}", schema_file, methods=["GET"]),
]
