"""Demo Section 10 register: priorities, the plan, decisions, reciprocal regard, arrangements.

Leicestershire has every state: priorities current, revised and retired; a decision with
gaps, one fully considered and one finalised with a written reason; an authority's regard to
the plan; and criminal justice arrangements drafted, in force, review due, reviewed, varied
and ended. Dyfed-Powys shows Wales: a health board's devolved priority is outside the duty and
its decision has no gap for it. Keys are fixed, so loading twice appends nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

from pydantic import BaseModel

from hub.access.policy import SYSTEM, Actor
from hub.demo.areas import office_id
from hub.demo.partnerships import DEMO_AREAS
from hub.domain.duties import (
    CJ_ARRANGEMENT,
    POLICE_CRIME_PLAN,
    PRIORITY,
    RECIPROCAL_REGARD,
    REGARD_DECISION,
)
from hub.domain.record import RecordType
from schemas.commands import duties as cmd
from schemas.events.directory import Country
from schemas.events.duties import (
    DecisionKind,
    Objective,
    Party,
    Period,
    PriorityRef,
    PriorityTheme,
    Reason,
    SourceDocument,
    SourceKind,
)

Step = tuple[RecordType[Any], str, BaseModel, Actor]

LEICS, DP = "leicestershire", "dyfed-powys"


class _Priority(NamedTuple):
    key: str
    area_id: str
    organisation_id: str
    csp_id: str | None
    theme: PriorityTheme
    title: str
    devolved: bool = False


PRIORITIES = (
    _Priority(
        "demo-leicester-serious-violence", LEICS, "leicester-city-council", "safer-leicester",
        PriorityTheme.SERIOUS_VIOLENCE, "Reduce knife crime among under-25s",
    ),
    _Priority(
        "demo-leicester-asb", LEICS, "leicester-city-council", "safer-leicester",
        PriorityTheme.CRIME_AND_DISORDER, "Tackle anti-social behaviour in the city centre",
    ),
    _Priority(
        "demo-county-substance-misuse", LEICS, "leicestershire-county-council", None,
        PriorityTheme.SUBSTANCE_MISUSE, "Reduce alcohol-related harm in market towns",
    ),
    _Priority(
        "demo-probation-reoffending", LEICS, "probation-east-midlands", None,
        PriorityTheme.REOFFENDING, "Cut reoffending by prolific offenders",
    ),
    _Priority(
        "demo-powys-substance-misuse", DP, "powys-teaching-hb", "powys-csp",
        PriorityTheme.SUBSTANCE_MISUSE, "Substance misuse treatment waiting times", True,
    ),
    _Priority(
        "demo-dp-police-violence", DP, "dyfed-powys-police", None,
        PriorityTheme.SERIOUS_VIOLENCE, "Reduce violence in the night-time economy",
    ),
)
RETIRED = "demo-county-substance-misuse"
REVISED = "demo-leicester-asb"

OBJECTIVES = [
    Objective(objective_id="safer-streets", title="Safer streets and town centres"),
    Objective(objective_id="victims-first", title="Victims at the heart of justice"),
    Objective(objective_id="prevent-harm", title="Preventing harm to children and young people"),
    Objective(objective_id="effective-justice", title="An efficient and effective justice system"),
]


def _csps_of(organisation_id: str, area_id: str) -> list[str]:
    demo = next(d for d in DEMO_AREAS if d.area_id == area_id)
    return [p.csp_id for p in demo.partnerships if organisation_id in p.authorities]


def _country(area_id: str) -> Country:
    return Country(next(d.country for d in DEMO_AREAS if d.area_id == area_id))


def _step(record: RecordType[Any], key: str, command: BaseModel) -> Step:
    return record, key, command, SYSTEM


def _priorities(on: date) -> Iterator[Step]:
    period = Period(starts_on=on - timedelta(days=90), ends_on=on + timedelta(days=640))
    source = SourceDocument(kind=SourceKind.STRATEGIC_ASSESSMENT, title="Strategic assessment 2025")
    for p in PRIORITIES:
        yield _step(PRIORITY, p.key, cmd.RegisterPriority(
            priority_id=p.key, by_organisation=p.organisation_id, area_id=p.area_id,
            csp_id=p.csp_id, theme=p.theme, title=p.title, source=source, period=period,
            devolved_function=p.devolved, country=_country(p.area_id),
            serves_csps=_csps_of(p.organisation_id, p.area_id),
        ))
    asb = next(p for p in PRIORITIES if p.key == REVISED)
    yield _step(PRIORITY, REVISED, cmd.RevisePriority(
        priority_id=REVISED, by_organisation=asb.organisation_id, theme=asb.theme,
        title="Tackle anti-social behaviour in the city centre and on public transport",
        source=SourceDocument(
            kind=SourceKind.PARTNERSHIP_PLAN, title="Safer Leicester Partnership Plan 2025-28"
        ),
        period=period, country=Country.ENGLAND,
    ))
    yield _step(PRIORITY, RETIRED, cmd.RetirePriority(
        priority_id=RETIRED, by_organisation="leicestershire-county-council",
        reason="Merged into the county's substance misuse strategy.",
    ))


def _refs(area_id: str) -> list[PriorityRef]:
    # The priorities current in the area once the demo's revision and retirement are applied.
    return [
        PriorityRef(
            priority_id=p.key, revision=2 if p.key == REVISED else 1,
            organisation_id=p.organisation_id, title=p.title, theme=p.theme,
            devolved_function=p.devolved,
        )
        for p in PRIORITIES
        if p.area_id == area_id and p.key != RETIRED
    ]


def _decision(key: str, area_id: str, kind: DecisionKind, title: str, on: date) -> Step:
    office = office_id(area_id)
    return _step(REGARD_DECISION, key, cmd.RecordDecision(
        decision_id=key, by_organisation=office, area_id=area_id, kind=kind, title=title,
        decided_on=on, policing_body_id=office, priorities=_refs(area_id),
    ))


def _notes(key: str, area_id: str, skip: Collection[str] = ()) -> Iterator[Step]:
    office = office_id(area_id)
    for ref in _refs(area_id):
        if ref.devolved_function or ref.priority_id in skip:
            continue
        yield _step(REGARD_DECISION, key, cmd.NoteRegard(
            decision_id=key, by_organisation=office, policing_body_id=office, priority=ref,
            priority_area_id=area_id,
            note=f"Considered: the decision funds work that supports '{ref.title}'.",
        ))


def _finalise(key: str, area_id: str, reasons: list[Reason] | None = None) -> Step:
    office = office_id(area_id)
    return _step(REGARD_DECISION, key, cmd.FinaliseDecision(
        decision_id=key, by_organisation=office, policing_body_id=office,
        priorities=_refs(area_id), reasons=reasons or [],
    ))


def _decisions(on: date) -> Iterator[Step]:
    plan = "demo-leics-plan-decision"
    yield _decision(plan, LEICS, DecisionKind.PLAN, "Police and Crime Plan 2025-2029", on)
    yield from _notes(plan, LEICS)
    yield _finalise(plan, LEICS)
    grant = "demo-leics-grant-decision"
    title = "Crime and disorder reduction grant to CSPs"
    yield _decision(grant, LEICS, DecisionKind.GRANT, title, on)
    yield from _notes(grant, LEICS, skip={"demo-probation-reoffending"})
    yield _finalise(grant, LEICS, [Reason(
        item_id="demo-probation-reoffending",
        reason="The grant funds CSP prevention work; reoffending is funded by the separate "
        "commissioning decision.",
    )])
    draft = "demo-leics-budget-decision"
    yield _decision(draft, LEICS, DecisionKind.BUDGET, "Budget and precept 2026/27", on)
    yield from _notes(draft, LEICS, skip={"demo-leicester-asb", "demo-probation-reoffending"})
    welsh = "demo-dp-commissioning-decision"
    yield _decision(welsh, DP, DecisionKind.COMMISSIONING, "Victim services commissioning", on)
    yield from _notes(welsh, DP)
    yield _finalise(welsh, DP)


def _plan_and_regard(on: date) -> Iterator[Step]:
    office = office_id(LEICS)
    plan = "demo-leics-police-crime-plan"
    period = Period(starts_on=on - timedelta(days=200), ends_on=on + timedelta(days=1200))
    yield _step(POLICE_CRIME_PLAN, plan, cmd.RecordPlan(
        plan_id=plan, by_organisation=office, area_id=LEICS, policing_body_id=office,
        title="Police and Crime Plan 2025-2029", period=period, objectives=OBJECTIVES,
    ))
    for key, organisation, csp, strategy, finalised in (
        ("demo-leicester-regard", "leicester-city-council", "safer-leicester",
         "Safer Leicester Partnership plan 2025-28", True),
        ("demo-rutland-regard", "rutland-county-council", "safer-rutland",
         "Safer Rutland Partnership plan 2025-28", False),
    ):
        yield _step(RECIPROCAL_REGARD, key, cmd.RecordStrategyRegard(
            regard_id=key, by_organisation=organisation, area_id=LEICS, csp_id=csp,
            strategy=SourceDocument(
                kind=SourceKind.PARTNERSHIP_PLAN, title=strategy
            ),
            plan_id=plan, plan_revision=1, objectives=OBJECTIVES,
            serves_csps=_csps_of(organisation, LEICS),
        ))
        for objective in OBJECTIVES[:3]:
            yield _step(RECIPROCAL_REGARD, key, cmd.NoteObjectiveRegard(
                regard_id=key, by_organisation=organisation, objective_id=objective.objective_id,
                note=f"The plan's '{objective.title}' shaped our priorities.",
            ))
        if finalised:
            yield _step(RECIPROCAL_REGARD, key, cmd.FinaliseStrategyRegard(
                regard_id=key, by_organisation=organisation, plan_revision=1,
                objectives=OBJECTIVES, reasons=[Reason(
                    item_id="effective-justice",
                    reason="Justice system efficiency is for the Local Criminal Justice Board.",
                )],
            ))


_LEICS_PARTIES = [
    Party(organisation_id="leicestershire-police", kind="police_force"),
    Party(organisation_id="cps-east-midlands", kind="cps"),
    Party(organisation_id="probation-east-midlands", kind="probation_provider"),
    Party(organisation_id="leicestershire-yot", kind="youth_offending_team"),
]
_AREA_POLICE = {LEICS: ["leicestershire-police"], DP: ["dyfed-powys-police"]}
"""Each demo area's own force: the police party to its arrangements (s.10(3))."""
_COUNTY_YJS = Party(organisation_id="leicestershire-county-yjs", kind="youth_offending_team")
_DP_PARTIES = [
    Party(organisation_id="dyfed-powys-police", kind="police_force"),
    Party(organisation_id="probation-wales", kind="probation_provider"),
]


