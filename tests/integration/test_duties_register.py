"""The Section 10 duty register through the handlers on SQLite and PostgreSQL: who may do what,
gaps and devolved functions in the read models, conflicts, published schemas, governance."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from hub.access.policy import SYSTEM, Actor
from hub.bootstrap import Hub
from hub.domain import directory, duties
from hub.domain.duties_errors import InvalidDutyInput
from hub.domain.errors import DomainError
from hub.events import ConcurrencyConflict, StreamRef
from hub.events.envelope import RecordedEvent
from hub.handlers import duties as handlers
from hub.projections.duties import (
    arrangement_parties,
    arrangements,
    decision_priorities,
    decisions,
    priorities,
    strategy_objectives,
    strategy_regards,
)
from hub.service import handle
from schemas.commands import directory as directory_cmd
from tests.conftest import DemoCopy, HubFactory
from tests.integration.test_reports_roles import assert_valid_against_published_schema

LEICS, DP = "leicestershire", "dyfed-powys"


def actor(organisation: str, area: str) -> Actor:
    return Actor(user_id=f"user-of-{organisation}", organisation_id=organisation,
                 area_ids=frozenset({area}))


OPCC = actor("leicestershire-opcc", LEICS)
CITY = actor("leicester-city-council", LEICS)
POLICE = actor("leicestershire-police", LEICS)
RUTLAND = actor("rutland-county-council", LEICS)
CPS = actor("cps-east-midlands", LEICS)
YOT = actor("leicestershire-yot", LEICS)
DP_OPCC = actor("dyfed-powys-opcc", DP)
POWYS_HB = actor("powys-teaching-hb", DP)
DP_POLICE = actor("dyfed-powys-police", DP)
SOURCE = {"kind": "strategic_assessment", "title": "Strategic assessment 2026"}
OBJECTIVES = [
    {"objective_id": "safer-streets", "title": "Safer streets"},
    {"objective_id": "victims-first", "title": "Victims first"},
]


@pytest.fixture
def demo_hub(make_hub: HubFactory, demo_copy: DemoCopy) -> Hub:
    """A hub with the demo's directory loaded."""
    return make_hub(database_url=demo_copy(records=False))


def period(hub: Hub) -> dict[str, date]:
    today = duties.london_date(hub.clock())
    return {"starts_on": today - timedelta(days=30), "ends_on": today + timedelta(days=700)}


def refused(outcome: tuple[int, str], call: Any) -> None:
    with pytest.raises(DomainError) as caught:
        call()
    assert (caught.value.status, caught.value.code) == outcome


def rows(hub: Hub, table: Any, **where: Any) -> list[dict[str, Any]]:
    query = select(table).where(*(table.c[k] == v for k, v in where.items()))
    with hub.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def stream(hub: Hub, record: Any, key: str) -> list[RecordedEvent]:
    return hub.store.read_stream(StreamRef.of(record.stream_type, key).id)


def register(hub: Hub, who: Actor, **fields: Any) -> str:
    fields = {"theme": "serious_violence", "title": "Knife crime", "source": SOURCE,
              "period": period(hub), **fields}
    return handlers.register_priority(hub, who, **fields).id


def test_responsible_authorities_keep_their_own_versioned_priorities(demo_hub: Hub) -> None:
    hub = demo_hub
    key = register(hub, CITY, csp_id="safer-leicester")
    handlers.revise_priority(
        hub, CITY, key, theme="crime_and_disorder", title="Knife crime and ASB", source=SOURCE,
        period=period(hub), expected_version=1,
    )
    [row] = rows(hub, priorities, priority_id=key)
    assert (row["revision"], row["version"], row["theme"]) == (2, 2, "crime_and_disorder")
    with pytest.raises(ConcurrencyConflict):
        handlers.retire_priority(hub, CITY, key, expected_version=1)
    refused((403, "priority.not_owner"), lambda: handlers.retire_priority(hub, POLICE, key))
    handlers.retire_priority(hub, CITY, key, reason="Achieved", expected_version=2)
    refused((409, "priority.retired"), lambda: handlers.retire_priority(hub, CITY, key))
    events = stream(hub, duties.PRIORITY, key)
    assert events[0].workspaces == ("area-leicestershire", "csp-safer-leicester")
    assert_valid_against_published_schema(events)


