"""Read models of report requests under CDA s.7.

``report_requests`` holds one row per request for lists and filters; ``requester_id`` is the
area's policing body office today while the request is open (moved on
``police_area.governance_took_effect``) and the office that closed or withdrew it once it is
finished. ``report_request_authorities`` says whom each request is addressed to, and
``report_attachments`` which requests each stored file was submitted to (so the web layer can
check who may download it).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Connection, DateTime, delete, insert, select, update
from sqlmodel import Field, SQLModel

from hub.events.envelope import RecordedEvent
from hub.projections.registry import Projections

projections = Projections()

FINISHED = ("closed", "withdrawn")


class ReportRequestRow(SQLModel, table=True):
    """A report request, as lists and filters show it."""

    __tablename__ = "report_requests"

    request_id: str = Field(primary_key=True, max_length=120)
    area_id: str = Field(max_length=120, index=True)
    csp_id: str = Field(max_length=120, index=True)
    kind: str = Field(max_length=20)
    title: str = Field(max_length=200)
    status: str = Field(max_length=30, index=True)
    overdue: bool = False
    requester_id: str = Field(max_length=120, index=True)
    requested_by: str = Field(max_length=120)
    requested_on: date
    due_on: date = Field(index=True)
    extension_asked_to: date | None = None
    addressed: list[str] = Field(sa_column=Column(JSON, nullable=False))
    devolved_functions_excluded: bool = False
    s6_functions_confirmed: bool = False
    publication_required: bool = False
    """s.7(3): the authorities must arrange for the report to be published."""
    submitted_by: str | None = Field(default=None, max_length=120)
    submitted_late: bool = False
    published_on: date | None = None
    publication_location: str | None = Field(default=None, max_length=2000)
    reminders_sent: int = 0
    version: int
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class ReportAuthorityRow(SQLModel, table=True):
    """An authority a request is addressed to, and whether it has acknowledged it."""

    __tablename__ = "report_request_authorities"

    request_id: str = Field(primary_key=True, max_length=120)
    organisation_id: str = Field(primary_key=True, max_length=120, index=True)
    acknowledged: bool = False


class ReportAttachmentRow(SQLModel, table=True):
    """A stored file submitted with a report."""

    __tablename__ = "report_attachments"

    attachment_id: str = Field(primary_key=True, max_length=32)
    request_id: str = Field(primary_key=True, max_length=120, index=True)
    name: str = Field(max_length=255)
    size: int
    media_type: str = Field(max_length=127)
    sha256: str = Field(max_length=64)
    by_organisation: str = Field(max_length=120)


report_requests = ReportRequestRow.__table__  # type: ignore[attr-defined]
report_authorities = ReportAuthorityRow.__table__  # type: ignore[attr-defined]
report_attachments = ReportAttachmentRow.__table__  # type: ignore[attr-defined]
projections.owns(report_requests, report_authorities, report_attachments)


def _set(conn: Connection, event: RecordedEvent, **values: Any) -> None:
    conn.execute(
        update(report_requests)
        .where(report_requests.c.request_id == event.data["request_id"])
        .values(version=event.version, updated_at=event.recorded_at, **values)
    )


@projections.on("report_request.required")
def _required(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    conn.execute(
        insert(report_requests).values(
            request_id=d["request_id"],
            area_id=d["area_id"],
            csp_id=d["csp_id"],
            kind=d["kind"],
            title=d["title"],
            status="required",
            requester_id=d["by_organisation"],
            requested_by=d["by_organisation"],
            requested_on=date.fromisoformat(d["requested_on"]),
            due_on=date.fromisoformat(d["due_on"]),
            addressed=d["addressed"],
            devolved_functions_excluded=d["devolved_functions_excluded"],
            s6_functions_confirmed=d["s6_functions_confirmed"],
            publication_required=d["publication_required"],
            version=event.version,
            updated_at=event.recorded_at,
        )
    )
    conn.execute(
        insert(report_authorities),
        [{"request_id": d["request_id"], "organisation_id": org} for org in d["addressed"]],
    )


def _settled_status(conn: Connection, request_id: str) -> str:
    acknowledged = conn.execute(
        select(report_authorities.c.organisation_id).where(
            (report_authorities.c.request_id == request_id) & report_authorities.c.acknowledged
        )
    ).first()
    return "acknowledged" if acknowledged else "required"


@projections.on("report_request.acknowledged")
def _acknowledged(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    conn.execute(
        update(report_authorities)
        .where(
            (report_authorities.c.request_id == d["request_id"])
            & (report_authorities.c.organisation_id == d["by_organisation"])
        )
        .values(acknowledged=True)
    )
    status = conn.execute(
        select(report_requests.c.status).where(report_requests.c.request_id == d["request_id"])
    ).scalar_one()
    _set(conn, event, status="acknowledged" if status == "required" else status)


@projections.on("report_request.extension_requested")
def _extension_requested(conn: Connection, event: RecordedEvent) -> None:
    asked = date.fromisoformat(event.data["requested_due_on"])
    _set(conn, event, status="extension_requested", extension_asked_to=asked)


@projections.on("report_request.extension_granted")
def _extension_granted(conn: Connection, event: RecordedEvent) -> None:
    status = _settled_status(conn, event.data["request_id"])
    due = date.fromisoformat(event.data["due_on"])
    _set(conn, event, status=status, due_on=due, overdue=False, extension_asked_to=None)


@projections.on("report_request.extension_refused")
def _extension_refused(conn: Connection, event: RecordedEvent) -> None:
    status = _settled_status(conn, event.data["request_id"])
    _set(conn, event, status=status, extension_asked_to=None)


def _record_attachments(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    known = set(
        conn.execute(
            select(report_attachments.c.attachment_id).where(
                report_attachments.c.request_id == d["request_id"]
            )
        ).scalars()
    )
    rows = [
        {**a, "request_id": d["request_id"], "by_organisation": d["by_organisation"]}
        for a in d["attachments"]
        if a["attachment_id"] not in known
    ]
    if rows:
        conn.execute(insert(report_attachments), rows)


@projections.on("report_request.submitted")
def _submitted(conn: Connection, event: RecordedEvent) -> None:
    _record_attachments(conn, event)
    _set(
        conn, event, status="submitted", overdue=False, extension_asked_to=None,
        submitted_by=event.data["by_organisation"], submitted_late=event.data["late"],
    )


@projections.on("report_request.resubmitted")
def _resubmitted(conn: Connection, event: RecordedEvent) -> None:
    _record_attachments(conn, event)
    _set(conn, event, status="submitted", submitted_by=event.data["by_organisation"])


@projections.on("report_request.returned")
def _returned(conn: Connection, event: RecordedEvent) -> None:
    _set(conn, event, status="returned")


@projections.on("report_request.accepted")
def _accepted(conn: Connection, event: RecordedEvent) -> None:
    _set(conn, event, status="accepted")


@projections.on("report_request.published")
def _published(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    _set(
        # Publication is no step of the lifecycle: the status stays as it is (DOMAIN.md §2).
        conn, event, published_on=date.fromisoformat(d["published_on"]),
        publication_location=d["location"],
    )


@projections.on("report_request.closed", "report_request.withdrawn")
def _finished(conn: Connection, event: RecordedEvent) -> None:
    # A finished request keeps the office that finished it, whatever happens to governance.
    status = event.type.split(".", 1)[1]
    _set(conn, event, status=status, requester_id=event.data["by_organisation"])


@projections.on("report_request.marked_overdue")
def _overdue(conn: Connection, event: RecordedEvent) -> None:
    _set(conn, event, overdue=True)


@projections.on("report_request.reminder_sent")
def _reminded(conn: Connection, event: RecordedEvent) -> None:
    _set(conn, event, reminders_sent=report_requests.c.reminders_sent + 1)


@projections.on("police_area.governance_took_effect")
def _governance_took_effect(conn: Connection, event: RecordedEvent) -> None:
    # Open requests pass to the successor body; finished ones keep the office that acted.
    d = event.data
    conn.execute(
        update(report_requests)
        .where(
            (report_requests.c.area_id == d["area_id"])
            & report_requests.c.status.not_in(FINISHED)
        )
        .values(requester_id=d["to_organisation_id"])
    )


@projections.on("merger.took_effect")
def _combined(conn: Connection, event: RecordedEvent) -> None:
    # The ended CSPs' open s.7 requests pass to the combined CSP (DOMAIN.md §3); finished
    # ones keep the CSP they were made to.
    d = event.data
    conn.execute(
        update(report_requests)
        .where(
            report_requests.c.csp_id.in_(d["ended_csps"])
            & report_requests.c.status.not_in(FINISHED)
        )
        .values(csp_id=d["combined_csp_id"])
    )


@projections.on("merger.termination_took_effect")
def _separated(conn: Connection, event: RecordedEvent) -> None:
    # The combined CSP's open s.7 requests pass to a re-registered CSP (DOMAIN.md §3), still
    # addressed to the same authorities: the one of the request's police area sharing most
    # of the authorities it was addressed to (a request first made to one district's CSP
    # goes back to that district's), the first of them on a tie. A product choice; the
    # README says so. Finished requests keep the combined CSP.
    d = event.data
    successors = d["successors"]
    for request_id, area_id, addressed in conn.execute(
        select(report_requests.c.request_id, report_requests.c.area_id,
               report_requests.c.addressed)
        .where((report_requests.c.csp_id == d["combined_csp_id"])
               & report_requests.c.status.not_in(FINISHED))
    ).all():
        in_area = [c for c in successors if c["area_id"] == area_id] or successors
        best = max(in_area, key=lambda c: len(set(c["responsible_authorities"]) & set(addressed)))
        conn.execute(update(report_requests).where(report_requests.c.request_id == request_id)
                     .values(csp_id=best["csp_id"]))


@projections.on("directory_change.took_effect")
def _reorganised(conn: Connection, event: RecordedEvent) -> None:
    # Open requests pass on (DOMAIN.md, "Organisations end too") from each ended CSP to its
    # successor; finished ones keep the CSP they were made to. Their authorities pass on in
    # each request's own history (report_request.authorities_succeeded).
    d = event.data
    for c in d["csps"]:
        conn.execute(
            update(report_requests)
            .where((report_requests.c.csp_id == c["csp_id"])
                   & report_requests.c.status.not_in(FINISHED))
            .values(csp_id=c["succeeded_by"])
        )


@projections.on("report_request.authorities_succeeded")
def _authorities_succeeded(conn: Connection, event: RecordedEvent) -> None:
    # The request's own history says which ended authorities passed it to their successors
    # (the requests' CSPs move with the directory change itself, above).
    d = event.data
    request = report_authorities.c.request_id == d["request_id"]
    ended = [s["organisation_id"] for s in d["successions"]]
    conn.execute(update(report_requests)
                 .where(report_requests.c.request_id == d["request_id"])
                 .values(addressed=d["addressed"]))
    conn.execute(delete(report_authorities).where(
        request & report_authorities.c.organisation_id.in_(ended)))
    present = set(conn.execute(
        select(report_authorities.c.organisation_id).where(request)).scalars())
    joining = [o for o in d["addressed"] if o not in present]
    if joining:
        conn.execute(insert(report_authorities), [
            {"request_id": d["request_id"], "organisation_id": o, "acknowledged": False}
            for o in joining
        ])
