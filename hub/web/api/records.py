"""The JSON API of the event-sourced records, generated from their handlers.

Every record type exposes the same shape:

- ``POST /api/<records>``: create one (201, with ``id``, ``version`` and the events recorded);
- ``POST /api/<records>/{id}/<action>``: a command on one; the body carries
  ``expected_version`` (a stale one is a 409 carrying ``current_version``);
- ``GET /api/<records>``: the caller's records, with filters and pagination;
- ``GET /api/<records>/{id}``: one (404 unless the caller may see it);
- ``GET /api/<records>/{id}/history``: its events, with actor and time.

Each command endpoint names its request model (``schemas.requests``): exactly what a caller may
send. The body is validated against it and its fields are handed to the handler as keywords;
the handler resolves the facts (the acting organisation, the record's area, the directory's
answers). What the hub supplies itself (stores, settings) is named in ``RecordApi.server``.
"""

from __future__ import annotations

import builtins
import inspect
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model
from sqlalchemy import JSON, Table
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hub.access.accounts import Permission
from hub.access.actors import visible_workspaces
from hub.access.policy import (
    EnglandOnly,
    NotOwnOrganisation,
    NotPermitted,
    NotPolicingBody,
    NotVisible,
    ObserverCannotAct,
    ViewerCannotAct,
)
from hub.bootstrap import Hub
from hub.domain.errors import NotFound
from hub.events.errors import ConcurrencyConflict, IdempotencyKeyReused
from hub.handlers.common import ERRORS as HANDLER_ERRORS
from hub.web.api.common import (
    BadIdempotencyKey,
    BadQuery,
    appended,
    idempotency_key,
    int_param,
    parse_body,
)
from hub.web.api.openapi import Operation, Query
from hub.web.auth import hub_of, require_caller
from schemas.answers import History, WriteAnswer
from schemas.requests import ActionRequest, CallerRequest

MAX_LIMIT = 200
"""The largest page a list answers."""
MAX_OFFSET = 10**9
"""The most rows a list skips (beyond any read model's size)."""

ACCESS_ERRORS = (
    NotVisible, NotPermitted, NotPolicingBody, NotOwnOrganisation, ViewerCannotAct,
    ObserverCannotAct, EnglandOnly, NotFound, ConcurrencyConflict, IdempotencyKeyReused,
    BadIdempotencyKey, *HANDLER_ERRORS,
)


@dataclass(frozen=True)
class Create:
    """The endpoint that creates a record: the handler it calls and the request it takes.

    The handler is called as ``handler(hub, actor, idempotency_key=..., **request fields,
    **server arguments)``.
    """

    handler: Callable[..., Any]
    request: type[CallerRequest]


@dataclass(frozen=True)
class Action:
    """A command endpoint on one record: its URL segment, the handler it calls and the request
    it takes.

    The handler is called as ``handler(hub, actor, record_id, expected_version=...,
    idempotency_key=..., **request fields, **server arguments)``.
    """

    segment: str
    handler: Callable[..., Any]
    request: type[ActionRequest]


