"""Who the caller is, and what they may see: actors from users and API clients, visibility."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, select

from hub.access.accounts import Permission
from hub.access.policy import Actor
from hub.domain.errors import N_, NotFound
from hub.projections.directory import members, organisations, roles


def _areas_of(conn: Connection, organisation_id: str) -> frozenset[str]:
    area_ids = conn.execute(
        select(organisations.c.area_ids).where(organisations.c.organisation_id == organisation_id)
    ).scalar()
    return frozenset(area_ids or ())


def _workspace_roles_of(conn: Connection, user_id: str) -> frozenset[tuple[str, str]]:
    rows = conn.execute(
        select(roles.c.workspace_id, roles.c.role).where(roles.c.user_id == user_id)
    )
    return frozenset((row.workspace_id, row.role) for row in rows)


def actor_for_user(engine: Engine, user: Any) -> Actor:
    """The actor a signed-in user acts as, with their roles within workspaces."""
    with engine.connect() as conn:
        return Actor(
            user_id=user.user_id,
            organisation_id=user.organisation_id,
            role=user.role,
            area_ids=_areas_of(conn, user.organisation_id),
            workspace_roles=_workspace_roles_of(conn, user.user_id),
        )


def actor_for_client(engine: Engine, client: Any) -> Actor:
    """The actor a partner system's token acts as: its organisation, within its permissions.

    Roles within workspaces belong to people, so a token holds none (it is a ``member``).
    """
    permissions = frozenset(client.permissions)
    with engine.connect() as conn:
        area_ids = _areas_of(conn, client.organisation_id)
    return Actor(
        user_id=f"client:{client.client_id}",
        organisation_id=client.organisation_id,
        # A token without the "act" permission can read but never change a record.
        role="member" if Permission.ACT.value in permissions else "viewer",
        area_ids=area_ids,
        permissions=permissions,
    )


def member_workspaces(conn: Connection, organisation_id: str) -> frozenset[str]:
    """The workspaces an organisation is a member of: all that its people and systems see."""
    return frozenset(conn.execute(
        select(members.c.workspace_id).where(members.c.organisation_id == organisation_id)
    ).scalars())


def visible_workspaces(engine: Engine, actor: Actor) -> frozenset[str]:
    """The workspaces an actor sees: those its organisation is a member of."""
    if actor.organisation_id is None:
        return frozenset()
    with engine.connect() as conn:
        return member_workspaces(conn, actor.organisation_id)


def require_visible_workspace(engine: Engine, actor: Actor, workspace_id: str) -> None:
    """Raise a 404 unless ``actor`` sees ``workspace_id`` (the system sees every workspace);
    the same answer as for a workspace that does not exist, so existence never leaks."""
    if not actor.system and workspace_id not in visible_workspaces(engine, actor):
        raise NotFound(N_("no such workspace"))
