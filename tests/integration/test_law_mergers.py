"""Combinations through the handlers on SQLite and PostgreSQL: a combined CSP spanning two
police areas belongs to each, and a terminated agreement takes effect on its date."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from hub.access.accounts import Role
from hub.access.policy import SYSTEM
from hub.bootstrap import Hub
from hub.domain import directory
from hub.domain.duties_errors import NotPriorityOwner
from hub.domain.mergers import NotMade, successor_csp_id
from hub.events import StreamRef
from hub.handlers import duties as duty_handlers
from hub.handlers import meetings as meeting_handlers
from hub.handlers import mergers as h
from hub.handlers import reorganisation
from hub.handlers import reports as report_handlers
from hub.projections.directory import csps, workspaces
from hub.projections.duties import priorities
from hub.projections.mergers import get_merger
from hub.projections.reports import report_requests
from hub.queries.directory import csp_ids_of_area, csps_of
from hub.service import handle
from schemas.commands import directory as dcmd
from schemas.events.directory import Succession
from schemas.events.mergers import HOME_SECRETARY
from tests.clocks import HandClock
from tests.integration.test_duties_register import SOURCE, period, register
from tests.integration.test_mergers_service import (
    AUTHORITIES,
    OFFICE,
    SIGN,
    _register_rushcliffe,
    actor,
    demo,
    propose,
)
from tests.web import DEMO_PASSWORD, signed_in
from workers import mergers as jobs

__all__ = ["demo"]  # the fixture, shared with the merger service tests

LEICS, NOTTS = "leicestershire", "nottinghamshire"
EFFECTIVE, ENDS = date(2027, 4, 1), date(2028, 3, 31)


def _made_cross_force(hub: Hub) -> str:
    """Melton (Leicestershire) and Rushcliffe (Nottinghamshire) combined, the agreement made."""
    _register_rushcliffe(hub)
    # The other force's CSP is named through a workspace both offices share.
    handle(hub, directory.WORKSPACE, "csp-rushcliffe-csp", dcmd.CreateWorkspace(
        workspace_id="csp-rushcliffe-csp", name="Safer Rushcliffe", kind="csp",
        area_id=NOTTS, csp_id="rushcliffe-csp",
        members=["rushcliffe-council", "nottinghamshire-police", OFFICE, "nottinghamshire-opcc"],
    ), SYSTEM)
    merger_id = propose(hub, "melton-csp", "rushcliffe-csp", effective_date=EFFECTIVE,
                        cooperation_arrangements="A joint board of both commissioners")
    row = get_merger(hub.engine, SYSTEM, merger_id)
    for party in row["parties"]:
        if party["role"] == "responsible_authority" and not party["external"]:
            area = NOTTS if party["organisation_id"] in (
                "rushcliffe-council", "nottinghamshire-police") else LEICS
            h.consent_to_merger(hub, actor(party["organisation_id"], area), merger_id,
                                revision=1, **SIGN)
    h.consent_to_merger(hub, actor(OFFICE), merger_id, revision=1, **SIGN)
    h.consent_to_merger(hub, actor("nottinghamshire-opcc", NOTTS), merger_id, revision=1,
                        **SIGN)
    for party_id in ("notts-health-not-in-hub", HOME_SECRETARY):
        h.record_external_consent(hub, actor(OFFICE), merger_id, party_id=party_id,
                                  revision=1, **SIGN)
    assert get_merger(hub.engine, SYSTEM, merger_id)["status"] == "made"
    return merger_id


def test_a_combined_csp_spanning_two_police_areas_belongs_to_each(demo: Hub) -> None:
    merger_id = _made_cross_force(demo)
    demo.clock = lambda: datetime(2027, 4, 1, 9, 0, tzinfo=UTC)
    assert h.take_merger_effect(demo, merger_id, EFFECTIVE)
    combined = get_merger(demo.engine, SYSTEM, merger_id)["combined_csp_id"]
    with demo.engine.connect() as conn:
        row = conn.execute(select(csps).where(csps.c.csp_id == combined)).one()
        assert (row.area_id, row.other_area_ids) == (LEICS, [NOTTS])
        assert combined in csp_ids_of_area(conn, NOTTS)  # on Nottinghamshire's s.10 register
    notts_office = actor("nottinghamshire-opcc", NOTTS)
    assert combined in {c["csp_id"] for c in csps_of(demo.engine, notts_office)}

    # Each policing body may require its reports (CDA s.7(5)): the request is its area's.
    for office, area in ((notts_office, NOTTS), (actor(OFFICE), LEICS)):
        asked = report_handlers.require_report(
            demo, office, csp_id=combined, kind="informal", title="Shared hotspots",
            matters="Violence on the A606 corridor")
        with demo.engine.connect() as conn:
            request = conn.execute(select(report_requests).where(
                report_requests.c.request_id == asked.id)).one()
        assert (request.area_id, request.requester_id) == (area, office.organisation_id)

    # ... and call its authorities to reg 14A meetings, a Leicestershire council included
    # (invited through the combined CSP's workspace, which both offices belong to).
    meeting = meeting_handlers.convene_meeting(
        demo, notts_office, kind="reg_14a", title="Serious violence across the border",
        purpose="Agree joint hotspots", starts_local=datetime(2027, 5, 4, 10, 0),
        ends_local=datetime(2027, 5, 4, 12, 0), place="Rushcliffe Arena",
        invitations=[{"organisation_id": "melton-council", "required": True}],
        workspace_id=f"csp-{combined}",
    )
    assert meeting.id


def _everyone_consents(hub: Hub, merger_id: str, revision: int) -> None:
    for authority in AUTHORITIES:
        h.consent_to_merger(hub, actor(authority), merger_id, revision=revision, **SIGN)
    h.consent_to_merger(hub, actor(OFFICE), merger_id, revision=revision, **SIGN)


def _csp_row(hub: Hub, csp_id: str) -> Any:
    with hub.engine.connect() as conn:
        return conn.execute(select(csps).where(csps.c.csp_id == csp_id)).one()


def test_a_combination_passes_on_records_and_its_termination_takes_effect_on_its_date(
    demo: Hub,
) -> None:
    clock = HandClock(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    demo.clock = clock
    melton = actor("melton-council")
    priority = register(demo, melton, csp_id="melton-csp")
    open_request = report_handlers.require_report(
        demo, actor(OFFICE), csp_id="melton-csp", kind="informal", title="Rural crime",
        matters="Farm thefts").id
    merger_id = propose(demo, effective_date=EFFECTIVE)
    _everyone_consents(demo, merger_id, revision=1)
    clock.now = datetime(2027, 4, 1, 9, 0, tzinfo=UTC)
    assert h.take_merger_effect(demo, merger_id, EFFECTIVE)
    combined = get_merger(demo.engine, SYSTEM, merger_id)["combined_csp_id"]
    # On combination the ended CSPs' priorities and open s.7 requests pass to the combined CSP,
    # the priority in its own history.
    assert _value(demo, priorities, "priority_id", priority, "csp_id") == combined
    assert _passings(demo, priority) == [("melton-csp", combined, merger_id)]
    assert _value(demo, report_requests, "request_id", open_request, "csp_id") == combined

    h.propose_merger_termination(demo, actor(OFFICE), merger_id, ends_on=ENDS,
                                 reason="Each district wants its own partnership again")
    _everyone_consents(demo, merger_id, revision=2)
    assert get_merger(demo.engine, SYSTEM, merger_id)["status"] == "terminated"
    # Agreed, not yet in effect: nothing in the directory has changed, and a worker
    # starting re-arms the termination's job.
    assert _csp_row(demo, combined).valid_to is None
    assert jobs.resume_terminations(demo) == 1
    assert not h.take_termination_effect(demo, merger_id, ENDS)

    clock.now = datetime(2028, 3, 31, 9, 0, tzinfo=UTC)
    assert h.take_termination_effect(demo, merger_id, ENDS)
    assert h.take_termination_effect(demo, merger_id, ENDS), "once, however often it runs"
    assert get_merger(demo.engine, SYSTEM, merger_id)["status"] == "ended"
    assert _csp_row(demo, combined).valid_to == date(2028, 3, 30)
    melton_again = successor_csp_id("melton-csp", ENDS)
    row = _csp_row(demo, melton_again)
    assert (row.valid_from, row.valid_to, row.local_government_areas) == (ENDS, None, ["Melton"])
    assert "melton-council" in row.responsible_authorities
    assert "harborough-council" not in row.responsible_authorities
    harborough_again = _csp_row(demo, successor_csp_id("harborough-csp", ENDS))
    assert "harborough-council" in harborough_again.responsible_authorities
    # Melton's own priority passes on with it, and so does the open request first made to
    # Melton's CSP; the Melton CSP takes new requests again.
    assert _value(demo, priorities, "priority_id", priority, "csp_id") == melton_again
    assert _passings(demo, priority)[1:] == [(combined, melton_again, merger_id)]
    assert _value(demo, report_requests, "request_id", open_request, "csp_id") == melton_again
    asked = report_handlers.require_report(
        demo, actor(OFFICE), csp_id=melton_again, kind="informal", title="Rural crime again",
        matters="Farm thefts")
    assert asked.id
    with demo.engine.connect() as conn:
        space = conn.execute(select(workspaces).where(
            workspaces.c.workspace_id == f"csp-{melton_again}")).one()
        assert space.linked_from == [f"csp-{combined}"]


def _value(hub: Hub, table: Any, key: str, value: str, column: str) -> Any:
    with hub.engine.connect() as conn:
        return conn.execute(select(table.c[column]).where(table.c[key] == value)).scalar_one()


def _passings(hub: Hub, priority_id: str) -> list[tuple[str, str, str]]:
    return [(e.data["from_csp_id"], e.data["csp_id"], e.data["merger_id"])
            for e in hub.store.read_stream(StreamRef.of("priority", priority_id).id)
            if e.type == "priority.passed_to_successor"]


NEW_COUNCIL = "melton-harborough-council"


def test_a_reorganisation_ends_the_combined_csp_with_its_agreement_and_passes_on_its_duties(
    demo: Hub,
) -> None:
    clock = HandClock(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    demo.clock = clock
    merger_id = propose(demo, effective_date=EFFECTIVE)
    _everyone_consents(demo, merger_id, revision=1)
    clock.now = datetime(2027, 4, 1, 9, 0, tzinfo=UTC)
    assert h.take_merger_effect(demo, merger_id, EFFECTIVE)
    combined = get_merger(demo.engine, SYSTEM, merger_id)["combined_csp_id"]
    priority = register(demo, actor("melton-council"), csp_id=combined)
    handle(demo, directory.ORGANISATION, NEW_COUNCIL, dcmd.RegisterOrganisation(
        organisation_id=NEW_COUNCIL, name="Melton and Harborough Council",
        kind="unitary_council", area_ids=[LEICS], country="england"), SYSTEM)
    ends = [Succession(organisation_id=c, successor_ids=[NEW_COUNCIL]) for c in (
        "melton-council", "harborough-council", "leicestershire-county-council")]

    # The dry run names the agreement that will end, and the priority that will pass on.
    clock.now = datetime(2028, 4, 1, 9, 0, tzinfo=UTC)
    preview = reorganisation.preview_change(demo, SYSTEM, on_date=REORGANISED, ends=ends)
    assert preview["agreements_ending"] == [merger_id]
    assert priority in preview["records"]["priorities"]

    reorganisation.record_change(demo, SYSTEM, on_date=REORGANISED, ends=ends)
    arisen = f"{NEW_COUNCIL}-csp"
    assert _csp_row(demo, combined).succeeded_by == arisen
    # The agreement ended with its combined CSP, in its own history, once.
    row = get_merger(demo.engine, SYSTEM, merger_id)
    assert (row["status"], row["csp_ended_on"], row["succeeded_by_csp"], row["arose_for"]) == (
        "ended_with_csp", "2028-03-31", arisen, NEW_COUNCIL)
    ended = [e for e in demo.store.read_stream(StreamRef.of("merger", merger_id).id)
             if e.type == "merger.combined_csp_ended"]
    assert len(ended) == 1
    assert reorganisation.carry_out_change(demo, ended[0].data["change_id"], REORGANISED) == 0
    with pytest.raises(NotMade):
        h.propose_merger_termination(demo, actor(OFFICE), merger_id, ends_on=date(2029, 3, 31),
                                     reason="Too late")

    # The priority passed to the new council and its CSP: the successor revises it, the
    # ended council no longer can.
    assert (_value(demo, priorities, "priority_id", priority, "organisation_id"),
            _value(demo, priorities, "priority_id", priority, "csp_id")) == (NEW_COUNCIL, arisen)
    revision: dict[str, Any] = {"theme": "crime_and_disorder", "title": "Rural crime",
                                "source": SOURCE, "period": period(demo)}
    duty_handlers.revise_priority(demo, actor(NEW_COUNCIL), priority, **revision)
    demo.accounts.create_user(email="officer@leicestershire.example.org", name="Ada Officer",
                              organisation_id=OFFICE, role=Role.MEMBER, password=DEMO_PASSWORD)
    page = signed_in(demo, "officer@leicestershire.example.org").get(
        f"/records/priorities/{priority}").text
    assert "The priority “Rural crime” passed to Melton and Harborough Council" in page
    with pytest.raises(NotPriorityOwner):
        duty_handlers.revise_priority(demo, actor("melton-council"), priority, **revision)


REORGANISED = date(2028, 4, 1)