@dataclass(frozen=True)
class RecordApi:
    """Everything the API needs to know of one record type."""

    collection: str
    """URL segment, e.g. ``report-requests``."""
    id_parameter: str
    """The read model's name for the record id, e.g. ``request_id``."""
    create: Create | None
    actions: Sequence[Action]
    get: Callable[..., dict[str, Any]]
    """``get(hub, record_id, workspace_ids=...)``: one visible record or :class:`NotFound`."""
    history: Callable[..., Any]
    """``history(hub, record_id)``: the record's events."""
    record: type[BaseModel]
    """The model of one record as ``get`` and ``list`` serve it (see :func:`row_model`)."""
    list: Callable[..., Any] | None = None
    filters: Sequence[Query] = ()
    errors: tuple[type[Exception], ...] = ()
    tag: str = ""
    server: dict[str, Callable[[Hub], Any]] = field(default_factory=dict)
    """Handler arguments the hub supplies (stores, settings), never the caller, each passed
    only to the handlers that take it (see :func:`server_arguments`)."""

    def routes(self) -> builtins.list[Route]:
        """The record's routes, each declared for the OpenAPI document."""
        base = f"/api/{self.collection}"
        routes = []
        if self.list is not None:
            routes.append(self._route(base, self._list_endpoint(), "GET", "list"))
        if self.create is not None:
            routes.append(
                self._route(base, self._create_endpoint(self.create), "POST", "create")
            )
        routes.append(
            self._route(f"{base}/{{record_id}}", self._get_endpoint(), "GET", "get")
        )
        routes.append(
            self._route(f"{base}/{{record_id}}/history", self._history_endpoint(), "GET",
                        "history")
        )
        for action in self.actions:
            routes.append(
                self._route(
                    f"{base}/{{record_id}}/{action.segment}",
                    self._action_endpoint(action), "POST", action.segment,
                )
            )
        return routes

    def _route(self, path: str, endpoint: Any, method: str, suffix: str) -> Route:
        name = f"{self.collection.replace('-', '_')}_{suffix.replace('-', '_')}"
        return Route(path, endpoint, methods=[method], name=name)

    # -- endpoints ---------------------------------------------------------------------------

    def _create_endpoint(self, create: Create) -> Any:
        handler, server = create.handler, self.server

        async def endpoint(request: Request) -> JSONResponse:
            actor = require_caller(request, Permission.ACT).actor
            hub = hub_of(request)
            body = await parse_body(request, create.request)
            outcome = handler(
                hub, actor, idempotency_key=idempotency_key(request), **request_arguments(body),
                **server_arguments(hub, handler, server),
            )
            return appended(outcome)

        return self._declared(endpoint, handler, create.request, success=201)

    def _action_endpoint(self, action: Action) -> Any:
        handler, server = action.handler, self.server

        async def endpoint(request: Request) -> JSONResponse:
            actor = require_caller(request, Permission.ACT).actor
            hub = hub_of(request)
            body = await parse_body(request, action.request)
            key = idempotency_key(request)
            record_id = request.path_params["record_id"]
            # Visibility first: another area's record is a 404 whatever the command.
            self.get(hub, record_id, workspace_ids=visible_workspaces(hub.engine, actor))
            outcome = handler(
                hub, actor, record_id, expected_version=body.expected_version,
                idempotency_key=key, **request_arguments(body),
                **server_arguments(hub, handler, server),
            )
            return appended(outcome, status=200, id=record_id)

        return self._declared(endpoint, handler, action.request, success=200)

    def _declared(
        self, endpoint: Any, handler: Callable[..., Any], body: type[CallerRequest], *,
        success: int,
    ) -> Any:
        endpoint.__doc__ = _doc(handler)
        endpoint.__openapi__ = Operation(
            summary=_doc(handler).splitlines()[0], description="", body=body,
            errors=(*self.errors, *ACCESS_ERRORS), success=success,
            tags=(self.tag,) if self.tag else (), response=WriteAnswer,
        )
        return endpoint

    def _list_endpoint(self) -> Any:
        lister = self.list
        assert lister is not None
        filters = self.filters

        async def endpoint(request: Request) -> JSONResponse:
            actor = require_caller(request, Permission.READ_EVENTS).actor
            hub = hub_of(request)
            arguments = _filters(request, filters)
            page = lister(
                hub, workspace_ids=visible_workspaces(hub.engine, actor),
                limit=int_param(request, "limit", 50, low=1, high=MAX_LIMIT),
                offset=int_param(request, "offset", 0, high=MAX_OFFSET),
                **arguments,
            )
            return JSONResponse(
                {"items": [jsonable(r) for r in page.rows], "total": page.total,
                 "limit": page.limit, "offset": page.offset}
            )

        endpoint.__openapi__ = Operation(  # type: ignore[attr-defined]
            summary=f"List {self.collection.replace('-', ' ')} the caller may see",
            description="", query=(
                *filters,
                Query("limit", "page size (1-200, default 50)", "integer",
                      schema={"minimum": 1, "maximum": MAX_LIMIT}),
                Query("offset", "rows to skip", "integer",
                      schema={"minimum": 0, "maximum": MAX_OFFSET}),
            ),
            errors=(BadQuery,), tags=(self.tag,) if self.tag else (),
            response=page_model(self.record),
        )
        return endpoint

    def _get_endpoint(self) -> Any:
        async def endpoint(request: Request) -> JSONResponse:
            actor = require_caller(request, Permission.READ_EVENTS).actor
            hub = hub_of(request)
            found = self.get(
                hub, request.path_params["record_id"],
                workspace_ids=visible_workspaces(hub.engine, actor),
            )
            return JSONResponse(jsonable(found))

        endpoint.__openapi__ = Operation(  # type: ignore[attr-defined]
            summary="One record, with its current version", description="",
            errors=(NotFound,), tags=(self.tag,) if self.tag else (), response=self.record,
        )
        return endpoint

    def _history_endpoint(self) -> Any:
        async def endpoint(request: Request) -> JSONResponse:
            actor = require_caller(request, Permission.READ_EVENTS).actor
            hub = hub_of(request)
            record_id = request.path_params["record_id"]
            self.get(hub, record_id, workspace_ids=visible_workspaces(hub.engine, actor))
            events = self.history(hub, record_id)
            return JSONResponse(
                {"items": [
                    {
                        "position": hub.cursors.of(e.position), "version": e.version,
                        "type": e.type,
                        "time": e.recorded_at.isoformat(),
                        "actor": {"user": e.meta.get("actor_user"),
                                  "organisation": e.meta.get("organisation")},
                        "data": e.data,
                    }
                    for e in events
                ]}
            )

        endpoint.__openapi__ = Operation(  # type: ignore[attr-defined]
            summary="The record's history: every event, with who and when", description="",
            errors=(NotFound,), tags=(self.tag,) if self.tag else (), response=History,
        )
        return endpoint


