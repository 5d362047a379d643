"""Read models of the Section 10 duty register.

- ``priorities``: every relevant priority with its current revision; handlers read the current
  ones of an area from here to put into decisions.
- ``regard_decisions`` and ``regard_decision_priorities``: each decision and, per priority, its
  outcome — ``considered`` (noted), ``unconsidered`` (a gap), ``outside_duty`` (a devolved
  Welsh function, never a gap) or, once finalised, ``reasoned`` (a gap with a written reason).
- ``police_crime_plans``, ``reciprocal_regards`` and ``reciprocal_regard_objectives``: the
  plan's objectives and each authority's regard to them, with the same outcomes.
- ``cj_arrangements`` and ``cj_arrangement_parties``: arrangements and who has agreed them.

Open decisions, plans and arrangements show the area's policing body office today
(``policing_body_id`` moves on ``police_area.governance_took_effect``); finished ones keep the
office that finished them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Connection, DateTime, Table, delete, insert, select, update
from sqlmodel import Field, SQLModel

from hub.events.envelope import RecordedEvent
from hub.projections.registry import Projections

projections = Projections()


def _when() -> Any:
    return Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class PriorityRow(SQLModel, table=True):
    """A responsible authority's relevant priority at its current revision."""

    __tablename__ = "priorities"

    priority_id: str = Field(primary_key=True, max_length=120)
    organisation_id: str = Field(max_length=120, index=True)
    area_id: str = Field(max_length=120, index=True)
    csp_id: str | None = Field(default=None, max_length=120)
    theme: str = Field(max_length=40)
    title: str = Field(max_length=200)
    summary: str = Field(max_length=4000)
    source_kind: str = Field(max_length=40)
    source_title: str = Field(max_length=200)
    source_url: str | None = Field(default=None, max_length=2000)
    starts_on: date
    ends_on: date
    devolved_function: bool = False
    retired: bool = False
    revision: int
    version: int
    updated_at: datetime = _when()


class RegardDecisionRow(SQLModel, table=True):
    """A decision of the policing body and how many priorities are still gaps."""

    __tablename__ = "regard_decisions"

    decision_id: str = Field(primary_key=True, max_length=120)
    area_id: str = Field(max_length=120, index=True)
    kind: str = Field(max_length=40)
    title: str = Field(max_length=200)
    summary: str = Field(max_length=4000)
    decided_on: date
    finalised: bool = False
    policing_body_id: str = Field(max_length=120)
    unconsidered: int = 0
    version: int
    updated_at: datetime = _when()


class RegardOutcomeRow(SQLModel, table=True):
    """One priority of a decision and the regard the decision had to it."""

    __tablename__ = "regard_decision_priorities"

    decision_id: str = Field(primary_key=True, max_length=120)
    priority_id: str = Field(primary_key=True, max_length=120)
    revision: int
    organisation_id: str = Field(max_length=120)
    title: str = Field(max_length=200)
    theme: str = Field(max_length=40)
    devolved_function: bool = False
    outcome: str = Field(max_length=20)
    note: str | None = Field(default=None, max_length=4000)
    reason: str | None = Field(default=None, max_length=4000)


class PlanRow(SQLModel, table=True):
    """A police and crime plan and its objectives."""

    __tablename__ = "police_crime_plans"

    plan_id: str = Field(primary_key=True, max_length=120)
    area_id: str = Field(max_length=120, index=True)
    title: str = Field(max_length=200)
    starts_on: date
    ends_on: date
    objectives: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    retired: bool = False
    policing_body_id: str = Field(max_length=120)
    revision: int
    version: int
    updated_at: datetime = _when()


class StrategyRegardRow(SQLModel, table=True):
    """An authority's record of its strategy's regard to the plan's objectives."""

    __tablename__ = "reciprocal_regards"

    regard_id: str = Field(primary_key=True, max_length=120)
    organisation_id: str = Field(max_length=120, index=True)
    area_id: str = Field(max_length=120, index=True)
    csp_id: str | None = Field(default=None, max_length=120)
    strategy_title: str = Field(max_length=200)
    strategy_url: str | None = Field(default=None, max_length=2000)
    plan_id: str = Field(max_length=120)
    plan_revision: int
    finalised: bool = False
    unconsidered: int = 0
    version: int
    updated_at: datetime = _when()


