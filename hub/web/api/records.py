"""The JSON API of the event-sourced records, generated from their handlers.

Every record type exposes the same shape:

- ``POST /api/<records>``: create one (201, with ``id``, ``version`` and the events recorded);
- ``POST /api/<records>/{id}/<action>``: a command on one; the body carries
  ``expected_version`` (a stale one is a 409 carrying ``current_version``);
- ``GET /api/<records>``: the caller's records, with filters and pagination;
- ``GET /api/<records>/{id}``: one (404 unless the caller may see it);
- ``GET /api/<records>/{id}/history``: its events, with actor and time.

A command's body model is built from its handler's keyword parameters, so the API, the
handler and the OpenAPI document cannot disagree about what a command takes.
"""

from __future__ import annotations

import builtins
import inspect
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model
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

# Parameters a handler takes that never come from a request body.
# ``on_behalf_of`` stays unset: through the API an organisation only ever acts as itself.
_SERVER_PARAMETERS = {"hub", "actor", "idempotency_key", "expected_version", "on_behalf_of"}
ACCESS_ERRORS = (
    NotVisible, NotPermitted, NotPolicingBody, NotOwnOrganisation, ViewerCannotAct,
    ObserverCannotAct, EnglandOnly, NotFound, ConcurrencyConflict, IdempotencyKeyReused,
    BadIdempotencyKey, *HANDLER_ERRORS,
)


@dataclass(frozen=True)
class Action:
    """A command endpoint: its URL segment and the handler it calls."""

    segment: str
    handler: Callable[..., Any]


@dataclass(frozen=True)
class RecordApi:
    """Everything the API needs to know of one record type."""

    collection: str
    """URL segment, e.g. ``report-requests``."""
    id_parameter: str
    """The handlers' name for the record id, e.g. ``request_id``."""
    create: Callable[..., Any] | None
    actions: Sequence[Action]
    get: Callable[..., dict[str, Any]]
    """``get(hub, record_id, workspace_ids=...)``: one visible record or :class:`NotFound`."""
    history: Callable[..., Any]
    """``history(hub, record_id)``: the record's events."""
    list: Callable[..., Any] | None = None
    filters: Sequence[Query] = ()
    errors: tuple[type[Exception], ...] = ()
    tag: str = ""
    server: dict[str, Callable[[Hub], Any]] = field(default_factory=dict)
    """Handler arguments the hub supplies (stores, settings), never the caller."""
    _models: dict[str, type[BaseModel]] = field(default_factory=dict, compare=False)

    def routes(self) -> builtins.list[Route]:
        """The record's routes, each declared for the OpenAPI document."""
        base = f"/api/{self.collection}"
        routes = []
        if self.list is not None:
            routes.append(self._route(base, self._list_endpoint(), "GET", "list"))
        if self.create is not None:
            routes.append(
                self._route(base, self._command_endpoint(self.create, creates=True), "POST",
                            "create")
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
                    self._command_endpoint(action.handler, creates=False), "POST",
                    action.segment,
                )
            )
        return routes

    def _route(self, path: str, endpoint: Any, method: str, suffix: str) -> Route:
        name = f"{self.collection.replace('-', '_')}_{suffix.replace('-', '_')}"
        return Route(path, endpoint, methods=[method], name=name)

    # -- endpoints ---------------------------------------------------------------------------

    def _command_endpoint(self, handler: Callable[..., Any], *, creates: bool) -> Any:
        body_model = body_model_of(
            handler, self.id_parameter, creates=creates, server=set(self.server)
        )
        server = self.server
        parameters = set(inspect.signature(handler).parameters)

        async def endpoint(request: Request) -> JSONResponse:
            actor = require_caller(request, Permission.ACT).actor
            hub = hub_of(request)
            body = await parse_body(request, body_model)
            # Attributes, not model_dump(): handlers take nested models as models.
            arguments = {name: getattr(body, name) for name in type(body).model_fields}
            arguments.update(
                {name: supply(hub) for name, supply in server.items() if name in parameters}
            )
            key = idempotency_key(request)
            if creates:
                return appended(handler(hub, actor, idempotency_key=key, **arguments))
            record_id = request.path_params["record_id"]
            # Visibility first: another area's record is a 404 whatever the command.
            self.get(hub, record_id, workspace_ids=visible_workspaces(hub.engine, actor))
            outcome = handler(hub, actor, record_id, idempotency_key=key, **arguments)
            return appended(outcome, status=200, id=record_id)

        endpoint.__doc__ = _doc(handler)
        endpoint.__openapi__ = Operation(  # type: ignore[attr-defined]
            summary=_doc(handler).splitlines()[0], description="", body=body_model,
            errors=(*self.errors, *ACCESS_ERRORS), success=201 if creates else 200,
            tags=(self.tag,) if self.tag else (),
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
                limit=int_param(request, "limit", 50, low=1, high=200),
                offset=int_param(request, "offset", 0, high=10**9),
                **arguments,
            )
            return JSONResponse(
                {"items": [jsonable(r) for r in page.rows], "total": page.total,
                 "limit": page.limit, "offset": page.offset}
            )

        endpoint.__openapi__ = Operation(  # type: ignore[attr-defined]
            summary=f"List {self.collection.replace('-', ' ')} the caller may see",
            description="", query=(
                *filters, Query("limit", "page size (1-200, default 50)", "integer"),
                Query("offset", "rows to skip", "integer"),
            ),
            errors=(BadQuery,), tags=(self.tag,) if self.tag else (),
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
            errors=(NotFound,), tags=(self.tag,) if self.tag else (),
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
            errors=(NotFound,), tags=(self.tag,) if self.tag else (),
        )
        return endpoint


def body_model_of(
    handler: Callable[..., Any], id_parameter: str, *, creates: bool,
    server: Collection[str] = (),
) -> type[BaseModel]:
    """A request body model from a handler's keyword parameters.

    Commands on an existing record require ``expected_version``: the version the caller
    last read, so that a concurrent change is a conflict and never silently overwritten.
    """
    hints = get_type_hints(handler)
    fields: dict[str, Any] = {}
    # hub, actor and (for commands on a record) its id come first and from the server.
    leading = 2 if creates else 3
    for index, (name, parameter) in enumerate(inspect.signature(handler).parameters.items()):
        if name in _SERVER_PARAMETERS or name == id_parameter or name in server:
            continue
        if parameter.kind is inspect.Parameter.VAR_KEYWORD or index < leading:
            continue
        default = ... if parameter.default is inspect.Parameter.empty else parameter.default
        fields[name] = (hints.get(name, Any), default)
    if not creates:
        fields["expected_version"] = (int, Field(ge=0, description="the version you last read"))
    model_name = "".join(part.capitalize() for part in handler.__name__.split("_")) + "Body"
    return create_model(  # type: ignore[call-overload, no-any-return]
        model_name, __config__=ConfigDict(extra="forbid"), **fields
    )


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
            elif query.name.endswith(("_before", "_after", "_on")):
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
