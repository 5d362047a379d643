"""The single answer to "may this actor do this to this record?".

Every command class has exactly one :class:`Rule` (a test fails when one is missing). Rules
are declared per record in ``hub/access/rules/`` and combined here; :func:`authorise` applies
them with the facts the service resolved (:class:`AreaFacts`), so the policy itself is pure.

Refusals are :class:`~hub.domain.errors.DomainError` values: another area's record is a 404
(existence must not leak), a right the law gives to someone else is a 403 naming the reason.

A user's right to act is their organisation role (admin, member, viewer) narrowed by their
role in each workspace the record is in (:class:`~schemas.events.directory.WorkspaceRole`):
an observer in any of them may change nothing there, whatever their organisation role. The
narrowest role wins because every record is also in its area-wide workspace, so "observer in
the area's workspace" must mean read-only across the area. A workspace role never grants a
power: the law decides who may require reports, consent or convene, and a lead's only extra
right is setting roles within the workspace (:attr:`Who.WORKSPACE_LEAD`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from hub.domain.errors import N_, DomainError
from hub.domain.powers import ALL as ALL_POWERS
from hub.domain.powers import POWER_NAMES, Power
from schemas.commands import Command
from schemas.events.directory import WorkspaceRole


class Who(StrEnum):
    """Whom the law lets issue a command."""

    OPERATOR = "operator"
    """Only the hub itself or its operators (directory maintenance, scheduled transitions)."""

    POLICING_BODY = "policing_body"
    """Only the office of the body holding the PCC functions of the record's area today."""

    KEEPER = "keeper"
    """The office of the area's policing body today, or, for a record another organisation
    keeps (a voluntary meeting a workspace member convened), that organisation alone."""

    ORGANISATION_ITSELF = "organisation_itself"
    """An organisation acting for itself (``by_organisation`` is the actor's own); the record's
    decider checks that it is addressed, a party, an invitee or the owner."""

    ORGANISATION_ADMIN = "organisation_admin"
    """An admin of the organisation concerned (accounts, tokens, webhooks)."""

    WORKSPACE_LEAD = "workspace_lead"
    """A lead of the workspace (``workspace_id``) concerned, who may set anyone's role there;
    also an admin of the area's policing body office, which keeps the area's workspaces; and
    an admin of the user's own organisation (``organisation_id``), short of appointing a lead,
    since a lead sets the roles of other organisations' people."""


@dataclass(frozen=True)
class Rule:
    """Who may issue a command, whether the power exists in England only, and which statutory
    power of the policing body it exercises (refused where the body does not hold it)."""

    who: Who
    england_only: bool = False
    power: Power | None = None


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
    workspace_roles: frozenset[tuple[str, str]] = frozenset()
    """(workspace id, role) pairs where the user's role is not the default ``member``."""

    def role_in(self, workspace_id: str) -> WorkspaceRole:
        """The actor's role within one workspace (``member`` unless set otherwise)."""
        for workspace, role in self.workspace_roles:
            if workspace == workspace_id:
                return WorkspaceRole(role)
        return WorkspaceRole.MEMBER


SYSTEM = Actor(user_id="system", system=True)


@dataclass(frozen=True)
class AreaFacts:
    """What the policy needs to know of the area a record belongs to."""

    area_id: str
    country: str
    policing_body_id: str | None
    powers: frozenset[Power] = ALL_POWERS
    """The statutory powers the body holding the functions has today (:mod:`hub.domain.powers`)."""


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


class NoStatutoryPower(NotPermitted):
    """The body holding the area's functions does not hold the power this command exercises
    (the City of London outside s.10 and s.7; a Police and Crime Board pending legislation)."""

    code = "access.no_statutory_power"


class NotOwnOrganisation(NotPermitted):
    """An organisation may act only for itself."""

    code = "access.not_own_organisation"


class ViewerCannotAct(NotPermitted):
    """A viewer sees records but cannot change them."""

    code = "access.viewer_cannot_act"


class ObserverCannotAct(NotPermitted):
    """An observer in a workspace sees its records but cannot change them."""

    code = "access.observer_cannot_act"


class NotWorkspaceLead(NotPermitted):
    """Only a lead of the workspace (or an admin, within limits) may set roles in it."""

    code = "access.not_workspace_lead"


