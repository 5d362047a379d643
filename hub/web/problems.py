"""RFC 9457 problem details: every error the API returns, mapped once from its exception."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from hub.domain.errors import DomainError
from hub.events.errors import ConcurrencyConflict, IdempotencyKeyReused, InvalidEvent

PROBLEM_JSON = "application/problem+json"


def problem(
    status: int, code: str, title: str, detail: str = "", **extra: Any
) -> JSONResponse:
    """A problem document with a stable machine ``code`` and a human ``title``/``detail``."""
    body = {"type": f"/problems/{code}", "title": title, "status": status, "code": code}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


async def stale_version(_request: Request, error: Exception) -> JSONResponse:
    """409: the record changed since the caller read it."""
    assert isinstance(error, ConcurrencyConflict)
    return problem(
        409, error.code, "The record was changed by someone else", str(error),
        current_version=error.current, expected_version=error.expected,
    )


async def idempotency_key_reused(_request: Request, error: Exception) -> JSONResponse:
    """422: an idempotency key reused for a different record."""
    assert isinstance(error, IdempotencyKeyReused)
    return problem(422, error.code, "Idempotency key already used", str(error))


async def invalid_event(_request: Request, error: Exception) -> JSONResponse:
    """422: the payload failed its schema."""
    assert isinstance(error, InvalidEvent)
    return problem(
        422, error.code, "Invalid data", str(error),
        errors=[
            {"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
            for e in error.errors
        ],
    )


async def domain_error(_request: Request, error: Exception) -> JSONResponse:
    """A broken rule, with its own status and stable code (and field errors, if any)."""
    assert isinstance(error, DomainError)
    errors = getattr(error, "errors", None)
    extra = {"errors": errors} if errors else {}
    return problem(error.status, error.code, _title(error), error.message, **extra)


RETRY_AFTER_SECONDS = 5
"""What a client is told to wait (``Retry-After``) while a dependency is down."""


def unavailable(dependency: str) -> JSONResponse:
    """503: the database or Redis cannot be reached; nothing was done, try again later."""
    response = problem(
        503, f"service.{dependency}_unavailable", "Service temporarily unavailable",
        f"The hub cannot reach its {dependency} just now, so nothing was done. "
        f"Try again in {RETRY_AFTER_SECONDS} seconds.",
    )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _title(error: DomainError) -> str:
    doc = (type(error).__doc__ or type(error).__name__).strip().splitlines()[0]
    return doc.rstrip(".")




EXCEPTION_HANDLERS = {
    DomainError: domain_error,
    ConcurrencyConflict: stale_version,
    IdempotencyKeyReused: idempotency_key_reused,
    InvalidEvent: invalid_event,
}
