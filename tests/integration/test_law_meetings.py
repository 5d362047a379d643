"""Reg 14A is a commissioner's power, and states its purpose; a voluntary meeting is any
workspace member's to convene and keep: through the handlers on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hub.access.policy import SYSTEM, Actor
from hub.bootstrap import Hub
from hub.domain import directory
from hub.domain.errors import DomainError
from hub.handlers import meetings as h
from hub.projections.meetings import get_meeting
from hub.service import handle
from schemas.commands import directory as dcmd
from schemas.events.meetings import REG_14A_PURPOSE
from tests.conftest import DemoCopy, HubFactory

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
START = datetime(2027, 1, 14, 10, 0)
LEICS, BOARD = "leicestershire", "leicestershire-rutland-strategy-board"
COUNTY = "leicestershire-county-council"


def actor(organisation_id: str, area: str) -> Actor:
    return Actor(user_id=f"u-{organisation_id}", organisation_id=organisation_id,
                 area_ids=frozenset({area}))


@pytest.fixture
def demo(make_hub: HubFactory, demo_copy: DemoCopy) -> Hub:
    hub = make_hub(database_url=demo_copy(records=False, at=NOW))
    hub.clock = lambda: NOW
    return hub


def convene(hub: Hub, who: Actor, kind: str, invitee: str, **extra: Any) -> str:
    return h.convene_meeting(
        hub, who, kind=kind, title="Serious violence: the joint needs assessment",
        purpose="Agree the needs assessment", starts_local=START,
        ends_local=START + timedelta(hours=2), place="Guildhall",
        invitations=[{"organisation_id": invitee, "required": False}], **extra,
    ).id


def code_of(call: Callable[[], object]) -> tuple[str, int]:
    with pytest.raises(DomainError) as raised:
        call()
    return raised.value.code, raised.value.status


def test_the_city_of_london_and_mopac_cannot_require_attendance_under_reg_14a(
    demo: Hub,
) -> None:
    # An invitee is an organisation of the convenor's area: each force, here.
    for force, area in (("city-of-london-police", "city-of-london"),
                        ("metropolitan-police", "metropolitan")):
        handle(demo, directory.ORGANISATION, force, dcmd.RegisterOrganisation(
            organisation_id=force, name=force, kind="police_force", area_ids=[area],
            country="england"), SYSTEM)
    city = actor("city-of-london-opcc", "city-of-london")
    assert code_of(lambda: convene(demo, city, "reg_14a", "city-of-london-police")) == (
        "meeting.no_reg14a_power", 403)
    assert convene(demo, city, "voluntary", "city-of-london-police")

    mopac = actor("metropolitan-opcc", "metropolitan")
    assert code_of(lambda: convene(demo, mopac, "reg_14a", "metropolitan-police")) == (
        "meeting.no_reg14a_power", 403)
    handle(demo, directory.POLICE_AREA, "metropolitan", dcmd.RecordReg14aPower(
        area_id="metropolitan", applies=True), SYSTEM)
    meeting_id = convene(demo, mopac, "reg_14a", "metropolitan-police")
    assert get_meeting(demo.engine, SYSTEM, meeting_id)["statutory_purpose"] == REG_14A_PURPOSE


def test_a_board_pending_legislation_convenes_no_reg_14a_meeting_until_it_commences(
    demo: Hub,
) -> None:
    board = "leicestershire-police-and-crime-board"
    handle(demo, directory.ORGANISATION, board, dcmd.RegisterOrganisation(
        organisation_id=board, name="Leicestershire Police and Crime Board",
        kind="policing_body_office", area_ids=[LEICS], country="england",
    ), SYSTEM)
    handle(demo, directory.POLICE_AREA, LEICS, dcmd.TransferGovernance(
        area_id=LEICS, to_organisation_id=board, kind="police_and_crime_board",
        on_date=NOW.date(),
    ), SYSTEM)
    staff = actor(board, LEICS)
    assert code_of(lambda: convene(demo, staff, "reg_14a", "llr-icb")) == (
        "meeting.no_reg14a_power", 403)
    handle(demo, directory.POLICE_AREA, LEICS, dcmd.RecordCommencement(
        area_id=LEICS, on_date=NOW.date()), SYSTEM)
    assert convene(demo, staff, "reg_14a", "llr-icb")


def test_every_reg_14a_meeting_states_its_statutory_purpose(demo: Hub) -> None:
    office = actor("leicestershire-opcc", LEICS)
    formal = convene(demo, office, "reg_14a", "llr-icb")
    voluntary = convene(demo, office, "voluntary", "llr-icb")
    assert get_meeting(demo.engine, SYSTEM, formal)["statutory_purpose"] == REG_14A_PURPOSE
    assert get_meeting(demo.engine, SYSTEM, voluntary)["statutory_purpose"] is None


def test_a_workspace_member_convenes_a_voluntary_meeting_and_keeps_it(demo: Hub) -> None:
    county, office = actor(COUNTY, LEICS), actor("leicestershire-opcc", LEICS)
    meeting_id = convene(demo, county, "voluntary", "llr-icb", workspace_id=BOARD)
    row = get_meeting(demo.engine, SYSTEM, meeting_id)
    assert (row["convenor_id"], row["area_id"], row["workspace_id"]) == (COUNTY, LEICS, BOARD)
    assert code_of(lambda: convene(demo, county, "reg_14a", "llr-icb", workspace_id=BOARD)) == (
        "meeting.not_policing_body", 403)
    # Not a member of that workspace: it is answered as one that does not exist.
    assert code_of(lambda: convene(
        demo, county, "voluntary", "llr-icb", workspace_id="csp-safer-leicester",
    )) == ("record.not_found", 404)
    # The member keeps its meeting; the office has no say over it.
    assert code_of(lambda: h.cancel_meeting(demo, office, meeting_id, reason="No")) == (
        "access.not_permitted", 403)
    h.cancel_meeting(demo, county, meeting_id, reason="Moved to the spring")
    assert get_meeting(demo.engine, SYSTEM, meeting_id)["status"] == "cancelled"


def test_the_operator_records_the_statutory_standing_from_the_command_line(
    demo_hub: Hub, demo_database_url: str, redis_url: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from sqlalchemy import select

    from hub.cli import main
    from hub.projections.directory import areas

    monkeypatch.setenv("DATABASE_URL", demo_database_url)
    monkeypatch.setenv("REDIS_URL", redis_url)
    assert main(["record-reg14a-power", "metropolitan", "--applies", "yes"]) == 0
    assert "metropolitan: recorded" in capsys.readouterr().out
    # Only a Police and Crime Board has a commencement to record.
    assert main(["record-commencement", "leicestershire", "--on", "2028-05-08"]) == 1
    assert "only for a Police and Crime Board (record.invalid)" in capsys.readouterr().err
    with demo_hub.engine.connect() as conn:
        met = conn.execute(select(areas).where(areas.c.area_id == "metropolitan")).one()
    assert met.reg14a_recorded and met.commenced_on is None
