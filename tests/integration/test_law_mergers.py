"""Combinations through the handlers on SQLite and PostgreSQL: a combined CSP spanning two
police areas belongs to each, and a terminated agreement takes effect on its date."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from hub.access.policy import SYSTEM
from hub.bootstrap import Hub
from hub.handlers import meetings as meeting_handlers
from hub.handlers import mergers as h
from hub.handlers import reports as report_handlers
from hub.projections.directory import csps
from hub.projections.mergers import get_merger
from hub.projections.reports import report_requests
from hub.queries.directory import csp_ids_of_area, csps_of
from schemas.events.mergers import HOME_SECRETARY
from tests.integration.test_mergers_service import (
    OFFICE,
    SIGN,
    _register_rushcliffe,
    actor,
    demo,
    propose,
)

__all__ = ["demo"]  # the fixture, shared with the merger service tests

LEICS, NOTTS = "leicestershire", "nottinghamshire"
EFFECTIVE = date(2027, 4, 1)


def _made_cross_force(hub: Hub) -> str:
    """Melton (Leicestershire) and Rushcliffe (Nottinghamshire) combined, the agreement made."""
    _register_rushcliffe(hub)
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

    # ... and call its authorities to reg 14A meetings, a Leicestershire council included.
    meeting = meeting_handlers.convene_meeting(
        demo, notts_office, kind="reg_14a", title="Serious violence across the border",
        purpose="Agree joint hotspots", starts_local=datetime(2027, 5, 4, 10, 0),
        ends_local=datetime(2027, 5, 4, 12, 0), place="Rushcliffe Arena",
        invitations=[{"organisation_id": "melton-council", "required": True}],
    )
    assert meeting.id