class ObjectiveOutcomeRow(SQLModel, table=True):
    """One objective of the plan and the regard a strategy had to it."""

    __tablename__ = "reciprocal_regard_objectives"

    regard_id: str = Field(primary_key=True, max_length=120)
    objective_id: str = Field(primary_key=True, max_length=120)
    title: str = Field(max_length=200)
    outcome: str = Field(max_length=20)
    note: str | None = Field(default=None, max_length=4000)
    reason: str | None = Field(default=None, max_length=4000)


class ArrangementRow(SQLModel, table=True):
    """A criminal justice arrangement."""

    __tablename__ = "cj_arrangements"

    arrangement_id: str = Field(primary_key=True, max_length=120)
    area_id: str = Field(max_length=120, index=True)
    title: str = Field(max_length=200)
    status: str = Field(max_length=20, index=True)
    devolved_function: bool = False
    review_on: date
    in_force_from: date | None = None
    last_reviewed_on: date | None = None
    ended_on: date | None = None
    policing_body_id: str = Field(max_length=120)
    version: int
    updated_at: datetime = _when()


class ArrangementPartyRow(SQLModel, table=True):
    """A criminal justice body named in an arrangement, and whether it has agreed."""

    __tablename__ = "cj_arrangement_parties"

    arrangement_id: str = Field(primary_key=True, max_length=120)
    organisation_id: str = Field(primary_key=True, max_length=120, index=True)
    kind: str = Field(max_length=40)
    agreed: bool = False
    signatory: str | None = Field(default=None, max_length=200)


priorities = PriorityRow.__table__  # type: ignore[attr-defined]
decisions = RegardDecisionRow.__table__  # type: ignore[attr-defined]
decision_priorities = RegardOutcomeRow.__table__  # type: ignore[attr-defined]
plans = PlanRow.__table__  # type: ignore[attr-defined]
strategy_regards = StrategyRegardRow.__table__  # type: ignore[attr-defined]
strategy_objectives = ObjectiveOutcomeRow.__table__  # type: ignore[attr-defined]
arrangements = ArrangementRow.__table__  # type: ignore[attr-defined]
arrangement_parties = ArrangementPartyRow.__table__  # type: ignore[attr-defined]
projections.owns(
    priorities, decisions, decision_priorities, plans, strategy_regards, strategy_objectives,
    arrangements, arrangement_parties,
)


def _touch(conn: Connection, table: Table, key: str, event: RecordedEvent, **values: Any) -> None:
    column = table.c[key]
    conn.execute(
        update(table)
        .where(column == event.data[key])
        .values(version=event.version, updated_at=event.recorded_at, **values)
    )


# -- priorities -------------------------------------------------------------------------------


def _priority_content(d: dict[str, Any]) -> dict[str, Any]:
    return {
        "theme": d["theme"],
        "title": d["title"],
        "summary": d["summary"],
        "source_kind": d["source"]["kind"],
        "source_title": d["source"]["title"],
        "source_url": d["source"].get("url"),
        "starts_on": date.fromisoformat(d["period"]["starts_on"]),
        "ends_on": date.fromisoformat(d["period"]["ends_on"]),
        "devolved_function": d["devolved_function"],
        "revision": d["revision"],
    }


