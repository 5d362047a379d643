"""Read models of the partner directory: areas, organisations, CSPs, workspaces, members."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Column, Connection, delete, insert, update
from sqlmodel import Field, SQLModel

from hub.events.envelope import RecordedEvent
from hub.projections.registry import Projections

projections = Projections()


class PoliceAreaRow(SQLModel, table=True):
    """A police area and the body currently holding its PCC functions."""

    __tablename__ = "police_areas"

    area_id: str = Field(primary_key=True, max_length=120)
    name: str = Field(max_length=200)
    country: str = Field(max_length=20)
    policing_body_id: str | None = Field(default=None, max_length=120)
    policing_body_kind: str | None = Field(default=None, max_length=40)
    policing_body_since: date | None = None


class OrganisationRow(SQLModel, table=True):
    """An organisation of the directory."""

    __tablename__ = "organisations"

    organisation_id: str = Field(primary_key=True, max_length=120)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=40, index=True)
    country: str = Field(max_length=20)
    area_ids: list[str] = Field(sa_column=Column(JSON, nullable=False))


class CspRow(SQLModel, table=True):
    """A Community Safety Partnership."""

    __tablename__ = "csps"

    csp_id: str = Field(primary_key=True, max_length=120)
    name: str = Field(max_length=200)
    area_id: str = Field(max_length=120, index=True)
    local_government_areas: list[str] = Field(sa_column=Column(JSON, nullable=False))
    responsible_authorities: list[str] = Field(sa_column=Column(JSON, nullable=False))
    valid_from: date
    valid_to: date | None = None


class WorkspaceRow(SQLModel, table=True):
    """A shared workspace."""

    __tablename__ = "workspaces"

    workspace_id: str = Field(primary_key=True, max_length=120)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=20)
    area_id: str = Field(max_length=120, index=True)
    csp_id: str | None = Field(default=None, max_length=120)


class WorkspaceMemberRow(SQLModel, table=True):
    """An organisation's membership of a workspace."""

    __tablename__ = "workspace_members"

    workspace_id: str = Field(primary_key=True, max_length=120)
    organisation_id: str = Field(primary_key=True, max_length=120, index=True)


areas = PoliceAreaRow.__table__  # type: ignore[attr-defined]
organisations = OrganisationRow.__table__  # type: ignore[attr-defined]
csps = CspRow.__table__  # type: ignore[attr-defined]
workspaces = WorkspaceRow.__table__  # type: ignore[attr-defined]
members = WorkspaceMemberRow.__table__  # type: ignore[attr-defined]
projections.owns(areas, organisations, csps, workspaces, members)


@projections.on("police_area.registered")
def _area_registered(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    conn.execute(insert(areas).values(area_id=d["area_id"], name=d["name"], country=d["country"]))


@projections.on("police_area.policing_body_assigned")
def _policing_body_assigned(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    conn.execute(
        update(areas)
        .where(areas.c.area_id == d["area_id"])
        .values(
            policing_body_id=d["organisation_id"],
            policing_body_kind=d["kind"],
            policing_body_since=date.fromisoformat(d["starts_on"]),
        )
    )


@projections.on("organisation.registered")
def _organisation_registered(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    conn.execute(
        insert(organisations).values(
            organisation_id=d["organisation_id"],
            name=d["name"],
            kind=d["kind"],
            country=d["country"],
            area_ids=d["area_ids"],
        )
    )


@projections.on("csp.registered")
def _csp_registered(conn: Connection, event: RecordedEvent) -> None:
    d: dict[str, Any] = event.data
    conn.execute(
        insert(csps).values(
            csp_id=d["csp_id"],
            name=d["name"],
            area_id=d["area_id"],
            local_government_areas=d["local_government_areas"],
            responsible_authorities=d["responsible_authorities"],
            valid_from=date.fromisoformat(d["valid_from"]),
            valid_to=date.fromisoformat(d["valid_to"]) if d.get("valid_to") else None,
        )
    )


@projections.on("workspace.created")
def _workspace_created(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    conn.execute(
        insert(workspaces).values(
            workspace_id=d["workspace_id"],
            name=d["name"],
            kind=d["kind"],
            area_id=d["area_id"],
            csp_id=d.get("csp_id"),
        )
    )
    if d["members"]:
        conn.execute(
            insert(members),
            [{"workspace_id": d["workspace_id"], "organisation_id": m} for m in d["members"]],
        )


@projections.on("workspace.member_added")
def _member_added(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    conn.execute(
        insert(members).values(workspace_id=d["workspace_id"], organisation_id=d["organisation_id"])
    )


@projections.on("workspace.member_removed")
def _member_removed(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    conn.execute(
        delete(members).where(
            (members.c.workspace_id == d["workspace_id"])
            & (members.c.organisation_id == d["organisation_id"])
        )
    )
