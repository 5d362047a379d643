"""What every API endpoint shares: body parsing, idempotency keys, pagination, and the one
answer every write gives."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse

from hub.domain.errors import DomainError
from hub.events import AppendResult
from hub.events.tables import MAX_IDEMPOTENCY_KEY
from hub.handlers.common import Created

M = TypeVar("M", bound=BaseModel)


class InvalidBody(DomainError):
    """The request body is not JSON, or fails its schema (``errors`` names each field)."""

    code = "request.invalid"
    status = 422

    def __init__(self, message: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


class MalformedBody(DomainError):
    """The request body is not UTF-8, or nests deeper than any request of the hub does."""

    code = "request.malformed"
    status = 400


class BadQuery(DomainError):
    """A query parameter is malformed."""

    code = "request.bad_query"
    status = 400


async def parse_body(request: Request, model: type[M], **server_fields: Any) -> M:
    """The JSON body as ``model``, with fields only the server may set merged in.

    A client may not set a server field: one sent in the body is an error, not overridden.
    """
    try:
        text = (await request.body() or b"{}").decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedBody("the body is not UTF-8 text (JSON must be UTF-8: RFC 8259)") from None
    try:
        body = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidBody(f"the body is not valid JSON: {error.msg}") from None
    except RecursionError:
        # The parser's guard against nesting that would exhaust the stack: refused, not a 500.
        raise MalformedBody("the body nests too deeply") from None
    if not isinstance(body, dict):
        raise InvalidBody("the body must be a JSON object")
    forbidden = sorted(set(body) & set(server_fields))
    if forbidden:
        raise InvalidBody(
            "these fields are set by the hub, not the caller",
            [{"field": f, "message": "not allowed in the body"} for f in forbidden],
        )
    try:
        return model.model_validate({**body, **server_fields})
    except ValidationError as error:
        details = [
            {"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"]}
            for e in error.errors(include_url=False)
        ]
        raise InvalidBody(
            "; ".join(f"{d['field']}: {d['message']}" for d in details), details
        ) from None


def int_param(request: Request, name: str, default: int, *, low: int = 0, high: int) -> int:
    """An integer query parameter within [low, high]; 400 when malformed."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadQuery(f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise BadQuery(f"{name} must be between {low} and {high}")
    return value


class BadIdempotencyKey(DomainError):
    """The Idempotency-Key header is empty, too long, or not plain printable text."""

    code = "request.bad_idempotency_key"
    status = 400


def idempotency_key(request: Request) -> str | None:
    """The caller's ``Idempotency-Key`` header, if it sent one (at most 255 printable
    characters, as the store keeps them)."""
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    if not key or len(key) > MAX_IDEMPOTENCY_KEY or not key.isprintable():
        raise BadIdempotencyKey(
            f"an Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} printable characters"
        )
    return key


def appended(
    outcome: AppendResult | Created, status: int = 201, **extra: Any
) -> JSONResponse:
    """The answer to every command: the record's new version and the events it recorded.

    A command that creates something (a record, or a part of one such as a meeting's action)
    hands back :class:`~hub.handlers.common.Created`, whose id is answered as ``id`` unless
    the caller names the record's id itself, and then as ``created_id``. A replayed command
    (a retry with the same idempotency key) is a 200 with the first result.
    """
    result = outcome.result if isinstance(outcome, Created) else outcome
    if isinstance(outcome, Created):
        extra = {**extra, ("created_id" if "id" in extra else "id"): outcome.id}
    return JSONResponse(
        {
            "version": result.version,
            "replayed": result.replayed,
            # Without the log's position: the event feed, webhooks and sockets show it only
            # as an opaque cursor (hub.events.cursors), and a write answer has no need of one.
            "events": [_recorded(e.envelope()) for e in result.events],
            **extra,
        },
        status_code=200 if result.replayed else status,
    )


def _recorded(envelope: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in envelope.items() if key != "position"}
