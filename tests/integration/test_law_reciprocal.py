"""Reciprocal regard (CDA s.6(1A)) through the handlers on SQLite and PostgreSQL: a Welsh
authority marks an objective devolved, and the register shows it outside the duty."""

from __future__ import annotations

from hub.bootstrap import Hub
from hub.handlers import duties as handlers
from hub.projections.duties import strategy_objectives, strategy_regards
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
