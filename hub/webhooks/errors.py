"""Why the hub refuses a webhook request: one exception per rule, each with a stable code."""

from __future__ import annotations

from hub.domain.errors import DomainError


class UrlInvalid(DomainError):
    """The endpoint URL is not an absolute http(s) URL the hub can use."""

    code = "webhook.url_invalid"
    status = 422


class InsecureUrl(DomainError):
    """Endpoints must use https (plain http only where the operator allows it)."""

    code = "webhook.insecure_url"
    status = 422


class UrlNotAllowed(DomainError):
    """The URL leads to a loopback, private, link-local or metadata address."""

    code = "webhook.url_not_allowed"
    status = 422


class UrlUnresolvable(DomainError):
    """The URL's host name does not resolve to any address."""

    code = "webhook.url_unresolvable"
    status = 422


class UnknownEventType(DomainError):
    """An event-type filter matches no event type the hub publishes."""

    code = "webhook.unknown_event_type"
    status = 422


class WorkspaceNotVisible(DomainError):
    """The scope names a workspace the organisation is not a member of."""

    code = "webhook.workspace_not_visible"
    status = 422


class EndpointNotFound(DomainError):
    """No such endpoint in the caller's organisation."""

    code = "webhook.not_found"
    status = 404


class MessageNotFound(DomainError):
    """No such message for this endpoint."""

    code = "webhook.message_not_found"
    status = 404


class EndpointNotValidated(DomainError):
    """The receiver has not passed the validation handshake, so nothing may be sent to it."""

    code = "webhook.not_validated"
    status = 409


ERRORS = (
    UrlInvalid, InsecureUrl, UrlNotAllowed, UrlUnresolvable, UnknownEventType,
    WorkspaceNotVisible, EndpointNotFound, MessageNotFound, EndpointNotValidated,
)
