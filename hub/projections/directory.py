"""Read models of the partner directory: areas, organisations, CSPs, workspaces, members, and
people's roles within workspaces."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Column, Connection, Table, delete, insert, update
from sqlmodel import Field, SQLModel

from hub.events.envelope import RecordedEvent
from hub.projections.registry import Projections

projections = Projections()


class PoliceAreaRow(SQLModel, table=True):
    """A police area and the body holding its PCC functions today (a recorded transfer
    changes it only when it takes effect)."""

    __tablename__ = "police_areas"

    area_id: str = Field(primary_key=True, max_length=120)
    name: str = Field(max_length=200)
    country: str = Field(max_length=20)
    policing_body_id: str | None = Field(default=None, max_length=120)
    policing_body_kind: str | None = Field(default=None, max_length=40)
    policing_body_since: date | None = None
    """When the holder's term began; empty where no date has a true meaning (the City of
    London)."""
    reg14a_recorded: bool = False
    """Whether the operator recorded that reg 14A's power applies (MOPAC)."""
    commenced_on: date | None = None
    """When a Police and Crime Board's statutory powers commence, once recorded."""


class PolicingBodyTermRow(SQLModel, table=True):
    """One body's term holding an area's PCC functions; ``ends_on`` is empty while current."""

    __tablename__ = "policing_body_terms"

    area_id: str = Field(primary_key=True, max_length=120)
    starts_on: date = Field(primary_key=True)
    organisation_id: str = Field(max_length=120, index=True)
    kind: str = Field(max_length=40)
    ends_on: date | None = None


class OrganisationRow(SQLModel, table=True):
    """An organisation of the directory."""

    __tablename__ = "organisations"

    organisation_id: str = Field(primary_key=True, max_length=120)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=40, index=True)
    country: str = Field(max_length=20)
    area_ids: list[str] = Field(sa_column=Column(JSON, nullable=False))
    valid_to: date | None = None
    """Its last day, once a directory change ended it; it stays in the history."""
    succeeded_by: list[str] | None = Field(default=None, sa_column=Column(JSON))


class DirectoryChangeRow(SQLModel, table=True):
    """A recorded directory change: organisations ending on a date, each with successors."""

    __tablename__ = "directory_changes"

    change_id: str = Field(primary_key=True, max_length=120)
    area_id: str = Field(max_length=120, index=True)
    on_date: date
    ends: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    took_effect: bool = False


class CspRow(SQLModel, table=True):
    """A Community Safety Partnership."""

    __tablename__ = "csps"

    csp_id: str = Field(primary_key=True, max_length=120)
    name: str = Field(max_length=200)
    area_id: str = Field(max_length=120, index=True)
    other_area_ids: list[str] = Field(sa_column=Column(JSON, nullable=False))
    """Further police areas a combined CSP belongs to (CDA s.7(5))."""
    local_government_areas: list[str] = Field(sa_column=Column(JSON, nullable=False))
    responsible_authorities: list[str] = Field(sa_column=Column(JSON, nullable=False))
    valid_from: date
    valid_to: date | None = None
    succeeded_by: str | None = Field(default=None, max_length=120)
    merged_from: list[str] = Field(sa_column=Column(JSON, nullable=False))


class WorkspaceRow(SQLModel, table=True):
    """A shared workspace."""

    __tablename__ = "workspaces"

    workspace_id: str = Field(primary_key=True, max_length=120)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=20)
    area_id: str = Field(max_length=120, index=True)
    csp_id: str | None = Field(default=None, max_length=120)
    closed: bool = False
    merged_into: str | None = Field(default=None, max_length=120)
    linked_from: list[str] = Field(sa_column=Column(JSON, nullable=False))


class WorkspaceMemberRow(SQLModel, table=True):
    """An organisation's membership of a workspace."""

    __tablename__ = "workspace_members"

    workspace_id: str = Field(primary_key=True, max_length=120)
    organisation_id: str = Field(primary_key=True, max_length=120, index=True)


class WorkspaceRoleRow(SQLModel, table=True):
    """A user's role within one workspace, where it is not the default ``member``."""

    __tablename__ = "workspace_roles"

    workspace_id: str = Field(primary_key=True, max_length=120)
    user_id: str = Field(primary_key=True, max_length=36, index=True)
    organisation_id: str = Field(max_length=120)
    role: str = Field(max_length=20)


areas = PoliceAreaRow.__table__  # type: ignore[attr-defined]
terms = PolicingBodyTermRow.__table__  # type: ignore[attr-defined]
organisations = OrganisationRow.__table__  # type: ignore[attr-defined]
csps = CspRow.__table__  # type: ignore[attr-defined]
workspaces = WorkspaceRow.__table__  # type: ignore[attr-defined]
members = WorkspaceMemberRow.__table__  # type: ignore[attr-defined]
roles = WorkspaceRoleRow.__table__  # type: ignore[attr-defined]
changes = DirectoryChangeRow.__table__  # type: ignore[attr-defined]
projections.owns(areas, terms, organisations, csps, workspaces, members, roles, changes)


