"""The duty register's corrections through the handlers on SQLite and PostgreSQL: a Welsh
authority marks an objective devolved (CDA s.6(1A)) and the register shows it outside the
duty; the police party to criminal justice arrangements is the area's own force (s.10(3))."""

from __future__ import annotations

from hub.access.policy import SYSTEM
from hub.bootstrap import Hub
from hub.domain import directory
from hub.handlers import duties as handlers
from hub.projections.duties import strategy_objectives, strategy_regards
from hub.service import handle
from schemas.commands import directory as dcmd
from tests.integration.test_duties_register import (
    CITY,
    DP_OPCC,
    OBJECTIVES,
    OPCC,
    POWYS_HB,
    demo_hub,
    period,
    refused,
    rows,
)

__all__ = ["demo_hub"]  # the fixture, shared with the duty register tests


def test_a_welsh_authority_marks_an_objective_devolved_and_it_is_no_gap(demo_hub: Hub) -> None:
    hub = demo_hub
    plan = handlers.record_plan(hub, DP_OPCC, title="Police and Crime Plan",
                                period=period(hub), objectives=OBJECTIVES).id
    regard = handlers.record_strategy_regard(
        hub, POWYS_HB, plan_id=plan, csp_id="powys-csp",
        strategy={"kind": "partnership_plan", "title": "Powys community safety plan"},
    ).id
    handlers.note_objective_regard(hub, POWYS_HB, regard, objective_id="safer-streets",
                                   note="Shaped our substance misuse work")
    handlers.mark_objective_devolved(hub, POWYS_HB, regard, objective_id="victims-first")
    assert rows(hub, strategy_regards, regard_id=regard)[0]["unconsidered"] == 0
    outcomes = {r["objective_id"]: r["outcome"]
                for r in rows(hub, strategy_objectives, regard_id=regard)}
    assert outcomes == {"safer-streets": "considered", "victims-first": "outside_duty"}
    handlers.finalise_strategy_regard(hub, POWYS_HB, regard)
    outcomes = {r["objective_id"]: r["outcome"]
                for r in rows(hub, strategy_objectives, regard_id=regard)}
    assert outcomes == {"safer-streets": "considered", "victims-first": "outside_duty"}


def test_an_english_authority_cannot_mark_an_objective_devolved(demo_hub: Hub) -> None:
    hub = demo_hub
    plan = handlers.record_plan(hub, OPCC, title="Police and Crime Plan", period=period(hub),
                                objectives=OBJECTIVES).id
    regard = handlers.record_strategy_regard(
        hub, CITY, plan_id=plan, csp_id="safer-leicester",
        strategy={"kind": "partnership_plan", "title": "Safer Leicester plan"},
    ).id
    refused((422, "reciprocal_regard.devolved_outside_wales"),
            lambda: handlers.mark_objective_devolved(hub, CITY, regard,
                                                     objective_id="victims-first"))


def test_the_police_party_to_arrangements_is_the_chief_officer_for_that_area(
    demo_hub: Hub,
) -> None:
    # A force registered in the area but not of it (here, one serving two areas) is refused.
    handle(demo_hub, directory.ORGANISATION, "east-midlands-force", dcmd.RegisterOrganisation(
        organisation_id="east-midlands-force", name="A force serving two areas",
        kind="police_force", area_ids=["nottinghamshire", "leicestershire"], country="england",
    ), SYSTEM)
    review_on = period(demo_hub)["ends_on"]
    refused((422, "cj_arrangement.police_party_not_of_area"),
            lambda: handlers.draft_arrangement(
                demo_hub, OPCC, title="LCJB terms", terms="Quarterly", review_on=review_on,
                party_ids=["east-midlands-force", "cps-east-midlands"]))
    assert handlers.draft_arrangement(
        demo_hub, OPCC, title="LCJB terms", terms="Quarterly", review_on=review_on,
        party_ids=["leicestershire-police", "cps-east-midlands"]).id