def _arrangement(
    key: str,
    area_id: str,
    title: str,
    parties: list[Party],
    review_on: date,
    stages: str,
    devolved: bool = False,
) -> Iterator[Step]:
    office = office_id(area_id)

    def step(command: BaseModel) -> Step:
        return _step(CJ_ARRANGEMENT, key, command)

    yield step(cmd.DraftArrangement(
        arrangement_id=key, by_organisation=office, area_id=area_id, title=title,
        terms="The Local Criminal Justice Board's terms of reference and information sharing "
        "protocol.", review_on=review_on, parties=parties, policing_body_id=office,
        country=_country(area_id), devolved_function=devolved,
        area_police=_AREA_POLICE[area_id],
    ))
    for stage in stages.split():
        if stage == "agree":
            for party in parties:
                yield step(cmd.AgreeArrangement(
                    arrangement_id=key, by_organisation=party.organisation_id,
                    signatory="Head of Criminal Justice",
                ))
        elif stage == "due":
            yield step(cmd.MarkArrangementReviewDue(arrangement_id=key, review_on=review_on))
        elif stage == "review":
            yield step(cmd.ReviewArrangement(
                arrangement_id=key, by_organisation=office, policing_body_id=office,
                outcome="Working well; no change needed.",
                next_review_on=review_on + timedelta(days=365),
            ))
        elif stage == "vary":
            # Leicester City's youth justice service is a party from the start; the variation
            # brings in Leicestershire County's.
            yield step(cmd.VaryArrangement(
                arrangement_id=key, by_organisation=office, policing_body_id=office,
                title=title,
                terms="Terms updated so that the protocol covers the county as well as the city.",
                parties=[*parties, _COUNTY_YJS], review_on=review_on + timedelta(days=365),
                area_police=_AREA_POLICE[area_id],
                reason="Leicestershire County Youth Justice Service becomes a party alongside "
                       "Leicester City's.",
            ))
        elif stage == "end":
            yield step(cmd.EndArrangement(
                arrangement_id=key, by_organisation=office, policing_body_id=office,
                reason="Replaced by the new board's terms.",
            ))


