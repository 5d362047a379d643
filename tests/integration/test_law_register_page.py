"""The area's s.10 register page: a coming transfer of governance, a body outside s.10, and
the regard note said to be good practice, not law."""

from __future__ import annotations

from datetime import date

from hub.access.policy import SYSTEM
from hub.bootstrap import Hub
from hub.domain import directory
from hub.domain.reports import london_date
from hub.service import handle
from schemas.commands import directory as dcmd
from tests.web import signed_in

LEICS, OFFICE_USER = "leicestershire", "opcc@leicestershire.example.org"
PAGE = "/areas/leicestershire/duty-register"


def _successor(hub: Hub, organisation_id: str, name: str) -> None:
    handle(hub, directory.ORGANISATION, organisation_id, dcmd.RegisterOrganisation(
        organisation_id=organisation_id, name=name, kind="policing_body_office",
        area_ids=[LEICS], country="england",
    ), SYSTEM)


def test_the_register_shows_a_coming_transfer_and_the_sitting_body_keeps_its_gaps(
    demo_hub: Hub,
) -> None:
    _successor(demo_hub, "leicestershire-mayor", "Office of the Mayor of Leicestershire")
    handle(demo_hub, directory.POLICE_AREA, LEICS, dcmd.TransferGovernance(
        area_id=LEICS, to_organisation_id="leicestershire-mayor", kind="mayor",
        on_date=date(2028, 5, 8),
    ), SYSTEM)
    page = signed_in(demo_hub, OFFICE_USER).get(PAGE).text
    assert 'id="coming-transfer"' in page
    assert "From 8 May 2028 the area's police and crime functions pass to Office of the Mayor " \
           "of Leicestershire" in page
    assert 'id="gap-count"' in page and 'id="outside-s10"' not in page
    assert "a written note per priority is good practice that makes the regard visible" in page


def test_a_body_holding_no_s10_duty_shows_outside_s10_and_no_gaps(demo_hub: Hub) -> None:
    _successor(demo_hub, "leicestershire-board", "Leicestershire Police and Crime Board")
    handle(demo_hub, directory.POLICE_AREA, LEICS, dcmd.TransferGovernance(
        area_id=LEICS, to_organisation_id="leicestershire-board",
        kind="police_and_crime_board", on_date=london_date(demo_hub.clock()),
    ), SYSTEM)
    page = signed_in(demo_hub, OFFICE_USER).get(PAGE).text
    assert 'id="outside-s10"' in page and 'id="gap-count"' not in page
    assert "no statutory powers until the law that creates it commences" in page