class EnglandOnly(DomainError):
    """The power exists in England only; the record's area is in Wales."""

    code = "access.england_only"
    status = 422


def rules() -> dict[type[Command], Rule]:
    """Every command's rule, from the per-record tables in ``hub/access/rules/``."""
    from hub.access.rules import ALL_RULES

    return ALL_RULES


def observed_workspace(actor: Actor, workspaces: Collection[str]) -> str | None:
    """The first of ``workspaces`` in which the actor is only an observer, if any."""
    return next(
        (w for w in sorted(workspaces) if actor.role_in(w) is WorkspaceRole.OBSERVER), None
    )


def authorise(
    actor: Actor, command: Command, area: AreaFacts | None, workspaces: Collection[str] = (),
    keeper: str | None = None,
) -> None:
    """Raise unless ``actor`` may issue ``command`` on a record of ``area`` that is in (or
    will be in) ``workspaces``; ``keeper`` is the organisation keeping the record when it is
    not the area's policing body (:attr:`Who.KEEPER`)."""
    rule = rules().get(type(command))
    if rule is None:
        raise NotPermitted(N_("no access rule covers %(command)s"), command=type(command).__name__)
    if actor.system:
        _check_country(rule, area)
        return
    if area is not None and area.area_id not in actor.area_ids:
        raise NotVisible(N_("no such record"))
    if actor.role == "viewer":
        raise ViewerCannotAct(N_("viewers cannot change records"))
    observed = observed_workspace(actor, workspaces)
    if observed is not None:
        raise ObserverCannotAct(
            N_("you are an observer in workspace %(observed)s: you can see its records but not "
               "change them"),
            observed=observed
        )
    match rule.who:
        case Who.OPERATOR:
            raise NotPermitted(N_("only the hub's operators may do this"))
        case Who.POLICING_BODY:
            if area is None or actor.organisation_id != area.policing_body_id:
                raise NotPolicingBody(
                    N_("only the office of the area's policing body may do this")
                )
            _check_power(rule, area)
        case Who.KEEPER:
            if keeper is not None:
                if actor.organisation_id != keeper:
                    raise NotPermitted(N_("only the organisation that convened it may do this"))
            elif area is None or actor.organisation_id != area.policing_body_id:
                raise NotPolicingBody(
                    N_("only the office of the area's policing body may do this")
                )
        case Who.ORGANISATION_ITSELF:
            if getattr(command, "by_organisation", None) != actor.organisation_id:
                raise NotOwnOrganisation(N_("an organisation may act only for itself"))
        case Who.ORGANISATION_ADMIN:
            if actor.role != "admin":
                raise NotPermitted(N_("only an admin of the organisation may do this"))
        case Who.WORKSPACE_LEAD:
            _check_workspace_lead(actor, command, area)
    _check_country(rule, area)


def _check_workspace_lead(actor: Actor, command: Command, area: AreaFacts | None) -> None:
    workspace_id = getattr(command, "workspace_id", None)
    if workspace_id and actor.role_in(workspace_id) is WorkspaceRole.LEAD:
        return
    if actor.role == "admin":
        if area is not None and actor.organisation_id == area.policing_body_id:
            return
        if getattr(command, "organisation_id", None) == actor.organisation_id:
            if getattr(command, "role", None) != WorkspaceRole.LEAD:
                return
            raise NotWorkspaceLead(
                N_("only a lead of the workspace or an admin of the area's policing body office "
                "may appoint a lead")
            )
    raise NotWorkspaceLead(
        N_("only a lead of the workspace, or an admin of the person's own organisation, may set "
        "their role in it")
    )


def _check_power(rule: Rule, area: AreaFacts) -> None:
    if rule.power is not None and rule.power not in area.powers:
        raise NoStatutoryPower(
            N_("the body holding this area's functions does not hold %(POWER_NAMES)s"),
            POWER_NAMES=POWER_NAMES[rule.power]
        )


def _check_country(rule: Rule, area: AreaFacts | None) -> None:
    if rule.england_only and area is not None and area.country != "england":
        raise EnglandOnly(
            N_("this power exists in England only; the record's area is in Wales")
        )