def _arrangements(on: date) -> Iterator[Step]:
    year = on + timedelta(days=365)
    for key, title, review_on, stages in (
        ("demo-leics-lcjb-draft", "LCJB terms of reference 2027", year, ""),
        ("demo-leics-lcjb", "LCJB terms of reference", year, "agree"),
        ("demo-leics-info-sharing", "Information sharing protocol", on, "agree due"),
        ("demo-leics-witness-care", "Witness care arrangements", on, "agree due review"),
        ("demo-leics-youth-justice", "Youth justice protocol", year, "agree vary"),
        ("demo-leics-old-lcjb", "LCJB terms of reference 2019", year, "agree end"),
    ):
        yield from _arrangement(key, LEICS, title, _LEICS_PARTIES, review_on, stages)
    yield from _arrangement(
        "demo-dp-lcjb", DP, "Dyfed-Powys LCJB terms", _DP_PARTIES, year, "agree"
    )
    yield from _arrangement(
        "demo-dp-victims", DP, "Victim services (devolved health elements)", _DP_PARTIES, year,
        "agree", devolved=True,
    )


def demo_commands(today: date | None = None) -> Iterator[Step]:
    """The demo's duty register, as (record, key, command, actor) steps."""
    on = today or datetime.now(UTC).date()
    yield from _priorities(on)
    yield from _decisions(on)
    yield from _plan_and_regard(on)
    yield from _arrangements(on)
