"""Handlers of the Section 10 duty register: resolve facts, build each command, call the service.

One function per command. Each looks up what the decider must know (the acting
organisation's area and the CSPs it serves, the area's country and policing body office, the
priorities current in the area, the plan's objectives, the parties' kinds) from the read
models and passes it in the command. The acting organisation is always the actor's own.

The helpers every handler shares are in :mod:`hub.handlers.common`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from hub.access.policy import Actor
from hub.bootstrap import Hub
from hub.domain import duties
from hub.domain.duties_errors import InvalidDutyInput
from hub.domain.errors import N_, NotFound
from hub.domain.record import RecordType
from hub.events import AppendResult
from hub.handlers.common import (
    Created,
    acting_organisation,
    area_row,
    build,
    new_id,
    office_of,
    own_area,
    unseen_organisations,
)
from hub.projections.directory import csps, organisations
from hub.projections.duties import (
    arrangements,
    decision_priorities,
    decisions,
    plans,
    priorities,
    strategy_regards,
)
from hub.service import handle
from schemas.commands import Command
from schemas.commands import duties as cmd
from schemas.events.duties import (
    DecisionKind,
    Objective,
    Party,
    Period,
    PriorityRef,
    PriorityTheme,
    Reason,
    SourceDocument,
)


def _row(conn: Connection, table: Any, key: str, value: str, what: str) -> Any:
    row = conn.execute(select(table).where(table.c[key] == value)).first()
    if row is None:
        raise NotFound(N_("no such %(what)s"), what=what)
    return row


def serves(conn: Connection, organisation_id: str, area_id: str, on: date) -> list[str]:
    """The area's CSPs, running on ``on``, that name the organisation a responsible authority."""
    rows = conn.execute(
        select(csps.c.csp_id, csps.c.responsible_authorities, csps.c.valid_to).where(
            csps.c.area_id == area_id
        )
    )
    return sorted(
        r.csp_id
        for r in rows
        if organisation_id in r.responsible_authorities and (r.valid_to is None or r.valid_to > on)
    )


def _today(hub: Hub) -> date:
    return duties.london_date(hub.clock())


# -- relevant priorities ---------------------------------------------------------------------


def _act(
    hub: Hub, actor: Actor, record: RecordType[Any], stream_id: str, kind: type[Command], *,
    expected_version: int | None, idempotency_key: str | None, **fields: Any,
) -> AppendResult:
    """Handle command ``kind`` on a record's stream, acting as the actor's organisation."""
    command = build(kind, InvalidDutyInput, by_organisation=acting_organisation(actor), **fields)
    return handle(
        hub, record, stream_id, command, actor,
        expected_version=expected_version, idempotency_key=idempotency_key,
    )


def register_priority(
    hub: Hub,
    actor: Actor,
    *,
    theme: PriorityTheme | str,
    title: str,
    source: SourceDocument | Mapping[str, Any],
    period: Period | Mapping[str, Any],
    summary: str = "",
    csp_id: str | None = None,
    devolved_function: bool = False,
    area_id: str | None = None,
    idempotency_key: str | None = None,
) -> Created:
    """Register one of the acting authority's relevant priorities in an area it serves."""
    org = acting_organisation(actor)
    area = own_area(actor, area_id)
    with hub.engine.connect() as conn:
        country = area_row(conn, area).country
        csps_served = serves(conn, org, area, _today(hub))
    key = new_id(org, idempotency_key)
    command = build(
        cmd.RegisterPriority, InvalidDutyInput,
        priority_id=key, by_organisation=org, area_id=area, csp_id=csp_id, theme=theme,
        title=title, summary=summary, source=source, period=period,
        devolved_function=devolved_function, country=country, serves_csps=csps_served,
    )
    result = handle(
        hub, duties.PRIORITY, key, command, actor, idempotency_key=idempotency_key
    )
    return Created(key, result)