def test_only_responsible_authorities_register_priorities(demo_hub: Hub) -> None:
    hub = demo_hub
    refused((403, "priority.not_responsible_authority"),
            lambda: register(hub, RUTLAND, csp_id="safer-leicester"))
    refused((403, "priority.not_responsible_authority"), lambda: register(hub, OPCC))
    refused((404, "record.not_found"), lambda: register(hub, DP_POLICE, area_id=LEICS))
    assert register(hub, POLICE)  # the police are an authority of every Leicestershire CSP
    invalid = {"title": ""}
    with pytest.raises(InvalidDutyInput) as caught:
        register(hub, CITY, **invalid)
    assert caught.value.errors[0]["field"] == "title"


def test_devolved_functions_are_outside_the_duty_not_gaps(demo_hub: Hub) -> None:
    hub = demo_hub
    refused((422, "priority.devolved_outside_wales"),
            lambda: register(hub, CITY, devolved_function=True))
    devolved = register(hub, POWYS_HB, theme="substance_misuse", title="Treatment waits",
                        devolved_function=True, csp_id="powys-csp")
    reserved = register(hub, DP_POLICE, title="Night-time violence")
    decision = handlers.record_decision(hub, DP_OPCC, kind="commissioning", title="Victims").id
    outcomes = {r["priority_id"]: r["outcome"]
                for r in rows(hub, decision_priorities, decision_id=decision)}
    assert outcomes == {devolved: "outside_duty", reserved: "unconsidered"}
    assert rows(hub, decisions, decision_id=decision)[0]["unconsidered"] == 1
    handlers.note_regard(hub, DP_OPCC, decision, priority_id=reserved, note="Funds night buses")
    handlers.finalise_decision(hub, DP_OPCC, decision)
    [row] = rows(hub, decisions, decision_id=decision)
    assert (row["finalised"], row["unconsidered"]) == (True, 0)


def test_a_decision_shows_its_gaps_and_is_finalised_only_with_reasons(demo_hub: Hub) -> None:
    hub = demo_hub
    violence = register(hub, CITY, csp_id="safer-leicester")
    reoffending = register(hub, POLICE, theme="reoffending", title="Prolific offenders")
    refused((403, "access.not_policing_body"),
            lambda: handlers.record_decision(hub, CITY, kind="grant", title="Grant"))
    refused((404, "record.not_found"),
            lambda: handlers.record_decision(hub, DP_OPCC, kind="grant", title="Grant",
                                             area_id=LEICS))
    decision = handlers.record_decision(hub, OPCC, kind="grant", title="CDR grant").id
    handlers.note_regard(hub, OPCC, decision, priority_id=violence, note="Funds knife work")
    gaps = {r["priority_id"]: r["outcome"]
            for r in rows(hub, decision_priorities, decision_id=decision)}
    assert gaps == {violence: "considered", reoffending: "unconsidered"}

    refused((422, "regard.priorities_unconsidered"),
            lambda: handlers.finalise_decision(hub, OPCC, decision))
    late = register(hub, CITY, theme="substance_misuse", title="Alcohol harm")
    refused((422, "regard.priorities_unconsidered"), lambda: handlers.finalise_decision(
        hub, OPCC, decision, reasons={reoffending: "Probation funds this"}))
    handlers.finalise_decision(
        hub, OPCC, decision,
        reasons={reoffending: "Probation funds this", late: "Registered after the decision"},
    )
    register_view = handlers.decision_register(hub, decision, area_ids={LEICS})
    assert (register_view["finalised"], register_view["unconsidered"]) == (True, 0)
    outcomes = {r["priority_id"]: (r["outcome"], r["note"], r["reason"])
                for r in register_view["priorities"]}
    assert outcomes == {
        violence: ("considered", "Funds knife work", None),
        reoffending: ("reasoned", None, "Probation funds this"),
        late: ("reasoned", None, "Registered after the decision"),
    }
    refused((404, "record.not_found"),
            lambda: handlers.decision_register(hub, decision, area_ids={DP}))
    refused((409, "regard.decision_finalised"), lambda: handlers.note_regard(
        hub, OPCC, decision, priority_id=violence, note="again"))
    assert_valid_against_published_schema(stream(hub, duties.REGARD_DECISION, decision))


