"""Queries of the directory, limited to the caller's areas and workspaces."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, select

from hub.access.actors import require_visible_workspace, visible_workspaces
from hub.access.policy import Actor
from hub.projections.directory import areas, csps, members, organisations, workspaces


def _row(row: Any) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row._mapping.items()}


def workspaces_of(engine: Engine, actor: Actor) -> list[dict[str, Any]]:
    """The workspaces the actor's organisation is a member of, by name."""
    visible = visible_workspaces(engine, actor)
    if not visible:
        return []
    with engine.connect() as conn:
        rows = conn.execute(
            select(workspaces).where(workspaces.c.workspace_id.in_(visible)).order_by(
                workspaces.c.name
            )
        )
        return [_row(r) for r in rows]


def workspace(engine: Engine, actor: Actor, workspace_id: str) -> dict[str, Any]:
    """One visible workspace with its members; 404 when not visible (existence never leaks)."""
    require_visible_workspace(engine, actor, workspace_id)
    with engine.connect() as conn:
        row = conn.execute(
            select(workspaces).where(workspaces.c.workspace_id == workspace_id)
        ).one()
        member_rows = conn.execute(
            select(organisations.c.organisation_id, organisations.c.name, organisations.c.kind)
            .join(members, members.c.organisation_id == organisations.c.organisation_id)
            .where(members.c.workspace_id == workspace_id)
            .order_by(organisations.c.name)
        )
        return {**_row(row), "members": [_row(m) for m in member_rows]}


def organisations_of(engine: Engine, actor: Actor) -> list[dict[str, Any]]:
    """Organisations of the actor's police areas."""
    with engine.connect() as conn:
        rows = conn.execute(select(organisations).order_by(organisations.c.name))
        return [_row(r) for r in rows if actor.area_ids & set(r.area_ids)]


def current_organisations_of(engine: Engine, actor: Actor) -> list[dict[str, Any]]:
    """Organisations of the actor's police areas that have not ended: those a form may offer
    (an ended one stays in the history, but can no longer be named in a new record)."""
    return [o for o in organisations_of(engine, actor) if o["valid_to"] is None]


def csp_areas(row: Any) -> tuple[str, ...]:
    """Every police area a CSP row belongs to: a combined CSP spanning areas belongs to each."""
    return (row.area_id, *(row.other_area_ids or ()))


def csps_of(engine: Engine, actor: Actor) -> list[dict[str, Any]]:
    """CSPs of the actor's police areas (a CSP spanning areas is in each)."""
    if not actor.area_ids:
        return []
    with engine.connect() as conn:
        rows = conn.execute(select(csps).order_by(csps.c.name))
        return [_row(r) for r in rows if actor.area_ids & set(csp_areas(r))]


def csp_ids_of_area(conn: Connection, area_id: str) -> list[str]:
    """The ids of every CSP belonging to ``area_id``, those spanning it from another area too."""
    rows = conn.execute(select(csps.c.csp_id, csps.c.area_id, csps.c.other_area_ids))
    return [r.csp_id for r in rows if area_id in csp_areas(r)]


def areas_of(engine: Engine, actor: Actor) -> list[dict[str, Any]]:
    """The actor's police areas with their current policing body."""
    if not actor.area_ids:
        return []
    with engine.connect() as conn:
        rows = conn.execute(
            select(areas).where(areas.c.area_id.in_(actor.area_ids)).order_by(areas.c.name)
        )
        return [_row(r) for r in rows]


def csp_names(engine: Engine, csp_ids: list[str]) -> dict[str, str]:
    """The names of the CSPs ``csp_ids``, by id, for a record the caller may see that names
    them (the names of partnerships are public; the records about them are not)."""
    if not csp_ids:
        return {}
    with engine.connect() as conn:
        rows = conn.execute(select(csps.c.csp_id, csps.c.name).where(csps.c.csp_id.in_(csp_ids)))
        return {r.csp_id: r.name for r in rows}


def area_names(engine: Engine, area_ids: list[str]) -> dict[str, str]:
    """The names of the police areas ``area_ids``, by id (the directory's areas are public)."""
    if not area_ids:
        return {}
    with engine.connect() as conn:
        rows = conn.execute(
            select(areas.c.area_id, areas.c.name).where(areas.c.area_id.in_(area_ids))
        )
        return {r.area_id: r.name for r in rows}


def holds_policing_body(engine: Engine, actor: Actor) -> bool:
    """Whether the actor's organisation is the office of the policing body of one of its
    areas today (the only one who may require reports, propose mergers or convene meetings)."""
    if not actor.organisation_id or not actor.area_ids:
        return False
    with engine.connect() as conn:
        return conn.execute(
            select(areas.c.area_id).where(
                areas.c.policing_body_id == actor.organisation_id,
                areas.c.area_id.in_(sorted(actor.area_ids)),
            )
        ).first() is not None


def workspace_names(engine: Engine, workspace_ids: list[str]) -> dict[str, str]:
    """The names of the workspaces ``workspace_ids``, by id, for records the caller may see
    that were shared there."""
    if not workspace_ids:
        return {}
    with engine.connect() as conn:
        rows = conn.execute(select(workspaces.c.workspace_id, workspaces.c.name).where(
            workspaces.c.workspace_id.in_(workspace_ids)))
        return {r.workspace_id: r.name for r in rows}