def revise_priority(
    hub: Hub,
    actor: Actor,
    priority_id: str,
    *,
    theme: PriorityTheme | str,
    title: str,
    source: SourceDocument | Mapping[str, Any],
    period: Period | Mapping[str, Any],
    summary: str = "",
    devolved_function: bool = False,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """Revise a priority (its revision number goes up by one)."""
    with hub.engine.connect() as conn:
        row = _row(conn, priorities, "priority_id", priority_id, "priority")
        country = area_row(conn, row.area_id).country
    return _act(hub, actor, duties.PRIORITY, priority_id, cmd.RevisePriority,
                expected_version=expected_version, idempotency_key=idempotency_key,
                priority_id=priority_id, theme=theme, title=title, summary=summary, source=source,
                period=period, devolved_function=devolved_function, country=country)


def retire_priority(
    hub: Hub,
    actor: Actor,
    priority_id: str,
    *,
    reason: str = "",
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """Retire a priority: it stops being current."""
    return _act(hub, actor, duties.PRIORITY, priority_id, cmd.RetirePriority,
                expected_version=expected_version, idempotency_key=idempotency_key,
                priority_id=priority_id, reason=reason)


def current_priorities(conn: Connection, area_id: str, on: date) -> list[PriorityRef]:
    """The area's priorities in force on ``on``: not retired, their period covering it."""
    rows = conn.execute(
        select(priorities)
        .where(
            (priorities.c.area_id == area_id)
            & priorities.c.retired.is_(False)
            & (priorities.c.starts_on <= on)
            & (priorities.c.ends_on >= on)
        )
        .order_by(priorities.c.organisation_id, priorities.c.priority_id)
    )
    return [_ref(row) for row in rows]


def _ref(row: Any) -> PriorityRef:
    return PriorityRef(
        priority_id=row.priority_id, revision=row.revision, organisation_id=row.organisation_id,
        title=row.title, theme=row.theme, devolved_function=row.devolved_function,
    )


# -- decisions --------------------------------------------------------------------------------


def record_decision(
    hub: Hub,
    actor: Actor,
    *,
    kind: DecisionKind | str,
    title: str,
    summary: str = "",
    decided_on: date | None = None,
    area_id: str | None = None,
    idempotency_key: str | None = None,
) -> Created:
    """Record a decision with the priorities current in the area on the day it is taken."""
    org = acting_organisation(actor)
    area = own_area(actor, area_id)
    on = decided_on or _today(hub)
    with hub.engine.connect() as conn:
        office = office_of(conn, area)
        current = current_priorities(conn, area, on)
    key = new_id(org, idempotency_key)
    command = build(
        cmd.RecordDecision, InvalidDutyInput,
        decision_id=key, by_organisation=org, area_id=area, kind=kind,
        title=title, summary=summary, decided_on=on, policing_body_id=office, priorities=current,
    )
    result = handle(
        hub, duties.REGARD_DECISION, key, command, actor, idempotency_key=idempotency_key
    )
    return Created(key, result)


def note_regard(
    hub: Hub,
    actor: Actor,
    decision_id: str,
    *,
    priority_id: str,
    note: str,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """Note how the decision had regard to one priority."""
    with hub.engine.connect() as conn:
        decision = _row(conn, decisions, "decision_id", decision_id, "decision")
        priority = _row(conn, priorities, "priority_id", priority_id, "priority")
        if priority.area_id != decision.area_id:
            # Another area's priority is answered as a made-up one is.
            raise NotFound(N_("no such priority"))
        office = office_of(conn, decision.area_id)
    return _act(hub, actor, duties.REGARD_DECISION, decision_id, cmd.NoteRegard,
                expected_version=expected_version, idempotency_key=idempotency_key,
                decision_id=decision_id, note=note, policing_body_id=office,
                priority=_ref(priority), priority_area_id=priority.area_id)


def finalise_decision(
    hub: Hub,
    actor: Actor,
    decision_id: str,
    *,
    reasons: Mapping[str,
    str] | None = None,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """Finalise a decision; ``reasons`` maps each unconsidered priority to why."""
    with hub.engine.connect() as conn:
        decision = _row(conn, decisions, "decision_id", decision_id, "decision")
        office = office_of(conn, decision.area_id)
        current = current_priorities(conn, decision.area_id, decision.decided_on)
    return _act(hub, actor, duties.REGARD_DECISION, decision_id, cmd.FinaliseDecision,
                expected_version=expected_version, idempotency_key=idempotency_key,
                decision_id=decision_id, reasons=_reasons(reasons), policing_body_id=office,
                priorities=current)


def decision_register(
    hub: Hub, decision_id: str, *, area_ids: Collection[str] | None
) -> dict[str, Any]:
    """A decision and, per priority, its outcome (considered, unconsidered — a gap —,
    outside the duty, or reasoned) with the note or reason; 404 outside ``area_ids``."""
    with hub.engine.connect() as conn:
        row = _row(conn, decisions, "decision_id", decision_id, "decision")
        if area_ids is not None and row.area_id not in area_ids:
            raise NotFound(N_("no such decision"))
        outcomes = conn.execute(
            select(decision_priorities)
            .where(decision_priorities.c.decision_id == decision_id)
            .order_by(decision_priorities.c.organisation_id, decision_priorities.c.priority_id)
        )
        return {**row._mapping, "priorities": [dict(o._mapping) for o in outcomes]}


def _reasons(reasons: Mapping[str, str] | None) -> list[Reason]:
    return [Reason(item_id=k, reason=v) for k, v in sorted((reasons or {}).items())]


# -- the police and crime plan ---------------------------------------------------------------


def record_plan(
    hub: Hub,
    actor: Actor,
    *,
    title: str,
    period: Period | Mapping[str, Any],
    objectives: Iterable[Objective | Mapping[str, Any]],
    area_id: str | None = None,
    idempotency_key: str | None = None,
) -> Created:
    """Record the police and crime plan's objectives."""
    org = acting_organisation(actor)
    area = own_area(actor, area_id)
    with hub.engine.connect() as conn:
        office = office_of(conn, area)
    key = new_id(org, idempotency_key)
    command = build(
        cmd.RecordPlan, InvalidDutyInput,
        plan_id=key, by_organisation=org, area_id=area, title=title,
        period=period, objectives=list(objectives), policing_body_id=office,
    )
    result = handle(
        hub, duties.POLICE_CRIME_PLAN, key, command, actor, idempotency_key=idempotency_key
    )
    return Created(key, result)


def revise_plan(
    hub: Hub,
    actor: Actor,
    plan_id: str,
    *,
    title: str,
    period: Period | Mapping[str, Any],
    objectives: Iterable[Objective | Mapping[str, Any]],
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """Revise the plan's objectives."""
    with hub.engine.connect() as conn:
        office = office_of(conn, _row(conn, plans, "plan_id", plan_id, "plan").area_id)
    return _act(hub, actor, duties.POLICE_CRIME_PLAN, plan_id, cmd.RevisePlan,
                expected_version=expected_version, idempotency_key=idempotency_key,
                plan_id=plan_id, title=title, period=period, objectives=list(objectives),
                policing_body_id=office)


def retire_plan(
    hub: Hub,
    actor: Actor,
    plan_id: str,
    *,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """Mark the plan as no longer current."""
    with hub.engine.connect() as conn:
        office = office_of(conn, _row(conn, plans, "plan_id", plan_id, "plan").area_id)
    return _act(hub, actor, duties.POLICE_CRIME_PLAN, plan_id, cmd.RetirePlan,
                expected_version=expected_version, idempotency_key=idempotency_key,
                plan_id=plan_id, policing_body_id=office)


# -- reciprocal regard -------------------------------------------------------------------------


def _current_plan(conn: Connection, actor: Actor, plan_id: str) -> Any:
    plan = _row(conn, plans, "plan_id", plan_id, "police and crime plan")
    if not (actor.system or plan.area_id in actor.area_ids):
        # Another area's plan is answered as a made-up one is.
        raise NotFound(N_("no such police and crime plan"))
    if plan.retired:
        raise NotFound(N_("the plan has been retired"))
    return plan


def record_strategy_regard(
    hub: Hub,
    actor: Actor,
    *,
    plan_id: str,
    strategy: SourceDocument | Mapping[str, Any],
    csp_id: str | None = None,
    idempotency_key: str | None = None,
) -> Created:
    """Begin recording a strategy's regard to the plan's objectives."""
    org = acting_organisation(actor)
    with hub.engine.connect() as conn:
        plan = _current_plan(conn, actor, plan_id)
        csps_served = serves(conn, org, plan.area_id, _today(hub))
    key = new_id(org, idempotency_key)
    command = build(
        cmd.RecordStrategyRegard, InvalidDutyInput,
        regard_id=key, by_organisation=org, area_id=plan.area_id, csp_id=csp_id,
        strategy=strategy, plan_id=plan_id, plan_revision=plan.revision,
        objectives=plan.objectives, serves_csps=csps_served,
    )
    result = handle(
        hub, duties.RECIPROCAL_REGARD, key, command, actor, idempotency_key=idempotency_key
    )
    return Created(key, result)


def note_objective_regard(
    hub: Hub,
    actor: Actor,
    regard_id: str,
    *,
    objective_id: str,
    note: str,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """Note how the strategy had regard to one of the plan's objectives."""
    with hub.engine.connect() as conn:
        record = _row(conn, strategy_regards, "regard_id", regard_id, "record of regard")
        plan = _row(conn, plans, "plan_id", record.plan_id, "police and crime plan")
    return _act(hub, actor, duties.RECIPROCAL_REGARD, regard_id, cmd.NoteObjectiveRegard,
                expected_version=expected_version, idempotency_key=idempotency_key,
                regard_id=regard_id, objective_id=objective_id, note=note,
                plan_objectives=plan.objectives)


def mark_objective_devolved(
    hub: Hub,
    actor: Actor,
    regard_id: str,
    *,
    objective_id: str,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """Mark one of the plan's objectives a devolved function (a Welsh authority): outside the
    reciprocal duty, not a gap."""
    with hub.engine.connect() as conn:
        record = _row(conn, strategy_regards, "regard_id", regard_id, "record of regard")
        plan = _row(conn, plans, "plan_id", record.plan_id, "police and crime plan")
        country = area_row(conn, record.area_id).country
    return _act(hub, actor, duties.RECIPROCAL_REGARD, regard_id, cmd.MarkObjectiveDevolved,
                expected_version=expected_version, idempotency_key=idempotency_key,
                regard_id=regard_id, objective_id=objective_id, plan_objectives=plan.objectives,
                country=country)


def finalise_strategy_regard(
    hub: Hub,
    actor: Actor,
    regard_id: str,
    *,
    reasons: Mapping[str,
    str] | None = None,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """Finalise against the plan's objectives as they stand; ``reasons`` covers the gaps."""
    with hub.engine.connect() as conn:
        record = _row(conn, strategy_regards, "regard_id", regard_id, "record of regard")
        plan = _row(conn, plans, "plan_id", record.plan_id, "police and crime plan")
    return _act(hub, actor, duties.RECIPROCAL_REGARD, regard_id, cmd.FinaliseStrategyRegard,
                expected_version=expected_version, idempotency_key=idempotency_key,
                regard_id=regard_id, reasons=_reasons(reasons), plan_revision=plan.revision,
                objectives=plan.objectives)


# -- criminal justice arrangements ------------------------------------------------------------


def _area_police(conn: Connection, area_id: str) -> list[str]:
    """The police forces of the area alone: the chief officer of police for that area."""
    rows = conn.execute(select(organisations).where(organisations.c.kind == "police_force"))
    return sorted(r.organisation_id for r in rows if list(r.area_ids) == [area_id])


def _parties(conn: Connection, area_id: str, party_ids: Iterable[str]) -> list[Party]:
    # An organisation of another area is answered as a made-up one is: not found.
    wanted = list(party_ids)
    unseen = unseen_organisations(conn, wanted, area_id)
    if unseen:
        raise NotFound(N_("no such organisation %(organisation)s"), organisation=unseen[0])
    kinds = {
        row.organisation_id: row.kind
        for row in conn.execute(
            select(organisations.c.organisation_id, organisations.c.kind).where(
                organisations.c.organisation_id.in_(wanted)
            )
        )
    }
    return [Party(organisation_id=o, kind=kinds[o]) for o in wanted]


def draft_arrangement(
    hub: Hub,
    actor: Actor,
    *,
    title: str,
    terms: str,
    party_ids: Iterable[str],
    review_on: date,
    document_url: str | None = None,
    devolved_function: bool = False,
    area_id: str | None = None,
    idempotency_key: str | None = None,
) -> Created:
    """Draft criminal justice arrangements with the named criminal justice bodies."""
    org = acting_organisation(actor)
    area = own_area(actor, area_id)
    with hub.engine.connect() as conn:
        row = area_row(conn, area)
        office = office_of(conn, area)
        parties = _parties(conn, area, party_ids)
        area_police = _area_police(conn, area)
    key = new_id(org, idempotency_key)
    command = build(
        cmd.DraftArrangement, InvalidDutyInput,
        arrangement_id=key, by_organisation=org, area_id=area,
        title=title, terms=terms, document_url=document_url, review_on=review_on,
        devolved_function=devolved_function, parties=parties, policing_body_id=office,
        area_police=area_police,
        country=row.country,
    )
    result = handle(
        hub, duties.CJ_ARRANGEMENT, key, command, actor, idempotency_key=idempotency_key
    )
    return Created(key, result)


def agree_arrangement(
    hub: Hub,
    actor: Actor,
    arrangement_id: str,
    *,
    signatory: str,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """A named party agrees the arrangement as it stands."""
    return _act(hub, actor, duties.CJ_ARRANGEMENT, arrangement_id, cmd.AgreeArrangement,
                expected_version=expected_version, idempotency_key=idempotency_key,
                arrangement_id=arrangement_id, signatory=signatory)


def _arrangement_office(hub: Hub, arrangement_id: str) -> tuple[str, str]:
    with hub.engine.connect() as conn:
        row = _row(conn, arrangements, "arrangement_id", arrangement_id, "arrangement")
        return row.area_id, office_of(conn, row.area_id)


def review_arrangement(
    hub: Hub,
    actor: Actor,
    arrangement_id: str,
    *,
    outcome: str,
    next_review_on: date,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """Record a review without change, and when the next one falls due."""
    _area, office = _arrangement_office(hub, arrangement_id)
    return _act(hub, actor, duties.CJ_ARRANGEMENT, arrangement_id, cmd.ReviewArrangement,
                expected_version=expected_version, idempotency_key=idempotency_key,
                arrangement_id=arrangement_id, outcome=outcome, next_review_on=next_review_on,
                policing_body_id=office)


def vary_arrangement(
    hub: Hub,
    actor: Actor,
    arrangement_id: str,
    *,
    title: str,
    terms: str,
    party_ids: Iterable[str],
    review_on: date,
    reason: str,
    document_url: str | None = None,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """Vary the arrangement; every named party must agree the variation."""
    area, office = _arrangement_office(hub, arrangement_id)
    with hub.engine.connect() as conn:
        parties = _parties(conn, area, party_ids)
        area_police = _area_police(conn, area)
    return _act(hub, actor, duties.CJ_ARRANGEMENT, arrangement_id, cmd.VaryArrangement,
                expected_version=expected_version, idempotency_key=idempotency_key,
                arrangement_id=arrangement_id, title=title, terms=terms, document_url=document_url,
                review_on=review_on, reason=reason, parties=parties, policing_body_id=office,
                area_police=area_police)


def end_arrangement(
    hub: Hub,
    actor: Actor,
    arrangement_id: str,
    *,
    reason: str = "",
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """End the arrangement."""
    _area, office = _arrangement_office(hub, arrangement_id)
    return _act(hub, actor, duties.CJ_ARRANGEMENT, arrangement_id, cmd.EndArrangement,
                expected_version=expected_version, idempotency_key=idempotency_key,
                arrangement_id=arrangement_id, reason=reason, policing_body_id=office)