def test_authorities_record_regard_to_the_plans_objectives(demo_hub: Hub) -> None:
    hub = demo_hub
    refused((403, "access.not_policing_body"), lambda: handlers.record_plan(
        hub, CITY, title="Plan", period=period(hub), objectives=OBJECTIVES))
    plan = handlers.record_plan(hub, OPCC, title="Police and Crime Plan", period=period(hub),
                                objectives=OBJECTIVES).id
    refused((403, "reciprocal_regard.not_responsible_authority"),
            lambda: handlers.record_strategy_regard(
                hub, RUTLAND, plan_id=plan, csp_id="safer-leicester",
                strategy={"kind": "partnership_plan", "title": "Safer Leicester plan"}))
    regard = handlers.record_strategy_regard(
        hub, CITY, plan_id=plan, csp_id="safer-leicester",
        strategy={"kind": "partnership_plan", "title": "Safer Leicester plan"},
    ).id
    handlers.note_objective_regard(hub, CITY, regard, objective_id="safer-streets", note="Yes")
    refused((403, "reciprocal_regard.not_owner"), lambda: handlers.note_objective_regard(
        hub, POLICE, regard, objective_id="victims-first", note="x"))
    handlers.revise_plan(hub, OPCC, plan, title="Police and Crime Plan", period=period(hub),
                         objectives=[*OBJECTIVES, {"objective_id": "prevent", "title": "Prevent"}])
    refused((422, "reciprocal_regard.objectives_unconsidered"),
            lambda: handlers.finalise_strategy_regard(
                hub, CITY, regard, reasons={"victims-first": "For the LCJB"}))
    handlers.note_objective_regard(hub, CITY, regard, objective_id="prevent", note="Our focus")
    handlers.finalise_strategy_regard(hub, CITY, regard, reasons={"victims-first": "LCJB's"})
    outcomes = {r["objective_id"]: r["outcome"]
                for r in rows(hub, strategy_objectives, regard_id=regard)}
    assert outcomes == {"safer-streets": "considered", "victims-first": "reasoned",
                        "prevent": "considered"}
    [row] = rows(hub, strategy_regards, regard_id=regard)
    assert (row["finalised"], row["plan_revision"]) == (True, 2)
    assert_valid_against_published_schema(stream(hub, duties.RECIPROCAL_REGARD, regard))


