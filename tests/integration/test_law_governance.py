"""A transfer of governance dated in the future changes nothing until its London date, through
the handlers and the scheduled switch, on SQLite and PostgreSQL with real Redis and RQ."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from hub.access.policy import SYSTEM, Actor, NotPolicingBody
from hub.bootstrap import Hub
from hub.domain import directory
from hub.events import StreamRef
from hub.handlers import reports as handlers
from hub.projections.directory import areas, terms
from hub.projections.reports import report_requests
from hub.service import handle
from schemas.commands import directory as dcmd
from tests.clocks import ShiftedClock
from tests.conftest import DemoCopy, HubFactory
from tests.integration.test_meetings_schedules import react, scheduled
from workers import governance
from workers.runtime import use_hub
from workers.scheduling import unschedule

LEICS, OPCC_ID, MAYOR_ID = "leicestershire", "leicestershire-opcc", "leicestershire-mayor"
TRANSFER_ON = date(2028, 5, 8)
RECORDED = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
LONDON_MIDNIGHT = datetime(2028, 5, 7, 23, 0, 1, tzinfo=UTC)  # just after 00:00 BST, 8 May


def staff(organisation_id: str) -> Actor:
    return Actor(user_id=f"u-{organisation_id}", organisation_id=organisation_id,
                 area_ids=frozenset({LEICS}))


@pytest.fixture
def clocked(make_hub: HubFactory, demo_copy: DemoCopy, redis_url: str) -> tuple[Hub, ShiftedClock]:
    """The demo directory on a clock in November 2026, with a queue of the test's own."""
    database = os.getpid() % 15 + 1
    hub = make_hub(database_url=demo_copy(records=False),
                   redis_url=f"{redis_url.rsplit('/', 1)[0]}/{database}",
                   queue_name=f"test-{uuid.uuid4().hex[:12]}")
    clock = ShiftedClock(RECORDED)
    hub.clock = clock
    use_hub(hub)
    react(hub)
    handle(hub, directory.ORGANISATION, MAYOR_ID, dcmd.RegisterOrganisation(
        organisation_id=MAYOR_ID, name="Office of the Mayor of Leicestershire",
        kind="policing_body_office", area_ids=[LEICS], country="england",
    ), SYSTEM)
    return hub, clock


def _holder(hub: Hub) -> str | None:
    with hub.engine.connect() as conn:
        return conn.execute(
            select(areas.c.policing_body_id).where(areas.c.area_id == LEICS)
        ).scalar_one()


def _requester(hub: Hub, request_id: str) -> str:
    with hub.engine.connect() as conn:
        return conn.execute(select(report_requests.c.requester_id).where(
            report_requests.c.request_id == request_id
        )).scalar_one()


def test_a_future_transfer_changes_nothing_until_its_london_date(
    clocked: tuple[Hub, ShiftedClock],
) -> None:
    hub, clock = clocked
    handle(hub, directory.POLICE_AREA, LEICS, dcmd.TransferGovernance(
        area_id=LEICS, to_organisation_id=MAYOR_ID, kind="mayor", on_date=TRANSFER_ON,
    ), SYSTEM)
    react(hub)

    # The sitting PCC keeps every power; the successor has none yet.
    assert _holder(hub) == OPCC_ID
    asked = handlers.require_report(hub, staff(OPCC_ID), csp_id="safer-leicester",
                                    kind="informal", title="Night-time economy", matters="ASB")
    with pytest.raises(NotPolicingBody):
        handlers.require_report(hub, staff(MAYOR_ID), csp_id="safer-leicester",
                                kind="informal", title="Too early", matters="ASB")
    assert _requester(hub, asked.id) == OPCC_ID
    # The coming term is recorded, for the area's page to show.
    with hub.engine.connect() as conn:
        coming = conn.execute(select(terms).where(
            (terms.c.area_id == LEICS) & (terms.c.starts_on == TRANSFER_ON)
        )).one()
    assert coming.organisation_id == MAYOR_ID

    # The switch is scheduled for the start of 8 May in London; Redis losing it, a worker
    # starting re-arms it.
    job_id = governance.switch_job_id(LEICS, TRANSFER_ON)
    assert job_id in scheduled(hub)
    unschedule(hub, job_id)
    assert governance.resume_governance(hub) == 1
    assert governance.resume_governance(hub) == 0, "a job still armed is left as it is"

    # An hour before the London date, the job puts itself back and nothing changes.
    clock.set(datetime(2028, 5, 7, 22, 0, tzinfo=UTC))
    assert governance.bring_into_effect(LEICS, TRANSFER_ON.isoformat()) is False
    assert _holder(hub) == OPCC_ID

    clock.set(LONDON_MIDNIGHT)
    assert governance.bring_into_effect(LEICS, TRANSFER_ON.isoformat()) is True
    assert governance.bring_into_effect(LEICS, TRANSFER_ON.isoformat()) is True
    assert _holder(hub) == MAYOR_ID
    assert _requester(hub, asked.id) == MAYOR_ID
    with pytest.raises(NotPolicingBody):
        handlers.require_report(hub, staff(OPCC_ID), csp_id="safer-leicester",
                                kind="informal", title="Too late", matters="ASB")
    took = [e for e in hub.store.read_stream(StreamRef.of("police_area", LEICS).id)
            if e.type == "police_area.governance_took_effect"]
    assert len(took) == 1, "the switch happens once however often the job runs"
    # Nothing is pending any more: a worker starting arms nothing.
    assert governance.resume_governance(hub) == 0
