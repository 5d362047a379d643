"""The single answer to "may this actor do this to this record?".

Every command class has exactly one :class:`Rule` (a test fails when one is missing). Rules
are declared per record in ``hub/access/rules/`` and combined here; :func:`authorise` applies
them with the facts the service resolved (:class:`AreaFacts`), so the policy itself is pure.

Refusals are :class:`~hub.domain.errors.DomainError` values: another area's record is a 404
(existence must not leak), a right the law gives to someone else is a 403 naming the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hub.domain.errors import DomainError
from schemas.commands import Command


class Who(StrEnum):
    """Whom the law lets issue a command."""

    OPERATOR = "operator"
    """Only the hub itself or its operators (directory maintenance, scheduled transitions)."""

    POLICING_BODY = "policing_body"
    """Only the office of the body holding the PCC functions of the record's area today."""

    ORGANISATION_ITSELF = "organisation_itself"
    """An organisation acting for itself (``by_organisation`` is the actor's own); the record's
    decider checks that it is addressed, a party, an invitee or the owner."""

    ORGANISATION_ADMIN = "organisation_admin"
    """An admin of the organisation concerned (accounts, tokens, webhooks)."""


@dataclass(frozen=True)
class Rule:
    """Who may issue a command, and whether the power exists in England only."""

    who: Who
    england_only: bool = False


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user (or API token) of an organisation, or the hub itself."""

    user_id: str | None = None
    organisation_id: str | None = None
    role: str = "member"
    system: bool = False
    area_ids: frozenset[str] = frozenset()
    permissions: frozenset[str] = frozenset()
    """An API client's permissions (users' rights come from their role instead)."""


SYSTEM = Actor(user_id="system", system=True)


@dataclass(frozen=True)
class AreaFacts:
    """What the policy needs to know of the area a record belongs to."""

    area_id: str
    country: str
    policing_body_id: str | None


class NotVisible(DomainError):
    """The record belongs to an area the actor cannot see: answered as not found."""

    code = "record.not_found"
    status = 404


class NotPermitted(DomainError):
    """The law gives this power to someone else."""

    code = "access.not_permitted"
    status = 403


class NotPolicingBody(NotPermitted):
    """Only the office of the area's policing body may do this."""

    code = "access.not_policing_body"


class NotOwnOrganisation(NotPermitted):
    """An organisation may act only for itself."""

    code = "access.not_own_organisation"


class ViewerCannotAct(NotPermitted):
    """A viewer sees records but cannot change them."""

    code = "access.viewer_cannot_act"


class EnglandOnly(DomainError):
    """The power exists in England only; the record's area is in Wales."""

    code = "access.england_only"
    status = 422


def rules() -> dict[type[Command], Rule]:
    """Every command's rule, from the per-record tables in ``hub/access/rules/``."""
    from hub.access.rules import ALL_RULES

    return ALL_RULES


def authorise(actor: Actor, command: Command, area: AreaFacts | None) -> None:
    """Raise unless ``actor`` may issue ``command`` on a record of ``area``."""
    rule = rules().get(type(command))
    if rule is None:
        raise NotPermitted(f"no access rule covers {type(command).__name__}")
    if actor.system:
        _check_country(rule, area)
        return
    if area is not None and area.area_id not in actor.area_ids:
        raise NotVisible("no such record")
    if actor.role == "viewer":
        raise ViewerCannotAct("viewers cannot change records")
    match rule.who:
        case Who.OPERATOR:
            raise NotPermitted("only the hub's operators may do this")
        case Who.POLICING_BODY:
            if area is None or actor.organisation_id != area.policing_body_id:
                raise NotPolicingBody(
                    "only the office of the area's policing body may do this"
                )
        case Who.ORGANISATION_ITSELF:
            if getattr(command, "by_organisation", None) != actor.organisation_id:
                raise NotOwnOrganisation("an organisation may act only for itself")
        case Who.ORGANISATION_ADMIN:
            if actor.role != "admin":
                raise NotPermitted("only an admin of the organisation may do this")
    _check_country(rule, area)


def _check_country(rule: Rule, area: AreaFacts | None) -> None:
    if rule.england_only and area is not None and area.country != "england":
        raise EnglandOnly(
            "this power exists in England only; the record's area is in Wales"
        )
