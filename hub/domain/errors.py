"""Broken rules as values: one exception type per rule, each with a stable code.

``status`` says how the web layer answers: 409 for a transition the record's state does not
allow, 422 for a command whose content breaks a rule, 403 for an actor the law does not allow.

A message is a whole English sentence, marked ``N_("…")`` where it is raised so that ``hub
messages`` extracts it, with its values as named placeholders
(``N_("%(party)s has already consented")``, ``party=…``). The domain translates nothing (no
catalogue is read here): the page that shows the message translates ``template`` and fills in
``values`` (:func:`hub.web.pages.common.error_text`); the API answers ``message``, in English.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it (``hub messages`` extracts
    every ``N_("…")``, whichever module defines it): the same marker as
    :func:`hub.i18n.N_`, kept here so that the rules import nothing of the web or of Babel."""
    return message


class DomainError(Exception):
    """A command refused by a rule; ``code`` is stable and listed in the OpenAPI document."""

    code = "domain.refused"
    status = 409

    def __init__(self, message: str, **values: object) -> None:
        # Formatted only with values, so a "%" in a plain message needs no escaping.
        text = message % values if values else message
        super().__init__(text)
        self.message = text
        self.template = message
        self.values = values


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

    def __init__(
        self, message: str, errors: list[dict[str, str]] | None = None, **values: object
    ) -> None:
        super().__init__(message, **values)
        self.errors = errors or []
