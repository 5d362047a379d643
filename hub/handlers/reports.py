"""Handlers and queries of report requests under CDA s.7.

Each command handler looks up what the decider must know — the CSP's area and responsible
authorities, the area's country and its policing body office today (the requester of every
open request), the stored files a submission references — and carries the command out
through :func:`hub.service.handle`. The queries read the ``report_requests`` read model,
limited to the workspaces the caller sees; a record's history is
``hub.store.read_stream(stream_id(request_id))``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, func, or_, select

from hub.access.policy import Actor
from hub.attachments import AttachmentStore
from hub.bootstrap import Hub
from hub.domain import reports
from hub.domain.errors import N_, NotFound
from hub.events import AppendResult, StreamRef
from hub.events.envelope import RecordedEvent
from hub.handlers.common import (
    Created,
    acting_organisation,
    area_row,
    build,
    new_id,
    office_of,
    visible_csp,
)
from hub.projections.reports import report_attachments, report_authorities, report_requests
from hub.queries.directory import csp_areas
from hub.service import handle
from schemas.commands import Command
from schemas.commands import reports as cmd
from schemas.events.reports import ReportKind

DEFAULT_DUE_WEEKS = 8
"""The hub's default time to report (a product choice; the law sets none)."""
MAX_PAGE = 200


def stream_id(request_id: str) -> str:
    """The id of a request's event stream (its history)."""
    return StreamRef.of(reports.REPORT_REQUEST.stream_type, request_id).id


def _request(conn: Connection, request_id: str) -> Any:
    row = conn.execute(
        select(report_requests).where(report_requests.c.request_id == request_id)
    ).first()
    if row is None:
        raise NotFound(N_("no such report request"))
    return row


def _requester_office(hub: Hub, request_id: str) -> str:
    # The requester of an open request is the area's office today, whoever first asked.
    with hub.engine.connect() as conn:
        return office_of(conn, _request(conn, request_id).area_id)


def require_report(
    hub: Hub,
    actor: Actor,
    *,
    csp_id: str,
    kind: ReportKind | str,
    title: str,
    matters: str,
    due_on: date | None = None,
    specified_form: str | None = None,
    not_satisfied_reasons: str | None = None,
    proportionate_reasons: str | None = None,
    s6_functions_confirmed: bool = False,
    publication_required: bool = False,
    devolved_functions_excluded: bool = False,
    default_due_weeks: int = DEFAULT_DUE_WEEKS,
    idempotency_key: str | None = None,
) -> Created:
    """Ask a CSP's responsible authorities for a report, due in ``default_due_weeks`` unless
    ``due_on`` is given."""
    org = acting_organisation(actor)
    with hub.engine.connect() as conn:
        csp = visible_csp(conn, actor, csp_id)
        # A combined CSP spanning police areas belongs to each: the request is the acting
        # office's area's (CDA s.7(5)), or the CSP's own when the actor holds none of them.
        offices = {office_of(conn, a): a for a in csp_areas(csp)}
        area_id = offices.get(org, csp.area_id)
        area = area_row(conn, area_id)
        office = office_of(conn, area_id)
    today = reports.london_date(hub.clock())
    key = new_id(org, idempotency_key)
    command = build(
        cmd.RequireReport, reports.InvalidReportInput,
        request_id=key,
        by_organisation=org,
        csp_id=csp_id,
        kind=kind,
        title=title,
        matters=matters,
        specified_form=specified_form,
        not_satisfied_reasons=not_satisfied_reasons,
        proportionate_reasons=proportionate_reasons,
        s6_functions_confirmed=s6_functions_confirmed,
        publication_required=publication_required,
        devolved_functions_excluded=devolved_functions_excluded,
        due_on=due_on or today + timedelta(weeks=default_due_weeks),
        area_id=area_id,
        country=area.country,
        policing_body_id=office,
        policing_body_kind=area.policing_body_kind,
        addressed=csp.responsible_authorities,
        csp_valid_to=csp.valid_to,
    )
    return Created(key, handle(
        hub, reports.REPORT_REQUEST, key, command, actor, idempotency_key=idempotency_key
    ))