def test_arrangements_are_agreed_by_each_named_criminal_justice_body(demo_hub: Hub) -> None:
    hub = demo_hub
    review_on = duties.london_date(hub.clock()) + timedelta(days=365)
    draft: dict[str, Any] = {
        "title": "LCJB terms", "terms": "Meet quarterly", "review_on": review_on,
    }
    refused((422, "cj_arrangement.not_criminal_justice_body"), lambda: handlers.draft_arrangement(
        hub, OPCC, party_ids=["leicestershire-police", "leicester-city-council"], **draft))
    refused((403, "access.not_policing_body"), lambda: handlers.draft_arrangement(
        hub, POLICE, party_ids=["leicestershire-police"], **draft))
    key = handlers.draft_arrangement(
        hub, OPCC, party_ids=["leicestershire-police", "cps-east-midlands"], **draft
    ).id
    refused((403, "cj_arrangement.not_a_party"),
            lambda: handlers.agree_arrangement(hub, YOT, key, signatory="Head of YOT"))
    refused((404, "record.not_found"),
            lambda: handlers.agree_arrangement(hub, DP_POLICE, key, signatory="x"))
    handlers.agree_arrangement(hub, POLICE, key, signatory="ACC Justice")
    assert rows(hub, arrangements, arrangement_id=key)[0]["status"] == "drafted"
    handlers.agree_arrangement(hub, CPS, key, signatory="Chief Crown Prosecutor")
    [row] = rows(hub, arrangements, arrangement_id=key)
    assert (row["status"], row["review_on"]) == ("in_force", review_on)
    assert {p["organisation_id"] for p in rows(hub, arrangement_parties, arrangement_id=key)
            if p["agreed"]} == {"leicestershire-police", "cps-east-midlands"}
    refused((409, "cj_arrangement.not_awaiting_agreement"),
            lambda: handlers.agree_arrangement(hub, CPS, key, signatory="again"))
    handlers.vary_arrangement(hub, OPCC, key, title="LCJB terms", terms="Monthly",
                              party_ids=["leicestershire-police", "cps-east-midlands",
                                         "leicestershire-yot"], review_on=review_on,
                              reason="Add youth justice")
    assert rows(hub, arrangements, arrangement_id=key)[0]["status"] == "varied"
    for party, name in ((POLICE, "ACC"), (CPS, "CCP"), (YOT, "Head of YOT")):
        handlers.agree_arrangement(hub, party, key, signatory=name)
    assert rows(hub, arrangements, arrangement_id=key)[0]["status"] == "in_force"
    refused((409, "cj_arrangement.not_in_force"), lambda: handlers.review_arrangement(
        hub, OPCC, handlers.draft_arrangement(
            hub, OPCC, party_ids=["cps-east-midlands"], **draft).id,
        outcome="x", next_review_on=review_on))
    handlers.end_arrangement(hub, OPCC, key, reason="Replaced")
    refused((409, "cj_arrangement.ended"), lambda: handlers.end_arrangement(hub, OPCC, key))
    assert_valid_against_published_schema(stream(hub, duties.CJ_ARRANGEMENT, key))


def test_after_governance_passes_open_duty_records_pass_to_the_successor(demo_hub: Hub) -> None:
    hub = demo_hub
    register(hub, CITY, csp_id="safer-leicester")
    finished = handlers.record_decision(hub, OPCC, kind="budget", title="Budget").id
    handlers.finalise_decision(hub, OPCC, finished, reasons={
        r["priority_id"]: "Not relevant to the budget"
        for r in rows(hub, decision_priorities, decision_id=finished)
    })
    draft = handlers.record_decision(hub, OPCC, kind="plan", title="Plan").id
    mayor = "leicestershire-mayor-office"
    handle(hub, directory.ORGANISATION, mayor, directory_cmd.RegisterOrganisation(
        organisation_id=mayor, name="Office of the Mayor", kind="policing_body_office",
        area_ids=[LEICS], country="england",
    ), SYSTEM)
    handle(hub, directory.POLICE_AREA, LEICS, directory_cmd.TransferGovernance(
        area_id=LEICS, to_organisation_id=mayor, kind="mayor",
        on_date=duties.london_date(hub.clock()),
    ), SYSTEM)
    assert rows(hub, decisions, decision_id=draft)[0]["policing_body_id"] == mayor
    assert rows(hub, decisions, decision_id=finished)[0]["policing_body_id"] == OPCC.organisation_id
    refused((403, "access.not_policing_body"),
            lambda: handlers.finalise_decision(hub, OPCC, draft, reasons={}))
    pending = [r["priority_id"] for r in rows(hub, decision_priorities, decision_id=draft)]
    handlers.finalise_decision(hub, actor(mayor, LEICS), draft,
                               reasons=dict.fromkeys(pending, "Set by the new mayor"))
    assert rows(hub, decisions, decision_id=draft)[0]["finalised"]
