"""Roles within a workspace: set a person's role, and list who holds which.

The rules of who may set which role are the access policy's (:attr:`Who.WORKSPACE_LEAD`);
the workspace's decider keeps roles to people of its member organisations. This module
resolves what both need: the workspace (404 unless the caller sees it) and the person (404
unless they belong to an organisation of the caller's own areas, so that no other area's
people or workspaces can be probed for).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from hub.access.actors import require_visible_workspace
from hub.access.policy import Actor, authorise
from hub.access.tables import users_table
from hub.bootstrap import Hub
from hub.domain import directory
from hub.domain.errors import N_, DomainError, NotFound
from hub.events import AppendResult
from hub.projections.directory import members, organisations, roles, workspaces
from hub.service import area_facts, handle, load
from schemas.commands.directory import AssignWorkspaceRole
from schemas.events.directory import WorkspaceRole


class NoSuchPerson(NotFound):
    """No such user among the organisations of the caller's areas."""

    code = "user.not_found"


@dataclass(frozen=True)
class Person:
    """Someone of a member organisation, their role in the workspace, and the roles the
    caller may give them there (empty when the caller may not set their role)."""

    user_id: str
    name: str
    organisation_id: str
    organisation_name: str
    role: WorkspaceRole
    settable: tuple[WorkspaceRole, ...]

    def as_json(self) -> dict[str, Any]:
        """The person as the API shows them (never their email)."""
        return {
            "user_id": self.user_id, "name": self.name,
            "organisation_id": self.organisation_id, "role": self.role.value,
            "may_set": [r.value for r in self.settable],
        }


def _person_row(hub: Hub, actor: Actor, user_id: str) -> Any:
    with hub.engine.connect() as conn:
        row = conn.execute(
            select(users_table.c.user_id, users_table.c.organisation_id, organisations.c.area_ids)
            .join(organisations, organisations.c.organisation_id == users_table.c.organisation_id)
            .where(users_table.c.user_id == user_id)
        ).first()
    if row is None or not (actor.system or actor.area_ids & set(row.area_ids)):
        raise NoSuchPerson(N_("no such user"))
    return row


def assign_role(
    hub: Hub,
    actor: Actor,
    workspace_id: str,
    user_id: str,
    role: WorkspaceRole,
    *,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """Set ``user_id``'s role within ``workspace_id`` (no event when it is already that)."""
    require_visible_workspace(hub.engine, actor, workspace_id)
    person = _person_row(hub, actor, user_id)
    command = AssignWorkspaceRole(
        workspace_id=workspace_id, user_id=user_id, organisation_id=person.organisation_id,
        role=role,
    )
    return handle(
        hub, directory.WORKSPACE, workspace_id, command, actor,
        expected_version=expected_version, idempotency_key=idempotency_key,
    )


def people_in(hub: Hub, actor: Actor, workspace_id: str) -> list[Person]:
    """Everyone of the workspace's member organisations with their role there, by
    organisation and name; each with the roles ``actor`` may give them."""
    require_visible_workspace(hub.engine, actor, workspace_id)
    with hub.engine.connect() as conn:
        area_id = conn.execute(
            select(workspaces.c.area_id).where(workspaces.c.workspace_id == workspace_id)
        ).scalar_one()
        held = {
            row.user_id: row.role
            for row in conn.execute(
                select(roles.c.user_id, roles.c.role).where(roles.c.workspace_id == workspace_id)
            )
        }
        rows = conn.execute(
            select(users_table.c.user_id, users_table.c.name, users_table.c.organisation_id,
                   organisations.c.name.label("organisation_name"))
            .join(members, members.c.organisation_id == users_table.c.organisation_id)
            .join(organisations, organisations.c.organisation_id == users_table.c.organisation_id)
            .where((members.c.workspace_id == workspace_id) & users_table.c.disabled.is_(False))
            .order_by(organisations.c.name, users_table.c.name)
        ).all()
    area = area_facts(hub, area_id)
    where = directory.WORKSPACE.visible_in(load(hub, directory.WORKSPACE, workspace_id).state)

    def settable(row: Any) -> tuple[WorkspaceRole, ...]:
        allowed = []
        for role in WorkspaceRole:
            command = AssignWorkspaceRole(
                workspace_id=workspace_id, user_id=row.user_id,
                organisation_id=row.organisation_id, role=role,
            )
            try:
                authorise(actor, command, area, where)
            except DomainError:
                continue
            allowed.append(role)
        return tuple(allowed)

    return [
        Person(row.user_id, row.name, row.organisation_id, row.organisation_name,
               WorkspaceRole(held.get(row.user_id, WorkspaceRole.MEMBER)), settable(row))
        for row in rows
    ]
