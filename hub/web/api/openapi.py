"""The OpenAPI 3.1 document, generated from the endpoints themselves.

Each API endpoint is declared with :func:`api`, naming its body model, query parameters and the
domain errors it can answer with; :func:`document` turns the app's routes and those
declarations into the document served at ``/openapi.json``. A test fails when an API route has
no declaration, so the document cannot fall behind the code.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.json_schema import JsonSchemaMode, models_json_schema
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

Endpoint = Callable[[Request], Awaitable[Response]]

# Errors any authenticated endpoint can answer with, whatever it does.
COMMON_ERRORS: tuple[type[Exception], ...] = ()


class NoBody(BaseModel):
    """Declares a write endpoint that takes no body (the document shows none): every write
    names what it takes, so a body is never left undeclared by accident."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class Query:
    """A query parameter (or, with ``location="header"``, a request header).

    ``schema`` narrows the value exactly as the endpoint does (a range, a length, a format),
    so that the document allows only what the endpoint accepts; without it, any ``type``.
    """

    name: str
    description: str
    type: str = "string"
    required: bool = False
    schema: Mapping[str, Any] | None = None
    location: str = "query"

    def json_schema(self) -> dict[str, Any]:
        """The parameter's JSON Schema."""
        return {"type": self.type, **(self.schema or {})}


@dataclass(frozen=True)
class Operation:
    """What the document says of one endpoint."""

    summary: str
    description: str
    body: type[BaseModel] | None = None
    query: tuple[Query, ...] = ()
    errors: tuple[type[Exception], ...] = ()
    success: int = 200
    public: bool = False
    tags: tuple[str, ...] = field(default_factory=tuple)
    response: type[BaseModel] | None = None
    """The model of the success answer's body (none for a 204)."""
    upload: tuple[str, ...] = ()
    """For an endpoint whose body is a file: the media types it accepts."""
    download: tuple[str, ...] = ()
    """For an endpoint that answers with a file: the media types it may have."""


def api(
    *,
    body: type[BaseModel] | None = None,
    query: Iterable[Query] = (),
    errors: Iterable[type[Exception]] = (),
    success: int = 200,
    public: bool = False,
    tag: str = "",
    response: type[BaseModel] | None = None,
    upload: Iterable[str] = (),
    download: Iterable[str] = (),
) -> Callable[[Endpoint], Endpoint]:
    """Declare an endpoint for the OpenAPI document; its docstring becomes the summary."""

    def declare(endpoint: Endpoint) -> Endpoint:
        doc = (endpoint.__doc__ or endpoint.__name__).strip()
        summary, _, rest = doc.partition("\n")
        endpoint.__openapi__ = Operation(  # type: ignore[attr-defined]
            summary.strip(), rest.strip(), body, tuple(query), tuple(errors), success, public,
            (tag,) if tag else (), response, tuple(upload), tuple(download),
        )
        return endpoint

    return declare


def operation_of(route: Route) -> Operation | None:
    """The declaration of a route's endpoint, if it has one."""
    return getattr(route.endpoint, "__openapi__", None)


def api_routes(routes: Iterable[BaseRoute]) -> list[Route]:
    """The HTTP routes under ``/api/``."""
    return [r for r in routes if isinstance(r, Route) and r.path.startswith("/api/")]