def request_arguments(body: CallerRequest) -> dict[str, Any]:
    """A parsed request's fields as the handler's keyword arguments (``expected_version`` is
    passed on its own). Attributes, not ``model_dump()``: handlers take nested models as
    models."""
    return {
        name: getattr(body, name) for name in type(body).model_fields
        if name != "expected_version"
    }


def server_arguments(
    hub: Hub, handler: Callable[..., Any], server: dict[str, Callable[[Hub], Any]]
) -> dict[str, Any]:
    """The arguments of ``server`` that ``handler`` takes, supplied by the hub."""
    taken = inspect.signature(handler).parameters
    return {name: supply(hub) for name, supply in server.items() if name in taken}


def row_model(name: str, table: Table, children: Iterable[str] = ()) -> type[BaseModel]:
    """The model of a record as the API serves it from its read model ``table``: each
    column's value by its type, ``children`` as lists of rows, and other keys allowed (a
    record's page of the API may add what it computes, such as a request's parties)."""
    fields: dict[str, Any] = {}
    for column in table.columns:
        kind: Any = _JSON_TYPES.get(type(column.type).__name__, str)
        if isinstance(column.type, JSON):
            kind = Any
        fields[column.name] = (kind | None if column.nullable and kind is not Any else kind, ...)
    for child in children:
        # One record has them; a list's rows do not.
        fields[child] = (list[dict[str, Any]], Field(default_factory=list))
    return create_model(  # type: ignore[call-overload, no-any-return]
        name, __config__=ConfigDict(extra="allow"), __doc__=f"One {table.name} record.",
        **fields,
    )


def page_model(row: type[BaseModel]) -> type[BaseModel]:
    """The model of one page of a list of ``row``."""
    return create_model(  # type: ignore[call-overload, no-any-return]
        f"{row.__name__}Page", __doc__="One page of a list, and how many match in all.",
        items=(list[row], ...), total=(int, Field(ge=0)), limit=(int, Field(ge=1)),  # type: ignore[valid-type]
        offset=(int, Field(ge=0)),
    )


_JSON_TYPES: dict[str, type] = {"Integer": int, "BigInteger": int, "SmallInteger": int,
                                "Boolean": bool, "Float": float, "Numeric": float}
"""Column types that JSON carries as themselves; any other is text (dates as ISO 8601)."""


def _filters(request: Request, filters: Sequence[Query]) -> dict[str, Any]:
    from datetime import date

    arguments: dict[str, Any] = {}
    for query in filters:
        raw = request.query_params.getlist(query.name)
        if not raw:
            continue
        try:
            if query.type == "array":
                arguments[query.name] = raw
            elif query.type == "boolean":
                arguments[query.name] = raw[-1].lower() in {"1", "true", "yes"}
            elif query.json_schema().get("format") == "date":
                arguments[query.name] = date.fromisoformat(raw[-1])
            else:
                arguments[query.name] = raw[-1]
        except ValueError:
            raise BadQuery(f"{query.name} must be {query.description}") from None
    return arguments


def jsonable(row: dict[str, Any]) -> dict[str, Any]:
    """A read-model row with dates and datetimes as ISO 8601 strings."""
    return {k: _plain(v) for k, v in row.items()}


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, dict):
        return jsonable(value)
    if isinstance(value, list | tuple) and not isinstance(value, str):
        return [_plain(v) for v in value]
    return value


def _doc(handler: Callable[..., Any]) -> str:
    return (handler.__doc__ or handler.__name__).strip()


def routes_of(apis: Collection[RecordApi]) -> list[Route]:
    """Every route of every record API."""
    return [route for api in apis for route in api.routes()]