@projections.on("police_area.registered")
def _area_registered(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    conn.execute(insert(areas).values(
        area_id=d["area_id"], name=d["name"], country=d["country"], reg14a_recorded=False
    ))


def _term(conn: Connection, area_id: str, organisation_id: str, kind: str, since: date) -> None:
    conn.execute(
        insert(terms).values(
            area_id=area_id, starts_on=since, organisation_id=organisation_id, kind=kind
        )
    )


def _set(conn: Connection, table: Table, key: str, value: str, **values: Any) -> None:
    """Set ``values`` on the row of ``table`` whose ``key`` column is ``value``."""
    conn.execute(update(table).where(table.c[key] == value).values(**values))


def _hold(
    conn: Connection, area_id: str, organisation_id: str, kind: str, since: date | None
) -> None:
    _set(conn, areas, "area_id", area_id, policing_body_id=organisation_id,
         policing_body_kind=kind, policing_body_since=since)


@projections.on("police_area.policing_body_assigned")
def _policing_body_assigned(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    since = date.fromisoformat(d["starts_on"]) if d["starts_on"] else None
    # A term with no start date (the City of London) has no row in the dated history: the
    # area's row names its holder, with no "since".
    if since is not None:
        _term(conn, d["area_id"], d["organisation_id"], d["kind"], since)
    _hold(conn, d["area_id"], d["organisation_id"], d["kind"], since)


@projections.on("police_area.governance_transferred")
def _governance_transferred(conn: Connection, event: RecordedEvent) -> None:
    # The coming term is recorded (the area's page shows it); the sitting body keeps the
    # functions until ``governance_took_effect`` on the date.
    d = event.data
    on = date.fromisoformat(d["on_date"])
    conn.execute(
        update(terms)
        .where((terms.c.area_id == d["area_id"]) & terms.c.ends_on.is_(None))
        .values(ends_on=on)
    )
    _term(conn, d["area_id"], d["to_organisation_id"], d["kind"], on)


@projections.on("police_area.governance_took_effect")
def _governance_took_effect(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    _hold(conn, d["area_id"], d["to_organisation_id"], d["kind"], date.fromisoformat(d["on_date"]))


@projections.on("police_area.reg14a_power_recorded")
def _reg14a_power_recorded(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    _set(conn, areas, "area_id", d["area_id"], reg14a_recorded=d["applies"])


@projections.on("police_area.commencement_recorded")
def _commencement_recorded(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    _set(conn, areas, "area_id", d["area_id"], commenced_on=date.fromisoformat(d["on_date"]))


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
            other_area_ids=d.get("other_area_ids", []),
            local_government_areas=d["local_government_areas"],
            responsible_authorities=d["responsible_authorities"],
            valid_from=date.fromisoformat(d["valid_from"]),
            valid_to=date.fromisoformat(d["valid_to"]) if d.get("valid_to") else None,
            merged_from=d.get("merged_from", []),
        )
    )


@projections.on("csp.authorities_changed")
def _csp_authorities_changed(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    _set(conn, csps, "csp_id", d["csp_id"], responsible_authorities=d["responsible_authorities"])


@projections.on("csp.ended")
def _csp_ended(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    _set(conn, csps, "csp_id", d["csp_id"], valid_to=date.fromisoformat(d["valid_to"]),
         succeeded_by=d.get("succeeded_by"))


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
            linked_from=d.get("linked_from", []),
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
    # An organisation's people hold roles in a workspace only while it is a member.
    conn.execute(
        delete(roles).where(
            (roles.c.workspace_id == d["workspace_id"])
            & (roles.c.organisation_id == d["organisation_id"])
        )
    )


@projections.on("workspace.role_assigned")
def _role_assigned(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    conn.execute(
        delete(roles).where(
            (roles.c.workspace_id == d["workspace_id"]) & (roles.c.user_id == d["user_id"])
        )
    )
    if d["role"] != "member":
        conn.execute(
            insert(roles).values(
                workspace_id=d["workspace_id"], user_id=d["user_id"],
                organisation_id=d["organisation_id"], role=d["role"],
            )
        )


@projections.on("workspace.closed")
def _workspace_closed(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    _set(conn, workspaces, "workspace_id", d["workspace_id"], closed=True,
         merged_into=d.get("merged_into"))


@projections.on("organisation.ended")
def _organisation_ended(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    _set(conn, organisations, "organisation_id", d["organisation_id"],
         valid_to=date.fromisoformat(d["valid_to"]), succeeded_by=d["succeeded_by"])


@projections.on("directory_change.recorded")
def _change_recorded(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    conn.execute(insert(changes).values(
        change_id=d["change_id"], area_id=d["area_id"],
        on_date=date.fromisoformat(d["on_date"]), ends=d["ends"], took_effect=False,
    ))


@projections.on("directory_change.took_effect")
def _change_took_effect(conn: Connection, event: RecordedEvent) -> None:
    _set(conn, changes, "change_id", event.data["change_id"], took_effect=True)