def _act(
    hub: Hub, actor: Actor, request_id: str, kind: type[Command], *, requester: bool,
    expected_version: int | None, idempotency_key: str | None, **fields: Any,
) -> AppendResult:
    """Handle command ``kind`` on the request, acting as the actor's organisation; as the
    requester, the request's policing body is named too (the decider checks who may act)."""
    by_organisation = acting_organisation(actor)
    if requester:
        fields["policing_body_id"] = _requester_office(hub, request_id)
    command = build(kind, reports.InvalidReportInput, request_id=request_id,
                    by_organisation=by_organisation, **fields)
    return handle(
        hub, reports.REPORT_REQUEST, request_id, command, actor,
        expected_version=expected_version, idempotency_key=idempotency_key,
    )


def acknowledge_report(
    hub: Hub,
    actor: Actor,
    request_id: str,
    *,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """An addressed authority acknowledges the request."""
    return _act(hub, actor, request_id, cmd.AcknowledgeReport, requester=False,
                expected_version=expected_version, idempotency_key=idempotency_key)


def request_extension(
    hub: Hub,
    actor: Actor,
    request_id: str,
    *,
    requested_due_on: date,
    reason: str,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """An addressed authority asks for a later due date."""
    return _act(hub, actor, request_id, cmd.RequestExtension, requester=False,
                expected_version=expected_version, idempotency_key=idempotency_key,
                requested_due_on=requested_due_on, reason=reason)


def grant_extension(
    hub: Hub,
    actor: Actor,
    request_id: str,
    *,
    due_on: date | None = None,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """The requester grants the extension (the date asked for, unless ``due_on`` is given)."""
    return _act(hub, actor, request_id, cmd.GrantExtension, requester=True,
                expected_version=expected_version, idempotency_key=idempotency_key,
                due_on=due_on)


def refuse_extension(
    hub: Hub,
    actor: Actor,
    request_id: str,
    *,
    reason: str,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """The requester refuses the extension."""
    return _act(hub, actor, request_id, cmd.RefuseExtension, requester=True,
                expected_version=expected_version, idempotency_key=idempotency_key,
                reason=reason)


def submit_report(
    hub: Hub,
    actor: Actor,
    request_id: str,
    *,
    text: str,
    attachments: AttachmentStore,
    attachment_ids: Iterable[str] = (),
    resubmission: bool = False,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """An addressed authority submits (or, after a return, resubmits) the report.

    ``attachment_ids`` name files the acting organisation stored with ``attachments`` first;
    their name, size, type and checksum come from the store, not from the caller.
    """
    org = acting_organisation(actor)
    refs = attachments.refs_for(attachment_ids, org)
    kind = cmd.ResubmitReport if resubmission else cmd.SubmitReport
    return _act(hub, actor, request_id, kind, requester=False,
                expected_version=expected_version, idempotency_key=idempotency_key,
                text=text, attachments=refs)


def accept_report(
    hub: Hub,
    actor: Actor,
    request_id: str,
    *,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """The requester accepts the submitted report."""
    return _act(hub, actor, request_id, cmd.AcceptReport, requester=True,
                expected_version=expected_version, idempotency_key=idempotency_key)


def return_report(
    hub: Hub,
    actor: Actor,
    request_id: str,
    *,
    reason: str,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """The requester returns the report for more information."""
    return _act(hub, actor, request_id, cmd.ReturnReport, requester=True,
                expected_version=expected_version, idempotency_key=idempotency_key,
                reason=reason)


def publish_report(
    hub: Hub,
    actor: Actor,
    request_id: str,
    *,
    published_on: date,
    location: str,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """The requester records where and when it published a formal report."""
    return _act(hub, actor, request_id, cmd.PublishReport, requester=True,
                expected_version=expected_version, idempotency_key=idempotency_key,
                published_on=published_on, location=location)


def close_report(
    hub: Hub,
    actor: Actor,
    request_id: str,
    *,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """The requester closes the request."""
    return _act(hub, actor, request_id, cmd.CloseReport, requester=True,
                expected_version=expected_version, idempotency_key=idempotency_key)


def withdraw_report(
    hub: Hub,
    actor: Actor,
    request_id: str,
    *,
    reason: str | None = None,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """The requester withdraws the request before anything is submitted."""
    return _act(hub, actor, request_id, cmd.WithdrawReport, requester=True,
                expected_version=expected_version, idempotency_key=idempotency_key,
                reason=reason)


# -- queries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One page of a list, and how many rows match in all."""

    rows: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


def _visible(workspace_ids: Collection[str] | None) -> Any:
    # A request is visible in its area's workspace and its CSP's (see REPORT_REQUEST).
    if workspace_ids is None:
        return None
    area_ids = [w.removeprefix("area-") for w in workspace_ids if w.startswith("area-")]
    csp_ids = [w.removeprefix("csp-") for w in workspace_ids if w.startswith("csp-")]
    return or_(report_requests.c.area_id.in_(area_ids), report_requests.c.csp_id.in_(csp_ids))


def list_report_requests(
    hub: Hub,
    *,
    workspace_ids: Collection[str] | None,
    status: Collection[str] | None = None,
    csp_id: str | None = None,
    due_before: date | None = None,
    addressed_to: str | None = None,
    overdue: bool | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """Requests visible in ``workspace_ids`` (None: all, for operators), soonest due first.

    Filters: ``status`` (any of), ``csp_id``, ``due_before`` (due strictly before that day),
    ``addressed_to`` (an organisation), ``overdue``.
    """
    limit = max(1, min(limit, MAX_PAGE))
    conditions = [
        condition
        for condition in (
            _visible(workspace_ids),
            report_requests.c.status.in_(list(status)) if status else None,
            report_requests.c.csp_id == csp_id if csp_id else None,
            report_requests.c.due_on < due_before if due_before else None,
            report_requests.c.overdue.is_(overdue) if overdue is not None else None,
            report_requests.c.request_id.in_(
                select(report_authorities.c.request_id).where(
                    report_authorities.c.organisation_id == addressed_to
                )
            )
            if addressed_to
            else None,
        )
        if condition is not None
    ]
    query = select(report_requests).where(*conditions)
    with hub.engine.connect() as conn:
        total = conn.execute(
            select(func.count()).select_from(query.subquery())
        ).scalar_one()
        rows = conn.execute(
            query.order_by(report_requests.c.due_on, report_requests.c.request_id)
            .limit(limit)
            .offset(max(0, offset))
        )
        return Page([dict(r._mapping) for r in rows], int(total), limit, max(0, offset))


def get_report_request(
    hub: Hub, request_id: str, *, workspace_ids: Collection[str] | None
) -> dict[str, Any]:
    """One visible request with its authorities and attachments; 404 when not visible."""
    visible = _visible(workspace_ids)
    query = select(report_requests).where(report_requests.c.request_id == request_id)
    with hub.engine.connect() as conn:
        row = conn.execute(query if visible is None else query.where(visible)).first()
        if row is None:
            raise NotFound(N_("no such report request"))
        authorities = conn.execute(
            select(report_authorities.c.organisation_id, report_authorities.c.acknowledged)
            .where(report_authorities.c.request_id == request_id)
            .order_by(report_authorities.c.organisation_id)
        )
        files = conn.execute(
            select(report_attachments)
            .where(report_attachments.c.request_id == request_id)
            .order_by(report_attachments.c.name)
        )
        return {
            **row._mapping,
            "authorities": [dict(a._mapping) for a in authorities],
            "attachments": [dict(f._mapping) for f in files],
        }


def report_history(hub: Hub, request_id: str) -> list[RecordedEvent]:
    """Every event of the request, oldest first (check visibility with the request first)."""
    return hub.store.read_stream(stream_id(request_id))


def attachment_requests(hub: Hub, attachment_id: str) -> list[dict[str, Any]]:
    """The submissions an attachment belongs to (request, area, CSP), to decide who may read it.

    A file is readable by whoever sees one of these requests; a file uploaded but never
    submitted belongs to none (the list is empty).
    """
    query = (
        select(report_attachments, report_requests.c.area_id, report_requests.c.csp_id)
        .join(report_requests, report_requests.c.request_id == report_attachments.c.request_id)
        .where(report_attachments.c.attachment_id == attachment_id)
        .order_by(report_attachments.c.request_id)
    )
    with hub.engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]