def document(routes: Iterable[BaseRoute], *, version: str = "0.1.0") -> dict[str, Any]:
    """The OpenAPI 3.1 document of every declared API route."""
    declared = [(r, op) for r in api_routes(routes) if (op := operation_of(r)) is not None]
    models: set[tuple[type[BaseModel], JsonSchemaMode]] = {
        (op.body, "validation") for _, op in declared if op.body not in (None, NoBody)
    } | {(op.response, "serialization") for _, op in declared if op.response is not None}
    keyed, defs = models_json_schema(
        sorted(models, key=lambda m: (m[0].__name__, m[1])),
        ref_template="#/components/schemas/{model}",
    )
    schemas: dict[str, Any] = dict(defs.get("$defs", {}))
    schemas["Problem"] = _PROBLEM
    paths: dict[str, dict[str, Any]] = {}
    all_errors: dict[str, type[Exception]] = {}
    for route, op in declared:
        for method in sorted((route.methods or set()) - {"HEAD"}):
            entry = _operation(route, method, op, keyed)
            paths.setdefault(route.path, {})[method.lower()] = entry
        for error in (*op.errors, *COMMON_ERRORS, *([] if op.public else _auth_errors())):
            all_errors[error.code] = error  # type: ignore[attr-defined]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Partnership Hub API",
            "version": version,
            "description": (
                "The statutory partnership record of a Police and Crime Commissioner's office "
                "and its partners. Authenticate with an API token "
                "(`Authorization: Bearer hub_…`) or a browser session. Every error is an RFC "
                "9457 problem document with a stable `code`, listed under `x-error-codes`."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "token": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "hub_session"},
            },
        },
        "security": [{"token": []}, {"session": []}],
        "x-error-codes": {
            code: {"status": e.status, "description": _first_line(e)}  # type: ignore[attr-defined]
            for code, e in sorted(all_errors.items())
        },
    }


def _operation(
    route: Route, method: str, op: Operation, keyed: dict[Any, dict[str, Any]]
) -> dict[str, Any]:
    success: dict[str, Any] = {"description": "Success"}
    if op.response is not None:
        success["content"] = {"application/json": {
            "schema": keyed[(op.response, "serialization")]
        }}
    elif op.download:
        success["content"] = {media: {"schema": {"type": "string", "format": "binary"}}
                              for media in op.download}
    responses: dict[str, Any] = {str(op.success): success}
    by_status: dict[int, list[str]] = {}
    errors = [*op.errors] if op.public else [*op.errors, *_auth_errors()]
    for error in errors:
        by_status.setdefault(error.status, []).append(error.code)  # type: ignore[attr-defined]
    for status, codes in sorted(by_status.items()):
        responses[str(status)] = {
            "description": "Codes: " + ", ".join(sorted(set(codes))),
            "content": {"application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"}
            }},
        }
    entry: dict[str, Any] = {
        "summary": op.summary,
        "operationId": f"{method.lower()}_{route.name}",
        "responses": responses,
    }
    if op.description:
        entry["description"] = op.description
    if op.tags:
        entry["tags"] = list(op.tags)
    if op.public:
        entry["security"] = []
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in route.param_convertors
    ] + [
        {"name": q.name, "in": q.location, "required": q.required,
         "description": q.description, "schema": q.json_schema()}
        for q in op.query
    ]
    if parameters:
        entry["parameters"] = parameters
    if op.body not in (None, NoBody):
        assert op.body is not None
        entry["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": keyed[(op.body, "validation")]}},
        }
    elif op.upload:
        entry["requestBody"] = {
            "required": True,
            "content": {media: {"schema": {"type": "string", "format": "binary"}}
                        for media in op.upload},
        }
    return entry


def _auth_errors() -> list[type[Exception]]:
    from hub.web.api.common import InvalidBody, MalformedBody
    from hub.web.auth import MissingPermission, NotSignedIn

    return [NotSignedIn, MissingPermission, InvalidBody, MalformedBody]


def _first_line(error: type[Exception]) -> str:
    return (error.__doc__ or error.__name__).strip().splitlines()[0]


_PROBLEM = {
    "type": "object",
    "description": "An RFC 9457 problem document.",
    "required": ["type", "title", "status", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "code": {"type": "string", "description": "Stable machine code; see x-error-codes."},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
        "current_version": {"type": "integer"},
    },
}


async def openapi_json(request: Request) -> JSONResponse:
    """``GET /openapi.json``: the document for this app's routes."""
    return JSONResponse(document(request.app.routes))