@projections.on("priority.registered")
def _priority_registered(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    conn.execute(
        insert(priorities).values(
            priority_id=d["priority_id"],
            organisation_id=d["by_organisation"],
            area_id=d["area_id"],
            csp_id=d.get("csp_id"),
            version=event.version,
            updated_at=event.recorded_at,
            **_priority_content(d),
        )
    )


@projections.on("priority.revised")
def _priority_revised(conn: Connection, event: RecordedEvent) -> None:
    _touch(conn, priorities, "priority_id", event, **_priority_content(event.data))


@projections.on("priority.retired")
def _priority_retired(conn: Connection, event: RecordedEvent) -> None:
    _touch(conn, priorities, "priority_id", event, retired=True)


# -- decisions --------------------------------------------------------------------------------


def _outcome_row(decision_id: str, ref: dict[str, Any], outcome: str) -> dict[str, Any]:
    return {
        "decision_id": decision_id,
        "priority_id": ref["priority_id"],
        "revision": ref["revision"],
        "organisation_id": ref["organisation_id"],
        "title": ref["title"],
        "theme": ref["theme"],
        "devolved_function": ref["devolved_function"],
        "outcome": outcome,
    }


def _count_gaps(conn: Connection, decision_id: str) -> int:
    return len(
        conn.execute(
            select(decision_priorities.c.priority_id).where(
                (decision_priorities.c.decision_id == decision_id)
                & (decision_priorities.c.outcome == "unconsidered")
            )
        ).all()
    )


@projections.on("regard_decision.recorded")
def _decision_recorded(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    rows = [
        _outcome_row(
            d["decision_id"], ref, "outside_duty" if ref["devolved_function"] else "unconsidered"
        )
        for ref in d["priorities"]
    ]
    conn.execute(
        insert(decisions).values(
            decision_id=d["decision_id"],
            area_id=d["area_id"],
            kind=d["kind"],
            title=d["title"],
            summary=d["summary"],
            decided_on=date.fromisoformat(d["decided_on"]),
            policing_body_id=d["by_organisation"],
            unconsidered=sum(1 for row in rows if row["outcome"] == "unconsidered"),
            version=event.version,
            updated_at=event.recorded_at,
        )
    )
    if rows:
        conn.execute(insert(decision_priorities), rows)


@projections.on("regard_decision.regard_noted")
def _regard_noted(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    ref = d["priority"]
    outcome = "outside_duty" if ref["devolved_function"] else "considered"
    conn.execute(
        delete(decision_priorities).where(
            (decision_priorities.c.decision_id == d["decision_id"])
            & (decision_priorities.c.priority_id == ref["priority_id"])
        )
    )
    conn.execute(
        insert(decision_priorities).values(
            **_outcome_row(d["decision_id"], ref, outcome), note=d["note"]
        )
    )
    _touch(conn, decisions, "decision_id", event, unconsidered=_count_gaps(conn, d["decision_id"]))


@projections.on("regard_decision.finalised")
def _decision_finalised(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    notes: dict[str, str | None] = dict(
        conn.execute(
            select(decision_priorities.c.priority_id, decision_priorities.c.note).where(
                decision_priorities.c.decision_id == d["decision_id"]
            )
        ).all()
    )
    reasons = {r["item_id"]: r["reason"] for r in d["unconsidered"]}
    outcomes = {
        **{pid: "considered" for pid in d["considered"]},
        **{pid: "outside_duty" for pid in d["outside_duty"]},
        **{pid: "reasoned" for pid in reasons},
    }
    conn.execute(
        delete(decision_priorities).where(decision_priorities.c.decision_id == d["decision_id"])
    )
    rows = [
        {
            **_outcome_row(d["decision_id"], ref, outcomes[ref["priority_id"]]),
            "note": notes.get(ref["priority_id"]),
            "reason": reasons.get(ref["priority_id"]),
        }
        for ref in d["priorities"]
    ]
    if rows:
        conn.execute(insert(decision_priorities), rows)
    _touch(
        conn, decisions, "decision_id", event, finalised=True, unconsidered=0,
        policing_body_id=d["by_organisation"],
    )


# -- police and crime plans -------------------------------------------------------------------


def _plan_content(d: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": d["title"],
        "starts_on": date.fromisoformat(d["period"]["starts_on"]),
        "ends_on": date.fromisoformat(d["period"]["ends_on"]),
        "objectives": d["objectives"],
        "revision": d["revision"],
    }


@projections.on("police_crime_plan.recorded")
def _plan_recorded(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    conn.execute(
        insert(plans).values(
            plan_id=d["plan_id"],
            area_id=d["area_id"],
            policing_body_id=d["by_organisation"],
            version=event.version,
            updated_at=event.recorded_at,
            **_plan_content(d),
        )
    )


@projections.on("police_crime_plan.revised")
def _plan_revised(conn: Connection, event: RecordedEvent) -> None:
    _touch(conn, plans, "plan_id", event, **_plan_content(event.data))


@projections.on("police_crime_plan.retired")
def _plan_retired(conn: Connection, event: RecordedEvent) -> None:
    _touch(
        conn, plans, "plan_id", event, retired=True, policing_body_id=event.data["by_organisation"]
    )


# -- reciprocal regard ------------------------------------------------------------------------


def _objective_rows(regard_id: str, objectives: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "regard_id": regard_id,
            "objective_id": o["objective_id"],
            "title": o["title"],
            "outcome": "unconsidered",
        }
        for o in objectives
    ]


@projections.on("reciprocal_regard.recorded")
def _strategy_recorded(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    conn.execute(
        insert(strategy_regards).values(
            regard_id=d["regard_id"],
            organisation_id=d["by_organisation"],
            area_id=d["area_id"],
            csp_id=d.get("csp_id"),
            strategy_title=d["strategy"]["title"],
            strategy_url=d["strategy"].get("url"),
            plan_id=d["plan_id"],
            plan_revision=d["plan_revision"],
            unconsidered=len(d["objectives"]),
            version=event.version,
            updated_at=event.recorded_at,
        )
    )
    conn.execute(insert(strategy_objectives), _objective_rows(d["regard_id"], d["objectives"]))


def _strategy_gaps(conn: Connection, regard_id: str) -> int:
    return len(
        conn.execute(
            select(strategy_objectives.c.objective_id).where(
                (strategy_objectives.c.regard_id == regard_id)
                & (strategy_objectives.c.outcome == "unconsidered")
            )
        ).all()
    )


@projections.on("reciprocal_regard.objective_regarded")
def _objective_regarded(conn: Connection, event: RecordedEvent) -> None:
    _objective_outcome(conn, event, "considered", note=event.data["note"])


@projections.on("reciprocal_regard.objective_devolved")
def _objective_devolved(conn: Connection, event: RecordedEvent) -> None:
    # A Welsh authority's devolved objective is outside the duty: shown so, never a gap.
    _objective_outcome(conn, event, "outside_duty")


def _objective_outcome(
    conn: Connection, event: RecordedEvent, outcome: str, note: str | None = None
) -> None:
    """Record what became of the event's objective, and the regard's count of gaps."""
    d = event.data
    objective = d["objective"]
    conn.execute(
        delete(strategy_objectives).where(
            (strategy_objectives.c.regard_id == d["regard_id"])
            & (strategy_objectives.c.objective_id == objective["objective_id"])
        )
    )
    conn.execute(
        insert(strategy_objectives).values(
            regard_id=d["regard_id"], objective_id=objective["objective_id"],
            title=objective["title"], outcome=outcome, note=note,
        )
    )
    _touch(
        conn, strategy_regards, "regard_id", event,
        unconsidered=_strategy_gaps(conn, d["regard_id"]),
    )


@projections.on("reciprocal_regard.finalised")
def _strategy_finalised(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    notes: dict[str, str | None] = dict(
        conn.execute(
            select(strategy_objectives.c.objective_id, strategy_objectives.c.note).where(
                strategy_objectives.c.regard_id == d["regard_id"]
            )
        ).all()
    )
    reasons = {r["item_id"]: r["reason"] for r in d["unconsidered"]}
    conn.execute(
        delete(strategy_objectives).where(strategy_objectives.c.regard_id == d["regard_id"])
    )
    conn.execute(
        insert(strategy_objectives),
        [
            {
                **row,
                "outcome": (
                    "reasoned" if row["objective_id"] in reasons
                    else "outside_duty" if row["objective_id"] in d["outside_duty"]
                    else "considered"
                ),
                "note": notes.get(row["objective_id"]),
                "reason": reasons.get(row["objective_id"]),
            }
            for row in _objective_rows(d["regard_id"], d["objectives"])
        ],
    )
    _touch(
        conn, strategy_regards, "regard_id", event, finalised=True, unconsidered=0,
        plan_revision=d["plan_revision"],
    )


# -- criminal justice arrangements ------------------------------------------------------------


def _parties(conn: Connection, arrangement_id: str, parties: list[dict[str, Any]]) -> None:
    conn.execute(
        delete(arrangement_parties).where(arrangement_parties.c.arrangement_id == arrangement_id)
    )
    conn.execute(
        insert(arrangement_parties),
        [
            {"arrangement_id": arrangement_id, "organisation_id": p["organisation_id"],
             "kind": p["kind"]}
            for p in parties
        ],
    )


@projections.on("cj_arrangement.drafted")
def _drafted(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    conn.execute(
        insert(arrangements).values(
            arrangement_id=d["arrangement_id"],
            area_id=d["area_id"],
            title=d["title"],
            status="drafted",
            devolved_function=d["devolved_function"],
            review_on=date.fromisoformat(d["review_on"]),
            policing_body_id=d["by_organisation"],
            version=event.version,
            updated_at=event.recorded_at,
        )
    )
    _parties(conn, d["arrangement_id"], d["parties"])


@projections.on("cj_arrangement.party_agreed")
def _party_agreed(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    conn.execute(
        update(arrangement_parties)
        .where(
            (arrangement_parties.c.arrangement_id == d["arrangement_id"])
            & (arrangement_parties.c.organisation_id == d["by_organisation"])
        )
        .values(agreed=True, signatory=d["signatory"])
    )
    _touch(conn, arrangements, "arrangement_id", event)


@projections.on("cj_arrangement.came_into_force")
def _in_force(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    _touch(
        conn, arrangements, "arrangement_id", event, status="in_force",
        in_force_from=date.fromisoformat(d["on_date"]),
    )


@projections.on("cj_arrangement.review_fell_due")
def _review_due(conn: Connection, event: RecordedEvent) -> None:
    _touch(conn, arrangements, "arrangement_id", event, status="review_due")


@projections.on("cj_arrangement.reviewed")
def _reviewed(conn: Connection, event: RecordedEvent) -> None:
    _touch(
        conn, arrangements, "arrangement_id", event, status="in_force",
        last_reviewed_on=date.fromisoformat(event.data["reviewed_on"]),
        review_on=date.fromisoformat(event.data["next_review_on"]),
    )


@projections.on("cj_arrangement.terms_varied")
def _varied(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    status = conn.execute(
        select(arrangements.c.status).where(arrangements.c.arrangement_id == d["arrangement_id"])
    ).scalar_one()
    _parties(conn, d["arrangement_id"], d["parties"])
    _touch(
        conn, arrangements, "arrangement_id", event, title=d["title"],
        status="drafted" if status == "drafted" else "varied",
        review_on=date.fromisoformat(d["review_on"]),
    )


@projections.on("cj_arrangement.ended")
def _ended(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    _touch(
        conn, arrangements, "arrangement_id", event, status="ended",
        ended_on=date.fromisoformat(d["on_date"]), policing_body_id=d["by_organisation"],
    )


# -- governance transfer ----------------------------------------------------------------------


@projections.on("police_area.governance_took_effect")
def _governance_took_effect(conn: Connection, event: RecordedEvent) -> None:
    # Open records pass to the successor body; finished ones keep the office that acted.
    d = event.data
    area, successor = d["area_id"], d["to_organisation_id"]
    for table, still_open in (
        (decisions, decisions.c.finalised.is_(False)),
        (plans, plans.c.retired.is_(False)),
        (arrangements, arrangements.c.status != "ended"),
    ):
        conn.execute(
            update(table)
            .where((table.c.area_id == area) & still_open)
            .values(policing_body_id=successor)
        )


# -- open records passed to successors ---------------------------------------------------------


@projections.on("priority.passed_to_successor", "reciprocal_regard.passed_to_successor")
def _passed_on(conn: Connection, event: RecordedEvent) -> None:
    # The record's own history says who keeps it now: its authority's successor, or its
    # CSP's (a reorganisation, a combination or its termination; DOMAIN.md).
    table, key = (
        (priorities, "priority_id") if event.type.startswith("priority.")
        else (strategy_regards, "regard_id")
    )
    _touch(conn, table, key, event, organisation_id=event.data["organisation_id"],
           csp_id=event.data.get("csp_id"))
