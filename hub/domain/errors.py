"""Broken rules as values: one exception type per rule, each with a stable code.

``status`` says how the web layer answers: 409 for a transition the record's state does not
allow, 422 for a command whose content breaks a rule, 403 for an actor the law does not allow.
"""

from __future__ import annotations


class DomainError(Exception):
    """A command refused by a rule; ``code`` is stable and listed in the OpenAPI document."""

    code = "domain.refused"
    status = 409

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AlreadyExists(DomainError):
    """The record has already been created."""

    code = "record.already_exists"


class NotFound(DomainError):
    """The record does not exist (or the actor may not know it does)."""

    code = "record.not_found"
    status = 404


class InvalidCommand(DomainError):
    """The command's content breaks a rule that no schema can express."""

    code = "record.invalid"
    status = 422


class InvalidInput(DomainError):
    """The input does not fit the command's schema; ``errors`` names each field.

    Each record type has its own subclass, so that its code names the record.
    """

    code = "record.invalid_input"
    status = 422

    def __init__(self, message: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []
